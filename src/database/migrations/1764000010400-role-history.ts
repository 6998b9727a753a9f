import { MigrationInterface, QueryRunner } from 'typeorm';
import { decodeRoles, isRole, Role } from '../../users/role';
import { encodeRoleHistory, RoleHistory, withRoles } from '../../users/role-history';

/**
 * users.role_history: every role each user has ever held, with when (src/users/role-history.ts).
 * A guess of which leg got the cells by someone who once held pharmacist or unblinder is not a
 * blinded guess (docs/blinding-assessment.md), and the roles column only knows the present.
 *
 * Backfill: the log's USER_CREATED and USER_UPDATED entries replayed in chain order, then each
 * user's current roles entered at its updated_at, so a role the log does not show (an entry lost
 * or never written) is still in the history: the log can only add to it, never take away.
 */
export class RoleHistory1764000010400 implements MigrationInterface {
  name = 'RoleHistory1764000010400';

  async up(runner: QueryRunner): Promise<void> {
    // Nullable, without a default: a NOT NULL column added to SQLite needs one, and a default
    // reads differently on each dialect. The backfill fills every row; the repository every new one.
    await runner.query(`ALTER TABLE users ADD COLUMN role_history text`);
    await backfillRoleHistory(runner);
  }

  down(): Promise<void> {
    return Promise.reject(new Error('Not reversible: restore a backup instead'));
  }
}

/** Each user's history from the log and the current roles (exported for its end-to-end test). */
export async function backfillRoleHistory(runner: QueryRunner): Promise<void> {
  const histories = new Map<string, RoleHistory>();
  const entries = (await runner.query(
    `SELECT at, action, details FROM audit_entries WHERE action IN ('USER_CREATED', 'USER_UPDATED') AND outcome = 'SUCCESS' ORDER BY seq`,
  )) as { at: string; action: string; details: string }[];
  for (const entry of entries) {
    const change = rolesAfter(entry.action, entry.details);
    if (!change) continue;
    histories.set(
      change.username,
      withRoles(histories.get(change.username) ?? {}, change.roles, entry.at),
    );
  }
  const users = (await runner.query(
    `SELECT username, roles, updated_at AS "updatedAt" FROM users`,
  )) as { username: string; roles: string; updatedAt: string }[];
  const update =
    runner.connection.driver.options.type === 'postgres'
      ? 'UPDATE users SET role_history = $1 WHERE username = $2'
      : 'UPDATE users SET role_history = ? WHERE username = ?';
  for (const user of users) {
    // The row is the present, the log the past: a role the row holds and the log shows as
    // removed (or not at all) is held from updated_at; one the log shows as held and the row
    // does not is closed at updated_at.
    const replayed = histories.get(user.username) ?? {};
    const history = withRoles(replayed, decodeRoles(user.roles), user.updatedAt);
    await runner.query(update, [encodeRoleHistory(history), user.username]);
  }
}

/** The user and the roles held after a USER_CREATED or USER_UPDATED entry; none if unreadable. */
function rolesAfter(
  action: string,
  detailsText: string,
): { username: string; roles: Role[] } | undefined {
  let details: unknown;
  try {
    details = JSON.parse(detailsText);
  } catch {
    return undefined;
  }
  if (typeof details !== 'object' || details === null) return undefined;
  const { username, roles, changes } = details as Record<string, unknown>;
  if (typeof username !== 'string') return undefined;
  const after =
    action === 'USER_CREATED'
      ? roles
      : (changes as { roles?: { to?: unknown } } | undefined)?.roles?.to;
  if (!Array.isArray(after)) return undefined;
  return {
    username,
    roles: after.filter((role): role is Role => typeof role === 'string' && isRole(role)),
  };
}
