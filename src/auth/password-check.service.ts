import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { decoyPasswordHash, verifyPassword } from '../crypto/password-hasher';
import { APP_CONFIG } from '../runtime';
import { TokenHolder, UsersService } from '../users/users.service';
import { LoginThrottle, ThrottleBlock } from './login-throttle';

export type PasswordCheck =
  | { kind: 'ok'; user: TokenHolder }
  | { kind: 'wrong' }
  | { kind: 'disabled' }
  | ({ kind: 'throttled' } & ThrottleBlock);

/**
 * Checks a username and password: at login, and when a signature re-enters the password. Unknown
 * users and wrong passwords look the same to the caller and take the same time. A disabled
 * account is named as such only to someone who gave its right password, so that its holder learns
 * why, and nobody else learns which accounts exist; the attempt still counts as a failure.
 * Failures are throttled per account and per address, separately for sign-ins and for signatures:
 * anonymous failed sign-ins under an unblinder's name must not lock that unblinder's signature
 * out in an emergency.
 */
export type PasswordPurpose = 'login' | 'signature';

@Injectable()
export class PasswordCheckService {
  private readonly throttles: Record<PasswordPurpose, LoginThrottle>;

  constructor(
    private readonly users: UsersService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.throttles = {
      login: new LoginThrottle(config.loginThrottle),
      signature: new LoginThrottle(config.loginThrottle),
    };
  }

  async check(
    username: string,
    password: string,
    address: string,
    purpose: PasswordPurpose,
  ): Promise<PasswordCheck> {
    const throttle = this.throttles[purpose];
    const block = throttle.block(username, address);
    if (block) return { kind: 'throttled', ...block };
    const attempt = throttle.recordFailure(username, address);
    const credentials = await this.users.findCredentials(username);
    const matches = await verifyPassword(
      credentials?.passwordHash ?? (await decoyPasswordHash()),
      password,
    );
    if (!credentials || !matches) return { kind: 'wrong' };
    if (!credentials.active) return { kind: 'disabled' };
    throttle.recordSuccess(username, address, attempt);
    return {
      kind: 'ok',
      user: {
        username: credentials.username,
        roles: credentials.roles,
        tokenVersion: credentials.tokenVersion,
      },
    };
  }
}
