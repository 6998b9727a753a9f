import { readNewBlindingKey, rotateBlindingKey } from '../../src/cli/key-rotate.command';
import { openMaintenanceDatabase } from '../../src/cli/maintenance-database';
import { loadAppConfigFromEnvironment } from '../../src/config/app-config';
import { resolveBlindingKey } from '../../src/crypto/key-material';

/**
 * A `key rotate` that stops half-way, for the SIGKILL test: it re-seals `stopAfter` slots inside
 * the rotation transaction, says HALFWAY on standard output and waits there, uncommitted, for the
 * test to kill it. Usage: rotate-then-hang.ts <new key file> <stopAfter>; the environment is the
 * server's (DATA_DIR, BLINDING_KEY...).
 */
async function main(): Promise<void> {
  const [newKeyFile, stopAfter] = process.argv.slice(2);
  const config = loadAppConfigFromEnvironment();
  const database = await openMaintenanceDatabase(config);
  await rotateBlindingKey(database, {
    currentKey: resolveBlindingKey(config.blindingKey).value,
    newKey: readNewBlindingKey(newKeyFile),
    reason: 'interrupted on purpose',
    onProgress: (progress) => {
      if (progress.slots < Number(stopAfter)) return Promise.resolve();
      process.stdout.write('HALFWAY\n');
      // An open timer keeps the process (and its transaction) alive until the SIGKILL.
      return new Promise<void>(() => setInterval(() => undefined, 60_000));
    },
  });
  process.stdout.write('COMMITTED\n');
}

void main();
