import { EntityManager } from 'typeorm';

/**
 * PostgreSQL advisory lock keys of this service, as (namespace, key) pairs for the two-argument
 * pg_advisory_* functions. The namespace is 'tria' in ASCII, so the keys do not collide with
 * another application's on a shared server. Listed here so that no two uses pick the same key.
 * SQLite needs none of them: its write transactions hold the database's one write lock.
 */
export const LOCK_NAMESPACE = 0x74726961;

/** Held by a starting process from before migrations until its start-up checks are done. */
export const STARTUP_LOCK = [LOCK_NAMESPACE, 1] as const;

/**
 * Transaction locks (pg_advisory_xact_lock: released by COMMIT or ROLLBACK, never left behind by
 * a process that dies, since its session ends with it).
 */
export const XACT_LOCK = {
  /** The audit append: seq order is commit order, no gap (audit.service.ts). */
  auditAppend: 2,
  /** Registrations: the participant number, target size and screening number checks. */
  registration: 3,
} as const;

export function isPostgres(manager: EntityManager): boolean {
  return manager.connection.options.type === 'postgres';
}

/** A row-lock clause (`FOR UPDATE`, `FOR SHARE OF t`) on PostgreSQL; nothing on SQLite. */
export function rowLock(manager: EntityManager, clause: string): string {
  return isPostgres(manager) ? ` ${clause}` : '';
}

/** Takes a transaction-level advisory lock on PostgreSQL; nothing on SQLite (see above). */
export async function advisoryXactLock(
  manager: EntityManager,
  key: number | { text: string },
): Promise<void> {
  if (!isPostgres(manager)) return;
  // Text keys (a stratum) are hashed by the server; a rare collision only serialises two keys.
  if (typeof key === 'number') {
    await manager.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_NAMESPACE, key]);
  } else {
    await manager.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
      LOCK_NAMESPACE,
      key.text,
    ]);
  }
}

/** The text key of one stratum's slot claims (randomization-list.repository.ts). */
export function stratumLockKey(listId: number, stratum: string): { text: string } {
  return { text: `slots:${listId}:${stratum}` };
}
