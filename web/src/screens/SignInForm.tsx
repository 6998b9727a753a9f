import { useState } from 'react';
import type { FormEvent } from 'react';
import { ErrorMessage } from '../components/ErrorMessage';
import { useI18n } from '../i18n/i18n-context';
import { useSession } from '../session/session-context';

/**
 * The sign-in form: the whole page before a session, and a dialog over the screen after a 401
 * (SignInDialog in App.tsx). A wrong password, a disabled account and throttling each get their
 * own words, from the API's codes.
 */
export function SignInForm({ onSignedIn }: { onSignedIn: (sameUser: boolean) => void }) {
  const { t } = useI18n();
  const session = useSession();
  const [username, setUsername] = useState(
    session.state.kind === 'lost' ? session.state.user.username : '',
  );
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const { sameUser } = await session.signIn(username.trim(), password);
      onSignedIn(sameUser);
    } catch (failure) {
      setError(failure);
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(event) => void submit(event)} className="sign-in" noValidate>
      <p>{t('signIn.intro')}</p>
      <div className="field">
        <label htmlFor="sign-in-username">{t('signIn.username')}</label>
        <input
          id="sign-in-username"
          name="username"
          autoComplete="username"
          required
          value={username}
          onChange={(event) => setUsername(event.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="sign-in-password">{t('signIn.password')}</label>
        <input
          id="sign-in-password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
      </div>
      {error !== undefined && <ErrorMessage error={error} />}
      <button type="submit" className="primary" disabled={busy || !username || !password}>
        {busy ? t('signIn.signingIn') : t('signIn.submit')}
      </button>
    </form>
  );
}
