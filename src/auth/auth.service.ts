import { Injectable } from '@nestjs/common';
import { Actor } from '../common/actor';
import { Throttled, Unauthenticated } from '../common/domain-errors';
import { alreadyAudited } from '../common/refusal-audit';
import { AuditService } from '../audit/audit.service';
import { UnitOfWork } from '../database/unit-of-work';
import { MetricsService } from '../observability/metrics.service';
import { TokenHolder, UsersService } from '../users/users.service';
import { LoginDto, LoginResponseDto } from './dto/login.dto';
import { describeWait } from './login-throttle';
import { PasswordCheckService } from './password-check.service';
import { RevokedTokensRepository } from './revoked-tokens.repository';
import { SessionToken } from './session';
import { TokenService } from './token.service';

export const WRONG_CREDENTIALS = 'Invalid username or password';
export const ACCOUNT_DISABLED =
  'This account is disabled; ask the administrator of the service to enable it again';

/** What the guard needs to know about a genuine token: its holder, if active, and whether it was revoked. */
export interface TokenState {
  holder: TokenHolder | undefined;
  revoked: boolean;
}

const isoOfSeconds = (seconds: number): string => new Date(seconds * 1000).toISOString();

@Injectable()
export class AuthService {
  constructor(
    private readonly passwords: PasswordCheckService,
    private readonly tokens: TokenService,
    private readonly users: UsersService,
    private readonly revokedTokens: RevokedTokensRepository,
    private readonly uow: UnitOfWork,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
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
        this.metrics.countLoginFailure('throttled');
        await this.recordFailure(
          anonymous,
          dto.username,
          `too many failed attempts for this ${check.by}`,
        );
        throw alreadyAudited(
          new Throttled(
            `Too many failed sign-in attempts; wait ${describeWait(check.retryAfterSeconds)} and try again`,
          ),
        );
      case 'wrong':
        this.metrics.countLoginFailure('wrong_credentials');
        await this.recordFailure(anonymous, dto.username, 'wrong username or password');
        throw alreadyAudited(new Unauthenticated(WRONG_CREDENTIALS));
      case 'disabled':
        this.metrics.countLoginFailure('account_disabled');
        await this.recordFailure(anonymous, dto.username, 'account disabled');
        throw alreadyAudited(new Unauthenticated(ACCOUNT_DISABLED, 'ACCOUNT_DISABLED'));
      case 'ok': {
        const actor: Actor = {
          ...anonymous,
          username: check.user.username,
          roles: check.user.roles,
        };
        const now = Math.floor(Date.now() / 1000);
        const { accessToken } = await this.tokens.issue(check.user, now, now);
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

  /** Read by the guard on every request, in one unit of work. */
  tokenState(token: SessionToken): Promise<TokenState> {
    return this.uow.read(async (manager) => ({
      holder: await this.users.tokenHolderIn(manager, token.username),
      revoked: await this.revokedTokens.isRevoked(manager, token.tokenId),
    }));
  }

  /**
   * Swaps the presented token (checked by the guard: genuine, within the session limits, not
   * revoked, current version) for a new one of the same session, and revokes the presented one, so
   * a session cannot fork. Checked again inside the write transaction: a parallel refresh, a
   * sign-out or a disabling that committed since the guard's read wins.
   */
  async refresh(actor: Actor, token: SessionToken): Promise<LoginResponseDto> {
    const now = new Date();
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const outcome = await this.uow.write(async (manager) => {
      const holder = await this.users.tokenHolderIn(manager, token.username);
      const refusal =
        !holder || holder.tokenVersion !== token.version
          ? 'account disabled or password changed since the token was issued'
          : !(await this.revokedTokens.revoke(manager, token, now))
            ? 'token already refreshed or signed out'
            : undefined;
      if (refusal || !holder) {
        await this.audit.record(manager, {
          actor,
          action: 'ACCESS_DENIED',
          outcome: 'DENIED',
          reason: refusal,
          details: { route: 'POST /api/auth/refresh' },
        });
        return { refused: true as const };
      }
      await this.revokedTokens.sweep(manager, now);
      const issued = await this.tokens.issue(holder, token.sessionStartedAt, nowSeconds);
      await this.audit.record(manager, {
        actor,
        action: 'TOKEN_REFRESHED',
        outcome: 'SUCCESS',
        details: {
          sessionStartedAt: isoOfSeconds(token.sessionStartedAt),
          expiresAt: isoOfSeconds(issued.token.expiresAt),
        },
      });
      return { refused: false as const, holder, issued };
    });
    if (outcome.refused) {
      // Audited inside the refresh transaction above.
      throw alreadyAudited(
        new Unauthenticated(
          'This session has ended (signed out, refreshed already, or the account changed); sign in again',
          'TOKEN_REVOKED',
        ),
      );
    }
    return {
      accessToken: outcome.issued.accessToken,
      tokenType: 'Bearer',
      expiresIn: outcome.issued.token.expiresAt - nowSeconds,
      user: { username: outcome.holder.username, roles: outcome.holder.roles },
    };
  }

  /** Revokes the presented token at once, in every process on the database. */
  async logout(actor: Actor, token: SessionToken): Promise<void> {
    const now = new Date();
    await this.uow.write(async (manager) => {
      await this.revokedTokens.revoke(manager, token, now);
      await this.revokedTokens.sweep(manager, now);
      await this.audit.record(manager, {
        actor,
        action: 'LOGOUT',
        outcome: 'SUCCESS',
        details: { sessionStartedAt: isoOfSeconds(token.sessionStartedAt) },
      });
    });
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
