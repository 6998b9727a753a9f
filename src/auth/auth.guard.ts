import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Actor } from '../common/actor';
import { IS_PUBLIC, ROLES } from '../common/decorators';
import { Forbidden, Unauthenticated } from '../common/domain-errors';
import { actorOf, participantIdOf, RequestWithContext, routeOf } from '../common/request-context';
import { AuditService } from '../audit/audit.service';
import { UnitOfWork } from '../database/unit-of-work';
import { Role } from '../users/role';
import { AuthService } from './auth.service';
import {
  AuthenticatedRequest,
  nowInSeconds,
  REFRESHES_SESSION,
  SESSION_ABSOLUTE_LIMIT_SECONDS,
  SESSION_IDLE_LIMIT_SECONDS,
  SessionRefusal,
  sessionRefusal,
} from './session';
import { TokenService } from './token.service';

/**
 * The one global guard. Every route is refused unless it is @Public or @Roles grants one of the
 * caller's roles. The user's roles, active flag and token version, and the token's revocation,
 * are read from the database on every request, so a revoked role, a disabled account, a new
 * password or a sign-out takes effect on the very next request, in every process. Every refusal is
 * audited as ACCESS_DENIED with the route and the caller's roles.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly auth: AuthService,
    private readonly uow: UnitOfWork,
    private readonly audit: AuditService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const route = routeOf(request);

    const token = /^Bearer ([^\s]+)$/i.exec(request.header('authorization') ?? '')?.[1];
    if (!token)
      return this.deny(
        request,
        route,
        'no bearer token',
        new Unauthenticated('Sign in first: this route needs a bearer token'),
      );
    const session = await this.tokens.verify(token);
    if (!session) {
      return this.deny(
        request,
        route,
        'invalid or expired token',
        new Unauthenticated('The token is invalid or has expired; sign in again'),
      );
    }
    const { username } = session;
    const use = this.reflector.getAllAndOverride<boolean>(REFRESHES_SESSION, targets)
      ? 'refresh'
      : 'request';
    const limit = sessionRefusal(session, use, nowInSeconds());
    if (limit) {
      const [why, error] = SESSION_LIMIT_REFUSALS[limit];
      return this.deny(request, route, why, error(), username);
    }
    const { holder: user, revoked } = await this.auth.tokenState(session);
    if (!user) {
      return this.deny(
        request,
        route,
        'account unknown or disabled',
        new Unauthenticated('This account is disabled or no longer exists'),
        username,
      );
    }
    // A version, never a time: a clock step or a change in the token's own second cannot confuse it.
    if (user.tokenVersion !== session.version) {
      return this.deny(
        request,
        route,
        'token issued before a password change or a disabling of the account',
        new Unauthenticated(
          'The password has changed or the account was disabled since this token was issued; sign in again',
          'TOKEN_REVOKED',
        ),
        username,
      );
    }
    if (revoked) {
      return this.deny(
        request,
        route,
        'token revoked by sign-out or refresh',
        new Unauthenticated(
          'This token was signed out or replaced; sign in again',
          'TOKEN_REVOKED',
        ),
        username,
      );
    }
    request.session = session;
    request.actor = { ...actorOf(request), username: user.username, roles: user.roles };

    const granted = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets) ?? [];
    if (!granted.some((role) => user.roles.includes(role))) {
      const message =
        granted.length === 0
          ? 'This route is not open to any role'
          : `This action needs one of the roles: ${granted.join(', ')}`;
      return this.deny(request, route, 'role not granted', new Forbidden(message));
    }
    return true;
  }

  private async deny(
    request: RequestWithContext,
    route: string,
    why: string,
    error: Error,
    claimedUsername?: string,
  ): Promise<never> {
    const actor: Actor = actorOf(request);
    await this.uow.write((manager) =>
      this.audit.record(manager, {
        actor,
        action: 'ACCESS_DENIED',
        outcome: 'DENIED',
        reason: why,
        participantId: participantIdOf(request),
        details: { route, ...(claimedUsername ? { tokenUsername: claimedUsername } : {}) },
      }),
    );
    throw error;
  }
}

/** The refusals of a genuine token past a session limit: the audited reason and the answer. */
const SESSION_LIMIT_REFUSALS: Record<SessionRefusal, [string, () => Unauthenticated]> = {
  expired: [
    'token expired',
    () =>
      new Unauthenticated(
        'The token has expired; refresh the session or sign in again',
        'TOKEN_EXPIRED',
      ),
  ],
  idle: [
    `session idle for more than ${SESSION_IDLE_LIMIT_SECONDS / 60} minutes`,
    () =>
      new Unauthenticated(
        `The session was not refreshed for ${SESSION_IDLE_LIMIT_SECONDS / 60} minutes; sign in again`,
        'SESSION_EXPIRED',
      ),
  ],
  absolute: [
    `session older than ${SESSION_ABSOLUTE_LIMIT_SECONDS / 3600} hours`,
    () =>
      new Unauthenticated(
        `A session lasts at most ${SESSION_ABSOLUTE_LIMIT_SECONDS / 3600} hours from sign-in; sign in again`,
        'SESSION_EXPIRED',
      ),
  ],
};
