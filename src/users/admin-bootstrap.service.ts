import { Inject, Injectable, Logger } from '@nestjs/common';
import { SYSTEM_ACTOR } from '../common/actor';
import { AppConfig } from '../config/app-config';
import { hashPassword, randomPassword } from '../crypto/password-hasher';
import { UnitOfWork } from '../database/unit-of-work';
import { APP_CONFIG } from '../runtime';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

export const BOOTSTRAP_ADMIN_USERNAME = 'admin';

/**
 * On an empty database, creates the one default account, `admin`, with BOOTSTRAP_ADMIN_PASSWORD
 * or a random password printed once. Production never generates a password.
 */
@Injectable()
export class AdminBootstrapService {
  private readonly logger = new Logger('Setup');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly uow: UnitOfWork,
    private readonly users: UsersService,
    private readonly accounts: UsersRepository,
  ) {}

  async createAdminIfNoUsers(): Promise<void> {
    const count = await this.uow.read((manager) => this.accounts.count(manager));
    if (count > 0) return;
    let password = this.config.bootstrapAdminPassword;
    const generated = password === undefined;
    if (password === undefined) {
      if (this.config.nodeEnv === 'production') {
        throw new Error(
          'Configuration: BOOTSTRAP_ADMIN_PASSWORD must be set for the first start in production',
        );
      }
      password = randomPassword();
    }
    const passwordHash = await hashPassword(password);
    const created = await this.uow.write(async (manager) => {
      // Another process may have bootstrapped meanwhile.
      if ((await this.accounts.count(manager)) > 0) return false;
      await this.users.insert(manager, SYSTEM_ACTOR, {
        username: BOOTSTRAP_ADMIN_USERNAME,
        displayName: 'Bootstrap administrator',
        passwordHash,
        roles: ['admin'],
      });
      return true;
    });
    if (!created) return;
    if (generated) {
      this.logger.warn(
        `\n${'='.repeat(78)}\n== Created user "admin" with the generated password:\n==     ${password}\n== It is shown only this once. Log in and change it (PATCH /api/users/admin).\n${'='.repeat(78)}`,
      );
    } else {
      this.logger.log('Created user "admin" with the password from BOOTSTRAP_ADMIN_PASSWORD');
    }
  }
}
