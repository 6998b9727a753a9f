import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../runtime';

/** The one algorithm tokens are signed and verified with; `none` and others are refused. */
export const TOKEN_ALGORITHM = 'HS256';

interface TokenClaims {
  sub: string;
}

/** Short-lived bearer tokens; they name the user only, roles are read fresh on every request. */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get lifetimeSeconds(): number {
    return this.config.jwtExpiresInSeconds;
  }

  issue(username: string): Promise<string> {
    return this.jwt.signAsync({ sub: username } satisfies TokenClaims, {
      algorithm: TOKEN_ALGORITHM,
      expiresIn: this.config.jwtExpiresInSeconds,
    });
  }

  /** Who a valid token names and when it was issued; undefined for a bad, forged or expired one. */
  async verify(token: string): Promise<{ username: string; issuedAt: Date } | undefined> {
    try {
      const claims = await this.jwt.verifyAsync<TokenClaims & { iat?: number }>(token, {
        algorithms: [TOKEN_ALGORITHM],
      });
      if (typeof claims.sub !== 'string' || typeof claims.iat !== 'number') return undefined;
      return { username: claims.sub, issuedAt: new Date(claims.iat * 1000) };
    } catch {
      return undefined;
    }
  }
}
