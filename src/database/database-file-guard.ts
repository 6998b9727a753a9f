import { Logger } from '@nestjs/common';
import { statSync } from 'node:fs';
import { StorageUnavailable } from '../common/domain-errors';

/**
 * Notices a database file removed or replaced under the running process. SQLite keeps writing
 * into the file it opened: after an unlink that is a file nobody will ever open again, and after
 * a replacement it is not the file the next start reads, so every acknowledged write would be
 * lost. The identity (device and inode) of the path at open is compared with the path's now,
 * before each write transaction (one stat, a few microseconds). Once it differs the guard stays
 * tripped: writes answer 503 until an operator restarts on the right file.
 */
export class DatabaseFileGuard {
  private readonly logger = new Logger('Database');
  private readonly identity?: string;
  /** What went wrong, for the log (with the path) once it has. */
  private problem?: string;

  /** No path (PostgreSQL) or :memory: guards nothing. */
  constructor(private readonly path?: string) {
    this.identity =
      path === undefined || path === ':memory:' ? undefined : DatabaseFileGuard.identityOf(path);
  }

  private static identityOf(path: string): string | undefined {
    try {
      const stats = statSync(path);
      return `${stats.dev}:${stats.ino}`;
    } catch {
      return undefined;
    }
  }

  /** Throws StorageUnavailable when the file at the path is no longer the one opened. */
  assertUnchanged(): void {
    if (this.identity === undefined || this.path === undefined) return;
    if (this.problem === undefined) {
      const now = DatabaseFileGuard.identityOf(this.path);
      if (now === this.identity) return;
      this.problem =
        now === undefined
          ? `the database file ${this.path} was removed while the server ran`
          : `the database file ${this.path} was replaced while the server ran`;
      this.logger.error(
        `\n${'!'.repeat(78)}\n!! ${this.problem}.\n!! Writes are refused (503) from now on: they would go to a file the next start does not read.\n!! Stop the server, put the right database back (docs/operations.md, "A missing or replaced database") and start again.\n${'!'.repeat(78)}`,
      );
    }
    // The client is told what happened, not where the file lives.
    throw new StorageUnavailable(
      'the database file was removed or replaced while the server ran; an administrator must restore it and restart',
    );
  }
}
