import type { components } from '../api/schema';
import type { MessageKey } from '../i18n/messages-en';

/**
 * The rules the admin's screens state before the API is asked (users and study lock). The API
 * stays the authority: a form is always sent, and these only say, in the user's language, what a
 * refusal means. test/web/admin.e2e-spec.ts checks each number against the served OpenAPI
 * document (CreateUserDto, UpdateUserDto, LockStudyDto), so that they cannot drift.
 */
type Role = components['schemas']['UserResponseDto']['roles'][number];

/** Password rules of src/users/dto/user.dto.ts and UsersService (refuseUsernameInPassword). */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;
/** CreateUserDto.username: 2 to 64 characters, lower-case letters, digits, `.`, `_`, `-`. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,63}$/;
/** LockStudyDto.reason. */
export const LOCK_REASON_MIN_LENGTH = 10;
export const LOCK_REASON_MAX_LENGTH = 2000;

// A Record over the generated Role type: a role added to the API is a type error here until it
// is listed, and the order is the order of the checkboxes.
const ROLE_ORDER: Record<Role, number> = {
  admin: 0,
  statistician: 1,
  pharmacist: 2,
  investigator: 3,
  unblinder: 4,
  monitor: 5,
  assessor: 6,
};

export const ALL_ROLES: readonly Role[] = (Object.keys(ROLE_ORDER) as Role[]).sort(
  (a, b) => ROLE_ORDER[a] - ROLE_ORDER[b],
);

/** The roles with one role ticked or unticked, without repeats, in checkbox order. */
export function withRole(roles: readonly Role[], role: Role, checked: boolean): Role[] {
  const chosen = new Set(roles);
  if (checked) chosen.add(role);
  else chosen.delete(role);
  return ALL_ROLES.filter((candidate) => chosen.has(candidate));
}

/** Whether two role choices name the same roles, whatever their order. */
export function sameRoles(a: readonly Role[], b: readonly Role[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((role) => right.has(role));
}

export type PasswordProblem = 'tooShort' | 'tooLong' | 'containsUsername';

/**
 * Which of the API's password rules a password breaks, if any: used to word a 400 from the API
 * in the user's language. Length is counted as the API counts it (UTF-16 code units).
 */
export function passwordProblem(username: string, password: string): PasswordProblem | undefined {
  if (password.length < PASSWORD_MIN_LENGTH) return 'tooShort';
  if (password.length > PASSWORD_MAX_LENGTH) return 'tooLong';
  if (username !== '' && password.toLowerCase().includes(username.toLowerCase()))
    return 'containsUsername';
  return undefined;
}

/** Whether a username breaks the API's pattern (used, like passwordProblem, to word a 400). */
export function usernameProblem(username: string): boolean {
  return !USERNAME_PATTERN.test(username);
}

/** How many more characters a lock reason needs (0 when it is long enough). */
export function reasonCharactersMissing(reason: string): number {
  return Math.max(0, LOCK_REASON_MIN_LENGTH - reason.length);
}

/** What a create or change of a user sent, as far as the wording of a refusal needs it. */
export interface UserAttempt {
  username: string;
  password?: string;
  roles?: readonly Role[];
  /** False for a change of an existing user, whose username the API does not check again. */
  usernameGiven?: boolean;
}

/**
 * The catalogue key for a refused create or change, when it is about a rule the screen states;
 * undefined leaves the wording to the API's code. The API decides; this only says its 400 or
 * 409 in the user's language instead of the API's English message.
 */
export function refusalWording(
  refusal: { status: number; code: string } | undefined,
  attempt: UserAttempt,
): MessageKey | undefined {
  if (!refusal) return undefined;
  if (refusal.status === 409 && refusal.code === 'DUPLICATE') return 'users.problem.duplicate';
  if (refusal.status !== 400 || refusal.code !== 'VALIDATION_FAILED') return undefined;
  if (attempt.usernameGiven !== false && usernameProblem(attempt.username))
    return 'users.problem.username';
  const problem =
    attempt.password === undefined
      ? undefined
      : passwordProblem(attempt.username, attempt.password);
  if (problem) return `users.problem.${problem}`;
  if (attempt.roles !== undefined && attempt.roles.length === 0) return 'users.problem.noRole';
  return undefined;
}
