import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError } from '../api/client';
import type { components } from '../api/schema';
import { ErrorMessage } from '../components/ErrorMessage';
import { ScreenTitle } from '../components/ScreenTitle';
import { useI18n } from '../i18n/i18n-context';
import { Link } from '../router';
import { useSession } from '../session/session-context';
import { useTrial } from '../trial-context';
import {
  emptyForm,
  failedCriteria,
  failedIdsOf,
  prepareRegistration,
  type FailedCriterion,
  type Missing,
  type RegistrationForm,
} from './registration';

type Trial = components['schemas']['TrialStatusDto'];
type Criterion = components['schemas']['CriterionDto'];
type Registered = components['schemas']['RegisteredParticipantDto'];

type Outcome =
  | { kind: 'none' }
  | { kind: 'incomplete'; missing: Missing[] }
  | { kind: 'notEligible'; failed: FailedCriterion[] }
  | { kind: 'refused'; error: unknown }
  | { kind: 'registered'; participant: Registered; screeningNumber: string };

/** Registration (pharmacist, investigator): every criterion of GET /api/trial as a yes/no question. */
export function RegisterScreen() {
  const { t } = useI18n();
  const { trial, reloadTrial } = useTrial();
  // The criteria and the strata are read fresh when the screen opens.
  useEffect(() => reloadTrial(), [reloadTrial]);
  return (
    <>
      <ScreenTitle titleKey="register.title" />
      <p className="help">{t('register.help')}</p>
      {trial.kind === 'loading' && <p>{t('app.loading')}</p>}
      {trial.kind === 'failed' && (
        <>
          <p>{t('register.loadFailed')}</p>
          <ErrorMessage error={trial.error} />
        </>
      )}
      {trial.kind === 'loaded' && <RegistrationFormView trial={trial.data} />}
    </>
  );
}

function RegistrationFormView({ trial }: { trial: Trial }) {
  const { t, dateTime } = useI18n();
  const session = useSession();
  const ids = useId();
  const [form, setForm] = useState<RegistrationForm>(emptyForm);
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'none' });
  const [busy, setBusy] = useState(false);
  const summary = useRef<HTMLDivElement>(null);
  const { eligibility, stratification } = trial;

  // A summary of what is wrong takes the focus, so that a keyboard user starts from it.
  useEffect(() => {
    if (outcome.kind === 'incomplete' || outcome.kind === 'notEligible') summary.current?.focus();
  }, [outcome]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const prepared = prepareRegistration(form, eligibility, stratification);
    if (!prepared.ok) {
      setOutcome({ kind: 'incomplete', missing: prepared.missing });
      return;
    }
    setBusy(true);
    try {
      const participant = await session.json<Registered>(
        'POST',
        '/api/participants',
        prepared.body,
      );
      setOutcome({
        kind: 'registered',
        participant,
        screeningNumber: prepared.body.screeningNumber,
      });
    } catch (error) {
      if (error instanceof ApiError && error.status === 422) {
        const failed = failedIdsOf(error.body);
        setOutcome({ kind: 'notEligible', failed: failedCriteria(eligibility, failed) });
      } else {
        setOutcome({ kind: 'refused', error });
      }
    } finally {
      setBusy(false);
    }
  };

  if (outcome.kind === 'registered') {
    const { participantId, registeredAt } = outcome.participant;
    return (
      <div className="registered">
        <p className="message message-ok" role="status">
          {t('register.registered', {
            participantId,
            screeningNumber: outcome.screeningNumber,
            at: dateTime(registeredAt),
          })}
        </p>
        <div className="actions">
          {session.hasRole('pharmacist') && (
            <Link
              className="button-link primary"
              to={`/allocation?participant=${encodeURIComponent(participantId)}`}
            >
              {t('register.allocateNow', { participantId })}
            </Link>
          )}
          <button
            type="button"
            onClick={() => {
              setForm(emptyForm());
              setOutcome({ kind: 'none' });
            }}
          >
            {t('register.another')}
          </button>
        </div>
      </div>
    );
  }

  const answer = (id: string, value: boolean) =>
    setForm((current) => ({ ...current, answers: { ...current.answers, [id]: value } }));
  const criterion = (c: Criterion) => (
    <YesNoQuestion
      key={c.id}
      name={`${ids}-${c.id}`}
      legend={c.text}
      value={form.answers[c.id]}
      onAnswer={(value) => answer(c.id, value)}
    />
  );

  return (
    <form className="registration" noValidate onSubmit={(event) => void submit(event)}>
      {outcome.kind === 'incomplete' && (
        <div className="message message-error" role="alert" tabIndex={-1} ref={summary}>
          <p>{t('register.incomplete')}</p>
          <ul>
            {outcome.missing.map((m) => (
              <li key={m.kind === 'criterion' ? m.id : m.kind === 'stratum' ? m.factor : m.kind}>
                {missingText(t, m)}
              </li>
            ))}
          </ul>
        </div>
      )}
      {outcome.kind === 'notEligible' && (
        <div className="message message-error" role="alert" tabIndex={-1} ref={summary}>
          <p>{t('register.notEligible')}</p>
          <ul>
            {outcome.failed.map((f) => (
              <li key={f.kind === 'age' ? 'age' : f.id}>{failedText(t, f)}</li>
            ))}
          </ul>
        </div>
      )}
      {outcome.kind === 'refused' && <ErrorMessage error={outcome.error} />}

      <fieldset>
        <legend>{t('register.identity')}</legend>
        <div className="field">
          <label htmlFor={`${ids}-screening`}>{t('register.screeningNumber')}</label>
          <input
            id={`${ids}-screening`}
            value={form.screeningNumber}
            autoComplete="off"
            maxLength={64}
            aria-describedby={`${ids}-screening-hint`}
            onChange={(event) =>
              setForm((current) => ({ ...current, screeningNumber: event.target.value }))
            }
          />
          <span className="hint" id={`${ids}-screening-hint`}>
            {t('register.screeningNumberHint')}
          </span>
        </div>
        <div className="field">
          <label htmlFor={`${ids}-age`}>{t('register.age')}</label>
          <input
            id={`${ids}-age`}
            type="number"
            inputMode="numeric"
            min={0}
            max={150}
            step={1}
            value={form.age}
            aria-describedby={`${ids}-age-hint`}
            onChange={(event) => setForm((current) => ({ ...current, age: event.target.value }))}
          />
          <span className="hint" id={`${ids}-age-hint`}>
            {t('register.ageHint', { min: eligibility.minAge, max: eligibility.maxAge })}
          </span>
        </div>
      </fieldset>

      {stratification.length > 0 && (
        <section aria-labelledby={`${ids}-strata`}>
          <h2 id={`${ids}-strata`}>{t('register.strata')}</h2>
          {stratification.map((factor) => (
            <fieldset key={factor.id} className="question">
              <legend>{t('register.stratumLegend', { factor: factor.id })}</legend>
              {factor.levels.map((level) => (
                <label key={level} className="choice">
                  <input
                    type="radio"
                    name={`${ids}-stratum-${factor.id}`}
                    value={level}
                    checked={form.strata[factor.id] === level}
                    onChange={() =>
                      setForm((current) => ({
                        ...current,
                        strata: { ...current.strata, [factor.id]: level },
                      }))
                    }
                  />
                  {level}
                </label>
              ))}
            </fieldset>
          ))}
        </section>
      )}

      <section aria-labelledby={`${ids}-inclusion`}>
        <h2 id={`${ids}-inclusion`}>{t('register.inclusion')}</h2>
        <p className="hint">{t('register.inclusionHelp')}</p>
        {eligibility.inclusion.map(criterion)}
      </section>
      <section aria-labelledby={`${ids}-exclusion`}>
        <h2 id={`${ids}-exclusion`}>{t('register.exclusion')}</h2>
        <p className="hint">{t('register.exclusionHelp')}</p>
        {eligibility.exclusion.map(criterion)}
      </section>

      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('register.submitting') : t('register.submit')}
        </button>
      </div>
    </form>
  );
}

/** One criterion: its full text as the group's name, Yes and No, neither chosen at first. */
function YesNoQuestion({
  name,
  legend,
  value,
  onAnswer,
}: {
  name: string;
  legend: string;
  value: boolean | undefined;
  onAnswer: (value: boolean) => void;
}) {
  const { t } = useI18n();
  return (
    <fieldset className="question">
      <legend>{legend}</legend>
      <label className="choice">
        <input type="radio" name={name} checked={value === true} onChange={() => onAnswer(true)} />
        {t('app.yes')}
      </label>
      <label className="choice">
        <input
          type="radio"
          name={name}
          checked={value === false}
          onChange={() => onAnswer(false)}
        />
        {t('app.no')}
      </label>
    </fieldset>
  );
}

type Translate = ReturnType<typeof useI18n>['t'];

function missingText(t: Translate, missing: Missing): string {
  switch (missing.kind) {
    case 'screeningNumber':
      return t('register.missing.screeningNumber');
    case 'age':
      return t('register.missing.age');
    case 'stratum':
      return t('register.missing.stratum', { factor: missing.factor });
    case 'criterion':
      return t('register.missing.criterion', { text: missing.text });
  }
}

function failedText(t: Translate, failed: FailedCriterion): string {
  switch (failed.kind) {
    case 'age':
      return t('register.failed.age', { min: failed.minAge, max: failed.maxAge });
    case 'inclusion':
      return t('register.failed.inclusion', { text: failed.text });
    case 'exclusion':
      return t('register.failed.exclusion', { text: failed.text });
    case 'unknown':
      return t('register.failed.unknown', { id: failed.id });
  }
}
