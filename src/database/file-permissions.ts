import { Logger } from '@nestjs/common';
import { chmodSync, lstatSync, mkdirSync, Stats } from 'node:fs';
import { dirname } from 'node:path';

/** The database, its -wal, -shm and -journal: readable and writable by the server's user only. */
export const DATABASE_FILE_MODE = 0o600;
/** The folder that holds them: nobody else may list it or reach the files through it. */
export const DATA_DIRECTORY_MODE = 0o700;

/** Files beside a SQLite database that hold its data too. */
export const DATABASE_COMPANIONS = ['-wal', '-shm', '-journal'];

const logger = new Logger('Database');

function statOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

function octal(mode: number): string {
  return (mode & 0o777).toString(8).padStart(4, '0');
}

/**
 * Creates the database folder 0700, or tightens an existing one that group or others can read,
 * with a warning. A folder this process does not own, or a shared sticky one such as /tmp, is
 * left alone (changing it would break other users) and only warned about.
 */
export function secureDatabaseDirectory(databasePath: string): void {
  if (databasePath === ':memory:') return;
  const directory = dirname(databasePath);
  if (!statOrUndefined(directory)) {
    mkdirSync(directory, { recursive: true, mode: DATA_DIRECTORY_MODE });
    chmodSync(directory, DATA_DIRECTORY_MODE);
    return;
  }
  const stats = lstatSync(directory);
  if ((stats.mode & 0o077) === 0) return;
  const ownedHere = typeof process.getuid === 'function' && stats.uid === process.getuid();
  const sticky = (stats.mode & 0o1000) !== 0;
  if (ownedHere && !sticky && stats.isDirectory()) {
    chmodSync(directory, DATA_DIRECTORY_MODE);
    logger.warn(
      `The database folder ${directory} was ${octal(stats.mode)}: set to ${octal(DATA_DIRECTORY_MODE)}, since it holds health data`,
    );
    return;
  }
  logger.warn(
    `The database folder ${directory} is ${octal(stats.mode)} and not this user's own folder: ` +
      'the database files are kept 0600, but put DATA_DIR in a folder of its own (docs/security.md)',
  );
}

/**
 * Makes the database file and any -wal, -shm or -journal beside it 0600, warning for each that
 * was readable by others. Called right after SQLite opens the file and before anything is
 * written to it; SQLite then creates the -wal and -shm with the main file's mode (unix VFS).
 */
export function secureDatabaseFiles(databasePath: string): void {
  if (databasePath === ':memory:') return;
  for (const path of [
    databasePath,
    ...DATABASE_COMPANIONS.map((suffix) => databasePath + suffix),
  ]) {
    const stats = statOrUndefined(path);
    if (!stats?.isFile() || (stats.mode & 0o777) === DATABASE_FILE_MODE) continue;
    chmodSync(path, DATABASE_FILE_MODE);
    // A file just created under the umask is expected; an existing readable one is news.
    if (stats.size > 0 && (stats.mode & 0o077) !== 0) {
      logger.warn(
        `${path} was ${octal(stats.mode)}: set to ${octal(DATABASE_FILE_MODE)}, since it holds health data`,
      );
    }
  }
}
