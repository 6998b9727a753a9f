import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'pg';
import { SELECT_STORED } from '../audit/audit-entries.repository';
import { AuditEntryEntity } from '../audit/audit-entry.entity';
import { ChainVerifier } from '../audit/audit-chain';
import { fromAuditRow } from '../audit/audit.service';
import { PostgresConfig } from '../config/app-config';

/**
 * The PostgreSQL side of `backup`: `pg_dump --format=custom` of the configured database into a
 * file the caller created, then the checks of the copy that make sense on a server database:
 * `pg_restore --list` reads the whole archive's table of contents, the dump is restored into a
 * scratch database on the same server (dropped afterwards), the audit chain of that copy is
 * verified from seq 1, and the copy's head must be an entry of the live chain (same seq, same
 * hash). The password goes to the children by PGPASSWORD only: never in argv, never printed.
 *
 * Maintenance SQL through a plain `pg` client, not the repositories: CREATE and DROP DATABASE of
 * the scratch database, and reads of audit_entries in the restored copy and the live head. A
 * TypeORM data source would run the migrations on whatever it opens (the copy under check, or
 * the live database behind running servers), and the copy must be checked as restored.
 */

/** Where Debian's postgresql-client puts the tools, newest version first, then the usual bins. */
export function postgresToolCandidates(tool: string, binDir?: string): string[] {
  if (binDir) return [join(binDir, tool)];
  const debian = '/usr/lib/postgresql';
  const versions = existsSync(debian)
    ? readdirSync(debian)
        .filter((name) => /^\d+$/.test(name))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  return [
    ...versions.map((version) => join(debian, version, 'bin', tool)),
    join('/usr/bin', tool),
    join('/usr/local/bin', tool),
  ];
}

export function findPostgresTool(tool: string, binDir?: string): string | undefined {
  return postgresToolCandidates(tool, binDir).find((path) => existsSync(path));
}

/** The libpq environment for the configured server; DATABASE_URL itself is not passed on. */
export function libpqEnvironment(
  pg: PostgresConfig,
  inherited: Readonly<Record<string, string | undefined>>,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(inherited)) {
    // Another PG* setting (PGSERVICE, PGOPTIONS...) would silently change which server is read.
    if (name !== 'DATABASE_URL' && !name.startsWith('PG')) env[name] = value;
  }
  return {
    ...env,
    PGHOST: pg.host,
    PGPORT: String(pg.port),
    PGUSER: pg.user,
    PGDATABASE: pg.database,
    PGPASSWORD: decodeURIComponent(new URL(pg.url).password),
    PGCONNECT_TIMEOUT: '10',
    PGAPPNAME: 'trial-backup',
  };
}

/** What an operator runs by hand where the command cannot run pg_dump itself. */
export function pgDumpInstructions(pg: PostgresConfig, destination: string): string[] {
  return [
    'On PostgreSQL a backup is a pg_dump archive in custom format, taken while the servers run',
    '(one snapshot: every commit before the dump started, none after). By hand:',
    `  PGPASSWORD=… pg_dump --format=custom --no-password --host=${pg.host} --port=${pg.port} ` +
      `--username=${pg.user} --dbname=${pg.database} --file=${destination}`,
    `  pg_restore --list ${destination}     # reads the archive's whole table of contents`,
    'Restore into a new, empty database (docs/operations.md, "Backup on PostgreSQL"):',
    `  createdb trial_restored && pg_restore --dbname=trial_restored --no-owner --exit-on-error --single-transaction ${destination}`,
    'Install pg_dump (same major version as the server or newer) with `apt-get install ' +
      'postgresql-client`, or name its folder with --pg-bin <dir>.',
  ];
}

export interface ProcessResult {
  code: number | null;
  stderr: string;
  stdout: string;
}

/** Runs a tool; its stdout goes to `stdoutFd` when given (the dump), else is collected. */
function runTool(
  path: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  stdoutFd?: number,
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, {
      env,
      stdio: ['ignore', stdoutFd ?? 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface PostgresCopyCheck {
  /** Undefined when every check passed; else why the copy must not be kept. */
  problem?: string;
  pgDumpVersion: string;
  archiveEntries: number;
  scratchDatabase: string;
  auditEntries: number;
  headSeq?: number;
  liveHeadSeq?: number;
}

/** A problem of the environment (no pg_dump, no right to create the scratch database): exit 2. */
export class PostgresBackupInputError extends Error {}

const BATCH = 5000;

function clientFor(pg: PostgresConfig, database: string): Client {
  return new Client({
    host: pg.host,
    port: pg.port,
    user: pg.user,
    password: decodeURIComponent(new URL(pg.url).password),
    database,
    connectionTimeoutMillis: 10_000,
    application_name: 'trial-backup',
  });
}

/** Verifies a database's audit chain from seq 1 in batches; returns its length and head. */
async function verifyAuditChain(
  client: Client,
): Promise<{ entries: number; headSeq?: number; headHash?: string; problem?: string }> {
  const verifier = new ChainVerifier();
  let after = 0;
  let headSeq: number | undefined;
  for (;;) {
    const { rows } = await client.query<AuditEntryEntity>(
      `${SELECT_STORED} WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [after, BATCH],
    );
    for (const row of rows) {
      if (!verifier.add(fromAuditRow(row))) break;
      headSeq = Number(row.seq);
    }
    const result = verifier.result();
    if (!result.valid) {
      return {
        entries: result.entries,
        problem: `the copy's audit chain is broken at seq ${result.firstInvalidSeq}: ${result.problem}`,
      };
    }
    if (rows.length < BATCH) return { entries: result.entries, headSeq, headHash: result.headHash };
    after = Number(rows[rows.length - 1].seq);
  }
}

/**
 * Dumps the configured database into `output` (an open, empty file) and checks the copy (with
 * `restore` false, only by pg_restore --list). `inherited` is the command line's environment
 * (commandLineEnvironment()), of which the tools get what libpqEnvironment() keeps. The caller
 * keeps the file only when `problem` is undefined.
 */
export async function dumpAndCheck(
  pg: PostgresConfig,
  output: FileHandle,
  outputPath: string,
  pgDump: string,
  pgRestore: string,
  restore: boolean,
  inherited: Readonly<Record<string, string | undefined>>,
): Promise<PostgresCopyCheck> {
  const env = libpqEnvironment(pg, inherited);
  const version = await runTool(pgDump, ['--version'], env);
  const pgDumpVersion = version.stdout.trim();
  const dump = await runTool(pgDump, ['--format=custom', '--no-password'], env, output.fd);
  if (dump.code !== 0) {
    throw new PostgresBackupInputError(
      `pg_dump of ${pg.display} failed (exit ${dump.code}): ${dump.stderr.trim()}`,
    );
  }
  await output.sync();

  const listed = await runTool(pgRestore, ['--list', outputPath], env);
  const base = { pgDumpVersion, archiveEntries: 0, scratchDatabase: '', auditEntries: 0 };
  if (listed.code !== 0) {
    return { ...base, problem: `pg_restore --list cannot read the archive: ${listed.stderr}` };
  }
  const toc = listed.stdout.split('\n').filter((line) => /^\d+;/.test(line));
  if (!toc.some((line) => / TABLE DATA public audit_entries /.test(line))) {
    return {
      ...base,
      archiveEntries: toc.length,
      problem: 'the archive holds no audit_entries data: this is not the trial database',
    };
  }

  // --list-only: the archive was read whole, nothing is restored.
  if (!restore) return { ...base, archiveEntries: toc.length };

  const scratch = `${pg.database}_backup_check_${randomBytes(6).toString('hex')}`.slice(0, 63);
  const checked = { ...base, archiveEntries: toc.length, scratchDatabase: scratch };
  const live = clientFor(pg, pg.database);
  await live.connect();
  try {
    try {
      await live.query(`CREATE DATABASE "${scratch}"`);
    } catch (error) {
      throw new PostgresBackupInputError(
        `cannot create the scratch database "${scratch}" to restore the copy into ` +
          `(${(error as Error).message}): grant the user "${pg.user}" CREATEDB, or pass ` +
          '--list-only to check the archive with pg_restore --list alone',
      );
    }
    try {
      const restored = await runTool(
        pgRestore,
        [
          `--dbname=${scratch}`,
          '--no-owner',
          '--no-privileges',
          '--exit-on-error',
          '--single-transaction',
          '--no-password',
          outputPath,
        ],
        env,
      );
      if (restored.code !== 0) {
        return { ...checked, problem: `pg_restore into ${scratch} failed: ${restored.stderr}` };
      }
      const copy = clientFor(pg, scratch);
      await copy.connect();
      let chain;
      try {
        chain = await verifyAuditChain(copy);
      } finally {
        await copy.end();
      }
      const result = { ...checked, auditEntries: chain.entries, headSeq: chain.headSeq };
      if (chain.problem) return { ...result, problem: chain.problem };
      return { ...result, ...(await compareWithLive(live, chain.headSeq, chain.headHash)) };
    } finally {
      await live.query(`DROP DATABASE IF EXISTS "${scratch}" WITH (FORCE)`);
    }
  } finally {
    await live.end();
  }
}

/** The copy's head must be an entry of the live chain: the copy is a prefix of the live log. */
async function compareWithLive(
  live: Client,
  headSeq: number | undefined,
  headHash: string | undefined,
): Promise<{ liveHeadSeq: number; problem?: string }> {
  const { rows } = await live.query<{ seq: string }>(
    'SELECT COALESCE(MAX(seq), 0) AS seq FROM audit_entries',
  );
  const liveHeadSeq = Number(rows[0].seq);
  if (headSeq === undefined) return { liveHeadSeq };
  if (liveHeadSeq < headSeq) {
    return {
      liveHeadSeq,
      problem: `the copy ends at seq ${headSeq}, past the live log's head ${liveHeadSeq}`,
    };
  }
  const same = await live.query<{ hash: string }>('SELECT hash FROM audit_entries WHERE seq = $1', [
    headSeq,
  ]);
  if (same.rows[0]?.hash !== headHash) {
    return {
      liveHeadSeq,
      problem: `the copy's head (seq ${headSeq}) differs from the live entry at seq ${headSeq}`,
    };
  }
  return { liveHeadSeq };
}
