import { useCallback, useEffect, useState } from 'react';
import { useSession } from '../session/session-context';

export type Loaded<T> =
  { kind: 'loading' } | { kind: 'failed'; error: unknown } | { kind: 'loaded'; data: T };

/** A GET of the API as the signed-in user, loaded when the screen opens; `reload` fetches again. */
export function useApiGet<T>(path: string | undefined): [Loaded<T>, () => void] {
  const session = useSession();
  const [state, setState] = useState<Loaded<T>>({ kind: 'loading' });
  const [round, setRound] = useState(0);
  const active = session.state.kind === 'active';
  useEffect(() => {
    if (!path || !active) return;
    let current = true;
    setState((previous) => (previous.kind === 'loaded' ? previous : { kind: 'loading' }));
    session.json<T>('GET', path).then(
      (data) => current && setState({ kind: 'loaded', data }),
      (error: unknown) => current && setState({ kind: 'failed', error }),
    );
    return () => {
      current = false;
    };
    // The session object changes with every clock tick: fetch again only on a new path, a
    // reload, or a new sign-in.
  }, [path, round, active]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return [state, reload];
}
