import { Injectable } from '@nestjs/common';
import { Actor } from '../common/actor';
import { Unauthenticated } from '../common/domain-errors';
import { actorOf, RequestWithContext } from '../common/request-context';
import { TokenHolder } from '../users/users.service';
import { AuthService } from './auth.service';
import {
  nowInSeconds,
  SESSION_ABSOLUTE_LIMIT_SECONDS,
  SESSION_IDLE_LIMIT_SECONDS,
  SessionRefusal,
  sessionRefusal,
  SessionToken,
} from './session';
import { TokenService } from './token.service';

/** What a request's bearer token proves: nothing sent, a refusal (why, answer), or a holder. */
export type BearerCheck =
  | { kind: 'none' }
  | { kind: 'refused'; why: string; error: Unauthenticated; username?: string }
  | { kind: 'valid'; session: SessionToken; user: TokenHolder };

/**
 * The one check of a bearer token: signature and expiry, the session limits, the holder's
 * active flag and token version, and revocation, read from the database on every call. The
 * guard refuses on it; the exception filter uses it to name the actor of a request refused
 * before the guard ran (a body the parser refused), so a refusal is never wrongly anonymous.
 */
@Injectable()
export class BearerCheckService {
  constructor(
    private readonly tokens: TokenService,
    private readonly auth: AuthService,
  ) {}

  async check(request: RequestWithContext, use: 'refresh' | 'request'): Promise<BearerCheck> {
    const token = /^Bearer ([^\s]+)$/i.exec(request.header('authorization') ?? '')?.[1];
    if (!token) return { kind: 'none' };
    const session = await this.tokens.verify(token);
    if (!session) {
      return {
        kind: 'refused',
        why: 'invalid or expired token',
        error: new Unauthenticated('The token is invalid or has expired; sign in again'),
      };
    }
    const { username } = session;
    const limit = sessionRefusal(session, use, nowInSeconds());
    if (limit) {
      const [why, error] = SESSION_LIMIT_REFUSALS[limit];
      return { kind: 'refused', why, error: error(), username };
    }
    const { holder: user, revoked } = await this.auth.tokenState(session);
    if (!user) {
      return {
        kind: 'refused',
        why: 'account unknown or disabled',
        error: new Unauthenticated('This account is disabled or no longer exists'),
        username,
      };
    }
    // A version, never a time: a clock step or a change in the token's own second cannot confuse it.
    if (user.tokenVersion !== session.version) {
      return {
        kind: 'refused',
        why: 'token issued before a password change or a disabling of the account',
        error: new Unauthenticated(
          'The password has changed or the account was disabled since this token was issued; sign in again',
          'TOKEN_REVOKED',
        ),
        username,
      };
    }
    if (revoked) {
      return {
        kind: 'refused',
        why: 'token revoked by sign-out or refresh',
        error: new Unauthenticated(
          'This token was signed out or replaced; sign in again',
          'TOKEN_REVOKED',
        ),
        username,
      };
    }
    return { kind: 'valid', session, user };
  }

  /** The actor of a request: the holder of a valid token, else anonymous. */
  async actorOf(request: RequestWithContext): Promise<Actor> {
    const checked = await this.check(request, 'request');
    const anonymous = actorOf(request);
    return checked.kind === 'valid'
      ? { ...anonymous, username: checked.user.username, roles: checked.user.roles }
      : anonymous;
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
