import { INestApplication, Logger, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { AppModule } from './app.module';
import { AppConfig, LogLevel as ConfigLogLevel, MAIL_TO_VARIABLE } from './config/app-config';
import { MailAudience } from './config/mail-address';
import { HeadJournalService } from './audit/head-journal.service';
import { KeyCheckService } from './crypto/key-check.service';
import { checkDatabaseFileBeforeOpen, checkTrainingMarker } from './database/installation-marker';
import { preparePostgresStart } from './database/postgres-startup';
import { quickCheckDatabase } from './database/quick-check';
import { ERROR_CODES } from './common/domain-errors';
import { BEARER_SCHEME, withDocumentConventions } from './common/openapi';
import { TrialDefinition } from './config/trial-definition';
import { hideBodyParseDetails } from './common/http-exception.filter';
import { refuseNulCharacters } from './common/nul-characters';
import { jsonBodiesOnly } from './common/request-body';
import { requestIdMiddleware } from './common/request-context';
import { withoutBodyDerivedHeaders } from './common/response-headers';
import { NotificationWorker } from './notifications/notification-worker';
import { accessLogMiddleware } from './observability/access-log';
import { JsonLogger } from './observability/json-logger';
import { RandomizationService } from './randomization/randomization.service';
import { AppRuntime, resolveRuntime } from './runtime';
import { serveWebInterface, WEB_CONTENT_SECURITY_POLICY } from './web-interface/web-interface';
import { TrialSetupService } from './trial/trial-setup.service';
import { AdminBootstrapService } from './users/admin-bootstrap.service';
import { markTrainingResponses } from './training/training-header';

export const API_PREFIX = 'api';
export const JSON_BODY_LIMIT = '64kb';

/** Said at every start without a channel, so the gap is seen before an emergency, not during. */
export const NO_NOTIFICATION_CHANNEL =
  'No notification channel is configured (neither NOTIFICATION_WEBHOOK_URL nor SMTP_URL with ' +
  'sponsor recipients): an emergency unblinding would notify no one. Set one of them for the sponsor.';

/** The email notices that would reach no one, said at start (the sponsor's is covered above). */
export function unaddressedEmailWarnings(
  config: AppConfig,
  recipients: Record<MailAudience, string[]>,
): string[] {
  if (!config.notifications.mail) {
    // MAIL_TO_* without SMTP_URL stops the start; the trial file's lists may serve several sites.
    return Object.values(recipients).some((list) => list.length > 0)
      ? ['The trial file names mailRecipients but SMTP_URL is not set: no email notice is sent.']
      : [];
  }
  return (['investigators', 'admins'] as const)
    .filter((audience) => recipients[audience].length === 0)
    .map(
      (audience) =>
        `Email is configured but no ${audience} recipients are (${MAIL_TO_VARIABLE[audience]} or the ` +
        `trial file's mailRecipients.${audience}): ${audience === 'admins' ? 'a list integrity failure' : 'allocation confirmations'} will not be emailed.`,
    );
}

const LEVELS: ConfigLogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

function logLevelsUpTo(level: ConfigLogLevel): LogLevel[] {
  return LEVELS.slice(0, LEVELS.indexOf(level) + 1);
}

/** LOG_FORMAT=json: one JSON object per line; text: Nest's own lines. */
function loggerOf(config: AppConfig): LoggerService | LogLevel[] {
  const levels = logLevelsUpTo(config.logLevel);
  return config.logFormat === 'json' ? new JsonLogger(levels) : levels;
}

/**
 * Builds the whole server from a validated configuration: the same path for `npm start`, the
 * tests and the benchmarks. Start-up checks run in a fixed order before the first request.
 */
export async function createApp(config: AppConfig): Promise<NestExpressApplication> {
  Logger.overrideLogger(loggerOf(config));
  const logger = new Logger('Startup');
  // Before a key is generated into it: a practice directory is never a clinical one.
  checkTrainingMarker(config.dataDir, config.training);
  const runtime = resolveRuntime(config, logger);
  // SQLite: the file checks. PostgreSQL: the server, its version and the trial it must hold,
  // then a lock that lets one process at a time run migrations and set-up.
  const postgresStart = config.postgres ? await preparePostgresStart(config, logger) : undefined;
  try {
    if (!config.postgres) {
      checkDatabaseFileBeforeOpen(config.dataDir, config.databasePath);
      quickCheckDatabase(config.databasePath, logger);
    }
    return await startApp(config, runtime, logger);
  } finally {
    await postgresStart?.release();
  }
}

async function startApp(
  config: AppConfig,
  runtime: AppRuntime,
  logger: Logger,
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(runtime), {
    logger: loggerOf(config),
    bodyParser: false,
  });
  app.use(requestIdMiddleware({ logLinesCarryId: config.logFormat === 'json' }));
  app.use(accessLogMiddleware);
  if (config.training) app.use(markTrainingResponses);
  app.use(withoutBodyDerivedHeaders);
  app.use(helmet({ contentSecurityPolicy: WEB_CONTENT_SECURITY_POLICY }));
  app.use(jsonBodiesOnly);
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT, strict: true });
  app.use(hideBodyParseDetails);
  app.use(refuseNulCharacters);
  app.setGlobalPrefix(API_PREFIX);
  serveWebInterface(app);
  // Behind a load balancer, the client's address (audit, throttling) comes from X-Forwarded-For.
  app.set('trust proxy', config.trustProxyHops);
  // Express's default weak ETag is a hash of the body (see common/response-headers.ts).
  app.set('etag', false);
  app.enableShutdownHooks();
  SwaggerModule.setup(`${API_PREFIX}/docs`, app, () => buildOpenApiDocument(app, runtime.trial));

  await app.init();
  // Before anything writes: a database that lost its tail must not grow a new one over it.
  await app.get(HeadJournalService).checkAtStart();
  // Whose database this is comes first: a swapped database is named as such, not as a key error.
  await app.get(TrialSetupService).ensureTrialRecord();
  await app.get(KeyCheckService).verifyOrRecord();
  await app.get(RandomizationService).checkStoredListAtStart();
  await app.get(AdminBootstrapService).createAdminIfNoUsers();
  app.get(NotificationWorker).start();
  const sponsorEmailed = config.notifications.mail && runtime.mailRecipients.sponsor.length > 0;
  if (!config.notifications.webhookUrl && !sponsorEmailed) logger.warn(NO_NOTIFICATION_CHANNEL);
  for (const warning of unaddressedEmailWarnings(config, runtime.mailRecipients))
    logger.warn(warning);
  await app.get(HeadJournalService).start();
  return app;
}

/**
 * The document served at /api/docs-json. Exported so that `npm run api-types` builds it from an
 * initialised app without listening on a port; it holds no time or random value, so the same code
 * gives the same document (the web interface's types are generated from it).
 */
export function buildOpenApiDocument(app: INestApplication, trial: TrialDefinition): OpenAPIObject {
  return withDocumentConventions(
    withErrorBodies(SwaggerModule.createDocument(app, openApiConfig(trial.protocolId))),
    trial.allocation.targets.map((target) => target.id),
  );
}

const TAGS: [name: string, description: string][] = [
  ['health', 'Liveness, readiness and Prometheus metrics'],
  ['auth', 'Sign-in, session refresh and sign-out'],
  ['users', 'User accounts and roles (admin)'],
  ['trial', 'The trial design, its blinded progress and the study lock'],
  ['randomization list', 'The sealed list: generation, design simulation, final export'],
  ['participants', 'Registration and the blinded participant table'],
  ['allocation', 'Allocation and the preparation sheet (pharmacist)'],
  [
    'downtime envelopes',
    'Envelopes for allocation while the service is down: issue, print, offline allocation',
  ],
  ['unblinding', 'Emergency unblinding, its review and the blinding register'],
  ['blinding assessment', 'Guesses of the allocation, and Bang’s blinding index after lock'],
  ['audit log', 'The chained audit log: export, verification, signed checkpoints'],
];

function openApiConfig(protocolId: string) {
  const builder = new DocumentBuilder()
    .setTitle('Trial randomization and blinding service')
    .setDescription(
      `Randomization, sealed allocation, emergency unblinding and a chained audit log for ${protocolId}. ` +
        'Each operation lists the roles it is granted to under x-roles.',
    )
    .setVersion('1')
    .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
    // Relative: the document is right for whichever host and port serve it.
    .addServer('/', 'This server')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          'The accessToken of POST /api/auth/login or /api/auth/refresh: a JWS signed with HS256 ' +
          'only (no other alg accepted), short-lived, revocable by logout, following the JWT best ' +
          'practices of RFC8725.',
      },
      BEARER_SCHEME,
    );
  for (const [name, description] of TAGS) builder.addTag(name, description);
  return builder.build();
}

/**
 * Every refusal has one body, `{statusCode, error, code, message}`; the document lists the codes
 * (SPEC section 4) once, as the `ErrorBody` schema, and each operation's 4XX and 503 answers
 * point to it, so a client can show its own words for each code.
 */
function withErrorBodies(document: OpenAPIObject): OpenAPIObject {
  const codes = Object.keys(ERROR_CODES);
  document.components = {
    ...document.components,
    schemas: {
      ...document.components?.schemas,
      ErrorBody: {
        type: 'object',
        required: ['statusCode', 'error', 'code', 'message'],
        properties: {
          statusCode: { type: 'integer', example: 409 },
          error: { type: 'string', example: 'Conflict' },
          code: {
            type: 'string',
            enum: codes,
            description: Object.entries(ERROR_CODES)
              .map(([code, meaning]) => `- \`${code}\`: ${meaning}`)
              .join('\n'),
          },
          message: { type: 'string', description: 'A sentence the user can act on' },
          requestId: {
            type: 'string',
            description: 'INTERNAL_ERROR only: the request id to quote to the administrator',
          },
        },
      },
    },
  };
  const errorBody = {
    content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
  };
  for (const path of Object.values(document.paths)) {
    for (const method of ['get', 'post', 'patch', 'put', 'delete', 'head'] as const) {
      const operation = path[method];
      if (!operation) continue;
      // A refusal that an operation names (401, 409...) has the same body as every other one.
      for (const [status, response] of Object.entries(operation.responses)) {
        if (/^[45]/.test(status) && response && !('$ref' in response) && !response.content)
          Object.assign(response, errorBody);
      }
      operation.responses['4XX'] ??= { description: 'Refused: see `code`', ...errorBody };
      operation.responses['503'] ??= {
        description: 'The database could not store the change; retry after Retry-After seconds',
        ...errorBody,
      };
      operation.responses['500'] ??= {
        description: 'An unexpected error (INTERNAL_ERROR); the message carries the request id',
        ...errorBody,
      };
    }
  }
  return document;
}
