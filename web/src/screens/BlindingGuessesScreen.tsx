import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import type { components } from '../api/schema';
import type { BlindedParticipant } from '../api/types';
import { useApiGet } from '../api/use-api';
import { ErrorMessage } from '../components/ErrorMessage';
import { ScreenTitle } from '../components/ScreenTitle';
import { useI18n } from '../i18n/i18n-context';
import { en, type MessageKey } from '../i18n/messages-en';
import { useSession } from '../session/session-context';
import { useTrial } from '../trial-context';
import {
  DONT_KNOW,
  groupKey,
  GUESSER_GROUPS,
  guessableParticipants,
  guessChoices,
  type GuesserGroup,
  refusesEveryGuess,
} from './blinding-assessment';

type RecordGuess = components['schemas']['RecordGuessDto'];
type RecordedGuess = components['schemas']['RecordedGuessDto'];

/**
 * Assessor and investigator: record the participant's guess, or one's own as outcome assessor,
 * of which leg got the cells (docs/blinding-assessment.md). The answer repeats no guess, and the
 * confirmation names none: the choice is cleared once it is recorded.
 */
export function BlindingGuessesScreen() {
  const { t, dateTime } = useI18n();
  const session = useSession();
  const { trial } = useTrial();
  const [participants, reload] = useApiGet<BlindedParticipant[]>('/api/participants');
  const [participantId, setParticipantId] = useState('');
  const [group, setGroup] = useState<GuesserGroup | ''>('');
  const [guess, setGuess] = useState('');
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [recorded, setRecorded] = useState<RecordedGuess | undefined>(undefined);
  const done = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (recorded) done.current?.focus();
  }, [recorded]);

  if (trial.kind !== 'loaded' || participants.kind === 'loading')
    return (
      <>
        <ScreenTitle titleKey="guesses.title" />
        {participants.kind === 'failed' ? (
          <ErrorMessage error={participants.error} />
        ) : (
          <p role="status">{t('app.loading')}</p>
        )}
      </>
    );
  if (participants.kind === 'failed')
    return (
      <>
        <ScreenTitle titleKey="guesses.title" />
        <ErrorMessage error={participants.error} />
      </>
    );
  const choices = guessChoices(trial.data.targets);
  const ids = guessableParticipants(participants.data);
  const choiceLabel = (choice: string) => {
    const key = choice === DONT_KNOW ? 'guesses.dontKnow' : `limb.${choice}`;
    return key in en ? t(key as MessageKey) : choice;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setError(undefined);
    setRecorded(undefined);
    if (!participantId || !group || !guess) {
      setMissing(true);
      return;
    }
    setMissing(false);
    setBusy(true);
    try {
      const body: RecordGuess = { guesser: group, guess };
      const answer = await session.json<RecordedGuess>(
        'POST',
        `/api/participants/${encodeURIComponent(participantId)}/blinding-guesses`,
        body,
      );
      setRecorded(answer);
      setGuess('');
      setGroup('');
      reload();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <ScreenTitle titleKey="guesses.title" />
      <p>{t('guesses.intro')}</p>
      {recorded && (
        <p className="message message-ok" role="status" ref={done} tabIndex={-1}>
          {t('guesses.recorded', {
            participantId: recorded.participantId,
            group: t(groupKey(recorded.guesserGroup)),
            at: dateTime(recorded.recordedAt),
          })}
        </p>
      )}
      {error !== undefined && <ErrorMessage error={error} />}
      {refusesEveryGuess(error) ? (
        <p>{t('guesses.notBlinded')}</p>
      ) : trial.data.locked ? (
        <p role="status">{t('guesses.locked')}</p>
      ) : ids.length === 0 ? (
        <p role="status">{t('guesses.none')}</p>
      ) : (
        <form onSubmit={(event) => void submit(event)} noValidate>
          <div className="field">
            <label htmlFor="guess-participant">{t('guesses.participant')}</label>
            <select
              id="guess-participant"
              value={participantId}
              onChange={(event) => setParticipantId(event.target.value)}
            >
              <option value="">{t('guesses.chooseParticipant')}</option>
              {ids.map((id) => (
                <option key={id} value={id}>
                  {id}
                </option>
              ))}
            </select>
          </div>
          <fieldset>
            <legend>{t('guesses.whose')}</legend>
            {GUESSER_GROUPS.map((option) => (
              <div key={option} className="check">
                <input
                  type="radio"
                  id={`guess-group-${option}`}
                  name="guesser"
                  checked={group === option}
                  onChange={() => setGroup(option)}
                />
                <label htmlFor={`guess-group-${option}`}>{t(groupKey(option))}</label>
              </div>
            ))}
          </fieldset>
          <fieldset>
            <legend>{t('guesses.question')}</legend>
            {choices.map((choice) => (
              <div key={choice} className="check">
                <input
                  type="radio"
                  id={`guess-choice-${choice}`}
                  name="guess"
                  checked={guess === choice}
                  onChange={() => setGuess(choice)}
                />
                <label htmlFor={`guess-choice-${choice}`}>{choiceLabel(choice)}</label>
              </div>
            ))}
          </fieldset>
          <p className="hint">{t('guesses.never')}</p>
          {missing && (
            <p className="message message-error" role="alert">
              {t('guesses.missing')}
            </p>
          )}
          <div className="actions">
            <button type="submit" disabled={busy}>
              {busy ? t('guesses.recording') : t('guesses.submit')}
            </button>
          </div>
        </form>
      )}
    </>
  );
}
