import { Injectable } from '@nestjs/common';
import { Actor } from '../common/actor';
import { Throttled, Unauthenticated } from '../common/domain-errors';
import { AuditService } from '../audit/audit.service';
import { UnitOfWork } from '../database/unit-of-work';
import { LoginDto, LoginResponseDto } from './dto/login.dto';
import { describeWait } from './login-throttle';
import { PasswordCheckService } from './password-check.service';
import { TokenService } from './token.service';

export const WRONG_CREDENTIALS = 'Invalid username or password';

@Injectable()
export class AuthService {
  constructor(
    private readonly passwords: PasswordCheckService,
    private readonly tokens: TokenService,
    private readonly uow: UnitOfWork,
    private readonly audit: AuditService,
  ) {}

  async login(anonymous: Actor, dto: LoginDto): Promise<LoginResponseDto> {
    const check = await this.passwords.check(
      dto.username,
      dto.password,
      anonymous.ip ?? 'unknown',
      'login',
    );
    switch (check.kind) {
      case 'throttled':
        await this.recordFailure(
          anonymous,
          dto.username,
          `too many failed attempts for this ${check.by}`,
        );
        throw new Throttled(
          `Too many failed sign-in attempts; wait ${describeWait(check.retryAfterSeconds)} and try again`,
        );
      case 'wrong':
        await this.recordFailure(anonymous, dto.username, 'wrong username or password');
        throw new Unauthenticated(WRONG_CREDENTIALS);
      case 'ok': {
        const actor: Actor = {
          ...anonymous,
          username: check.user.username,
          roles: check.user.roles,
        };
        const accessToken = await this.tokens.issue(check.user.username);
        await this.uow.write((manager) =>
          this.audit.record(manager, { actor, action: 'LOGIN_SUCCEEDED', outcome: 'SUCCESS' }),
        );
        return {
          accessToken,
          tokenType: 'Bearer',
          expiresIn: this.tokens.lifetimeSeconds,
          user: { username: check.user.username, roles: check.user.roles },
        };
      }
    }
  }

  private async recordFailure(anonymous: Actor, username: string, why: string): Promise<void> {
    await this.uow.write((manager) =>
      this.audit.record(manager, {
        actor: anonymous,
        action: 'LOGIN_FAILED',
        outcome: 'DENIED',
        reason: why,
        // The username that was tried, never the password.
        details: { username: username.slice(0, 64) },
      }),
    );
  }
}
