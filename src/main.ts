import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { loadAppConfigFromEnvironment } from './config/app-config';

async function main(): Promise<void> {
  const config = loadAppConfigFromEnvironment();
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  new Logger('Startup').log(
    `Serving trial from ${config.trialConfigPath}: web interface at http://localhost:${config.port}/, API at /api (OpenAPI at /api/docs)`,
  );
}

main().catch((error: unknown) => {
  // A bad configuration or trial file stops the start with a message that names it.
  new Logger('Startup').error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
