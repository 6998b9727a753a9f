import { MIN_PASSWORD_LENGTH } from '../../../src/config/app-config';
import { ROLES } from '../../../src/users/role';
import {
  ALL_ROLES,
  LOCK_REASON_MIN_LENGTH,
  PASSWORD_MIN_LENGTH,
  passwordProblem,
  reasonCharactersMissing,
  refusalWording,
  sameRoles,
  usernameProblem,
  withRole,
} from './admin-rules';
import { en } from '../i18n/messages-en';

describe('admin screens: roles, password and lock-reason rules', () => {
  it('lists every role the API knows, once, each with words in the catalogue', () => {
    expect([...ALL_ROLES].sort()).toEqual([...ROLES].sort());
    for (const role of ALL_ROLES) expect(Object.keys(en)).toContain(`role.${role}`);
  });

  it('states the password length the server enforces', () => {
    expect(PASSWORD_MIN_LENGTH).toBe(MIN_PASSWORD_LENGTH);
  });

  it('ticks and unticks a role, keeping the checkbox order and no repeats', () => {
    expect(withRole([], 'monitor', true)).toEqual(['monitor']);
    expect(withRole(['monitor'], 'pharmacist', true)).toEqual(['pharmacist', 'monitor']);
    expect(withRole(['pharmacist', 'monitor'], 'pharmacist', true)).toEqual([
      'pharmacist',
      'monitor',
    ]);
    expect(withRole(['pharmacist', 'monitor'], 'pharmacist', false)).toEqual(['monitor']);
    expect(withRole(['monitor'], 'admin', false)).toEqual(['monitor']);
    expect(withRole(['monitor', 'admin'], 'statistician', true)).toEqual([
      'admin',
      'statistician',
      'monitor',
    ]);
  });

  it('compares role choices as sets', () => {
    expect(sameRoles(['admin', 'monitor'], ['monitor', 'admin'])).toBe(true);
    expect(sameRoles(['admin'], ['admin', 'monitor'])).toBe(false);
    expect(sameRoles(['admin', 'monitor'], ['admin', 'pharmacist'])).toBe(false);
    expect(sameRoles([], [])).toBe(true);
  });

  it('names the password rule broken, as the API applies them', () => {
    expect(passwordProblem('nurse', 'x'.repeat(PASSWORD_MIN_LENGTH - 1))).toBe('tooShort');
    expect(passwordProblem('nurse', 'x'.repeat(PASSWORD_MIN_LENGTH))).toBeUndefined();
    expect(passwordProblem('nurse', 'x'.repeat(256))).toBeUndefined();
    expect(passwordProblem('nurse', 'x'.repeat(257))).toBe('tooLong');
    expect(passwordProblem('nurse', 'my-NURSE-password')).toBe('containsUsername');
    expect(passwordProblem('nurse', 'my-nurs-password')).toBeUndefined();
    expect(passwordProblem('', 'a-long-enough-password')).toBeUndefined();
  });

  it('accepts exactly the usernames the API accepts', () => {
    for (const good of ['ab', 'pharm1', 'a.b-c_d', '9lives', 'x'.repeat(64)])
      expect({ good, problem: usernameProblem(good) }).toEqual({ good, problem: false });
    for (const bad of ['', 'a', 'Pharm1', 'pharm 1', '.dot', '-dash', 'x'.repeat(65), 'año'])
      expect({ bad, problem: usernameProblem(bad) }).toEqual({ bad, problem: true });
  });

  it('counts the characters a lock reason still needs', () => {
    expect(reasonCharactersMissing('')).toBe(LOCK_REASON_MIN_LENGTH);
    expect(reasonCharactersMissing('short')).toBe(LOCK_REASON_MIN_LENGTH - 5);
    expect(reasonCharactersMissing('x'.repeat(LOCK_REASON_MIN_LENGTH))).toBe(0);
    expect(reasonCharactersMissing('x'.repeat(LOCK_REASON_MIN_LENGTH + 5))).toBe(0);
  });

  it('words a refusal by the rule the attempt broke, and leaves any other to the API’s code', () => {
    const invalid = { status: 400, code: 'VALIDATION_FAILED' };
    const good = {
      username: 'nurse',
      password: 'a-long-enough-password',
      roles: ['monitor'] as const,
    };
    expect(refusalWording(invalid, { ...good, username: 'Nurse 1' })).toBe(
      'users.problem.username',
    );
    expect(refusalWording(invalid, { ...good, password: 'short' })).toBe('users.problem.tooShort');
    expect(refusalWording(invalid, { ...good, password: 'x'.repeat(257) })).toBe(
      'users.problem.tooLong',
    );
    expect(refusalWording(invalid, { ...good, password: 'nurse-password-1' })).toBe(
      'users.problem.containsUsername',
    );
    expect(refusalWording(invalid, { ...good, roles: [] })).toBe('users.problem.noRole');
    // A change: the username is not the user's to fix, the password still is.
    expect(refusalWording(invalid, { username: 'Old.Name', usernameGiven: false, roles: [] })).toBe(
      'users.problem.noRole',
    );
    expect(refusalWording({ status: 409, code: 'DUPLICATE' }, good)).toBe(
      'users.problem.duplicate',
    );
    // Nothing the screen can name (or another code): the API's own code words it.
    expect(refusalWording(invalid, good)).toBeUndefined();
    expect(refusalWording({ status: 409, code: 'LAST_ADMIN' }, good)).toBeUndefined();
    expect(
      refusalWording({ status: 400, code: 'INVALID_JSON' }, { ...good, password: 'x' }),
    ).toBeUndefined();
    expect(
      refusalWording({ status: 401, code: 'TOKEN_REVOKED' }, { ...good, password: 'x' }),
    ).toBeUndefined();
    expect(refusalWording(undefined, { ...good, password: 'x' })).toBeUndefined();
  });
});
