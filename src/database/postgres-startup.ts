import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { AppConfig, PostgresConfig } from '../config/app-config';
import { POSTGRES_CONNECT_TIMEOUT_MS } from './data-source-options';
import {
  DatabaseFileRefused,
  installationMarkerPath,
  readInstallationMarker,
} from './installation-marker';
import { STARTUP_LOCK } from './postgres-locks';

/** PostgreSQL 15 is the oldest server this service is written and tested for (SPEC section 5). */
export const MIN_POSTGRES_VERSION_NUM = 150000;

/** How long a start waits for another process's start (migrations, set-up) before it gives up. */
export const STARTUP_LOCK_TIMEOUT_MS = 120_000;

/**
 * The major version a `SHOW server_version_num` answer stands for, as PostgreSQL names it:
 * `140011` is 14, `90624` (before 10 the major had two parts) is 9.6; undefined if unreadable.
 */
export function postgresMajorVersion(serverVersionNum: string | undefined): string | undefined {
  if (serverVersionNum === undefined || !/^\d{5,6}$/.test(serverVersionNum)) return undefined;
  const number = Number(serverVersionNum);
  const major = Math.floor(number / 10000);
  return number >= 100000 ? String(major) : `${major}.${Math.floor(number / 100) % 100}`;
}

/**
 * Why a server of this `server_version_num` is refused (older than 15, or an answer that is not a
 * version), naming what it runs; undefined when it will do. `where` names the server.
 */
export function postgresVersionRefusal(
  serverVersionNum: string | undefined,
  where: string,
): string | undefined {
  const major = postgresMajorVersion(serverVersionNum);
  if (major === undefined) {
    return `DATABASE_URL: ${where} answered server_version_num ${JSON.stringify(serverVersionNum ?? null)}, which is not a PostgreSQL version; this service needs 15 or later`;
  }
  if (Number(serverVersionNum) >= MIN_POSTGRES_VERSION_NUM) return undefined;
  return `DATABASE_URL: ${where} runs PostgreSQL ${major} (server_version_num ${serverVersionNum}); this service needs 15 or later`;
}

/** The connection this start holds: release() once the start-up checks are done. */
export interface PostgresStart {
  release(): Promise<void>;
}

/** A driver message with the password taken out, in case a driver or server ever echoes it. */
export function withoutPassword(text: string, postgres: PostgresConfig): string {
  let password = '';
  try {
    password = new URL(postgres.url).password;
  } catch {
    return text;
  }
  if (password === '') return text;
  let result = text;
  for (const form of new Set([password, decodeURIComponent(password)])) {
    result = result.split(form).join('***');
  }
  return result;
}

function causeOf(error: unknown, postgres: PostgresConfig): string {
  const record = error as { code?: unknown; message?: unknown };
  const message = typeof record.message === 'string' ? record.message : String(error);
  const code =
    typeof record.code === 'string' && !message.includes(record.code) ? ` (${record.code})` : '';
  return withoutPassword(`${message}${code}`, postgres);
}

/**
 * The PostgreSQL counterpart of the SQLite file checks, run before the server opens its pool:
 * the server answers at all (a bad host, port, user, password or database name stops the start
 * naming DATABASE_URL and the host, never the password), runs PostgreSQL 15 or later, and, when
 * DATA_DIR's installation marker records a trial, still holds that trial (a dropped or freshly
 * created database is refused before migrations would create an empty schema in it).
 *
 * It then holds an advisory lock until release(): server processes starting together on one
 * database run the migrations and the first set-up one after the other (TypeORM's migration
 * run takes no lock of its own, and two would both try to create the same tables).
 */
export async function preparePostgresStart(
  config: AppConfig,
  logger = new Logger('Startup'),
): Promise<PostgresStart> {
  const postgres = config.postgres;
  if (!postgres) throw new Error('preparePostgresStart() needs DATABASE_URL');
  const where = `the PostgreSQL server at ${postgres.host}:${postgres.port} (database "${postgres.database}"${postgres.user ? `, user "${postgres.user}"` : ''})`;
  const client = new Client({
    connectionString: postgres.url,
    connectionTimeoutMillis: POSTGRES_CONNECT_TIMEOUT_MS,
    application_name: 'trial-blinding-service start',
  });
  // A connection lost later is reported by the query that needed it, not as an unhandled event.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new DatabaseFileRefused(
      `DATABASE_URL: cannot connect to ${where}: ${causeOf(error, postgres)}. Nothing was started. ` +
        'Check that the server runs and accepts connections from this machine, and the user, ' +
        'password and database name in DATABASE_URL.',
    );
  }
  try {
    const version = await client.query<{ server_version_num: string }>('SHOW server_version_num');
    const serverVersionNum = version.rows[0]?.server_version_num;
    const refusal = postgresVersionRefusal(serverVersionNum, where);
    if (refusal !== undefined) throw new DatabaseFileRefused(refusal);
    await client.query(`SET lock_timeout = ${STARTUP_LOCK_TIMEOUT_MS}`);
    try {
      await client.query('SELECT pg_advisory_lock($1, $2)', [...STARTUP_LOCK]);
    } catch (error) {
      throw new DatabaseFileRefused(
        `DATABASE_URL: another server process has been starting on ${where} for over ` +
          `${STARTUP_LOCK_TIMEOUT_MS / 1000} s (${causeOf(error, postgres)}); start again once it is up`,
      );
    }
    await refuseLostTrial(client, config, postgres);
    logger.log(
      `Database ${postgres.display}: PostgreSQL ${postgresMajorVersion(serverVersionNum)}, pool of ${postgres.poolSize}`,
    );
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      // Ending the session releases its advisory lock too.
      await client.end().catch(() => undefined);
    },
  };
}

/** With the marker present, a database without the trial's record is refused, as on SQLite. */
async function refuseLostTrial(
  client: Client,
  config: AppConfig,
  postgres: PostgresConfig,
): Promise<void> {
  const markerPath = installationMarkerPath(config.dataDir);
  const marker = readInstallationMarker(markerPath);
  if (!marker) return;
  const schema = await client.query<{ present: boolean }>(
    "SELECT to_regclass('trials') IS NOT NULL AS present",
  );
  const hasSchema = schema.rows[0]?.present === true;
  if (hasSchema) {
    const trials = await client.query<{ n: string }>('SELECT count(*) AS n FROM trials');
    if (Number(trials.rows[0]?.n) > 0) return;
  }
  throw new DatabaseFileRefused(
    `The database ${postgres.display} ${hasSchema ? 'holds no trial' : 'has no schema'}, but ${markerPath} ` +
      `records that trial ${marker.protocolId} was set up here on ${marker.createdAt} ` +
      `(installation ${marker.installationId}, database ${marker.databasePath}). Nothing was created. ` +
      'Restore the database from its latest backup (pg_restore, docs/operations.md), or point ' +
      'DATABASE_URL at it. To set up a new trial on purpose, move this data directory aside first.',
  );
}
