import { randomUUID } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { trainingMismatch } from '../training/training';

/**
 * DATA_DIR/installation.json: written once at set-up, beside the keys and outside the database,
 * so that a start which finds the database missing or empty knows a trial existed here and
 * refuses instead of setting up a new, empty one (SPEC section 5).
 */
export interface InstallationMarker {
  installationId: string;
  protocolId: string;
  createdAt: string;
  databasePath: string;
  /** Set up with TRAINING=true; absent in markers written before training mode existed (clinical). */
  training?: boolean;
}

export const INSTALLATION_MARKER_FILE = 'installation.json';

export function installationMarkerPath(dataDir: string): string {
  return join(dataDir, INSTALLATION_MARKER_FILE);
}

export function newInstallationId(): string {
  return randomUUID();
}

/** A start-up refusal about the database file; the message says what to do. */
export class DatabaseFileRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseFileRefused';
  }
}

function isMarker(value: unknown): value is InstallationMarker {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    ['installationId', 'protocolId', 'createdAt', 'databasePath'].every(
      (field) => typeof record[field] === 'string',
    ) &&
    (record.training === undefined || typeof record.training === 'boolean')
  );
}

/** The marker, or undefined when there is none; a malformed one stops the start. */
export function readInstallationMarker(path: string): InstallationMarker | undefined {
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new DatabaseFileRefused(
      `The installation marker ${path} cannot be read: ${(error as Error).message}`,
    );
  }
  if (!isMarker(parsed)) {
    throw new DatabaseFileRefused(
      `The installation marker ${path} lacks installationId, protocolId, createdAt or databasePath`,
    );
  }
  return parsed;
}

/** Writes the marker once (never over an existing one), mode 0600, flushed to disk. */
export function writeInstallationMarker(path: string, marker: InstallationMarker): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(marker, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Runs first at start, before any key is generated or the database opened: a data directory set
 * up as a practice instance starts only with TRAINING=true, a clinical one only without it.
 */
export function checkTrainingMarker(dataDir: string, training: boolean): void {
  const path = installationMarkerPath(dataDir);
  const marker = readInstallationMarker(path);
  if (!marker) return;
  const problem = trainingMismatch(
    training,
    { training: marker.training === true, source: path },
    dataDir,
  );
  if (problem) throw new DatabaseFileRefused(problem);
}

const RESTORE_ADVICE =
  'Restore the database from its latest backup (docs/operations.md, "A missing or replaced ' +
  'database"), or point DATABASE_PATH at it. To set up a new trial on purpose, move this data ' +
  'directory aside first.';

/**
 * Runs before the database is opened (opening would create an empty file): with the marker
 * present, a missing or empty database file is refused; a database that cannot be written is
 * refused naming the file and the cause, instead of SQLite's bare "readonly database" later.
 */
export function checkDatabaseFileBeforeOpen(
  dataDir: string,
  databasePath: string,
  canWrite: (path: string) => void = (path) => accessSync(path, constants.W_OK),
): void {
  if (databasePath === ':memory:') return;
  const markerPath = installationMarkerPath(dataDir);
  const marker = readInstallationMarker(markerPath);
  const size = existsSync(databasePath) ? statSync(databasePath).size : undefined;
  if (marker && (size === undefined || size === 0)) {
    throw new DatabaseFileRefused(
      `The database ${databasePath} is ${size === undefined ? 'missing' : 'empty'}, but ${markerPath} ` +
        `records that trial ${marker.protocolId} was set up here on ${marker.createdAt} ` +
        `(installation ${marker.installationId}, database ${marker.databasePath}). ` +
        `Nothing was created. ${RESTORE_ADVICE}`,
    );
  }
  if (size === undefined) return;
  // WAL mode writes -wal and -shm files beside the database: the directory must be writable too.
  for (const path of [databasePath, dirname(databasePath)]) {
    try {
      canWrite(path);
    } catch (error) {
      throw new DatabaseFileRefused(
        `The database ${databasePath} cannot be written: ${path} is not writable by this process ` +
          `(${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). ` +
          'Fix its owner or mode (the service account needs read and write), or mount it read-write.',
      );
    }
  }
}
