import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import type { components } from '../api/schema';
import { useApiGet } from '../api/use-api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorMessage } from '../components/ErrorMessage';
import { RecordedViewNotice } from '../components/RecordedViewNotice';
import { ScreenTitle } from '../components/ScreenTitle';
import { useI18n } from '../i18n/i18n-context';
import { useSession } from '../session/session-context';
import { useTrial } from '../trial-context';
import { awaitingAllocation, panelLines, targetKeyOf } from './allocation';
import {
  byEnvelopeNumber,
  countByStatus,
  outstanding,
  VOID_REASON_MAX_LENGTH,
  voidable,
  voidReasonGiven,
  wallTimeToIso,
} from './envelopes';

type Envelope = components['schemas']['EnvelopeDto'];
type EnvelopeList = components['schemas']['EnvelopeListDto'];
type Participant = components['schemas']['BlindedParticipantDto'];
type OfflineAllocation = components['schemas']['OfflineAllocationDto'];
type VoidEnvelope = components['schemas']['VoidEnvelopeDto'];
type VoidedEnvelope = components['schemas']['VoidedEnvelopeDto'];

/**
 * Downtime envelopes: the statistician issues them (blinded) and voids one lost or damaged, the
 * pharmacist prints them and, once the service is back, records each allocation made from one. A printed page and a
 * recorded allocation (both show a target) live in this component's state only.
 */
export function EnvelopesScreen() {
  const { t } = useI18n();
  const session = useSession();
  const [envelopes, reload] = useApiGet<EnvelopeList>('/api/downtime-envelopes');
  const list = envelopes.kind === 'loaded' ? envelopes.data.envelopes : undefined;
  const counts = list ? countByStatus(list) : undefined;
  return (
    <>
      <ScreenTitle titleKey="envelopes.title" />
      <p className="help">{t('envelopes.help')}</p>
      {envelopes.kind === 'failed' && <ErrorMessage error={envelopes.error} />}
      {session.hasRole('statistician') && <IssueEnvelopes onIssued={reload} />}
      {session.hasRole('pharmacist') && list && (
        <RecordOfflineAllocation envelopes={list} onRecorded={reload} />
      )}
      <EnvelopeTable
        envelopes={list}
        loading={envelopes.kind === 'loading'}
        canPrint={session.hasRole('pharmacist')}
        canVoid={session.hasRole('statistician')}
        onChanged={reload}
      />
      {counts && (
        <p role="status">
          {t('envelopes.summary', {
            outstanding: counts.OUTSTANDING,
            used: counts.USED,
            voided: counts.VOIDED,
          })}
        </p>
      )}
    </>
  );
}

function IssueEnvelopes({ onIssued }: { onIssued: () => void }) {
  const { t } = useI18n();
  const session = useSession();
  const ids = useId();
  const [perStratum, setPerStratum] = useState('2');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [issued, setIssued] = useState<Envelope[] | undefined>(undefined);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setIssued(undefined);
    setConfirming(true);
  };
  const issue = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const answer = await session.json<EnvelopeList>('POST', '/api/downtime-envelopes', {
        perStratum: Number(perStratum),
      });
      setIssued(answer.envelopes);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
      setConfirming(false);
      onIssued();
    }
  };

  return (
    <section aria-labelledby={`${ids}-issue`}>
      <h2 id={`${ids}-issue`}>{t('envelopes.issueTitle')}</h2>
      <p className="hint">{t('envelopes.issueHelp')}</p>
      <form className="inline-form" onSubmit={submit}>
        <label htmlFor={`${ids}-count`}>{t('envelopes.perStratum')}</label>
        <input
          id={`${ids}-count`}
          type="number"
          min={1}
          max={10}
          required
          value={perStratum}
          onChange={(event) => setPerStratum(event.target.value)}
        />
        <button type="submit" className="primary" disabled={busy}>
          {t('envelopes.issue')}
        </button>
      </form>
      {error !== undefined && <ErrorMessage error={error} />}
      {issued && (
        <p role="status">
          {t('envelopes.issued', { envelopes: issued.map((e) => e.envelopeNumber).join(', ') })}
        </p>
      )}
      {confirming && (
        <ConfirmDialog
          title={t('envelopes.confirmTitle')}
          confirmLabel={busy ? t('envelopes.issuing') : t('envelopes.confirm')}
          busy={busy}
          onConfirm={() => void issue()}
          onCancel={() => setConfirming(false)}
        >
          <p>{t('envelopes.confirmText', { perStratum })}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function EnvelopeTable({
  envelopes,
  loading,
  canPrint,
  canVoid,
  onChanged,
}: {
  envelopes: Envelope[] | undefined;
  loading: boolean;
  canPrint: boolean;
  canVoid: boolean;
  onChanged: () => void;
}) {
  const { t, dateTime } = useI18n();
  const session = useSession();
  const ids = useId();
  const [page, setPage] = useState<{ html: string; round: number } | undefined>(undefined);
  const [busy, setBusy] = useState<string | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [printed, setPrinted] = useState<string | undefined>(undefined);
  const [voiding, setVoiding] = useState<string | undefined>(undefined);
  const [voided, setVoided] = useState<string | undefined>(undefined);
  const hasActions = canPrint || canVoid;

  // A lost session leaves no printed page (it holds a target) behind.
  const active = session.state.kind === 'active';
  useEffect(() => {
    if (!active) setPage(undefined);
  }, [active]);

  const print = async (envelopeNumber: string) => {
    setBusy(envelopeNumber);
    setError(undefined);
    setPrinted(undefined);
    try {
      const response = await session.raw(
        'POST',
        `/api/downtime-envelopes/${encodeURIComponent(envelopeNumber)}/print`,
      );
      const html = await response.text();
      setPage((current) => ({ html, round: (current?.round ?? 0) + 1 }));
      setPrinted(envelopeNumber);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(undefined);
      onChanged();
    }
  };

  return (
    <section aria-labelledby={`${ids}-list`}>
      <h2 id={`${ids}-list`}>{t('envelopes.listTitle')}</h2>
      {loading && <p>{t('app.loading')}</p>}
      {envelopes && envelopes.length === 0 && <p>{t('envelopes.none')}</p>}
      {envelopes && envelopes.length > 0 && (
        <table>
          <caption className="visually-hidden">{t('envelopes.listTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('envelopes.number')}</th>
              <th scope="col">{t('envelopes.stratum')}</th>
              <th scope="col">{t('envelopes.status')}</th>
              <th scope="col">{t('envelopes.printed')}</th>
              <th scope="col">{t('envelopes.participant')}</th>
              {hasActions && <th scope="col">{t('envelopes.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {[...envelopes].sort(byEnvelopeNumber).map((e) => (
              <tr key={e.envelopeNumber}>
                <th scope="row">{e.envelopeNumber}</th>
                <td>{e.stratum}</td>
                <td>{t(`envelopes.status.${e.status}`)}</td>
                <td>
                  {e.printCount === 0
                    ? t('envelopes.notPrinted')
                    : t('envelopes.printedBy', {
                        count: e.printCount,
                        by: e.printedBy ?? '',
                        at: dateTime(e.printedAt),
                      })}
                </td>
                <td>
                  {e.participantId
                    ? t('envelopes.usedFor', {
                        participantId: e.participantId,
                        at: dateTime(e.openedAt),
                      })
                    : e.voidedAt
                      ? e.voidedBy
                        ? t('envelopes.voidedBy', {
                            at: dateTime(e.voidedAt),
                            by: e.voidedBy,
                            reason: e.voidReason ?? '',
                          })
                        : t('envelopes.voidedAt', { at: dateTime(e.voidedAt) })
                      : ''}
                </td>
                {hasActions && (
                  <td>
                    {canVoid && voidable(e) && (
                      <button
                        type="button"
                        className="danger"
                        disabled={voiding !== undefined}
                        onClick={() => {
                          setVoided(undefined);
                          setVoiding(e.envelopeNumber);
                        }}
                      >
                        {t('envelopes.void', { envelope: e.envelopeNumber })}
                      </button>
                    )}
                    {canPrint && e.status === 'OUTSTANDING' && (
                      <button
                        type="button"
                        disabled={busy !== undefined}
                        onClick={() => void print(e.envelopeNumber)}
                      >
                        {busy === e.envelopeNumber
                          ? t('envelopes.printing')
                          : t(e.printCount === 0 ? 'envelopes.print' : 'envelopes.reprint', {
                              envelope: e.envelopeNumber,
                            })}
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canPrint && <p className="hint">{t('envelopes.printHelp')}</p>}
      {canVoid && <p className="hint">{t('envelopes.voidHelp')}</p>}
      {error !== undefined && <ErrorMessage error={error} />}
      {printed && <p role="status">{t('envelopes.printedNow', { envelope: printed })}</p>}
      {voided && <p role="status">{t('envelopes.voidedNow', { envelope: voided })}</p>}
      {voiding && (
        <VoidEnvelopeDialog
          envelopeNumber={voiding}
          onVoided={(answer) => {
            setVoiding(undefined);
            setVoided(answer.envelopeNumber);
            onChanged();
          }}
          onCancel={() => setVoiding(undefined)}
          onRefused={onChanged}
        />
      )}
      {page && (
        <iframe
          key={page.round}
          className="print-frame"
          title={t('envelopes.printFrame')}
          aria-hidden="true"
          tabIndex={-1}
          srcDoc={page.html}
          onLoad={(event) => event.currentTarget.contentWindow?.print()}
        />
      )}
    </section>
  );
}

/**
 * The statistician's confirmation of voiding one envelope, with the reason the audit entry
 * keeps. A refusal (used or voided meanwhile, the study locked) stays in the dialog.
 */
function VoidEnvelopeDialog({
  envelopeNumber,
  onVoided,
  onCancel,
  onRefused,
}: {
  envelopeNumber: string;
  onVoided: (answer: VoidedEnvelope) => void;
  onCancel: () => void;
  onRefused: () => void;
}) {
  const { t } = useI18n();
  const session = useSession();
  const ids = useId();
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  const confirm = async () => {
    setError(undefined);
    const given = voidReasonGiven(reason);
    setMissing(!given);
    if (!given) return;
    setBusy(true);
    try {
      const body: VoidEnvelope = { reason };
      onVoided(
        await session.json<VoidedEnvelope>(
          'POST',
          `/api/downtime-envelopes/${encodeURIComponent(envelopeNumber)}/void`,
          body,
        ),
      );
    } catch (failure) {
      setError(failure);
      onRefused();
    } finally {
      setBusy(false);
    }
  };

  return (
    <ConfirmDialog
      title={t('envelopes.voidTitle', { envelope: envelopeNumber })}
      confirmLabel={busy ? t('envelopes.voiding') : t('envelopes.voidConfirm')}
      busy={busy}
      onConfirm={() => void confirm()}
      onCancel={onCancel}
    >
      <p>{t('envelopes.voidText', { envelope: envelopeNumber })}</p>
      <div className="field field-wide">
        <label htmlFor={`${ids}-reason`}>{t('envelopes.voidReason')}</label>
        <textarea
          id={`${ids}-reason`}
          rows={3}
          required
          maxLength={VOID_REASON_MAX_LENGTH}
          aria-describedby={`${ids}-reason-hint`}
          aria-invalid={missing}
          value={reason}
          onChange={(event) => setReason(event.target.value)}
        />
        <span id={`${ids}-reason-hint`} className="hint">
          {t('envelopes.voidReasonHint', { max: VOID_REASON_MAX_LENGTH })}
        </span>
      </div>
      {missing && (
        <p className="message message-error" role="alert">
          {t('envelopes.voidReasonMissing')}
        </p>
      )}
      {error !== undefined && <ErrorMessage error={error} />}
    </ConfirmDialog>
  );
}

function RecordOfflineAllocation({
  envelopes,
  onRecorded,
}: {
  envelopes: Envelope[];
  onRecorded: () => void;
}) {
  const { t, dateTime } = useI18n();
  const session = useSession();
  const { trial } = useTrial();
  const ids = useId();
  const [participants, reloadParticipants] = useApiGet<Participant[]>('/api/participants');
  const waiting = participants.kind === 'loaded' ? awaitingAllocation(participants.data) : [];
  const open = outstanding(envelopes);
  const [participantId, setParticipantId] = useState('');
  const [envelopeNumber, setEnvelopeNumber] = useState('');
  const [openingCode, setOpeningCode] = useState('');
  const [openedAt, setOpenedAt] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [badTime, setBadTime] = useState(false);
  const [recorded, setRecorded] = useState<OfflineAllocation | undefined>(undefined);
  const heading = useRef<HTMLHeadingElement>(null);
  const active = session.state.kind === 'active';
  const timeZone = trial.kind === 'loaded' ? trial.data.timeZone : undefined;

  useEffect(() => {
    if (!active) setRecorded(undefined);
  }, [active]);
  useEffect(() => {
    if (recorded) heading.current?.focus();
  }, [recorded]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setRecorded(undefined);
    const instant = timeZone ? wallTimeToIso(openedAt, timeZone) : undefined;
    setBadTime(!instant);
    if (!instant) return;
    setBusy(true);
    try {
      const answer = await session.json<OfflineAllocation>(
        'POST',
        `/api/participants/${encodeURIComponent(participantId)}/offline-allocation`,
        {
          envelopeNumber: envelopeNumber.trim(),
          openingCode: openingCode.trim(),
          openedAt: instant,
        },
      );
      setRecorded(answer);
      setOpeningCode('');
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
      onRecorded();
      reloadParticipants();
    }
  };

  const targetWords = (target: string, label: string) => {
    const key = targetKeyOf(target);
    return key ? t(key) : label;
  };

  return (
    <section aria-labelledby={`${ids}-record`}>
      <h2 id={`${ids}-record`}>{t('envelopes.recordTitle')}</h2>
      <p className="hint">{t('envelopes.recordHelp', { timeZone: timeZone ?? '' })}</p>
      <form onSubmit={(event) => void submit(event)}>
        <div className="field">
          <label htmlFor={`${ids}-participant`}>{t('envelopes.participant')}</label>
          <select
            id={`${ids}-participant`}
            required
            value={participantId}
            onChange={(event) => setParticipantId(event.target.value)}
          >
            <option value="">{t('envelopes.chooseParticipant')}</option>
            {waiting.map((p) => (
              <option key={p.participantId} value={p.participantId}>
                {t('envelopes.participantOption', {
                  participantId: p.participantId,
                  screeningNumber: p.screeningNumber,
                })}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${ids}-envelope`}>{t('envelopes.number')}</label>
          <input
            id={`${ids}-envelope`}
            required
            autoComplete="off"
            list={`${ids}-open`}
            maxLength={10}
            value={envelopeNumber}
            onChange={(event) => setEnvelopeNumber(event.target.value)}
          />
          <datalist id={`${ids}-open`}>
            {open.map((e) => (
              <option key={e.envelopeNumber} value={e.envelopeNumber} />
            ))}
          </datalist>
        </div>
        <div className="field">
          <label htmlFor={`${ids}-code`}>{t('envelopes.openingCode')}</label>
          <input
            id={`${ids}-code`}
            required
            autoComplete="off"
            spellCheck={false}
            maxLength={40}
            value={openingCode}
            onChange={(event) => setOpeningCode(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-opened`}>{t('envelopes.openedAt')}</label>
          <input
            id={`${ids}-opened`}
            type="datetime-local"
            required
            value={openedAt}
            onChange={(event) => setOpenedAt(event.target.value)}
          />
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t('envelopes.recording') : t('envelopes.record')}
          </button>
        </div>
      </form>
      {badTime && (
        <p className="message message-error" role="alert">
          {t('envelopes.badTime')}
        </p>
      )}
      {error !== undefined && <ErrorMessage error={error} />}
      {recorded && active && (
        <section aria-labelledby={`${ids}-recorded`} className="allocation-result">
          <h3 id={`${ids}-recorded`} ref={heading} tabIndex={-1}>
            {t('envelopes.recordedTitle', {
              participantId: recorded.participantId,
              envelope: recorded.envelopeNumber,
            })}
          </h3>
          <div className="limb-panel">
            {panelLines(recorded).map((line) => (
              <p key={line.syringe}>
                {t('allocate.panelLine', {
                  syringe: line.syringe,
                  target: targetWords(line.target, line.targetLabel),
                })}
              </p>
            ))}
          </div>
          <p>{t('envelopes.checkEnvelope')}</p>
          <RecordedViewNotice />
          <dl className="facts">
            <dt>{t('allocate.slot')}</dt>
            <dd>{recorded.slot}</dd>
            <dt>{t('envelopes.openedAt')}</dt>
            <dd>{dateTime(recorded.openedAt)}</dd>
            <dt>{t('envelopes.recordedAt')}</dt>
            <dd>{dateTime(recorded.recordedAt)}</dd>
          </dl>
          <div className="actions">
            <button type="button" onClick={() => setRecorded(undefined)}>
              {t('allocate.hide')}
            </button>
          </div>
        </section>
      )}
    </section>
  );
}
