import { ReadinessChecks, readinessOf } from './readiness';

const ALL_PASS: ReadinessChecks = {
  database: { status: 'pass', detail: 'a write transaction committed' },
  list: { status: 'pass', detail: 'no integrity failure found' },
  keys: { status: 'pass', detail: 'the keys match the database' },
};

describe(readinessOf.name, () => {
  it('is ready when every check passes, and reports them all', () => {
    expect(readinessOf(ALL_PASS)).toEqual({ ready: true, checks: ALL_PASS });
  });

  it('names the failing check, with its reason, in the message', () => {
    const checks = { ...ALL_PASS, list: { status: 'fail' as const, detail: 'edited slots' } };
    expect(readinessOf(checks)).toEqual({
      ready: false,
      failing: ['list'],
      message: 'Not ready: list (edited slots)',
      checks,
    });
  });

  it('names every failing check, in a fixed order', () => {
    const verdict = readinessOf({
      keys: { status: 'fail', detail: 'k' },
      list: ALL_PASS.list,
      database: { status: 'fail', detail: 'disk full' },
    });
    expect(verdict).toMatchObject({
      ready: false,
      failing: ['database', 'keys'],
      message: 'Not ready: database (disk full); keys (k)',
    });
  });
});
