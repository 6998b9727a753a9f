import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './server-process';

/**
 * A throwaway PostgreSQL cluster for the tests: initdb into a temporary directory, the server on
 * a free port of 127.0.0.1 (and a socket in that directory, nowhere else), stopped and removed
 * afterwards. Debian's `postgresql` package provides the binaries; as root they run as the
 * `postgres` user, since PostgreSQL refuses to run as root.
 */

export const POSTGRES_MISSING =
  'PostgreSQL binaries (initdb, pg_ctl) not found: the PostgreSQL tests are skipped. ' +
  'Install them with `apt-get install postgresql` (Debian 12: PostgreSQL 15), or set ' +
  'POSTGRES_BIN_DIR to the folder that holds initdb and pg_ctl.';

const SUPERUSER = 'tester';

/** The folder holding initdb and pg_ctl, newest version first; undefined when none is installed. */
export function postgresBinDir(): string | undefined {
  const candidates: string[] = [];
  if (process.env.POSTGRES_BIN_DIR) candidates.push(process.env.POSTGRES_BIN_DIR);
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((name) => /^\d+$/.test(name))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((version) => join(debian, version, 'bin')));
  }
  return candidates.find(
    (dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')),
  );
}

export const postgresAvailable = (): boolean => postgresBinDir() !== undefined;

/** `describe` when the binaries are there, else a skipped block that says how to install them. */
export function describeOnPostgres(name: string, body: () => void): void {
  if (postgresAvailable()) {
    describe(name, body);
    return;
  }
  console.warn(`${name}: ${POSTGRES_MISSING}`);
  describe.skip(name, body);
}

function runningAsRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function postgresIds(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/** Runs a PostgreSQL binary, as the postgres user when the tests run as root. */
function runBinary(binDir: string, binary: string, args: string[]): void {
  const [command, commandArgs] = runningAsRoot()
    ? ['runuser', ['-u', 'postgres', '--', join(binDir, binary), ...args]]
    : [join(binDir, binary), args];
  const result = spawnSync(command, commandArgs, { encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) {
    throw new Error(
      `${binary} ${args.join(' ')} failed (${result.status ?? result.signal}): ${result.stderr}${result.stdout}`,
    );
  }
}

export interface PostgresCluster {
  host: string;
  port: number;
  user: string;
  password: string;
  /** The cluster's data directory (its files: base/<database oid>, pg_wal) and server log. */
  dataDir: string;
  logFile: string;
  /** A URL for one database of the cluster. */
  url(database: string): string;
  /** Creates an empty database with a fresh name and returns its URL. */
  createDatabase(): Promise<string>;
  /** A client connected to this database URL (the caller ends it). */
  connect(url: string): Promise<Client>;
  /**
   * Stops the database server and keeps its files (`pg_ctl stop`; `immediate` is a crash: no
   * checkpoint, every connection cut, recovery from the WAL at the next start).
   */
  halt(mode: 'fast' | 'immediate'): Promise<void>;
  /** Starts a halted server again, on the same port and data directory. */
  resume(): Promise<void>;
  /**
   * Ends every connection to the database of this URL but the caller's own
   * (pg_terminate_backend, as an operator or a failover would); returns how many were ended.
   */
  terminateConnections(url: string): Promise<number>;
  stop(): Promise<void>;
}

/** Starts a new cluster; stop() shuts it down and removes its directory. */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const binDir = postgresBinDir();
  if (!binDir) throw new Error(POSTGRES_MISSING);
  const dir = mkdtempSync(join(tmpdir(), 'trial-pg-'));
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  const password = randomBytes(12).toString('hex');
  const passwordFile = join(dir, 'password');
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  if (runningAsRoot()) {
    const { uid, gid } = postgresIds();
    chownSync(dir, uid, gid);
    chownSync(passwordFile, uid, gid);
  }
  let stopped = false;
  const stopNow = (mode: 'fast' | 'immediate') => {
    if (stopped) return;
    stopped = true;
    if (existsSync(join(dataDir, 'postmaster.pid'))) {
      try {
        runBinary(binDir, 'pg_ctl', ['-D', dataDir, '-m', mode, '-w', 'stop']);
      } catch {
        // Removing the directory below still ends a server that lost its files.
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // A test run killed before afterAll must not leave a server behind.
  const onExit = () => stopNow('immediate');
  process.once('exit', onExit);
  try {
    runBinary(binDir, 'initdb', [
      '-D',
      dataDir,
      '-U',
      SUPERUSER,
      `--pwfile=${passwordFile}`,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    const port = await freePort();
    // fsync off: these clusters live for one test file, and killing a server process (the crash
    // tests) does not lose what the operating system already has.
    const options = [
      `-p ${port}`,
      '-c listen_addresses=127.0.0.1',
      `-c unix_socket_directories=${dir}`,
      '-c fsync=off',
      '-c full_page_writes=off',
      '-c max_connections=200',
      '-c shared_buffers=32MB',
    ].join(' ');
    const startServer = () =>
      runBinary(binDir, 'pg_ctl', [
        '-D',
        dataDir,
        '-l',
        logFile,
        '-o',
        options,
        '-w',
        '-t',
        '120',
        'start',
      ]);
    startServer();
    const host = '127.0.0.1';
    const url = (database: string) =>
      `postgres://${SUPERUSER}:${password}@${host}:${port}/${database}`;
    const connect = async (target: string) => {
      const client = new Client({ connectionString: target });
      await client.connect();
      return client;
    };
    return {
      host,
      port,
      user: SUPERUSER,
      password,
      dataDir,
      logFile,
      url,
      connect,
      async createDatabase() {
        const name = `trial_${randomBytes(6).toString('hex')}`;
        const admin = await connect(url('postgres'));
        try {
          await admin.query(`CREATE DATABASE ${name}`);
        } finally {
          await admin.end();
        }
        return url(name);
      },
      halt(mode) {
        runBinary(binDir, 'pg_ctl', ['-D', dataDir, '-m', mode, '-w', '-t', '120', 'stop']);
        return Promise.resolve();
      },
      resume() {
        startServer();
        return Promise.resolve();
      },
      async terminateConnections(target) {
        const admin = await connect(url('postgres'));
        try {
          const ended = await admin.query<{ ended: boolean }>(
            `SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity
              WHERE datname = $1 AND pid <> pg_backend_pid()`,
            [new URL(target).pathname.slice(1)],
          );
          return ended.rows.filter((row) => row.ended).length;
        } finally {
          await admin.end();
        }
      },
      stop() {
        process.removeListener('exit', onExit);
        stopNow('fast');
        return Promise.resolve();
      },
    };
  } catch (error) {
    process.removeListener('exit', onExit);
    stopNow('immediate');
    throw error;
  }
}

let shared: Promise<PostgresCluster> | undefined;

/**
 * The cluster of the current jest file, started on first use. A file that uses it calls
 * stopSharedPostgresCluster() in afterAll (test-app.ts does, for every file on PostgreSQL).
 */
export function sharedPostgresCluster(): Promise<PostgresCluster> {
  shared ??= startPostgresCluster();
  return shared;
}

export async function stopSharedPostgresCluster(): Promise<void> {
  if (!shared) return;
  const cluster = shared;
  shared = undefined;
  await (await cluster.catch(() => undefined))?.stop();
}
