import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError } from '../api/client';
import type { BlindedParticipant } from '../api/types';
import { useApiGet } from '../api/use-api';
import { ErrorMessage } from '../components/ErrorMessage';
import { ScreenTitle } from '../components/ScreenTitle';
import { useI18n } from '../i18n/i18n-context';
import { useSession } from '../session/session-context';
import { useTrial } from '../trial-context';

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
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<BlindedParticipant[] | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);

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
      {rows && rows.length > 0 && <ParticipantsTable rows={rows} />}
    </section>
  );
}

export function ParticipantsTable({ rows }: { rows: BlindedParticipant[] }) {
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
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.participantId}>
              <th scope="row">{row.participantId}</th>
              <td>{row.screeningNumber}</td>
              <td>{t(`status.${row.status}`)}</td>
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
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
