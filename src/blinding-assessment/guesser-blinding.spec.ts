import { Role } from '../users/role';
import { withRoles } from '../users/role-history';
import { allocationRolesHeld, notBlindedReason, SEES_ALLOCATIONS } from './guesser-blinding';

const T1 = '2025-01-01T09:00:00.000Z';
const T2 = '2025-02-01T09:00:00.000Z';
const T3 = '2025-03-01T09:00:00.000Z';

describe(notBlindedReason.name, () => {
  it('lets a user who never held pharmacist or unblinder guess', () => {
    const cases: Role[][] = [
      ['assessor'],
      ['investigator'],
      ['assessor', 'statistician', 'monitor'],
    ];
    for (const current of cases) {
      const history = withRoles(withRoles({}, ['admin'], T1), current, T2);
      expect(notBlindedReason(current, history)).toBeUndefined();
    }
  });

  it('refuses a former pharmacist, naming the role and when it was held', () => {
    const history = withRoles(withRoles({}, ['pharmacist'], T1), ['assessor'], T2);
    expect(notBlindedReason(['assessor'], history)).toBe(
      `You held the pharmacist role from ${T1} until ${T2}: a role that sees allocations, held at any time, means your guess would not measure the blind. Ask a blinded assessor or investigator to record it.`,
    );
  });

  it('refuses a former unblinder, and one who held both, naming each', () => {
    const unblinder = withRoles(
      withRoles({}, ['unblinder', 'investigator'], T1),
      ['investigator'],
      T2,
    );
    expect(notBlindedReason(['investigator'], unblinder)).toMatch(
      new RegExp(`^You held the unblinder role from ${T1} until ${T2}: `),
    );
    const both = withRoles(
      withRoles(withRoles({}, ['pharmacist'], T1), ['unblinder'], T2),
      ['assessor'],
      T3,
    );
    expect(notBlindedReason(['assessor'], both)).toMatch(
      new RegExp(
        `^You held the pharmacist role from ${T1} until ${T2}, and you held the unblinder role from ${T2} until ${T3}: `,
      ),
    );
  });

  it('refuses a current holder, from the history or, if it lacks the role, from the current roles', () => {
    const history = withRoles({}, ['investigator', 'pharmacist'], T1);
    expect(notBlindedReason(['investigator', 'pharmacist'], history)).toMatch(
      new RegExp(`^You hold the pharmacist role \\(since ${T1}\\): `),
    );
    expect(notBlindedReason(['investigator', 'unblinder'], {})).toMatch(
      /^You hold the unblinder role: a role that sees allocations/,
    );
  });

  it('refuses when no history is stored: never held cannot be shown', () => {
    expect(notBlindedReason(['assessor'], undefined)).toMatch(
      /^No readable role history is stored/,
    );
  });

  it('names no participant, leg or allocation', () => {
    const history = withRoles(withRoles({}, ['pharmacist', 'unblinder'], T1), ['assessor'], T2);
    expect(notBlindedReason(['assessor'], history)).not.toMatch(/LEFT|RIGHT|cells|saline|ELA-/i);
  });
});

describe(allocationRolesHeld.name, () => {
  it('looks only at the roles that see allocations before lock', () => {
    expect(SEES_ALLOCATIONS).toEqual(['pharmacist', 'unblinder']);
    const history = withRoles(
      withRoles({}, ['admin', 'statistician', 'monitor', 'investigator', 'assessor'], T1),
      ['assessor'],
      T2,
    );
    expect(allocationRolesHeld(['assessor'], history)).toEqual([]);
  });
});
