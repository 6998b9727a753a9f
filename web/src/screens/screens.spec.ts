import { screenAt, SCREENS, screensFor } from './screens';

describe('screens by role (SPEC section 11)', () => {
  it('gives everyone the overview, and each role its own screens only', () => {
    const paths = (roles: Parameters<typeof screensFor>[0]) => screensFor(roles).map((s) => s.path);
    expect(paths(['pharmacist'])).toEqual([
      '/',
      '/participants/new',
      '/allocation',
      '/downtime-envelopes',
    ]);
    expect(paths(['investigator'])).toEqual(['/', '/participants/new', '/blinding-guesses']);
    expect(paths(['assessor'])).toEqual(['/', '/blinding-guesses']);
    expect(paths(['unblinder'])).toEqual(['/', '/unblinding', '/unblinding-reviews']);
    expect(paths(['monitor'])).toEqual(['/', '/audit-log', '/blinding-register']);
    expect(paths(['statistician'])).toEqual([
      '/',
      '/downtime-envelopes',
      '/randomization-list',
      '/blinding-index',
    ]);
    expect(paths(['admin'])).toEqual([
      '/',
      '/unblinding-reviews',
      '/audit-log',
      '/blinding-register',
      '/users',
      '/study-lock',
    ]);
  });

  it('gives a user with several roles each of their sections, once', () => {
    const paths = screensFor(['pharmacist', 'investigator', 'monitor']).map((s) => s.path);
    expect(paths).toEqual([
      '/',
      '/participants/new',
      '/allocation',
      '/downtime-envelopes',
      '/audit-log',
      '/blinding-register',
    ]);
  });

  it('keeps the blinding assessment from a user who also sees allocations', () => {
    expect(screensFor(['investigator', 'unblinder']).map((s) => s.path)).not.toContain(
      '/blinding-guesses',
    );
    expect(screenAt('/blinding-guesses', ['assessor'])?.path).toBe('/blinding-guesses');
  });

  it('finds no screen outside the user’s roles, and ignores a trailing slash', () => {
    expect(screenAt('/allocation', ['monitor'])).toBeUndefined();
    expect(screenAt('/allocation/', ['pharmacist'])?.path).toBe('/allocation');
    expect(new Set(SCREENS.map((s) => s.path)).size).toBe(SCREENS.length);
  });
});
