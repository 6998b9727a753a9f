import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import type { components } from '../api/schema';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorMessage } from '../components/ErrorMessage';
import { ScreenTitle } from '../components/ScreenTitle';
import { useI18n } from '../i18n/i18n-context';
import { useSession } from '../session/session-context';
import { useTrial } from '../trial-context';
import {
  LOCK_REASON_MAX_LENGTH,
  LOCK_REASON_MIN_LENGTH,
  reasonCharactersMissing,
} from './admin-rules';

type StudyLocked = components['schemas']['StudyLockedDto'];
type LockStudy = components['schemas']['LockStudyDto'];

interface LockFacts {
  at: string | null;
  by: string | null;
  reason: string | null;
}

/** Admin: the study's lock state; while open, locking it for good with a reason. */
export function StudyLockScreen() {
  const { t } = useI18n();
  const { trial, reloadTrial } = useTrial();
  // The lock's own answer, shown at once; GET /api/trial catches up on the reload.
  const [justLocked, setJustLocked] = useState<StudyLocked | undefined>(undefined);
  useEffect(() => reloadTrial(), [reloadTrial]);

  const locked: LockFacts | undefined = justLocked
    ? { at: justLocked.lockedAt, by: justLocked.lockedBy, reason: justLocked.reason }
    : trial.kind === 'loaded' && trial.data.locked
      ? { at: trial.data.lockedAt, by: trial.data.lockedBy, reason: trial.data.lockReason }
      : undefined;

  return (
    <>
      <ScreenTitle titleKey="lock.title" />
      <p className="help">{t('lock.help')}</p>
      {trial.kind === 'failed' && !justLocked && <ErrorMessage error={trial.error} />}
      {trial.kind === 'loading' && !justLocked && <p>{t('app.loading')}</p>}
      {locked && <LockedState facts={locked} fresh={justLocked !== undefined} />}
      {!locked && trial.kind === 'loaded' && (
        <LockForm
          onLocked={(answer) => {
            setJustLocked(answer);
            reloadTrial();
          }}
          onAlreadyLocked={reloadTrial}
        />
      )}
    </>
  );
}

function LockedState({ facts, fresh }: { facts: LockFacts; fresh: boolean }) {
  const { t, dateTime } = useI18n();
  return (
    <section aria-labelledby="lock-locked">
      {fresh && (
        <p className="message message-ok" role="status">
          {t('lock.justLocked')}
        </p>
      )}
      <h2 id="lock-locked">{t('lock.lockedHeading')}</h2>
      <dl className="facts">
        <dt>{t('lock.lockedAt')}</dt>
        <dd>{dateTime(facts.at)}</dd>
        <dt>{t('lock.lockedBy')}</dt>
        <dd>{facts.by ?? '—'}</dd>
        <dt>{t('lock.lockReason')}</dt>
        <dd className="lock-reason">{facts.reason ?? '—'}</dd>
      </dl>
      <p>{t('lock.lockedNote')}</p>
    </section>
  );
}

function Consequences() {
  const { t } = useI18n();
  return (
    <>
      <p>{t('lock.consequencesIntro')}</p>
      <ul>
        <li>{t('lock.consequence.registration')}</li>
        <li>{t('lock.consequence.allocation')}</li>
        <li>{t('lock.consequence.export')}</li>
        <li>{t('lock.consequence.final')}</li>
      </ul>
      <p>{t('lock.consequence.unblinding')}</p>
    </>
  );
}

function LockForm({
  onLocked,
  onAlreadyLocked,
}: {
  onLocked: (answer: StudyLocked) => void;
  onAlreadyLocked: () => void;
}) {
  const { t } = useI18n();
  const session = useSession();
  const [reason, setReason] = useState('');
  const [tooShort, setTooShort] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const missing = reasonCharactersMissing(reason);

  const ask = (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    // The API would refuse a short reason too (400); saying so here spares a dialog for nothing.
    setTooShort(missing > 0);
    if (missing === 0) setConfirming(true);
  };

  const lock = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const body: LockStudy = { reason };
      onLocked(await session.json<StudyLocked>('POST', '/api/study/lock', body));
    } catch (failure) {
      setError(failure);
      // Someone else may have locked it meanwhile (409): the state shown catches up.
      onAlreadyLocked();
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };

  return (
    <section aria-labelledby="lock-open">
      <h2 id="lock-open">{t('lock.openHeading')}</h2>
      <Consequences />
      <form onSubmit={ask} noValidate>
        <div className="field field-wide">
          <label htmlFor="lock-reason">{t('lock.reason')}</label>
          <textarea
            id="lock-reason"
            name="reason"
            rows={3}
            required
            maxLength={LOCK_REASON_MAX_LENGTH}
            aria-describedby="lock-reason-hint"
            aria-invalid={tooShort && missing > 0}
            value={reason}
            onChange={(event) => setReason(event.target.value)}
          />
          <span id="lock-reason-hint" className="hint">
            {t('lock.reasonHint', { min: LOCK_REASON_MIN_LENGTH })}
          </span>
        </div>
        {tooShort && missing > 0 && (
          <p className="message message-error" role="alert">
            {t('lock.reasonMissing', { min: LOCK_REASON_MIN_LENGTH, missing })}
          </p>
        )}
        {error !== undefined && <ErrorMessage error={error} />}
        <button type="submit" className="danger" disabled={busy}>
          {t('lock.submit')}
        </button>
      </form>
      {confirming && (
        <ConfirmDialog
          title={t('lock.confirmTitle')}
          confirmLabel={busy ? t('lock.locking') : t('lock.confirm')}
          busy={busy}
          onConfirm={() => void lock()}
          onCancel={() => setConfirming(false)}
        >
          <Consequences />
          <p className="lock-reason">{t('lock.confirmReason', { reason })}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
