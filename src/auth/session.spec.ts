import {
  nextExpiry,
  SESSION_ABSOLUTE_LIMIT_SECONDS as ABSOLUTE,
  SESSION_IDLE_LIMIT_SECONDS as IDLE,
  SessionToken,
  sessionRefusal,
  usableUntil,
} from './session';

const START = 1_800_000_000;

/** A 15-minute token issued `issuedAfterStart` s into a session that began at START. */
function token(issuedAfterStart = 0, lifetime = 900): SessionToken {
  const issuedAt = START + issuedAfterStart;
  return {
    username: 'alice',
    version: 3,
    tokenId: 'id',
    issuedAt,
    expiresAt: nextExpiry(START, issuedAt, lifetime),
    sessionStartedAt: START,
  };
}

describe(sessionRefusal.name, () => {
  it('admits a token on any route until it expires, then refuses it as expired', () => {
    expect(sessionRefusal(token(), 'request', START + 899)).toBeUndefined();
    expect(sessionRefusal(token(), 'request', START + 900)).toBe('expired');
  });

  it('lets a refresh swap a token until 30 minutes after its issue, expired or not', () => {
    expect(sessionRefusal(token(), 'refresh', START + 900)).toBeUndefined();
    expect(sessionRefusal(token(), 'refresh', START + IDLE)).toBeUndefined();
    expect(sessionRefusal(token(), 'refresh', START + IDLE + 1)).toBe('idle');
  });

  it('counts idleness from the last token issued, so refreshing keeps the session alive', () => {
    const refreshed = token(5 * 3600);
    expect(sessionRefusal(refreshed, 'refresh', START + 5 * 3600 + IDLE)).toBeUndefined();
  });

  it('refuses every token of a session 12 hours after its sign-in, for either use', () => {
    const late = token(ABSOLUTE - 60);
    expect(sessionRefusal(late, 'request', START + ABSOLUTE - 1)).toBeUndefined();
    expect(sessionRefusal(late, 'request', START + ABSOLUTE)).toBe('absolute');
    expect(sessionRefusal(late, 'refresh', START + ABSOLUTE)).toBe('absolute');
  });
});

describe(nextExpiry.name, () => {
  it('gives a full lifetime, cut at the absolute limit', () => {
    expect(nextExpiry(START, START + 100, 900)).toBe(START + 1000);
    expect(nextExpiry(START, START + ABSOLUTE - 300, 900)).toBe(START + ABSOLUTE);
  });
});

describe(usableUntil.name, () => {
  it('keeps a revocation until neither a request nor a refresh could use the token', () => {
    expect(usableUntil(token())).toBe(START + IDLE);
    expect(usableUntil(token(0, 3600))).toBe(START + 3600);
    expect(usableUntil(token(ABSOLUTE - 60))).toBe(START + ABSOLUTE);
  });
});
