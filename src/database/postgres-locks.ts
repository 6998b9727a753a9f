/**
 * PostgreSQL advisory lock keys of this service, as (namespace, key) pairs for the two-argument
 * pg_advisory_* functions. The namespace is 'tria' in ASCII, so the keys do not collide with
 * another application's on a shared server. Listed here so that no two uses pick the same key.
 */
const NAMESPACE = 0x74726961;

/** Held by a starting process from before migrations until its start-up checks are done. */
export const STARTUP_LOCK = [NAMESPACE, 1] as const;
