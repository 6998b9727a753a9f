import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { decoyPasswordHash, verifyPassword } from '../crypto/password-hasher';
import { UnitOfWork } from '../database/unit-of-work';
import { APP_CONFIG } from '../runtime';
import { TokenHolder, UsersService } from '../users/users.service';
import { ThrottleBlock } from './login-throttle';
import { PasswordFailuresRepository } from './password-failures.repository';

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
 * out in an emergency. The failures are counted in the database, so every server process on it
 * enforces the same window (N processes do not give N times the attempts).
 */
export type PasswordPurpose = 'login' | 'signature';

@Injectable()
export class PasswordCheckService {
  constructor(
    private readonly users: UsersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly uow: UnitOfWork,
    private readonly failures: PasswordFailuresRepository,
  ) {}

  async check(
    username: string,
    password: string,
    address: string,
    purpose: PasswordPurpose,
  ): Promise<PasswordCheck> {
    const admitted = await this.uow.write((manager) =>
      this.failures.admit(
        manager,
        purpose,
        username,
        address,
        this.config.loginThrottle,
        new Date(),
      ),
    );
    if ('block' in admitted) return { kind: 'throttled', ...admitted.block };
    const credentials = await this.users.findCredentials(username);
    const matches = await verifyPassword(
      credentials?.passwordHash ?? (await decoyPasswordHash()),
      password,
    );
    if (!credentials || !matches) return { kind: 'wrong' };
    if (!credentials.active) return { kind: 'disabled' };
    await this.uow.write((manager) =>
      this.failures.forgive(manager, purpose, username, admitted.attempt),
    );
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
