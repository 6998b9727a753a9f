import { isAbsolute, join, resolve } from 'node:path';
import {
  MAIL_AUDIENCES,
  MailAudience,
  MailRecipientLists,
  mailSenderProblem,
  parseMailAddressList,
} from './mail-address';

/**
 * The environment, read once into a typed and validated object. Nothing else in the code reads
 * process.env: the server and the command line call loadAppConfig(process.env) at start.
 */

export type NodeEnv = 'development' | 'production' | 'test';
export type LogLevel = 'error' | 'warn' | 'log' | 'debug' | 'verbose';
/** text: Nest's readable lines; json: one JSON object per line, for a log collector. */
export type LogFormat = 'text' | 'json';

/** Where a secret comes from: given inline, read from a file, or generated into DATA_DIR. */
export type SecretSource =
  | { kind: 'inline'; value: string; variable: string }
  | { kind: 'file'; path: string; variable: string }
  | { kind: 'generated'; path: string; variable: string };

export interface LoginThrottleConfig {
  windowSeconds: number;
  maxFailuresPerAccount: number;
  maxFailuresPerAddress: number;
}

/** A PostgreSQL server selected by DATABASE_URL; nothing here holds the password but `url`. */
export interface PostgresConfig {
  /** The URL as given, password included: only for the driver, never for a message. */
  url: string;
  host: string;
  port: number;
  database: string;
  user: string;
  /** The URL without its password (and without query parameters), for messages and logs. */
  display: string;
  /** Connections of this process's pool (DATABASE_POOL_SIZE). */
  poolSize: number;
}

export interface AppConfig {
  nodeEnv: NodeEnv;
  port: number;
  host: string;
  /** Reverse proxies in front of the server whose X-Forwarded-For is trusted (0: none). */
  trustProxyHops: number;
  dataDir: string;
  /**
   * The SQLite file (or :memory:). With DATABASE_URL set it is the PostgreSQL URL without its
   * password, so that messages naming "the database" stay true and never show the password.
   */
  databasePath: string;
  /** Set when DATABASE_URL selects PostgreSQL; undefined means the embedded SQLite file. */
  postgres?: PostgresConfig;
  /** Signed audit heads, outside the database (ideally on another disk). */
  headJournalPath: string;
  trialConfigPath: string;
  blindingKey: SecretSource;
  jwtSecret: SecretSource;
  auditSigningKey: SecretSource;
  jwtExpiresInSeconds: number;
  /** Undefined: a random password is generated and printed once (never in production). */
  bootstrapAdminPassword?: string;
  logLevel: LogLevel;
  logFormat: LogFormat;
  /** A bearer token that may read GET /api/metrics only (a Prometheus scraper); none when unset. */
  metricsToken?: string;
  loginThrottle: LoginThrottleConfig;
  /** Anonymous refusals per address and minute written to the audit log; the rest are counted. */
  anonymousRefusalsPerMinute: number;
  notifications: NotificationConfig;
  /**
   * TRAINING=true: a practice instance for staff training, marked as such on every screen, sheet
   * and export, with its own data directory by default and a list an admin can reset.
   */
  training: boolean;
}

export interface NotificationConfig {
  /** Unblinding notices go to this URL as JSON POSTs; none are queued when unset. */
  webhookUrl?: string;
  pollIntervalMs: number;
  maxAttempts: number;
  /** The first retry waits this long; each later one twice as long as the one before. */
  retryBaseMs: number;
  /** Email notices by SMTP; none are queued when SMTP_URL is unset. */
  mail?: MailConfig;
}

export interface MailConfig {
  /** SMTP_URL as given, credentials included: only for the transport, never for a message. */
  smtpUrl: string;
  /** SMTP_URL without its credentials and query, for messages and logs. */
  smtpDisplay: string;
  /** MAIL_FROM: the sender of every notice. */
  from: string;
  /** MAIL_TO_SPONSOR, MAIL_TO_INVESTIGATORS, MAIL_TO_ADMINS; each replaces the trial file's list. */
  recipients: MailRecipientLists;
}

/** The environment variable that names each audience's addresses. */
export const MAIL_TO_VARIABLE: Record<MailAudience, string> = {
  sponsor: 'MAIL_TO_SPONSOR',
  investigators: 'MAIL_TO_INVESTIGATORS',
  admins: 'MAIL_TO_ADMINS',
};

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

export const MIN_PASSWORD_LENGTH = 12;
export const DEFAULT_TRIAL_CONFIG = 'config/trials/nct02286011.json';

type Env = Record<string, string | undefined>;

function read(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const text = read(env, name);
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return Number(text);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const text = read(env, name) ?? fallback;
  if (!(allowed as readonly string[]).includes(text)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${text}"`);
  }
  return text as T;
}

/** A true/false switch; anything else stops the start rather than guessing what was meant. */
function flag(env: Env, name: string): boolean {
  const text = read(env, name);
  if (text === undefined || text === 'false') return false;
  if (text === 'true') return true;
  throw new ConfigError(name, `must be true or false, got "${text}"`);
}

/** Where the data lives when DATA_DIR is not set: a practice instance never shares the real one. */
export const DEFAULT_DATA_DIR = './data';
export const DEFAULT_TRAINING_DATA_DIR = './data-training';

function absolute(path: string): string {
  return isAbsolute(path) ? path : resolve(process.cwd(), path);
}

/**
 * A secret given inline or as a file, or else generated into DATA_DIR. In production nothing is
 * generated: a missing secret stops the start.
 */
function secret(
  env: Env,
  inlineName: string,
  fileName: string | undefined,
  generatedPath: string,
  production: boolean,
  validateInline: (value: string) => string | undefined,
): SecretSource {
  const inline = read(env, inlineName);
  const file = fileName ? read(env, fileName) : undefined;
  if (inline !== undefined && file !== undefined) {
    throw new ConfigError(inlineName, `and ${fileName} are both set; set only one`);
  }
  if (inline !== undefined) {
    const problem = validateInline(inline);
    if (problem) throw new ConfigError(inlineName, problem);
    return { kind: 'inline', value: inline, variable: inlineName };
  }
  if (file !== undefined && fileName) {
    return { kind: 'file', path: absolute(file), variable: fileName };
  }
  if (production) {
    const either = fileName ? `or ${fileName} ` : '';
    throw new ConfigError(inlineName, `${either}must be set in production (NODE_ENV=production)`);
  }
  return { kind: 'generated', path: generatedPath, variable: inlineName };
}

export function validateBlindingKey(base64: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64.trim())) return 'must be base64';
  const bytes = Buffer.from(base64.trim(), 'base64');
  return bytes.length === 32 ? undefined : `must decode to 32 bytes, got ${bytes.length}`;
}

const POSTGRES_URL_SHAPE = 'postgres://user:password@host:5432/database';

/**
 * DATABASE_URL, checked before any connection: scheme, host and database name. A refusal names
 * the variable and, where it can be read, the host; never the URL itself, which may carry the
 * password.
 */
export function postgresConfigOf(url: string, poolSize: number): PostgresConfig {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError('DATABASE_URL', `is not a URL; expected ${POSTGRES_URL_SHAPE}`);
  }
  const host = decodeURIComponent(parsed.hostname);
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new ConfigError(
      'DATABASE_URL',
      `must start with postgres:// or postgresql:// (got ${parsed.protocol}//${host}); expected ${POSTGRES_URL_SHAPE}`,
    );
  }
  if (host === '') {
    throw new ConfigError('DATABASE_URL', `names no host; expected ${POSTGRES_URL_SHAPE}`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (database === '' || database.includes('/')) {
    throw new ConfigError(
      'DATABASE_URL',
      `names no database on host ${host}; expected ${POSTGRES_URL_SHAPE}`,
    );
  }
  const port = parsed.port === '' ? 5432 : Number(parsed.port);
  const user = decodeURIComponent(parsed.username);
  const shownHost = parsed.hostname.includes(':') ? `[${host}]` : parsed.hostname;
  return {
    url,
    host,
    port,
    database,
    user,
    display: `postgres://${user === '' ? '' : `${encodeURIComponent(user)}@`}${shownHost}:${port}/${encodeURIComponent(database)}`,
    poolSize,
  };
}

const SMTP_URL_SHAPE = 'smtp://user:password@host:587 or smtps://host:465';

/**
 * SMTP_URL, checked before any connection: scheme and host. A refusal never repeats the URL,
 * which may carry the relay's password.
 */
export function smtpDisplayOf(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError('SMTP_URL', `is not a URL; expected ${SMTP_URL_SHAPE}`);
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
    throw new ConfigError(
      'SMTP_URL',
      `must start with smtp:// or smtps:// (got ${parsed.protocol}//); expected ${SMTP_URL_SHAPE}`,
    );
  }
  if (parsed.hostname === '') {
    throw new ConfigError('SMTP_URL', `names no host; expected ${SMTP_URL_SHAPE}`);
  }
  return `${parsed.protocol}//${parsed.host}`;
}

function mailConfig(env: Env): MailConfig | undefined {
  const recipients: MailRecipientLists = {};
  for (const audience of MAIL_AUDIENCES) {
    const variable = MAIL_TO_VARIABLE[audience];
    const text = read(env, variable);
    if (text === undefined) continue;
    const list = parseMailAddressList(text);
    if ('problem' in list) throw new ConfigError(variable, list.problem);
    recipients[audience] = list.addresses;
  }
  const smtpUrl = read(env, 'SMTP_URL');
  const from = read(env, 'MAIL_FROM');
  if (smtpUrl === undefined) {
    // Addresses without a relay would queue nothing: said at start, not discovered in an emergency.
    const orphan = [
      ...(from === undefined ? [] : ['MAIL_FROM']),
      ...MAIL_AUDIENCES.filter((a) => recipients[a]).map((a) => MAIL_TO_VARIABLE[a]),
    ];
    if (orphan.length > 0) {
      throw new ConfigError('SMTP_URL', `must be set when ${orphan.join(', ')} is set`);
    }
    return undefined;
  }
  const smtpDisplay = smtpDisplayOf(smtpUrl);
  if (from === undefined) throw new ConfigError('MAIL_FROM', 'must be set when SMTP_URL is set');
  const fromProblem = mailSenderProblem(from);
  if (fromProblem) throw new ConfigError('MAIL_FROM', fromProblem);
  return { smtpUrl, smtpDisplay, from: from.trim(), recipients };
}

export const MIN_METRICS_TOKEN_LENGTH = 32;

/** METRICS_TOKEN is sent as `Authorization: Bearer <token>`: long, and one header token. */
export function validateMetricsToken(token: string): string | undefined {
  if (token.length < MIN_METRICS_TOKEN_LENGTH || token.length > 512)
    return `must have from ${MIN_METRICS_TOKEN_LENGTH} to 512 characters`;
  if (!/^[A-Za-z0-9._~+/=-]+$/.test(token))
    return 'may hold only letters, digits and . _ ~ + / = - (it is sent as a bearer token)';
  return undefined;
}

export function loadAppConfig(env: Env): AppConfig {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'production', 'test'], 'development');
  const production = nodeEnv === 'production';
  const training = flag(env, 'TRAINING');
  const dataDir = absolute(
    read(env, 'DATA_DIR') ?? (training ? DEFAULT_TRAINING_DATA_DIR : DEFAULT_DATA_DIR),
  );
  const databasePath = read(env, 'DATABASE_PATH');
  const databaseUrl = read(env, 'DATABASE_URL');
  if (databaseUrl !== undefined && databasePath !== undefined) {
    throw new ConfigError(
      'DATABASE_URL',
      'and DATABASE_PATH are both set; set DATABASE_URL for PostgreSQL or DATABASE_PATH for SQLite, not both',
    );
  }
  const poolSize = integer(env, 'DATABASE_POOL_SIZE', 10, 1, 1000);
  const postgres = databaseUrl === undefined ? undefined : postgresConfigOf(databaseUrl, poolSize);
  const bootstrapAdminPassword = read(env, 'BOOTSTRAP_ADMIN_PASSWORD');
  if (bootstrapAdminPassword !== undefined && bootstrapAdminPassword.length < MIN_PASSWORD_LENGTH) {
    throw new ConfigError(
      'BOOTSTRAP_ADMIN_PASSWORD',
      `must have at least ${MIN_PASSWORD_LENGTH} characters`,
    );
  }
  const metricsToken = read(env, 'METRICS_TOKEN');
  const metricsTokenProblem =
    metricsToken === undefined ? undefined : validateMetricsToken(metricsToken);
  if (metricsTokenProblem) throw new ConfigError('METRICS_TOKEN', metricsTokenProblem);
  const webhook = read(env, 'NOTIFICATION_WEBHOOK_URL');
  if (webhook !== undefined && !/^https?:\/\/[^\s]+$/.test(webhook)) {
    throw new ConfigError('NOTIFICATION_WEBHOOK_URL', 'must be an http(s) URL');
  }

  return {
    nodeEnv,
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: read(env, 'HOST') ?? '0.0.0.0',
    trustProxyHops: integer(env, 'TRUST_PROXY_HOPS', 0, 0, 10),
    dataDir,
    databasePath: postgres
      ? postgres.display
      : databasePath === undefined
        ? join(dataDir, 'trial.sqlite')
        : databasePath === ':memory:'
          ? databasePath
          : absolute(databasePath),
    ...(postgres ? { postgres } : {}),
    headJournalPath: absolute(read(env, 'HEAD_JOURNAL_PATH') ?? join(dataDir, 'audit-heads.jsonl')),
    trialConfigPath: absolute(read(env, 'TRIAL_CONFIG') ?? DEFAULT_TRIAL_CONFIG),
    blindingKey: secret(
      env,
      'BLINDING_KEY',
      'BLINDING_KEY_FILE',
      join(dataDir, 'blinding.key'),
      production,
      validateBlindingKey,
    ),
    jwtSecret: secret(env, 'JWT_SECRET', undefined, join(dataDir, 'jwt.secret'), production, (v) =>
      v.length >= 32 ? undefined : 'must have at least 32 characters',
    ),
    auditSigningKey: secret(
      env,
      'AUDIT_SIGNING_KEY',
      'AUDIT_SIGNING_KEY_FILE',
      join(dataDir, 'audit-signing.pem'),
      production,
      (v) => (v.includes('PRIVATE KEY') ? undefined : 'must be a PEM-encoded Ed25519 private key'),
    ),
    jwtExpiresInSeconds: integer(env, 'JWT_EXPIRES_IN', 900, 60, 86_400),
    bootstrapAdminPassword,
    logLevel: oneOf(env, 'LOG_LEVEL', ['error', 'warn', 'log', 'debug', 'verbose'], 'log'),
    logFormat: oneOf(env, 'LOG_FORMAT', ['text', 'json'], 'text'),
    ...(metricsToken === undefined ? {} : { metricsToken }),
    anonymousRefusalsPerMinute: integer(
      env,
      'AUDIT_ANONYMOUS_REFUSALS_PER_MINUTE',
      60,
      1,
      1_000_000,
    ),
    loginThrottle: {
      windowSeconds: integer(env, 'LOGIN_THROTTLE_WINDOW_SECONDS', 900, 1, 86_400),
      maxFailuresPerAccount: integer(env, 'LOGIN_MAX_FAILURES_PER_ACCOUNT', 5, 1, 1000),
      maxFailuresPerAddress: integer(env, 'LOGIN_MAX_FAILURES_PER_ADDRESS', 20, 1, 100_000),
    },
    notifications: {
      webhookUrl: webhook,
      pollIntervalMs: integer(env, 'NOTIFICATION_POLL_MS', 1000, 10, 3_600_000),
      maxAttempts: integer(env, 'NOTIFICATION_MAX_ATTEMPTS', 8, 1, 100),
      retryBaseMs: integer(env, 'NOTIFICATION_RETRY_BASE_MS', 2000, 1, 3_600_000),
      mail: mailConfig(env),
    },
    training,
  };
}

/** The server's and the command line's one read of the process environment. */
export function loadAppConfigFromEnvironment(): AppConfig {
  return loadAppConfig(process.env);
}

/**
 * The environment the command line hands on to the tools it runs (pg_dump, pg_restore): PATH,
 * HOME, locale and the like. Read here, like every other read of the process environment; the
 * command decides what of it a child gets (backup-postgres.ts drops DATABASE_URL and PG*).
 */
export function commandLineEnvironment(): Env {
  return { ...process.env };
}

/**
 * Whether the environment names an installation (DATA_DIR, DATABASE_PATH or DATABASE_URL) rather
 * than leaving the defaults: `npm run validate` reports a list commitment only from one it was
 * pointed at, never from whatever ./data happens to hold.
 */
export function installationNamedInEnvironment(env: Env = process.env): boolean {
  return ['DATA_DIR', 'DATABASE_PATH', 'DATABASE_URL'].some(
    (name) => read(env, name) !== undefined,
  );
}
