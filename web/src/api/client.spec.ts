import { ApiError, endsSession } from './client';

const refusal = (status: number, code: string) =>
  new ApiError(status, code, 'refused', { statusCode: status, code }, undefined);

describe(endsSession.name, () => {
  it('ends the session on the 401s that only a new sign-in answers', () => {
    for (const code of ['UNAUTHENTICATED', 'TOKEN_EXPIRED', 'TOKEN_REVOKED', 'SESSION_EXPIRED'])
      expect({ code, ends: endsSession(refusal(401, code)) }).toEqual({ code, ends: true });
  });

  it('keeps the session when only the re-entered password (electronic signature) was wrong', () => {
    expect(endsSession(refusal(401, 'SIGNATURE_FAILED'))).toBe(false);
  });

  it('keeps the session on every other refusal', () => {
    expect(endsSession(refusal(403, 'FORBIDDEN'))).toBe(false);
    expect(endsSession(refusal(429, 'THROTTLED'))).toBe(false);
    expect(endsSession(new Error('not an API answer'))).toBe(false);
  });
});
