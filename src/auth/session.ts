import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { RequestWithContext } from '../common/request-context';

/**
 * Session limits (docs/security.md). A session starts at sign-in; its start travels in every
 * token of it (`auth_time`) and is never moved by a refresh.
 * - Idle: a token can be swapped for a new one (POST /api/auth/refresh) until 30 minutes after it
 *   was issued, even once it has expired for other requests (15 minutes by default). So a session
 *   that has not been refreshed for 30 minutes is over: using other routes does not extend it, a
 *   refresh does.
 * - Absolute: 12 hours after the sign-in no token of the session is accepted, refreshed or not; a
 *   refresh never issues a token that outlives that limit.
 */
export const SESSION_IDLE_LIMIT_SECONDS = 30 * 60;
export const SESSION_ABSOLUTE_LIMIT_SECONDS = 12 * 60 * 60;

/** A genuine token's claims, times in whole seconds since the epoch (JWT's NumericDate). */
export interface SessionToken {
  username: string;
  /** The user's token version when the token was issued. */
  version: number;
  /** The token's own id (jti), what sign-out revokes. */
  tokenId: string;
  issuedAt: number;
  expiresAt: number;
  sessionStartedAt: number;
}

/** What a token is presented for: any route, or the refresh route that tolerates expiry. */
export type TokenUse = 'request' | 'refresh';

export type SessionRefusal = 'expired' | 'idle' | 'absolute';

/** Why a genuine token cannot be used now for this purpose, or undefined when it can. */
export function sessionRefusal(
  token: SessionToken,
  use: TokenUse,
  nowSeconds: number,
): SessionRefusal | undefined {
  if (nowSeconds >= token.sessionStartedAt + SESSION_ABSOLUTE_LIMIT_SECONDS) return 'absolute';
  if (use === 'refresh') {
    return nowSeconds > token.issuedAt + SESSION_IDLE_LIMIT_SECONDS ? 'idle' : undefined;
  }
  return nowSeconds >= token.expiresAt ? 'expired' : undefined;
}

/** When a new token of this session, issued now, expires: its lifetime, cut at the absolute limit. */
export function nextExpiry(
  sessionStartedAt: number,
  nowSeconds: number,
  lifetimeSeconds: number,
): number {
  return Math.min(nowSeconds + lifetimeSeconds, sessionStartedAt + SESSION_ABSOLUTE_LIMIT_SECONDS);
}

/** Until when a token could still be used for something (a request or a refresh): how long its revocation must be kept. */
export function usableUntil(token: SessionToken): number {
  return Math.min(
    Math.max(token.expiresAt, token.issuedAt + SESSION_IDLE_LIMIT_SECONDS),
    token.sessionStartedAt + SESSION_ABSOLUTE_LIMIT_SECONDS,
  );
}

export function nowInSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export const REFRESHES_SESSION = 'refreshesSession';

/** The route swaps the presented token for a new one: the guard admits an expired token within the idle limit. */
export const RefreshesSession = () => SetMetadata(REFRESHES_SESSION, true);

/** A request that the guard authenticated carries the token it was authenticated with. */
export interface AuthenticatedRequest extends RequestWithContext {
  session?: SessionToken;
}

/** The token the guard authenticated this request with (only on routes that need a token). */
export const CurrentSession = createParamDecorator(
  (_data: unknown, context: ExecutionContext): SessionToken => {
    const session = context.switchToHttp().getRequest<AuthenticatedRequest>().session;
    // The guard sets it before any handler with a token runs; its absence is a wiring bug.
    if (!session) throw new Error('CurrentSession used on a route the guard did not authenticate');
    return session;
  },
);
