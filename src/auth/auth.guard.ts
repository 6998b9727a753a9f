import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { IS_PUBLIC, ROLES } from '../common/decorators';
import { Forbidden, Unauthenticated } from '../common/domain-errors';
import { auditRefusalAs } from '../common/refusal-audit';
import { actorOf, routeOf } from '../common/request-context';
import { AppConfig } from '../config/app-config';
import {
  ACCEPTS_METRICS_TOKEN,
  METRICS_TOKEN_ACTOR,
  presentsMetricsToken,
} from '../observability/metrics-token';
import { APP_CONFIG } from '../runtime';
import { Role } from '../users/role';
import { BearerCheckService } from './bearer-check.service';
import { AuthenticatedRequest, REFRESHES_SESSION } from './session';

/**
 * The one global guard. Every route is refused unless it is @Public or @Roles grants one of the
 * caller's roles (GET /api/metrics also admits METRICS_TOKEN: @AcceptsMetricsToken). The user's roles, active flag and token version, and the token's revocation,
 * are read from the database on every request (BearerCheckService), so a revoked role, a disabled
 * account, a new password or a sign-out takes effect on the very next request, in every process.
 * Every refusal is audited as ACCESS_DENIED with the route and the caller's roles, by the
 * exception filter, the one place that audits refusals.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly bearer: BearerCheckService,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'metricsToken'>,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const route = routeOf(request);
    if (
      this.reflector.getAllAndOverride<boolean>(ACCEPTS_METRICS_TOKEN, targets) &&
      presentsMetricsToken(request.header('authorization'), this.config.metricsToken)
    ) {
      request.actor = { ...actorOf(request), username: METRICS_TOKEN_ACTOR, roles: [] };
      return true;
    }

    const use = this.reflector.getAllAndOverride<boolean>(REFRESHES_SESSION, targets)
      ? 'refresh'
      : 'request';
    const checked = await this.bearer.check(request, use);
    if (checked.kind === 'none') {
      return deny(
        route,
        'no bearer token',
        new Unauthenticated('Sign in first: this route needs a bearer token'),
      );
    }
    if (checked.kind === 'refused')
      return deny(route, checked.why, checked.error, checked.username);
    const { session, user } = checked;
    request.session = session;
    request.actor = { ...actorOf(request), username: user.username, roles: user.roles };

    const granted = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets) ?? [];
    if (!granted.some((role) => user.roles.includes(role))) {
      const message =
        granted.length === 0
          ? 'This route is not open to any role'
          : `This action needs one of the roles: ${granted.join(', ')}`;
      return deny(route, 'role not granted', new Forbidden(message));
    }
    return true;
  }
}

/** Throws the refusal, telling the filter to record it as ACCESS_DENIED with this reason. */
function deny(route: string, why: string, error: Error, claimedUsername?: string): never {
  throw auditRefusalAs(error, {
    action: 'ACCESS_DENIED',
    reason: why,
    details: { route, ...(claimedUsername ? { tokenUsername: claimedUsername } : {}) },
  });
}
