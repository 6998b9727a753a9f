import { Role } from '../users/role';
import { RoleHistory } from '../users/role-history';

/**
 * Roles that see allocations before lock (SPEC section 2): the pharmacist one participant at a
 * time, the unblinder the participant whose seal they broke. Whoever holds or ever held one may
 * know a participant's leg, so their guess would not measure the blind. The statistician, the
 * admin, the monitor, the investigator and the assessor see no allocation before the lock.
 */
export const SEES_ALLOCATIONS: readonly Role[] = ['pharmacist', 'unblinder'];

/** A role that sees allocations, held by the guesser now (`until` null) or in the past. */
export interface AllocationRoleHeld {
  role: Role;
  /** First granted; null when held now but missing from the history (never so when kept). */
  since: string | null;
  until: string | null;
}

/**
 * The roles that see allocations that a user holds now (`current`, read by the guard) or ever
 * held (`history`, users.role_history), with when.
 */
export function allocationRolesHeld(
  current: readonly Role[],
  history: RoleHistory,
): AllocationRoleHeld[] {
  return SEES_ALLOCATIONS.flatMap((role): AllocationRoleHeld[] => {
    const period = history[role];
    if (current.includes(role)) return [{ role, since: period?.since ?? null, until: null }];
    return period ? [{ role, since: period.since, until: period.until }] : [];
  });
}

/**
 * Why a user may not record a blinding guess, or undefined when they may: the one place of the
 * rule (403 GUESSER_NOT_BLINDED). No readable stored history (undefined) refuses: a guess is recorded only
 * from someone known never to have held a role that sees allocations. The message names the role
 * and when, never a participant, a leg or an allocation.
 */
export function notBlindedReason(
  current: readonly Role[],
  history: RoleHistory | undefined,
): string | undefined {
  if (history === undefined) {
    return 'No readable role history is stored for your account, so it cannot be shown that you never held the pharmacist or unblinder role: ask a blinded assessor or investigator to record this guess.';
  }
  const held = allocationRolesHeld(current, history);
  if (held.length === 0) return undefined;
  const periods = held.map(({ role, since, until }) =>
    until !== null
      ? `you held the ${role} role from ${since} until ${until}`
      : `you hold the ${role} role${since === null ? '' : ` (since ${since})`}`,
  );
  const sentence = periods.join(', and ');
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}: a role that sees allocations, held at any time, means your guess would not measure the blind. Ask a blinded assessor or investigator to record it.`;
}
