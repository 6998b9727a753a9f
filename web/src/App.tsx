import { useEffect, useRef, useState } from 'react';
import { ScreenTitle } from './components/ScreenTitle';
import { TrainingBanner } from './components/TrainingBanner';
import { I18nProvider, useI18n } from './i18n/i18n-context';
import { LANGUAGES, type Language } from './i18n/language';
import { Link, RouterProvider, useRouter } from './router';
import { screenAt, screensFor } from './screens/screens';
import { SignInForm } from './screens/SignInForm';
import { SessionProvider, useSession } from './session/session-context';
import { minutesAndSeconds } from './session/session-timing';
import { TrialProvider, useTrial } from './trial-context';

export function App() {
  return (
    <I18nProvider>
      <RouterProvider>
        <SessionProvider>
          <Shell />
        </SessionProvider>
      </RouterProvider>
    </I18nProvider>
  );
}

function Shell() {
  const session = useSession();
  const { t } = useI18n();
  const { navigate } = useRouter();
  // A new user after a lost session gets fresh screens: nothing the last one saw stays mounted.
  const [generation, setGeneration] = useState(0);
  const [notice, setNotice] = useState<string | undefined>(undefined);

  if (session.state.kind === 'none') {
    return (
      <div className="sign-in-page">
        <SkipLink />
        <TrainingBanner />
        <header className="top-bar">
          <span className="app-name">{t('app.name')}</span>
          <LanguageSwitch />
        </header>
        <main id="main">
          <ScreenTitle titleKey="signIn.title" />
          {session.state.notice === 'signedOut' && <p role="status">{t('signIn.signedOut')}</p>}
          <SignInForm onSignedIn={() => setNotice(undefined)} />
        </main>
      </div>
    );
  }

  const lost = session.state.kind === 'lost';
  return (
    <TrialProvider key={`${session.state.user.username}-${generation}`}>
      <SkipLink />
      <TrainingBanner />
      <Header />
      <SessionWarning />
      <div className="layout" inert={lost} hidden={lost}>
        <Navigation />
        <main id="main">
          {notice && (
            <p className="message" role="status">
              {notice}
            </p>
          )}
          <CurrentScreen />
        </main>
      </div>
      {lost && (
        <SignInDialog
          onSignedIn={(sameUser) => {
            if (sameUser) return;
            setGeneration((n) => n + 1);
            setNotice(t('signIn.otherUser'));
            navigate('/');
          }}
        />
      )}
    </TrialProvider>
  );
}

function SkipLink() {
  const { t } = useI18n();
  return (
    <a className="skip-link" href="#main">
      {t('app.skipToContent')}
    </a>
  );
}

function LanguageSwitch() {
  const { t, language, setLanguage } = useI18n();
  return (
    <div className="language">
      <label htmlFor="language-select">{t('app.language')}</label>
      <select
        id="language-select"
        value={language}
        onChange={(event) => setLanguage(event.target.value as Language)}
      >
        {LANGUAGES.map((code) => (
          <option key={code} value={code} lang={code}>
            {t(`language.${code}`)}
          </option>
        ))}
      </select>
    </div>
  );
}

function Header() {
  const { t } = useI18n();
  const session = useSession();
  const { trial } = useTrial();
  const user = session.state.kind === 'none' ? undefined : session.state.user;
  return (
    <header className="top-bar">
      <span className="app-name">
        {t('app.name')}
        {trial.kind === 'loaded' && <span className="trial-id"> · {trial.data.protocolId}</span>}
      </span>
      <LanguageSwitch />
      {user && (
        <span className="user">
          {t('app.signedInAs', {
            username: user.username,
            roles: user.roles.map((role) => t(`role.${role}`)).join(', '),
          })}
        </span>
      )}
      <button type="button" onClick={() => void session.signOut()}>
        {t('app.signOut')}
      </button>
    </header>
  );
}

function Navigation() {
  const { t } = useI18n();
  const session = useSession();
  const { path } = useRouter();
  const roles = session.state.kind === 'none' ? [] : session.state.user.roles;
  return (
    <nav aria-label={t('app.navigation')}>
      <ul>
        {screensFor(roles).map((screen) => (
          <li key={screen.path}>
            <Link to={screen.path} aria-current={screen.path === path ? 'page' : undefined}>
              {t(screen.navKey)}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function CurrentScreen() {
  const { t } = useI18n();
  const session = useSession();
  const { path } = useRouter();
  const roles = session.state.kind === 'none' ? [] : session.state.user.roles;
  const screen = screenAt(path, roles);
  if (!screen) {
    return (
      <>
        <ScreenTitle titleKey="app.notFound" />
        <p>
          <Link to="/">{t('app.backToOverview')}</Link>
        </p>
      </>
    );
  }
  // Keyed by path: leaving a screen unmounts it, and with it anything it showed (a limb above all).
  return <screen.Component key={screen.path} />;
}

/** Two minutes before the token expires: a warning that a click on "Stay signed in" answers. */
function SessionWarning() {
  const { t } = useI18n();
  const session = useSession();
  const { phase } = session;
  if (phase.kind !== 'warning' && phase.kind !== 'final') return null;
  const left = minutesAndSeconds(phase.remainingMs);
  return (
    <div className="session-warning" role="alert">
      <p>
        {phase.kind === 'warning'
          ? t('session.expiresSoon', left)
          : t('session.finalWarning', left)}
      </p>
      {phase.kind === 'warning' && (
        <button type="button" className="primary" onClick={() => void session.stay()}>
          {t('session.stay')}
        </button>
      )}
    </div>
  );
}

/** After a 401: sign in again over the screen, which stays as it was for the same user. */
function SignInDialog({ onSignedIn }: { onSignedIn: (sameUser: boolean) => void }) {
  const { t } = useI18n();
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);
  return (
    <dialog
      ref={dialog}
      aria-labelledby="sign-in-dialog-title"
      className="sign-in-dialog"
      onCancel={(event) => event.preventDefault()}
    >
      <h2 id="sign-in-dialog-title">{t('signIn.title')}</h2>
      <p role="status">{t('signIn.sessionEnded')}</p>
      <SignInForm onSignedIn={onSignedIn} />
    </dialog>
  );
}
