import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { secretsEqual } from '../crypto/hashing';

export const ACCEPTS_METRICS_TOKEN = 'acceptsMetricsToken';

/** The name a request admitted by METRICS_TOKEN acts under (it has no user, and no role). */
export const METRICS_TOKEN_ACTOR = 'metrics-token';

/**
 * Besides the roles of @Roles, the route admits `Authorization: Bearer <METRICS_TOKEN>`, so that
 * a Prometheus server can scrape without a user account. The global guard checks it
 * (auth.guard.ts); no other route admits the token.
 */
export const AcceptsMetricsToken = () =>
  applyDecorators(SetMetadata(ACCEPTS_METRICS_TOKEN, true), ApiExtension('x-metrics-token', true));

/**
 * Whether the Authorization header carries the configured metrics token, compared in constant
 * time. False when no token is configured: then only the roles of the route admit a caller.
 */
export function presentsMetricsToken(
  authorization: string | undefined,
  configured: string | undefined,
): boolean {
  if (configured === undefined) return false;
  const presented = /^Bearer ([^\s]+)$/i.exec(authorization ?? '')?.[1];
  return presented !== undefined && secretsEqual(presented, configured);
}
