import { join, resolve } from 'node:path';
import { AppConfig, ConfigError, DEFAULT_TRIAL_CONFIG, loadAppConfig } from './app-config';

type Env = Record<string, string | undefined>;

/** 32 bytes, base64. */
const GOOD_KEY = Buffer.alloc(32, 7).toString('base64');
const GOOD_JWT_SECRET = 'j'.repeat(32);
const GOOD_SIGNING_KEY =
  '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----';
const PRODUCTION: Env = {
  NODE_ENV: 'production',
  BLINDING_KEY: GOOD_KEY,
  JWT_SECRET: GOOD_JWT_SECRET,
  AUDIT_SIGNING_KEY: GOOD_SIGNING_KEY,
};

function configError(env: Env): ConfigError {
  try {
    loadAppConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, but the configuration loaded');
}

describe(loadAppConfig.name, () => {
  describe('with an empty environment', () => {
    let config: AppConfig;
    beforeAll(() => {
      config = loadAppConfig({});
    });

    it('listens on port 3000 of every interface in development', () => {
      expect(config.nodeEnv).toBe('development');
      expect(config.port).toBe(3000);
      expect(config.host).toBe('0.0.0.0');
    });

    it('keeps its data in ./data, resolved to an absolute path, with the database inside', () => {
      expect(config.dataDir).toBe(resolve(process.cwd(), 'data'));
      expect(config.databasePath).toBe(join(config.dataDir, 'trial.sqlite'));
    });

    it('serves the NCT02286011 trial file by default', () => {
      expect(DEFAULT_TRIAL_CONFIG).toBe('config/trials/nct02286011.json');
      expect(config.trialConfigPath).toBe(resolve(process.cwd(), DEFAULT_TRIAL_CONFIG));
    });

    it('generates each secret into DATA_DIR', () => {
      expect(config.blindingKey).toEqual({
        kind: 'generated',
        path: join(config.dataDir, 'blinding.key'),
        variable: 'BLINDING_KEY',
      });
      expect(config.jwtSecret).toEqual({
        kind: 'generated',
        path: join(config.dataDir, 'jwt.secret'),
        variable: 'JWT_SECRET',
      });
      expect(config.auditSigningKey).toEqual({
        kind: 'generated',
        path: join(config.dataDir, 'audit-signing.pem'),
        variable: 'AUDIT_SIGNING_KEY',
      });
    });

    it('has 15-minute tokens, no bootstrap password, log level "log" and no webhook', () => {
      expect(config.jwtExpiresInSeconds).toBe(900);
      expect(config.bootstrapAdminPassword).toBeUndefined();
      expect(config.logLevel).toBe('log');
      expect(config.logFormat).toBe('text');
      expect(config.metricsToken).toBeUndefined();
      expect(config.notifications.webhookUrl).toBeUndefined();
    });
  });

  it('treats an empty variable as unset', () => {
    expect(loadAppConfig({ PORT: '', DATA_DIR: '', BLINDING_KEY: '' })).toEqual(loadAppConfig({}));
  });

  it('places generated secrets and the database in the DATA_DIR given', () => {
    const config = loadAppConfig({ DATA_DIR: '/srv/trial' });
    expect(config.dataDir).toBe('/srv/trial');
    expect(config.databasePath).toBe('/srv/trial/trial.sqlite');
    expect(config.blindingKey).toMatchObject({ path: '/srv/trial/blinding.key' });
    expect(config.headJournalPath).toBe('/srv/trial/audit-heads.jsonl');
  });

  it('puts the head journal where HEAD_JOURNAL_PATH says, e.g. on another disk', () => {
    const config = loadAppConfig({ DATA_DIR: '/srv/trial', HEAD_JOURNAL_PATH: '/mnt/log/heads' });
    expect(config.headJournalPath).toBe('/mnt/log/heads');
  });

  it('resolves a relative DATABASE_PATH and TRIAL_CONFIG and keeps :memory: as is', () => {
    const config = loadAppConfig({ DATABASE_PATH: 'db/x.sqlite', TRIAL_CONFIG: 'trials/y.json' });
    expect(config.databasePath).toBe(resolve(process.cwd(), 'db/x.sqlite'));
    expect(config.trialConfigPath).toBe(resolve(process.cwd(), 'trials/y.json'));
    expect(loadAppConfig({ DATABASE_PATH: ':memory:' }).databasePath).toBe(':memory:');
  });

  it('takes secrets inline or from a file, and names the variable each came from', () => {
    const config = loadAppConfig({
      BLINDING_KEY_FILE: 'keys/blinding.key',
      JWT_SECRET: GOOD_JWT_SECRET,
      AUDIT_SIGNING_KEY: GOOD_SIGNING_KEY,
    });
    expect(config.blindingKey).toEqual({
      kind: 'file',
      path: resolve(process.cwd(), 'keys/blinding.key'),
      variable: 'BLINDING_KEY_FILE',
    });
    expect(config.jwtSecret).toEqual({
      kind: 'inline',
      value: GOOD_JWT_SECRET,
      variable: 'JWT_SECRET',
    });
    expect(config.auditSigningKey).toMatchObject({ kind: 'inline', variable: 'AUDIT_SIGNING_KEY' });
  });

  it.each([
    ['PORT', '8080', (c: AppConfig) => c.port, 8080],
    ['PORT', '0', (c: AppConfig) => c.port, 0],
    ['NODE_ENV', 'test', (c: AppConfig) => c.nodeEnv, 'test'],
    ['LOG_LEVEL', 'verbose', (c: AppConfig) => c.logLevel, 'verbose'],
    ['LOG_FORMAT', 'json', (c: AppConfig) => c.logFormat, 'json'],
    ['LOG_FORMAT', 'text', (c: AppConfig) => c.logFormat, 'text'],
    ['METRICS_TOKEN', 'm'.repeat(32), (c: AppConfig) => c.metricsToken, 'm'.repeat(32)],
    ['JWT_EXPIRES_IN', '60', (c: AppConfig) => c.jwtExpiresInSeconds, 60],
    [
      'BOOTSTRAP_ADMIN_PASSWORD',
      'twelve-chars',
      (c: AppConfig) => c.bootstrapAdminPassword,
      'twelve-chars',
    ],
    [
      'NOTIFICATION_WEBHOOK_URL',
      'https://sponsor.example/hook',
      (c: AppConfig) => c.notifications.webhookUrl,
      'https://sponsor.example/hook',
    ],
  ])('accepts %s=%s', (variable, value, read, expected) => {
    expect(read(loadAppConfig({ [variable]: value }))).toBe(expected);
  });

  // Each row sets one bad value; the error must name the variable and say what is wrong.
  it.each<[string, Env, string, RegExp]>([
    [
      'a port that is not a number',
      { PORT: 'http' },
      'PORT',
      /integer from 0 to 65535, got "http"/,
    ],
    ['a port above 65535', { PORT: '65536' }, 'PORT', /integer from 0 to 65535/],
    ['a negative port', { PORT: '-1' }, 'PORT', /integer/],
    ['a fractional port', { PORT: '80.5' }, 'PORT', /integer/],
    [
      'an unknown NODE_ENV',
      { NODE_ENV: 'staging' },
      'NODE_ENV',
      /one of development, production, test, got "staging"/,
    ],
    [
      'an unknown LOG_LEVEL',
      { LOG_LEVEL: 'info' },
      'LOG_LEVEL',
      /one of error, warn, log, debug, verbose, got "info"/,
    ],
    [
      'an unknown LOG_FORMAT',
      { LOG_FORMAT: 'JSON' },
      'LOG_FORMAT',
      /one of text, json, got "JSON"/,
    ],
    [
      'a METRICS_TOKEN of 31 characters',
      { METRICS_TOKEN: 'm'.repeat(31) },
      'METRICS_TOKEN',
      /from 32 to 512 characters/,
    ],
    [
      'a METRICS_TOKEN with a space',
      { METRICS_TOKEN: `${'m'.repeat(32)} x` },
      'METRICS_TOKEN',
      /may hold only letters, digits/,
    ],
    [
      'a token lifetime under a minute',
      { JWT_EXPIRES_IN: '59' },
      'JWT_EXPIRES_IN',
      /integer from 60 to 86400/,
    ],
    [
      'a BLINDING_KEY that is not base64',
      { BLINDING_KEY: 'not base64!' },
      'BLINDING_KEY',
      /must be base64/,
    ],
    [
      'a base64url BLINDING_KEY',
      { BLINDING_KEY: Buffer.alloc(32, 251).toString('base64url') },
      'BLINDING_KEY',
      /must be base64/,
    ],
    [
      'a BLINDING_KEY of 16 bytes',
      { BLINDING_KEY: Buffer.alloc(16).toString('base64') },
      'BLINDING_KEY',
      /32 bytes, got 16/,
    ],
    [
      'a BLINDING_KEY of 33 bytes',
      { BLINDING_KEY: Buffer.alloc(33).toString('base64') },
      'BLINDING_KEY',
      /32 bytes, got 33/,
    ],
    [
      'both BLINDING_KEY and BLINDING_KEY_FILE',
      { BLINDING_KEY: GOOD_KEY, BLINDING_KEY_FILE: '/k' },
      'BLINDING_KEY',
      /and BLINDING_KEY_FILE are both set; set only one/,
    ],
    [
      'both AUDIT_SIGNING_KEY and AUDIT_SIGNING_KEY_FILE',
      { AUDIT_SIGNING_KEY: GOOD_SIGNING_KEY, AUDIT_SIGNING_KEY_FILE: '/k' },
      'AUDIT_SIGNING_KEY',
      /both set/,
    ],
    [
      'a JWT_SECRET of 31 characters',
      { JWT_SECRET: 'j'.repeat(31) },
      'JWT_SECRET',
      /at least 32 characters/,
    ],
    [
      'an AUDIT_SIGNING_KEY that is not a PEM private key',
      { AUDIT_SIGNING_KEY: 'secret' },
      'AUDIT_SIGNING_KEY',
      /PEM-encoded Ed25519 private key/,
    ],
    [
      'a BOOTSTRAP_ADMIN_PASSWORD of 11 characters',
      { BOOTSTRAP_ADMIN_PASSWORD: 'eleven-char' },
      'BOOTSTRAP_ADMIN_PASSWORD',
      /at least 12 characters/,
    ],
    [
      'a NOTIFICATION_WEBHOOK_URL that is not http(s)',
      { NOTIFICATION_WEBHOOK_URL: 'ftp://sponsor.example' },
      'NOTIFICATION_WEBHOOK_URL',
      /http\(s\) URL/,
    ],
    [
      'a NOTIFICATION_WEBHOOK_URL with a space',
      { NOTIFICATION_WEBHOOK_URL: 'https://a b' },
      'NOTIFICATION_WEBHOOK_URL',
      /http\(s\) URL/,
    ],
  ])('refuses %s, naming the variable', (_what, env, variable, problem) => {
    const error = configError(env);
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`Configuration: ${variable} `)).toBe(true);
    expect(error.message).toMatch(problem);
  });

  it('does not echo a refused secret in the message', () => {
    const short = 's3cr3t-but-too-short';
    expect(configError({ JWT_SECRET: short }).message).not.toContain(short);
    expect(configError({ BOOTSTRAP_ADMIN_PASSWORD: 'short-pass' }).message).not.toContain(
      'short-pass',
    );
    expect(configError({ METRICS_TOKEN: 'scrape-me-please' }).message).not.toContain(
      'scrape-me-please',
    );
  });

  describe('DATABASE_URL', () => {
    it('selects SQLite when unset', () => {
      expect(loadAppConfig({}).postgres).toBeUndefined();
    });

    it('selects PostgreSQL, and the database is named by the URL without its password', () => {
      const config = loadAppConfig({
        DATABASE_URL: 'postgres://trial:p%40ss-w0rd@db.hospital.example:6432/trial_prod',
        DATABASE_POOL_SIZE: '25',
      });
      expect(config.postgres).toEqual({
        url: 'postgres://trial:p%40ss-w0rd@db.hospital.example:6432/trial_prod',
        host: 'db.hospital.example',
        port: 6432,
        database: 'trial_prod',
        user: 'trial',
        display: 'postgres://trial@db.hospital.example:6432/trial_prod',
        poolSize: 25,
      });
      expect(config.databasePath).toBe('postgres://trial@db.hospital.example:6432/trial_prod');
    });

    it('takes postgresql:// too, port 5432 and a pool of 10 by default', () => {
      const config = loadAppConfig({ DATABASE_URL: 'postgresql://127.0.0.1/trial' });
      expect(config.postgres).toMatchObject({ host: '127.0.0.1', port: 5432, poolSize: 10 });
    });

    it.each([
      ['not a URL', 'secret-pw@db.example/trial', /is not a URL; expected postgres:\/\//],
      [
        'another scheme',
        'mysql://u:secret-pw@db.example/trial',
        /must start with postgres:\/\/.*db\.example/,
      ],
      [
        'no database',
        'postgres://u:secret-pw@db.example:5432/',
        /names no database on host db\.example/,
      ],
      ['no host', 'postgres://u:secret-pw@/trial', /names no host|is not a URL/],
    ])('refuses %s, naming the variable and never the password', (_what, url, problem) => {
      const error = configError({ DATABASE_URL: url });
      expect(error.variable).toBe('DATABASE_URL');
      expect(error.message).toMatch(problem);
      expect(error.message).not.toContain('secret-pw');
    });

    it('refuses DATABASE_URL beside DATABASE_PATH instead of picking one', () => {
      const error = configError({
        DATABASE_URL: 'postgres://db.example/trial',
        DATABASE_PATH: './trial.sqlite',
      });
      expect(error.message).toMatch(/DATABASE_URL and DATABASE_PATH are both set/);
    });

    it.each(['0', '1001', 'ten'])('refuses DATABASE_POOL_SIZE=%s', (size) => {
      expect(configError({ DATABASE_POOL_SIZE: size }).variable).toBe('DATABASE_POOL_SIZE');
    });
  });

  describe('in production', () => {
    it('starts with every secret set', () => {
      const config = loadAppConfig(PRODUCTION);
      expect(config.nodeEnv).toBe('production');
      expect(config.blindingKey).toEqual({
        kind: 'inline',
        value: GOOD_KEY,
        variable: 'BLINDING_KEY',
      });
      expect(config.jwtSecret.kind).toBe('inline');
      expect(config.auditSigningKey.kind).toBe('inline');
    });

    it('starts with secrets given as files', () => {
      const config = loadAppConfig({
        ...PRODUCTION,
        BLINDING_KEY: undefined,
        BLINDING_KEY_FILE: '/run/secrets/blinding.key',
        AUDIT_SIGNING_KEY: undefined,
        AUDIT_SIGNING_KEY_FILE: '/run/secrets/audit.pem',
      });
      expect(config.blindingKey).toMatchObject({ kind: 'file', variable: 'BLINDING_KEY_FILE' });
      expect(config.auditSigningKey).toMatchObject({
        kind: 'file',
        variable: 'AUDIT_SIGNING_KEY_FILE',
      });
    });

    it.each([
      [
        'BLINDING_KEY',
        'Configuration: BLINDING_KEY or BLINDING_KEY_FILE must be set in production (NODE_ENV=production)',
      ],
      ['JWT_SECRET', 'Configuration: JWT_SECRET must be set in production (NODE_ENV=production)'],
      [
        'AUDIT_SIGNING_KEY',
        'Configuration: AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE must be set in production (NODE_ENV=production)',
      ],
    ])('stops without %s, naming it, instead of generating one', (variable, message) => {
      const error = configError({ ...PRODUCTION, [variable]: undefined });
      expect(error.variable).toBe(variable);
      expect(error.message).toBe(message);
    });
  });
});

describe('TRAINING', () => {
  it('is off when unset or false, and the data stay in ./data', () => {
    expect(loadAppConfig({}).training).toBe(false);
    expect(loadAppConfig({ TRAINING: 'false' }).training).toBe(false);
    expect(loadAppConfig({ TRAINING: 'false' }).dataDir).toBe(resolve(process.cwd(), 'data'));
  });

  it('keeps a practice instance in ./data-training unless DATA_DIR says otherwise', () => {
    const config = loadAppConfig({ TRAINING: 'true' });
    expect(config.training).toBe(true);
    expect(config.dataDir).toBe(resolve(process.cwd(), 'data-training'));
    expect(config.databasePath).toBe(join(config.dataDir, 'trial.sqlite'));
    expect(loadAppConfig({ TRAINING: 'true', DATA_DIR: '/srv/practice' }).dataDir).toBe(
      '/srv/practice',
    );
  });

  it.each(['yes', '1', 'TRUE', 'on', ' true'])('stops on %p, naming TRAINING', (value) => {
    const error = configError({ TRAINING: value });
    expect(error.variable).toBe('TRAINING');
    expect(error.message).toBe(`Configuration: TRAINING must be true or false, got "${value}"`);
  });
});
