import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Actor } from '../common/actor';
import { IS_PUBLIC, ROLES } from '../common/decorators';
import { Forbidden, Unauthenticated } from '../common/domain-errors';
import { actorOf, participantIdOf, RequestWithContext, routeOf } from '../common/request-context';
import { AuditService } from '../audit/audit.service';
import { UnitOfWork } from '../database/unit-of-work';
import { Role } from '../users/role';
import { UsersService } from '../users/users.service';
import { TokenService } from './token.service';

/**
 * The one global guard. Every route is refused unless it is @Public or @Roles grants one of the
 * caller's roles. The user's roles and active flag are read from the database on every request,
 * so a revoked role or a disabled account takes effect on the very next request. Every refusal is
 * audited as ACCESS_DENIED with the route and the caller's roles.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly users: UsersService,
    private readonly uow: UnitOfWork,
    private readonly audit: AuditService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<RequestWithContext>();
    const route = routeOf(request);

    const token = /^Bearer ([^\s]+)$/i.exec(request.header('authorization') ?? '')?.[1];
    if (!token)
      return this.deny(
        request,
        route,
        'no bearer token',
        new Unauthenticated('Sign in first: this route needs a bearer token'),
      );
    const verified = await this.tokens.verify(token);
    if (!verified) {
      return this.deny(
        request,
        route,
        'invalid or expired token',
        new Unauthenticated('The token is invalid or has expired; sign in again'),
      );
    }
    const { username, issuedAt } = verified;
    const user = await this.users.findActive(username);
    if (!user) {
      return this.deny(
        request,
        route,
        'account unknown or disabled',
        new Unauthenticated('This account is disabled or no longer exists'),
        username,
      );
    }
    if (user.credentialsChangedAt && issuedBefore(issuedAt, user.credentialsChangedAt)) {
      return this.deny(
        request,
        route,
        'token issued before the password changed',
        new Unauthenticated('The password has changed since this token was issued; sign in again'),
        username,
      );
    }
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

/** A token's issue time has whole seconds: it counts as before a change made in a later second. */
function issuedBefore(issuedAt: Date, changedAt: string): boolean {
  return issuedAt.getTime() < Math.floor(Date.parse(changedAt) / 1000) * 1000;
}
