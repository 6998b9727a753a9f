import { canonicalJson } from '../crypto/canonical-json';
import { isRole, Role, ROLES } from './role';

/**
 * When a user held a role: `since` its first grant, `until` its last removal (null while held).
 * A role removed and granted again keeps its first `since`; the period may have gaps, never a
 * time outside it.
 */
export interface RolePeriod {
  since: string;
  until: string | null;
}

/**
 * Every role a user has ever held, with its period. Stored in users.role_history as canonical
 * JSON and kept by UsersRepository on every insert and save, so no role change can leave it
 * behind. Read by the blinding assessment: a guess by someone who ever held a role that sees
 * allocations is not a blinded guess (docs/blinding-assessment.md).
 */
export type RoleHistory = Partial<Record<Role, RolePeriod>>;

/** The history once the user holds exactly `roles` from `at` on. Never forgets a role. */
export function withRoles(history: RoleHistory, roles: readonly Role[], at: string): RoleHistory {
  const next: RoleHistory = {};
  for (const role of ROLES) {
    const period = history[role];
    if (roles.includes(role)) {
      next[role] = { since: period?.since ?? at, until: null };
    } else if (period) {
      next[role] = { since: period.since, until: period.until ?? at };
    }
  }
  return next;
}

export function encodeRoleHistory(history: RoleHistory): string {
  return canonicalJson(history);
}

/**
 * The stored history. Anything but the shape encodeRoleHistory writes throws: a history that
 * cannot be read must not pass for an empty one (it would let a former pharmacist guess).
 */
export function decodeRoleHistory(text: string): RoleHistory {
  const malformed = () => new Error('users.role_history is malformed');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw malformed();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw malformed();
  const history: RoleHistory = {};
  for (const [role, period] of Object.entries(parsed as Record<string, unknown>)) {
    if (!isRole(role) || !isPeriod(period)) throw malformed();
    history[role] = { since: period.since, until: period.until };
  }
  return history;
}

function isPeriod(value: unknown): value is RolePeriod {
  if (typeof value !== 'object' || value === null) return false;
  const { since, until } = value as Record<string, unknown>;
  return (
    typeof since === 'string' &&
    since.length > 0 &&
    (until === null || (typeof until === 'string' && until.length > 0))
  );
}
