import { useEffect, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { ApiError } from '../api/client';
import type { components } from '../api/schema';
import type { BlindedParticipant } from '../api/types';
import { useApiGet } from '../api/use-api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorMessage } from '../components/ErrorMessage';
import { ScreenTitle } from '../components/ScreenTitle';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/messages-en';
import { useSession } from '../session/session-context';
import { useTrial } from '../trial-context';
import {
  emptyCorrection,
  prepareCorrection,
  reasonProblems,
  REASON_MAX_LENGTH,
  rowActions,
  type AnswerChoice,
  type CorrectionAnswer,
  type CorrectionForm,
  type CorrectionProblem,
} from './overview-corrections';
import { failedCriteria, failedIdsOf, type FailedCriterion } from './registration';

type TrialStatus = components['schemas']['TrialStatusDto'];

/** Everyone's first screen: the trial, its progress, lock and list state, and the blinded table. */
export function OverviewScreen() {
  const { t, dateTime } = useI18n();
  const { trial, reloadTrial } = useTrial();
  const [all, reloadAll] = useApiGet<BlindedParticipant[]>('/api/participants');
  useEffect(() => reloadTrial(), [reloadTrial]);

  return (
    <>
      <ScreenTitle titleKey="overview.title" />
      {trial.kind === 'failed' && <ErrorMessage error={trial.error} />}
      {trial.kind === 'loading' && <p>{t('app.loading')}</p>}
      {trial.kind === 'loaded' && (
        <section aria-labelledby="overview-trial">
          <h2 id="overview-trial">{trial.data.title}</h2>
          <dl className="facts">
            <dt>{t('overview.protocol')}</dt>
            <dd>{trial.data.protocolId}</dd>
            <dt>{t('overview.progress')}</dt>
            <dd>
              <progress
                max={trial.data.targetSize}
                value={trial.data.allocated}
                aria-label={t('overview.progress')}
              />{' '}
              {t('overview.progressValue', {
                registered: trial.data.registered,
                allocated: trial.data.allocated,
                target: trial.data.targetSize,
              })}
              <br />
              {t('overview.unblindedCount', { count: trial.data.unblinded })}
            </dd>
            <dt>{t('overview.lock')}</dt>
            <dd>
              {trial.data.locked
                ? `${t('overview.locked')} (${dateTime(trial.data.lockedAt)})`
                : t('overview.open')}
            </dd>
            <dt>{t('overview.list')}</dt>
            <dd>
              {trial.data.list.generated
                ? t('overview.listGenerated', {
                    at: dateTime(trial.data.list.generatedAt),
                    method: trial.data.list.method,
                  })
                : t('overview.listMissing')}
            </dd>
            {trial.data.list.commitment && (
              <>
                <dt>{t('overview.commitment')}</dt>
                <dd>
                  <code className="hash">{trial.data.list.commitment}</code>
                </dd>
              </>
            )}
          </dl>
        </section>
      )}
      <ParticipantsSection all={all} reloadAll={reloadAll} />
    </>
  );
}

function ParticipantsSection({
  all,
  reloadAll,
}: {
  all: ReturnType<typeof useApiGet<BlindedParticipant[]>>[0];
  reloadAll: () => void;
}) {
  const { t } = useI18n();
  const session = useSession();
  const { trial, reloadTrial } = useTrial();
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<BlindedParticipant[] | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [changing, setChanging] = useState<
    { kind: 'correct' | 'withdraw'; row: BlindedParticipant } | undefined
  >(undefined);
  const [done, setDone] = useState<ReactNode>(undefined);
  const mayChange = session.hasRole('pharmacist') || session.hasRole('investigator');
  const locked = trial.kind !== 'loaded' || trial.data.locked;

  /** After a change: the new state everywhere, the search result included. */
  const changed = (message: ReactNode, row: BlindedParticipant) => {
    setChanging(undefined);
    setDone(message);
    if (found) setFound(found.map((r) => (r.participantId === row.participantId ? row : r)));
    reloadAll();
    reloadTrial();
  };

  const search = async (event: FormEvent) => {
    event.preventDefault();
    const wanted = query.trim();
    setError(undefined);
    if (!wanted) {
      setFound(undefined);
      reloadAll();
      return;
    }
    try {
      const byScreening = await session.json<BlindedParticipant[]>(
        'GET',
        `/api/participants?screeningNumber=${encodeURIComponent(wanted)}`,
      );
      if (byScreening.length > 0) {
        setFound(byScreening);
        return;
      }
      setFound([
        await session.json<BlindedParticipant>(
          'GET',
          `/api/participants/${encodeURIComponent(wanted)}`,
        ),
      ]);
    } catch (failure) {
      if (failure instanceof ApiError && (failure.status === 404 || failure.status === 400))
        setFound([]);
      else setError(failure);
    }
  };

  const rows = found ?? (all.kind === 'loaded' ? all.data : undefined);
  return (
    <section aria-labelledby="overview-participants">
      <h2 id="overview-participants">{t('overview.participants')}</h2>
      <p>{t('overview.blindedNote')}</p>
      <form role="search" onSubmit={(event) => void search(event)} className="inline-form">
        <label htmlFor="participant-search">{t('overview.search')}</label>
        <input
          id="participant-search"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
        />
        <button type="submit">{t('overview.searchButton')}</button>
        {found && (
          <button
            type="button"
            onClick={() => {
              setQuery('');
              setFound(undefined);
              reloadAll();
            }}
          >
            {t('overview.clearSearch')}
          </button>
        )}
      </form>
      {error !== undefined && <ErrorMessage error={error} />}
      {all.kind === 'failed' && <ErrorMessage error={all.error} />}
      {rows === undefined && all.kind === 'loading' && <p>{t('app.loading')}</p>}
      {rows && rows.length === 0 && (
        <p role="status">{found ? t('overview.noMatch') : t('overview.noParticipants')}</p>
      )}
      {done !== undefined && (
        <div role="status" className="message">
          {done}
        </div>
      )}
      {mayChange && !locked && <p className="hint">{t('overview.changeHelp')}</p>}
      {rows && rows.length > 0 && (
        <ParticipantsTable
          rows={rows}
          actions={
            mayChange
              ? (row) => {
                  const offered = rowActions(row, { locked, mayChange });
                  return (
                    <>
                      {offered.correct && (
                        <button
                          type="button"
                          aria-label={t('overview.correctFor', {
                            participantId: row.participantId,
                          })}
                          onClick={() => {
                            setDone(undefined);
                            setChanging({ kind: 'correct', row });
                          }}
                        >
                          {t('overview.correct')}
                        </button>
                      )}{' '}
                      {offered.withdraw && (
                        <button
                          type="button"
                          aria-label={t('overview.withdrawFor', {
                            participantId: row.participantId,
                          })}
                          onClick={() => {
                            setDone(undefined);
                            setChanging({ kind: 'withdraw', row });
                          }}
                        >
                          {t('overview.withdraw')}
                        </button>
                      )}
                    </>
                  );
                }
              : undefined
          }
        />
      )}
      {changing?.kind === 'correct' && trial.kind === 'loaded' && (
        <CorrectionDialog
          row={changing.row}
          trial={trial.data}
          onCancel={() => setChanging(undefined)}
          onDone={(answer) =>
            changed(<CorrectionDone answer={answer} trial={trial.data} />, answer.participant)
          }
        />
      )}
      {changing?.kind === 'withdraw' && (
        <WithdrawalDialog
          row={changing.row}
          onCancel={() => setChanging(undefined)}
          onDone={(row) =>
            changed(<p>{t('overview.withdraw.done', { participantId: row.participantId })}</p>, row)
          }
        />
      )}
    </section>
  );
}

const FIELD_KEYS: Record<CorrectionAnswer['changed'][number], MessageKey> = {
  screeningNumber: 'overview.field.screeningNumber',
  age: 'overview.field.age',
  eligibility: 'overview.field.eligibility',
  stratum: 'overview.field.stratum',
};

const PROBLEM_KEYS: Record<CorrectionProblem, MessageKey> = {
  reasonTooShort: 'overview.problem.reasonTooShort',
  reasonTooLong: 'overview.problem.reasonTooLong',
  ageNotWhole: 'overview.problem.ageNotWhole',
  screeningEmpty: 'overview.problem.screeningEmpty',
  strataIncomplete: 'overview.problem.strataIncomplete',
  nothingToCorrect: 'overview.problem.nothingToCorrect',
};

const ANSWER_KEYS: Record<AnswerChoice, MessageKey> = {
  unchanged: 'overview.answer.unchanged',
  met: 'overview.answer.met',
  notMet: 'overview.answer.notMet',
};

function FailedList({ failed }: { failed: FailedCriterion[] }) {
  const { t } = useI18n();
  const text = (f: FailedCriterion): string => {
    switch (f.kind) {
      case 'age':
        return t('overview.failed.age', { min: f.minAge, max: f.maxAge });
      case 'inclusion':
        return t('overview.failed.inclusion', { text: f.text });
      case 'exclusion':
        return t('overview.failed.exclusion', { text: f.text });
      case 'unknown':
        return t('overview.failed.unknown', { id: f.id });
    }
  };
  return (
    <ul>
      {failed.map((f) => (
        <li key={f.kind === 'age' ? 'age' : f.id}>{text(f)}</li>
      ))}
    </ul>
  );
}

function CorrectionDone({ answer, trial }: { answer: CorrectionAnswer; trial: TrialStatus }) {
  const { t } = useI18n();
  const fields = answer.changed.map((field) => t(FIELD_KEYS[field])).join(', ');
  return (
    <>
      <p>
        {t('overview.correct.done', { participantId: answer.participant.participantId, fields })}
      </p>
      {answer.failed.length > 0 && (
        <>
          <p>{t('overview.correct.deviation')}</p>
          <FailedList failed={failedCriteria(trial.eligibility, answer.failed)} />
        </>
      )}
    </>
  );
}

function CorrectionDialog({
  row,
  trial,
  onCancel,
  onDone,
}: {
  row: BlindedParticipant;
  trial: TrialStatus;
  onCancel: () => void;
  onDone: (answer: CorrectionAnswer) => void;
}) {
  const { t } = useI18n();
  const session = useSession();
  const [form, setForm] = useState<CorrectionForm>(() => emptyCorrection(row.screeningNumber));
  const [problems, setProblems] = useState<CorrectionProblem[]>([]);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const allocated = row.allocatedAt !== null;
  const factors = trial.stratification;
  const criteria = [...trial.eligibility.inclusion, ...trial.eligibility.exclusion];
  const notEligible =
    error instanceof ApiError && error.code === 'NOT_ELIGIBLE'
      ? failedCriteria(trial.eligibility, failedIdsOf(error.body))
      : undefined;

  const save = async () => {
    const prepared = prepareCorrection(
      form,
      row.screeningNumber,
      factors.map((factor) => factor.id),
    );
    setError(undefined);
    if (!prepared.ok) {
      setProblems(prepared.problems);
      return;
    }
    setProblems([]);
    setBusy(true);
    try {
      onDone(
        await session.json<CorrectionAnswer>(
          'PATCH',
          `/api/participants/${encodeURIComponent(row.participantId)}`,
          prepared.body,
        ),
      );
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <ConfirmDialog
      title={t('overview.correct.title', { participantId: row.participantId })}
      confirmLabel={t('overview.correct.save')}
      onConfirm={() => void save()}
      onCancel={onCancel}
      busy={busy}
    >
      <p>{t(allocated ? 'overview.correct.helpAllocated' : 'overview.correct.help')}</p>
      <div className="field">
        <label htmlFor="correction-reason">{t('overview.correct.reason')}</label>
        <textarea
          id="correction-reason"
          aria-describedby="correction-reason-hint"
          maxLength={REASON_MAX_LENGTH}
          value={form.reason}
          onChange={(event) => setForm({ ...form, reason: event.target.value })}
        />
        <p id="correction-reason-hint" className="hint">
          {t('overview.reasonHint')}
        </p>
      </div>
      <div className="field">
        <label htmlFor="correction-screening">{t('overview.correct.screening')}</label>
        <input
          id="correction-screening"
          value={form.screeningNumber}
          maxLength={64}
          onChange={(event) => setForm({ ...form, screeningNumber: event.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor="correction-age">{t('overview.correct.age')}</label>
        <input
          id="correction-age"
          inputMode="numeric"
          aria-describedby="correction-age-hint"
          value={form.age}
          onChange={(event) => setForm({ ...form, age: event.target.value })}
        />
        <p id="correction-age-hint" className="hint">
          {t('overview.correct.ageHint', {
            min: trial.eligibility.minAge,
            max: trial.eligibility.maxAge,
          })}
        </p>
      </div>
      <fieldset>
        <legend>{t('overview.correct.answers')}</legend>
        <p className="hint">{t('overview.correct.answersHint')}</p>
        {criteria.map((criterion) => (
          <div className="field" key={criterion.id}>
            <label htmlFor={`correction-answer-${criterion.id}`}>{criterion.text}</label>
            <select
              id={`correction-answer-${criterion.id}`}
              value={form.answers[criterion.id] ?? 'unchanged'}
              onChange={(event) =>
                setForm({
                  ...form,
                  answers: { ...form.answers, [criterion.id]: event.target.value as AnswerChoice },
                })
              }
            >
              {(['unchanged', 'met', 'notMet'] as const).map((choice) => (
                <option key={choice} value={choice}>
                  {t(ANSWER_KEYS[choice])}
                </option>
              ))}
            </select>
          </div>
        ))}
      </fieldset>
      {factors.length > 0 && (
        <fieldset>
          <legend>{t('overview.correct.strata')}</legend>
          <p className="hint">
            {t(allocated ? 'overview.correct.strataFixed' : 'overview.correct.strataHint', {
              stratum: row.stratum,
            })}
          </p>
          {factors.map((factor) => (
            <div className="field" key={factor.id}>
              <label htmlFor={`correction-stratum-${factor.id}`}>{factor.id}</label>
              <select
                id={`correction-stratum-${factor.id}`}
                value={form.strata[factor.id] ?? ''}
                disabled={allocated}
                onChange={(event) =>
                  setForm({ ...form, strata: { ...form.strata, [factor.id]: event.target.value } })
                }
              >
                <option value="">{t('overview.stratum.unchanged')}</option>
                {factor.levels.map((level) => (
                  <option key={level} value={level}>
                    {level}
                  </option>
                ))}
              </select>
            </div>
          ))}
        </fieldset>
      )}
      {problems.length > 0 && (
        <div role="alert" className="message message-error">
          <ul>
            {problems.map((problem) => (
              <li key={problem}>{t(PROBLEM_KEYS[problem])}</li>
            ))}
          </ul>
        </div>
      )}
      {notEligible ? (
        <div role="alert" className="message message-error">
          <p>{t('overview.correct.notEligible')}</p>
          <FailedList failed={notEligible} />
        </div>
      ) : (
        error !== undefined && <ErrorMessage error={error} />
      )}
    </ConfirmDialog>
  );
}

function WithdrawalDialog({
  row,
  onCancel,
  onDone,
}: {
  row: BlindedParticipant;
  onCancel: () => void;
  onDone: (row: BlindedParticipant) => void;
}) {
  const { t } = useI18n();
  const session = useSession();
  const [reason, setReason] = useState('');
  const [problems, setProblems] = useState<('reasonTooShort' | 'reasonTooLong')[]>([]);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  const withdraw = async () => {
    const found = reasonProblems(reason);
    setProblems(found);
    setError(undefined);
    if (found.length > 0) return;
    setBusy(true);
    try {
      onDone(
        await session.json<BlindedParticipant>(
          'POST',
          `/api/participants/${encodeURIComponent(row.participantId)}/withdrawal`,
          { reason: reason.trim() },
        ),
      );
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <ConfirmDialog
      title={t('overview.withdraw.title', {
        participantId: row.participantId,
        screening: row.screeningNumber,
      })}
      confirmLabel={t('overview.withdraw.confirm')}
      onConfirm={() => void withdraw()}
      onCancel={onCancel}
      busy={busy}
    >
      <p>{t('overview.withdraw.consequences')}</p>
      <div className="field">
        <label htmlFor="withdrawal-reason">{t('overview.withdraw.reason')}</label>
        <textarea
          id="withdrawal-reason"
          aria-describedby="withdrawal-reason-hint"
          maxLength={REASON_MAX_LENGTH}
          value={reason}
          onChange={(event) => setReason(event.target.value)}
        />
        <p id="withdrawal-reason-hint" className="hint">
          {t('overview.reasonHint')}
        </p>
      </div>
      {problems.map((problem) => (
        <p key={problem} role="alert" className="message message-error">
          {t(PROBLEM_KEYS[problem])}
        </p>
      ))}
      {error !== undefined && <ErrorMessage error={error} />}
    </ConfirmDialog>
  );
}

export function ParticipantsTable({
  rows,
  actions,
}: {
  rows: BlindedParticipant[];
  /** The buttons of a row, for the roles that may change participants. */
  actions?: (row: BlindedParticipant) => ReactNode;
}) {
  const { t, dateTime } = useI18n();
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">{t('overview.participants')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('overview.col.participant')}</th>
            <th scope="col">{t('overview.col.screening')}</th>
            <th scope="col">{t('overview.col.status')}</th>
            <th scope="col">{t('overview.col.registered')}</th>
            <th scope="col">{t('overview.col.allocated')}</th>
            <th scope="col">{t('overview.col.seal')}</th>
            {actions && <th scope="col">{t('overview.col.actions')}</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.participantId}>
              <th scope="row">{row.participantId}</th>
              <td>{row.screeningNumber}</td>
              <td>
                {t(`status.${row.status}`)}
                {row.withdrawal.withdrawn && (
                  <>
                    <br />
                    {t('overview.withdrawnDetail', {
                      at: dateTime(row.withdrawal.at),
                      by: row.withdrawal.by ?? '—',
                      reason: row.withdrawal.reason ?? '—',
                    })}
                  </>
                )}
              </td>
              <td>{dateTime(row.registeredAt)}</td>
              <td>{dateTime(row.allocatedAt)}</td>
              <td>
                {row.seal.unblinded
                  ? t('overview.sealBroken', {
                      at: dateTime(row.seal.at),
                      by: row.seal.by ?? '—',
                      reason: row.seal.reason ?? '—',
                    })
                  : t('overview.sealIntact')}
              </td>
              {actions && <td>{actions(row)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
