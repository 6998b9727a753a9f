import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  watch,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { ConfigError } from '../config/app-config';
import { backupCommand, createBackupCommand, stalePartials } from './backup.command';
import { CliIo, EXIT_USAGE, EXIT_VALID } from './cli-io';
import { runCli } from './main';

/** True when SQLite reads the file as a database holding at least one table. */
function looksLikeADatabase(path: string): boolean {
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      const { n } = db.prepare('SELECT COUNT(*) AS n FROM sqlite_master').get() as { n: number };
      return n > 0;
    } finally {
      db.close();
    }
  } catch {
    return false;
  }
}

/**
 * Runs the real command line on `source` and sends `signal` as soon as its partial copy appears.
 * Resolves with the exit code (null when killed).
 */
async function backupUntilPartial(
  source: string,
  target: string,
  signal: NodeJS.Signals,
): Promise<number | null> {
  const prefix = `.${basename(target)}.partial-`;
  const child = spawn(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      join(__dirname, 'main.ts'),
      'backup',
      target,
      '--database',
      source,
    ],
    { stdio: 'ignore', env: { PATH: process.env.PATH ?? '' } },
  );
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  let sent = false;
  const watcher = watch(dirname(target), (_event, name) => {
    if (!sent && typeof name === 'string' && name.startsWith(prefix)) {
      sent = true;
      child.kill(signal);
    }
  });
  try {
    return await exited;
  } finally {
    watcher.close();
  }
}

/** A WAL database of about 100 MB, so a copy is still being written when its partial appears. */
function makeLargeDatabase(path: string): void {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)');
  const insert = db.prepare('INSERT INTO t (payload) VALUES (randomblob(65536))');
  db.transaction(() => {
    for (let i = 0; i < 1500; i += 1) insert.run();
  })();
  db.close();
}

function capture(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (line) => lines.push(line), err: (line) => errors.push(line) };
}

/** A WAL database like the server's, with `rows` rows in table t. */
function makeDatabase(path: string, rows: number): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO t (payload) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < rows; i += 1) insert.run('x'.repeat(200));
  })();
  return db;
}

describe(backupCommand.words.join(' '), () => {
  let dir: string;
  let source: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'backup-spec-'));
    source = join(dir, 'trial.sqlite');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const command = (defaultPath: () => string = () => source) => createBackupCommand(defaultPath);

  it('copies the configured database consistently while another connection keeps writing', async () => {
    const writer = makeDatabase(source, 2000);
    const destination = join(dir, 'copy.sqlite');
    let writes = 0;
    let writing = true;
    const insert = writer.prepare('INSERT INTO t (payload) VALUES (?)');
    const keepWriting = () => {
      if (!writing) return;
      // Each write is its own commit of a whole number of rows: a torn copy would show otherwise.
      writer.transaction(() => {
        for (let i = 0; i < 10; i += 1) insert.run('y'.repeat(200));
      })();
      writes += 1;
      setImmediate(keepWriting);
    };
    setImmediate(keepWriting);
    const io = capture();
    try {
      expect(await command().run([destination], io)).toBe(EXIT_VALID);
    } finally {
      writing = false;
    }
    expect(writes).toBeGreaterThan(0);
    writer.close();

    const copy = new Database(destination, { readonly: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      const { n } = copy.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number };
      expect(n).toBeGreaterThanOrEqual(2000);
      expect((n - 2000) % 10).toBe(0);
    } finally {
      copy.close();
    }
    expect(io.lines.join('\n')).toMatch(
      /copied \d+ pages of \d+ bytes \(\d+ bytes\) in \d+\.\d{3} s/,
    );
    expect(io.lines.join('\n')).toContain('integrity_check ok');
    expect(io.errors.join('\n')).toMatch(/blinding key/i);
    expect(statSync(destination).mode & 0o777).toBe(0o600);
    // Nothing but the source's own files and the copy is left behind.
    expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it('reports the audit log it copied', async () => {
    const db = new Database(source);
    db.exec('CREATE TABLE audit_entries (seq INTEGER PRIMARY KEY)');
    db.exec('INSERT INTO audit_entries (seq) VALUES (1), (2), (3)');
    db.close();
    const io = capture();
    expect(await command().run([join(dir, 'copy.sqlite'), '--database', source], io)).toBe(
      EXIT_VALID,
    );
    expect(io.lines.join('\n')).toContain('3 audit entries (last seq 3)');
  });

  it('refuses to overwrite an existing file with exit code 2, leaving it as it was', async () => {
    makeDatabase(source, 1).close();
    const destination = join(dir, 'kept.sqlite');
    writeFileSync(destination, 'an earlier backup');
    const io = capture();
    expect(await command().run([destination], io)).toBe(EXIT_USAGE);
    expect(io.errors.join('\n')).toContain('already exists');
    expect(statSync(destination).size).toBe('an earlier backup'.length);
  });

  it('refuses a destination with a stale -wal beside it, which would be replayed into the copy', async () => {
    makeDatabase(source, 1).close();
    const destination = join(dir, 'copy.sqlite');
    writeFileSync(`${destination}-wal`, 'stale');
    const io = capture();
    expect(await command().run([destination], io)).toBe(EXIT_USAGE);
    expect(io.errors.join('\n')).toContain('-wal exists');
    expect(existsSync(destination)).toBe(false);
  });

  it('refuses a missing database or destination directory with exit code 2, writing nothing', async () => {
    const io = capture();
    expect(await command().run([join(dir, 'copy.sqlite')], io)).toBe(EXIT_USAGE);
    expect(io.errors.join('\n')).toContain(`there is no database at ${source}`);
    makeDatabase(source, 1).close();
    expect(await command().run([join(dir, 'no', 'such', 'dir', 'copy.sqlite')], io)).toBe(
      EXIT_USAGE,
    );
    expect(io.errors.join('\n')).toContain('does not exist');
    expect(readdirSync(dir).sort()).toEqual(['trial.sqlite']);
  });

  it('names the bad variable and suggests --database when the environment is invalid', async () => {
    const io = capture();
    const broken = command(() => {
      throw new ConfigError('DATA_DIR', 'is broken');
    });
    expect(await broken.run([join(dir, 'copy.sqlite')], io)).toBe(EXIT_USAGE);
    expect(io.errors.join('\n')).toMatch(/DATA_DIR is broken.*--database/);
  });

  it('refuses a destination that is a symbolic link with exit 2, leaving its target untouched', async () => {
    makeDatabase(source, 10).close();
    const other = join(dir, 'other-study.sqlite');
    makeDatabase(other, 3).close();
    const before = readFileSync(other);
    for (const [destination, target] of [
      [join(dir, 'copy.sqlite'), other],
      [join(dir, 'dangling.sqlite'), join(dir, 'nowhere.sqlite')],
    ]) {
      symlinkSync(target, destination);
      const io = capture();
      expect(await command().run([destination], io)).toBe(EXIT_USAGE);
      expect(io.errors.join('\n')).toContain('is a symbolic link');
    }
    expect(readFileSync(other).equals(before)).toBe(true);
    expect(existsSync(join(dir, 'nowhere.sqlite'))).toBe(false);
  });

  it('never writes through a link planted at a temporary name, and removes the planted partial-named link', async () => {
    makeDatabase(source, 10).close();
    const other = join(dir, 'other-study.sqlite');
    makeDatabase(other, 3).close();
    const before = readFileSync(other);
    const destination = join(dir, 'copy.sqlite');
    // The name earlier versions used (pid), and one in today's pattern.
    const planted = [
      join(dir, `.copy.sqlite.partial-${process.pid}`),
      join(dir, '.copy.sqlite.partial-0123456789abcdef'),
    ];
    for (const path of planted) symlinkSync(other, path);
    const io = capture();
    expect(await command().run([destination], io)).toBe(EXIT_VALID);
    expect(readFileSync(other).equals(before)).toBe(true);
    expect(looksLikeADatabase(destination)).toBe(true);
    expect(statSync(destination).mode & 0o777).toBe(0o600);
    for (const path of planted) expect(io.errors.join('\n')).toContain(`Removed ${path}`);
    expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it('leaves nothing that looks like a backup when killed mid-copy; the next run names and removes the partial', async () => {
    makeLargeDatabase(source);
    const destination = join(dir, 'copy.sqlite');

    let caught = false;
    // A kill that arrives after the copy finished proves nothing: try again, on a new name.
    for (let attempt = 0; attempt < 5 && !caught; attempt += 1) {
      const target = attempt === 0 ? destination : join(dir, `copy-${attempt}.sqlite`);
      const prefix = `.${basename(target)}.partial-`;
      const code = await backupUntilPartial(source, target, 'SIGKILL');
      if (code === 0) continue;
      caught = true;
      expect(existsSync(target)).toBe(false);
      const left = readdirSync(dir).filter((f) => f.startsWith(prefix));
      expect(left.length).toBeGreaterThan(0);
      // Neither the partial nor a copy of it renamed to a database name opens as a database.
      for (const name of left) {
        expect(looksLikeADatabase(join(dir, name))).toBe(false);
        writeFileSync(join(dir, 'restored.sqlite'), readFileSync(join(dir, name)));
        expect(looksLikeADatabase(join(dir, 'restored.sqlite'))).toBe(false);
        rmSync(join(dir, 'restored.sqlite'));
      }
      expect(stalePartials(target).map((path) => path.split('/').pop())).toEqual(left);

      const io = capture();
      expect(await command().run([target], io)).toBe(EXIT_VALID);
      for (const name of left) expect(io.errors.join('\n')).toContain(`Removed ${join(dir, name)}`);
      expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
      expect(looksLikeADatabase(target)).toBe(true);
    }
    expect(caught).toBe(true);
  });

  it('removes its partial copy when stopped by SIGTERM during the copy, and exits 143', async () => {
    makeLargeDatabase(source);
    let caught = false;
    for (let attempt = 0; attempt < 5 && !caught; attempt += 1) {
      const target = join(dir, `copy-${attempt}.sqlite`);
      const code = await backupUntilPartial(source, target, 'SIGTERM');
      if (code === 0) continue;
      caught = true;
      expect(code).toBe(143);
      expect(existsSync(target)).toBe(false);
      expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
    }
    expect(caught).toBe(true);
  });

  it.each([
    [[] as string[], /name the destination file/],
    [['a.sqlite', 'b.sqlite'], /one destination at a time/],
    [['a.sqlite', '--force', 'yes'], /unknown option --force/],
    [['a.sqlite', '--database'], /--database needs a value/],
  ])('is registered and answers usage errors (%j) with exit code 2', async (args, message) => {
    const io = capture();
    expect(await runCli(['backup', ...args], io)).toBe(EXIT_USAGE);
    expect(io.errors.join('\n')).toMatch(message);
  });
});
