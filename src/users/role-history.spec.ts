import { decodeRoleHistory, encodeRoleHistory, withRoles } from './role-history';

const T1 = '2025-01-01T09:00:00.000Z';
const T2 = '2025-02-01T09:00:00.000Z';
const T3 = '2025-03-01T09:00:00.000Z';

describe(withRoles.name, () => {
  it('opens a period for each role of a new user, from its creation', () => {
    expect(withRoles({}, ['investigator', 'pharmacist'], T1)).toEqual({
      pharmacist: { since: T1, until: null },
      investigator: { since: T1, until: null },
    });
  });

  it('closes a removed role at the change and keeps it for good', () => {
    const created = withRoles({}, ['pharmacist'], T1);
    const changed = withRoles(created, ['assessor'], T2);
    expect(changed).toEqual({
      pharmacist: { since: T1, until: T2 },
      assessor: { since: T2, until: null },
    });
    // Later changes never forget it, nor move its period.
    expect(withRoles(changed, ['investigator'], T3)).toEqual({
      pharmacist: { since: T1, until: T2 },
      investigator: { since: T3, until: null },
      assessor: { since: T2, until: T3 },
    });
  });

  it('keeps the first grant of a role granted again, and holds it again', () => {
    const removed = withRoles(withRoles({}, ['unblinder'], T1), ['assessor'], T2);
    expect(withRoles(removed, ['unblinder', 'assessor'], T3)).toEqual({
      unblinder: { since: T1, until: null },
      assessor: { since: T2, until: null },
    });
  });

  it('changes nothing when the roles are the same (a password or display name change)', () => {
    const history = withRoles(withRoles({}, ['pharmacist'], T1), ['monitor'], T2);
    expect(withRoles(history, ['monitor'], T3)).toEqual(history);
  });
});

describe(decodeRoleHistory.name, () => {
  it('reads back what encodeRoleHistory wrote, in a canonical form', () => {
    const history = withRoles(withRoles({}, ['pharmacist', 'admin'], T1), ['admin'], T2);
    const text = encodeRoleHistory(history);
    expect(text).toBe(
      `{"admin":{"since":"${T1}","until":null},"pharmacist":{"since":"${T1}","until":"${T2}"}}`,
    );
    expect(decodeRoleHistory(text)).toEqual(history);
    expect(decodeRoleHistory('{}')).toEqual({});
  });

  it('throws on anything else, rather than read it as "never held a role"', () => {
    for (const text of [
      '',
      'null',
      '[]',
      '"pharmacist"',
      '{"pharmacist":true}',
      '{"pharmacist":{"until":null}}',
      `{"pharmacist":{"since":"","until":null}}`,
      `{"pharmacist":{"since":"${T1}","until":5}}`,
      `{"pharmacist":{"since":"${T1}"}}`,
      `{"nurse":{"since":"${T1}","until":null}}`,
      '{not json',
    ]) {
      expect(() => decodeRoleHistory(text)).toThrow('users.role_history is malformed');
    }
  });
});
