import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import type { components } from '../api/schema';
import { useApiGet } from '../api/use-api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorMessage } from '../components/ErrorMessage';
import { RecordedViewNotice } from '../components/RecordedViewNotice';
import { ScreenTitle } from '../components/ScreenTitle';
import { useI18n } from '../i18n/i18n-context';
import { useRouter } from '../router';
import { useSession } from '../session/session-context';
import {
  idempotencyKeyStore,
  actionFor,
  awaitingAllocation,
  findParticipant,
  panelLines,
  targetKeyOf,
} from './allocation';

type Participant = components['schemas']['BlindedParticipantDto'];
type Allocation = components['schemas']['AllocationDto'];

/**
 * Allocation (pharmacist): choose a participant, confirm, and read the result panel. The
 * allocation (the limb) lives in this component's state only: it goes when the screen unmounts
 * (any navigation), when another participant is chosen, and when the session stops being active.
 */
export function AllocationScreen() {
  const [idempotencyKeys] = useState(() => idempotencyKeyStore());
  const { t } = useI18n();
  const session = useSession();
  const { query } = useRouter();
  const ids = useId();
  const [participants, reloadParticipants] = useApiGet<Participant[]>('/api/participants');
  const [chosenId, setChosenId] = useState<string | undefined>(
    () => query.get('participant') ?? undefined,
  );
  const [typed, setTyped] = useState(() => query.get('participant') ?? '');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [allocation, setAllocation] = useState<Allocation | undefined>(undefined);
  const active = session.state.kind === 'active';

  // A lost session (the sign-in dialog) or a sign-out leaves no limb behind.
  useEffect(() => {
    if (active) return;
    setAllocation(undefined);
    setConfirming(false);
  }, [active]);

  const list = participants.kind === 'loaded' ? participants.data : undefined;
  const chosen = list && chosenId ? findParticipant(list, chosenId) : undefined;
  const waiting = list ? awaitingAllocation(list) : [];

  const choose = (participantId: string | undefined) => {
    setAllocation(undefined);
    setError(undefined);
    setChosenId(participantId);
  };

  const find = (event: FormEvent) => {
    event.preventDefault();
    choose(typed.trim() || undefined);
    // Someone may have registered or allocated since the screen opened.
    reloadParticipants();
  };

  const allocate = async (participant: Participant) => {
    setBusy(true);
    setError(undefined);
    try {
      setAllocation(
        await session.json<Allocation>(
          'POST',
          `/api/participants/${encodeURIComponent(participant.participantId)}/allocation`,
          undefined,
          { 'Idempotency-Key': idempotencyKeys.keyFor(participant.participantId) },
        ),
      );
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
      setConfirming(false);
      // The status changed (or, after a refusal such as ALREADY_ALLOCATED, is worth reading again).
      reloadParticipants();
    }
  };

  const reread = async (participant: Participant) => {
    setBusy(true);
    setError(undefined);
    try {
      setAllocation(
        await session.json<Allocation>(
          'GET',
          `/api/participants/${encodeURIComponent(participant.participantId)}/allocation`,
        ),
      );
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <ScreenTitle titleKey="allocate.title" />
      <p className="help">{t('allocate.help')}</p>
      {participants.kind === 'failed' && <ErrorMessage error={participants.error} />}

      <section aria-labelledby={`${ids}-choose`}>
        <h2 id={`${ids}-choose`}>{t('allocate.choose')}</h2>
        <form className="inline-form" onSubmit={find}>
          <label htmlFor={`${ids}-find`}>{t('allocate.find')}</label>
          <input
            id={`${ids}-find`}
            value={typed}
            autoComplete="off"
            onChange={(event) => setTyped(event.target.value)}
          />
          <button type="submit">{t('allocate.findButton')}</button>
        </form>
        {list && chosenId && !chosen && <p role="status">{t('allocate.notFound')}</p>}
        <h3>{t('allocate.waiting')}</h3>
        {participants.kind === 'loading' && <p>{t('app.loading')}</p>}
        {list && waiting.length === 0 && <p>{t('allocate.noneWaiting')}</p>}
        {waiting.length > 0 && (
          <ul className="pick-list">
            {waiting.map((p) => (
              <li key={p.participantId}>
                <button
                  type="button"
                  aria-pressed={chosen?.participantId === p.participantId}
                  onClick={() => {
                    setTyped(p.participantId);
                    choose(p.participantId);
                  }}
                >
                  {t('allocate.pick', {
                    participantId: p.participantId,
                    screeningNumber: p.screeningNumber,
                  })}
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>

      {chosen && (
        <section aria-labelledby={`${ids}-selected`}>
          <h2 id={`${ids}-selected`}>{t('allocate.selected')}</h2>
          <dl className="facts">
            <dt>{t('allocate.participantId')}</dt>
            <dd>{chosen.participantId}</dd>
            <dt>{t('allocate.screeningNumber')}</dt>
            <dd>{chosen.screeningNumber}</dd>
            <dt>{t('allocate.status')}</dt>
            <dd>{t(`status.${chosen.status}`)}</dd>
          </dl>
          {actionFor(chosen) === 'allocate' ? (
            <div className="actions">
              <button
                type="button"
                className="primary"
                disabled={busy}
                onClick={() => setConfirming(true)}
              >
                {t('allocate.allocate')}
              </button>
            </div>
          ) : actionFor(chosen) === 'none' ? (
            <p role="status">{t('allocate.withdrawnUnallocated')}</p>
          ) : (
            !allocation && (
              <>
                <p>{t('allocate.alreadyAllocated')}</p>
                <div className="actions">
                  <button type="button" disabled={busy} onClick={() => void reread(chosen)}>
                    {t('allocate.reread')}
                  </button>
                </div>
              </>
            )
          )}
        </section>
      )}

      {error !== undefined && <ErrorMessage error={error} />}

      {confirming && chosen && (
        <ConfirmDialog
          title={t('allocate.confirmTitle')}
          confirmLabel={busy ? t('allocate.allocating') : t('allocate.confirm')}
          busy={busy}
          onConfirm={() => void allocate(chosen)}
          onCancel={() => setConfirming(false)}
        >
          <p>
            {t('allocate.confirmText', {
              participantId: chosen.participantId,
              screeningNumber: chosen.screeningNumber,
            })}
          </p>
        </ConfirmDialog>
      )}

      {allocation && active && (
        <AllocationResult
          allocation={allocation}
          screeningNumber={chosen?.screeningNumber}
          onHide={() => setAllocation(undefined)}
        />
      )}
    </>
  );
}

/** The result: what goes to which limb, in words and an arrow, big and bordered; then how. */
function AllocationResult({
  allocation,
  screeningNumber,
  onHide,
}: {
  allocation: Allocation;
  screeningNumber: string | undefined;
  onHide: () => void;
}) {
  const { t, dateTime } = useI18n();
  const ids = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const p = allocation.preparation;
  const targetWords = (target: string, label: string) => {
    const key = targetKeyOf(target);
    return key ? t(key) : label;
  };
  useEffect(() => heading.current?.focus(), []);
  return (
    <section aria-labelledby={`${ids}-result`} className="allocation-result">
      <h2 id={`${ids}-result`} ref={heading} tabIndex={-1}>
        {t('allocate.resultTitle', { participantId: allocation.participantId })}
      </h2>
      <div className="limb-panel">
        {panelLines(allocation).map((line) => (
          <p key={line.syringe}>
            {t('allocate.panelLine', {
              syringe: line.syringe,
              target: targetWords(line.target, line.targetLabel),
            })}
          </p>
        ))}
      </div>
      <RecordedViewNotice />
      <dl className="facts">
        <dt>{t('allocate.participantId')}</dt>
        <dd>{allocation.participantId}</dd>
        {screeningNumber && (
          <>
            <dt>{t('allocate.screeningNumber')}</dt>
            <dd>{screeningNumber}</dd>
          </>
        )}
        <dt>{t('allocate.slot')}</dt>
        <dd>{allocation.slot}</dd>
        <dt>{t('allocate.allocatedAt')}</dt>
        <dd>{dateTime(allocation.allocatedAt)}</dd>
      </dl>

      <h3>{t('allocate.preparation')}</h3>
      <p className="hint">{t('allocate.fromTrialFile')}</p>
      <dl className="facts">
        <dt>{t('allocate.product')}</dt>
        <dd>{p.product}</dd>
        <dt>{t('allocate.site')}</dt>
        <dd>
          {p.site}
          {p.injectionCount !== undefined && p.injectionVolumeMl !== undefined && (
            <>
              <br />
              {t('allocate.injections', { count: p.injectionCount, volume: p.injectionVolumeMl })}
            </>
          )}
        </dd>
        {p.needle && (
          <>
            <dt>{t('allocate.needle')}</dt>
            <dd>{p.needle}</dd>
          </>
        )}
      </dl>
      <ul>
        {p.syringes.map((s) => (
          <li key={s.name}>
            {t('allocate.syringeLine', {
              syringe: s.name,
              target: targetWords(s.limb, s.limbLabel),
              contents: s.contents,
              volume: s.volumeMl,
            })}
          </li>
        ))}
      </ul>
      <h4>{t('allocate.instructions')}</h4>
      <ol>
        {p.instructions.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ol>
      <PrintSheet participantId={allocation.participantId} />
      <div className="actions">
        <button type="button" onClick={onHide}>
          {t('allocate.hide')}
        </button>
      </div>
    </section>
  );
}

/**
 * Print: the API's own A4 sheet (GET preparation-sheet, audited), printed from a frame that is
 * never shown, so that what is printed is exactly what the API serves. The frame goes with the
 * panel.
 */
function PrintSheet({ participantId }: { participantId: string }) {
  const { t } = useI18n();
  const session = useSession();
  const [sheet, setSheet] = useState<{ html: string; round: number } | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  const print = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const response = await session.raw(
        'GET',
        `/api/participants/${encodeURIComponent(participantId)}/preparation-sheet`,
      );
      const html = await response.text();
      // A new round remounts the frame, so that printing the same sheet again prints again.
      setSheet((current) => ({ html, round: (current?.round ?? 0) + 1 }));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <div className="actions">
        <button type="button" className="primary" disabled={busy} onClick={() => void print()}>
          {busy ? t('allocate.printing') : t('allocate.print')}
        </button>
      </div>
      {error !== undefined && <ErrorMessage error={error} />}
      {sheet && (
        <iframe
          key={sheet.round}
          className="print-frame"
          title={t('allocate.printFrame')}
          aria-hidden="true"
          tabIndex={-1}
          srcDoc={sheet.html}
          onLoad={(event) => event.currentTarget.contentWindow?.print()}
        />
      )}
    </>
  );
}
