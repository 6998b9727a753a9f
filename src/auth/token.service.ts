import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../runtime';
import { nextExpiry, SessionToken } from './session';

/** The one algorithm tokens are signed and verified with; `none` and others are refused. */
export const TOKEN_ALGORITHM = 'HS256';

interface TokenClaims {
  sub: string;
  ver: number;
  jti: string;
  /** When the session signed in (OpenID Connect's name for it), kept across refreshes. */
  auth_time: number;
  iat: number;
  exp: number;
}

const isWholeNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/**
 * Short-lived bearer tokens. They name the user, the user's token version, their own id and the
 * session's start; roles are read fresh on every request.
 */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get lifetimeSeconds(): number {
    return this.config.jwtExpiresInSeconds;
  }

  /** A new token of a session (a new one at sign-in, the same start at a refresh). */
  async issue(
    holder: { username: string; tokenVersion: number },
    sessionStartedAt: number,
    nowSeconds: number,
  ): Promise<{ accessToken: string; token: SessionToken }> {
    const claims: TokenClaims = {
      sub: holder.username,
      ver: holder.tokenVersion,
      jti: randomUUID(),
      auth_time: sessionStartedAt,
      iat: nowSeconds,
      exp: nextExpiry(sessionStartedAt, nowSeconds, this.config.jwtExpiresInSeconds),
    };
    // iat and exp are set here, not by the library, so that the session limits decide them.
    const accessToken = await this.jwt.signAsync(claims, { algorithm: TOKEN_ALGORITHM });
    return { accessToken, token: sessionTokenOf(claims) };
  }

  /**
   * The claims of a genuine token, expired or not (the session limits decide, see session.ts);
   * undefined for a bad, forged or malformed one.
   */
  async verify(token: string): Promise<SessionToken | undefined> {
    let claims: Partial<Record<keyof TokenClaims, unknown>>;
    try {
      claims = await this.jwt.verifyAsync(token, {
        algorithms: [TOKEN_ALGORITHM],
        ignoreExpiration: true,
      });
    } catch {
      return undefined;
    }
    const { sub, ver, jti, auth_time, iat, exp } = claims;
    if (typeof sub !== 'string' || typeof jti !== 'string' || jti.length > 64) return undefined;
    if (![ver, auth_time, iat, exp].every(isWholeNumber)) return undefined;
    const whole = { sub, ver, jti, auth_time, iat, exp } as TokenClaims;
    if (whole.auth_time > whole.iat || whole.iat >= whole.exp) return undefined;
    return sessionTokenOf(whole);
  }
}

function sessionTokenOf(claims: TokenClaims): SessionToken {
  return {
    username: claims.sub,
    version: claims.ver,
    tokenId: claims.jti,
    issuedAt: claims.iat,
    expiresAt: claims.exp,
    sessionStartedAt: claims.auth_time,
  };
}
