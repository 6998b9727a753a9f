import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import type { components } from '../api/schema';
import { useApiGet } from '../api/use-api';
import { ErrorMessage } from '../components/ErrorMessage';
import { RecordedViewNotice } from '../components/RecordedViewNotice';
import { ScreenTitle } from '../components/ScreenTitle';
import { useI18n } from '../i18n/i18n-context';
import { useSession } from '../session/session-context';
import {
  canBeUnblinded,
  limbLines,
  REASON_MAX_LENGTH,
  REASON_MIN_LENGTH,
  unblindingProblems,
  type UnblindingProblem,
} from './unblinding';

type Participant = components['schemas']['BlindedParticipantDto'];
type UnblindingRequest = components['schemas']['UnblindingRequestDto'];
type Unblinding = components['schemas']['UnblindingDto'];

/**
 * Emergency unblinding (unblinder, SPEC section 6.6): the consequences, the reason, the
 * participant id typed again and the password as a signature; then the limb. The limb lives in
 * this component's state only: it goes when the screen unmounts (any navigation) and as soon as
 * the session is no longer active, and is never fetched again.
 */
export function UnblindingScreen() {
  const session = useSession();
  const active = session.state.kind === 'active';
  const [participants, reloadParticipants] = useApiGet<Participant[]>('/api/participants');
  const [result, setResult] = useState<Unblinding | undefined>(undefined);

  useEffect(() => {
    if (!active) setResult(undefined);
  }, [active]);

  return (
    <>
      <ScreenTitle titleKey="unblinding.title" />
      {result && active ? (
        <UnblindingResult
          result={result}
          onClose={() => {
            setResult(undefined);
            reloadParticipants();
          }}
        />
      ) : (
        <UnblindingForm
          participants={participants}
          onUnblinded={(answer) => {
            setResult(answer);
            reloadParticipants();
          }}
        />
      )}
    </>
  );
}

function UnblindingWarning() {
  const { t } = useI18n();
  return (
    <section className="unblinding-warning" aria-labelledby="unblinding-warning-title">
      <h2 id="unblinding-warning-title">{t('unblinding.warning.title')}</h2>
      <ul>
        <li>{t('unblinding.warning.permanent')}</li>
        <li>{t('unblinding.warning.sponsor')}</li>
        <li>{t('unblinding.warning.visible')}</li>
        <li>{t('unblinding.warning.audited')}</li>
        <li>{t('unblinding.warning.reason')}</li>
      </ul>
    </section>
  );
}

function UnblindingForm({
  participants,
  onUnblinded,
}: {
  participants: ReturnType<typeof useApiGet<Participant[]>>[0];
  onUnblinded: (answer: Unblinding) => void;
}) {
  const { t, dateTime } = useI18n();
  const session = useSession();
  const [participantId, setParticipantId] = useState('');
  const [typedAgain, setTypedAgain] = useState('');
  const [reason, setReason] = useState('');
  const [password, setPassword] = useState('');
  const [problems, setProblems] = useState<UnblindingProblem[]>([]);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  const rows = participants.kind === 'loaded' ? participants.data : [];
  const chosen = rows.find((row) => row.participantId === participantId);
  const anyUnblindable = rows.some((row) => canBeUnblinded(row));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setError(undefined);
    const found = unblindingProblems({ participantId, typedAgain, reason, password });
    setProblems(found);
    if (found.length > 0) return;
    setBusy(true);
    try {
      const body: UnblindingRequest = { reason: reason.trim(), password };
      const answer = await session.json<Unblinding>(
        'POST',
        `/api/participants/${encodeURIComponent(participantId)}/unblinding`,
        body,
      );
      onUnblinded(answer);
    } catch (failure) {
      // A wrong password or throttling: the form stays as typed, the password goes.
      setError(failure);
    } finally {
      setPassword('');
      setBusy(false);
    }
  };

  const problemText = (problem: UnblindingProblem) =>
    t(`unblinding.problem.${problem}`, {
      min: REASON_MIN_LENGTH,
      max: REASON_MAX_LENGTH,
      participantId,
    });
  const invalid = (...which: UnblindingProblem[]) =>
    problems.some((problem) => which.includes(problem)) || undefined;

  return (
    <>
      <p>{t('unblinding.intro')}</p>
      <UnblindingWarning />
      {participants.kind === 'failed' && <ErrorMessage error={participants.error} />}
      {participants.kind === 'loading' && <p>{t('app.loading')}</p>}
      {participants.kind === 'loaded' && !anyUnblindable && (
        <p role="status">{t('unblinding.noneAllocated')}</p>
      )}
      {participants.kind === 'loaded' && anyUnblindable && (
        <form
          className="unblinding-form"
          noValidate
          aria-labelledby="unblinding-form-title"
          onSubmit={(event) => void submit(event)}
        >
          <h2 id="unblinding-form-title">{t('unblinding.form.title')}</h2>
          <div className="field">
            <label htmlFor="unblinding-participant">{t('unblinding.participant')}</label>
            <select
              id="unblinding-participant"
              value={participantId}
              aria-describedby="unblinding-participant-help"
              aria-invalid={invalid('noParticipant')}
              onChange={(event) => {
                setParticipantId(event.target.value);
                setProblems([]);
                setError(undefined);
              }}
            >
              <option value="">{t('unblinding.chooseParticipant')}</option>
              {rows.map((row) => {
                const words = { participantId: row.participantId, screening: row.screeningNumber };
                return (
                  <option
                    key={row.participantId}
                    value={row.participantId}
                    disabled={!canBeUnblinded(row)}
                  >
                    {row.seal.unblinded
                      ? t('unblinding.option.unblinded', words)
                      : row.allocatedAt !== null
                        ? t('unblinding.option.allocated', words)
                        : t('unblinding.option.notAllocated', words)}
                  </option>
                );
              })}
            </select>
            <p id="unblinding-participant-help" className="hint">
              {t('unblinding.participantHelp')}
            </p>
            {chosen?.seal.unblinded && (
              <p role="status" className="message">
                {t('unblinding.alreadyUnblinded', {
                  at: dateTime(chosen.seal.at),
                  by: chosen.seal.by ?? '—',
                })}
              </p>
            )}
          </div>
          <div className="field">
            <label htmlFor="unblinding-reason">{t('unblinding.reason')}</label>
            <textarea
              id="unblinding-reason"
              rows={4}
              value={reason}
              aria-describedby="unblinding-reason-help"
              aria-invalid={invalid('reasonTooShort', 'reasonTooLong')}
              onChange={(event) => setReason(event.target.value)}
            />
            <p id="unblinding-reason-help" className="hint">
              {t('unblinding.reasonHelp', { min: REASON_MIN_LENGTH })}
            </p>
          </div>
          <div className="field">
            <label htmlFor="unblinding-typed-again">{t('unblinding.typedAgain')}</label>
            <input
              id="unblinding-typed-again"
              value={typedAgain}
              autoComplete="off"
              spellCheck={false}
              aria-describedby="unblinding-typed-again-help"
              aria-invalid={invalid('idMismatch')}
              onChange={(event) => setTypedAgain(event.target.value)}
            />
            <p id="unblinding-typed-again-help" className="hint">
              {t('unblinding.typedAgainHelp')}
            </p>
          </div>
          <div className="field">
            <label htmlFor="unblinding-password">{t('unblinding.password')}</label>
            <input
              id="unblinding-password"
              type="password"
              value={password}
              autoComplete="current-password"
              aria-describedby="unblinding-password-help"
              aria-invalid={invalid('noPassword', 'passwordTooLong')}
              onChange={(event) => setPassword(event.target.value)}
            />
            <p id="unblinding-password-help" className="hint">
              {t('unblinding.passwordHelp')}
            </p>
          </div>
          {problems.length > 0 && (
            <div className="message message-error" role="alert">
              <p>{t('unblinding.problem.title')}</p>
              <ul>
                {problems.map((problem) => (
                  <li key={problem}>{problemText(problem)}</li>
                ))}
              </ul>
            </div>
          )}
          {error !== undefined && <ErrorMessage error={error} />}
          <div className="actions">
            <button type="submit" className="danger" disabled={busy}>
              {busy ? t('unblinding.submitting') : t('unblinding.submit')}
            </button>
          </div>
        </form>
      )}
      <p className="unblinding-help">{t('unblinding.help')}</p>
    </>
  );
}

function UnblindingResult({ result, onClose }: { result: Unblinding; onClose: () => void }) {
  const { t, dateTime } = useI18n();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, []);
  return (
    <section className="unblinding-result" aria-labelledby="unblinding-result-title">
      <h2 id="unblinding-result-title" ref={heading} tabIndex={-1}>
        {t('unblinding.result.title', { participantId: result.participantId })}
      </h2>
      <div className="limb-panel unblinding-limb-panel">
        {limbLines(result).map((line) => (
          <p key={line.content}>
            {line.content === 'CELLS'
              ? t('unblinding.result.cells', { limb: t(`limb.${line.limb}`) })
              : t('unblinding.result.saline', { limb: t(`limb.${line.limb}`) })}
          </p>
        ))}
      </div>
      <dl className="facts">
        <dt>{t('unblinding.result.when')}</dt>
        <dd>{dateTime(result.unblindedAt)}</dd>
        <dt>{t('unblinding.result.who')}</dt>
        <dd>{result.unblindedBy}</dd>
        <dt>{t('unblinding.result.reason')}</dt>
        <dd className="unblinding-reason-text">{result.reason}</dd>
      </dl>
      <RecordedViewNotice />
      <p>{t('unblinding.result.help')}</p>
      <div className="actions">
        <button type="button" onClick={onClose}>
          {t('unblinding.result.close')}
        </button>
      </div>
    </section>
  );
}
