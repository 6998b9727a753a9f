import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import type { ReactNode } from 'react';
import { ApiError, endsSession, send, type Method } from '../api/client';
import type { LoginResponse, Role, SessionUser } from '../api/types';
import { refreshDue, sessionPhase, type SessionClock, type SessionPhase } from './session-timing';

/**
 * The signed-in session. The token lives in memory only (never in storage, a cookie, the URL or
 * the console): a reload asks for the password again. A 401 turns the session into "lost": the
 * screen stays as it was under the sign-in dialog, and the same user signing in again goes on.
 */
export type SessionState =
  | { kind: 'none'; notice?: 'signedOut' }
  | { kind: 'active'; user: SessionUser }
  | { kind: 'lost'; user: SessionUser };

export interface Session {
  state: SessionState;
  phase: SessionPhase;
  hasRole: (role: Role) => boolean;
  signIn: (username: string, password: string) => Promise<{ sameUser: boolean }>;
  signOut: () => Promise<void>;
  /** Swaps the token for a new one now (the warning's "Stay signed in"). */
  stay: () => Promise<void>;
  /** A JSON answer of the API, as the signed-in user. */
  json: <T>(
    method: Method,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) => Promise<T>;
  /** The raw answer (text, downloads, headers), as the signed-in user. */
  raw: (
    method: Method,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) => Promise<Response>;
}

const SessionContext = createContext<Session | undefined>(undefined);

interface Held {
  token: string;
  clock: SessionClock;
}

function clockOf(answer: LoginResponse, startedAt: number): SessionClock {
  const now = Date.now();
  return { issuedAt: now, expiresAt: now + answer.expiresIn * 1000, startedAt };
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ kind: 'none' });
  const [phase, setPhase] = useState<SessionPhase>({ kind: 'active' });
  const held = useRef<Held | undefined>(undefined);
  const lastActivity = useRef(0);
  const refreshing = useRef<Promise<void> | undefined>(undefined);

  const lose = useCallback(() => {
    held.current = undefined;
    setState((current) =>
      current.kind === 'active' ? { kind: 'lost', user: current.user } : current,
    );
  }, []);

  const refresh = useCallback(async () => {
    const current = held.current;
    if (!current) return;
    refreshing.current ??= (async () => {
      try {
        const response = await send({
          method: 'POST',
          path: '/api/auth/refresh',
          token: current.token,
        });
        const answer = (await response.json()) as LoginResponse;
        held.current = {
          token: answer.accessToken,
          clock: clockOf(answer, current.clock.startedAt),
        };
        setPhase({ kind: 'active' });
      } catch (error) {
        if (endsSession(error)) lose();
      } finally {
        refreshing.current = undefined;
      }
    })();
    await refreshing.current;
  }, [lose]);

  // Activity keeps the session alive; the clock ends it, and warns two minutes before.
  useEffect(() => {
    const mark = () => {
      lastActivity.current = Date.now();
    };
    window.addEventListener('pointerdown', mark);
    window.addEventListener('keydown', mark);
    const timer = window.setInterval(() => {
      const current = held.current;
      if (!current) return;
      const now = Date.now();
      const next = sessionPhase(current.clock, now);
      if (next.kind === 'expired') {
        lose();
        return;
      }
      if (lastActivity.current > current.clock.issuedAt && refreshDue(current.clock, now)) {
        void refresh();
      }
      setPhase((previous) =>
        previous.kind === 'active' && next.kind === 'active' ? previous : next,
      );
    }, 1000);
    return () => {
      window.removeEventListener('pointerdown', mark);
      window.removeEventListener('keydown', mark);
      window.clearInterval(timer);
    };
  }, [lose, refresh]);

  const raw = useCallback(
    async (method: Method, path: string, body?: unknown, headers?: Record<string, string>) => {
      const current = held.current;
      if (!current)
        throw new ApiError(401, 'SESSION_EXPIRED', 'Not signed in', undefined, undefined);
      lastActivity.current = Date.now();
      try {
        return await send({ method, path, body, headers, token: current.token });
      } catch (error) {
        if (endsSession(error)) lose();
        throw error;
      }
    },
    [lose],
  );

  const value = useMemo<Session>(() => {
    const user = state.kind === 'none' ? undefined : state.user;
    return {
      state,
      phase,
      hasRole: (role) => state.kind === 'active' && state.user.roles.includes(role),
      signIn: async (username, password) => {
        const response = await send({
          method: 'POST',
          path: '/api/auth/login',
          body: { username, password },
        });
        const answer = (await response.json()) as LoginResponse;
        held.current = { token: answer.accessToken, clock: clockOf(answer, Date.now()) };
        setPhase({ kind: 'active' });
        setState({ kind: 'active', user: answer.user });
        return { sameUser: user?.username === answer.user.username };
      },
      signOut: async () => {
        const current = held.current;
        held.current = undefined;
        setState({ kind: 'none', notice: 'signedOut' });
        if (current) {
          try {
            await send({ method: 'POST', path: '/api/auth/logout', token: current.token });
          } catch {
            // Already expired or revoked: signed out either way.
          }
        }
      },
      stay: refresh,
      json: async <T,>(
        method: Method,
        path: string,
        body?: unknown,
        headers?: Record<string, string>,
      ) => {
        const response = await raw(method, path, body, headers);
        return (await response.json()) as T;
      },
      raw,
    };
  }, [state, phase, raw, refresh]);

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
