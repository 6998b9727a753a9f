import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import type { components } from '../api/schema';
import { ErrorMessage } from '../components/ErrorMessage';
import { ScreenTitle } from '../components/ScreenTitle';
import { useI18n } from '../i18n/i18n-context';
import { useSession } from '../session/session-context';
import { useTrial } from '../trial-context';
import {
  AUDIT_ACTION_NAMES,
  AUDIT_EXPORT_FORMATS,
  auditLogPath,
  checkpointFileName,
  compactDetails,
  EMPTY_FILTERS,
  exportFileName,
  filterOf,
  FIRST_PAGE,
  headerCount,
  nextPosition,
  PAGE_SIZE_DEFAULT,
  PAGE_SIZE_MAX,
  pageRange,
  pageSizeOf,
  roleKey,
  type AuditExportFormat,
  type AuditFilter,
  type AuditFilterForm,
  type PagePosition,
} from './audit-log-query';

type Schemas = components['schemas'];
type AuditEntry = Schemas['AuditEntryDto'];
type ChainVerification = Schemas['ChainVerificationDto'];
type AuditCheckpoint = Schemas['AuditCheckpointDto'];

/** The filters and page size the table shows: what the downloads use too. */
interface Applied {
  filter: AuditFilter;
  limit: number;
}

interface Page {
  entries: AuditEntry[];
  total: number;
  nextAfterSeq: number | undefined;
}

type PageState =
  { kind: 'loading' } | { kind: 'failed'; error: unknown } | { kind: 'loaded'; page: Page };

/**
 * Saves a Blob as a file: the bearer token cannot go in a link, so the answer is fetched first and
 * handed to the browser through an object URL, revoked once the download has taken it.
 */
function saveFile(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Some browsers read the URL after click() returns: revoke on a later turn, not at once.
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Monitor and admin: the audit log filtered and paged, its downloads, verify and checkpoint. */
export function AuditLogScreen() {
  const { t } = useI18n();
  const session = useSession();
  const { trial } = useTrial();
  const timeZone = trial.kind === 'loaded' ? trial.data.timeZone : undefined;
  const protocolId = trial.kind === 'loaded' ? trial.data.protocolId : undefined;
  const active = session.state.kind === 'active';

  const [form, setForm] = useState<AuditFilterForm>(EMPTY_FILTERS);
  const [pageSizeText, setPageSizeText] = useState(String(PAGE_SIZE_DEFAULT));
  const [formError, setFormError] = useState<'from' | 'to' | 'pageSize' | 'zone' | undefined>(
    undefined,
  );
  const [applied, setApplied] = useState<Applied>({ filter: {}, limit: PAGE_SIZE_DEFAULT });
  const [position, setPosition] = useState<PagePosition>(FIRST_PAGE);
  const [pageState, setPageState] = useState<PageState>({ kind: 'loading' });

  // Each page is an export of its own (recorded as AUDIT_EXPORTED), read for its headers too.
  useEffect(() => {
    if (!active) return;
    let current = true;
    setPageState({ kind: 'loading' });
    const path = auditLogPath(applied.filter, {
      limit: applied.limit,
      afterSeq: position.afterSeq,
    });
    void (async () => {
      try {
        const response = await session.raw('GET', path);
        const entries = (await response.json()) as AuditEntry[];
        const page: Page = {
          entries,
          total: headerCount(response.headers.get('X-Total-Count')) ?? entries.length,
          nextAfterSeq: headerCount(response.headers.get('X-Next-After-Seq')),
        };
        if (current) setPageState({ kind: 'loaded', page });
      } catch (error) {
        if (current) setPageState({ kind: 'failed', error });
      }
    })();
    return () => {
      current = false;
    };
    // The session object changes with every clock tick: load again only on a new page or filter.
  }, [applied, position, active]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const limit = pageSizeOf(pageSizeText);
    if (limit === undefined) {
      setFormError('pageSize');
      return;
    }
    if ((form.from.trim() || form.to.trim()) && !timeZone) {
      setFormError('zone');
      return;
    }
    const result = filterOf(form, timeZone ?? 'UTC');
    if (!result.ok) {
      setFormError(result.field);
      return;
    }
    setFormError(undefined);
    setApplied({ filter: result.filter, limit });
    setPosition(FIRST_PAGE);
  };

  const clear = () => {
    setForm(EMPTY_FILTERS);
    setFormError(undefined);
    setApplied((previous) => ({ filter: {}, limit: previous.limit }));
    setPosition(FIRST_PAGE);
  };

  const field = (name: keyof AuditFilterForm) => ({
    id: `audit-filter-${name}`,
    value: form[name],
    onChange: (event: { target: { value: string } }) =>
      setForm((previous) => ({ ...previous, [name]: event.target.value })),
  });

  return (
    <>
      <ScreenTitle titleKey="audit.title" />
      <p>{t('audit.intro')}</p>

      <form className="audit-filters" onSubmit={apply} noValidate>
        <fieldset>
          <legend>{t('audit.filter.legend')}</legend>
          <div className="audit-filter-grid">
            <div className="field">
              <label htmlFor="audit-filter-from">
                {t('audit.filter.from', { zone: timeZone ?? '—' })}
              </label>
              <input
                type="datetime-local"
                aria-invalid={formError === 'from' || formError === 'zone'}
                {...field('from')}
              />
            </div>
            <div className="field">
              <label htmlFor="audit-filter-to">
                {t('audit.filter.to', { zone: timeZone ?? '—' })}
              </label>
              <input
                type="datetime-local"
                aria-invalid={formError === 'to' || formError === 'zone'}
                aria-describedby="audit-filter-to-hint"
                {...field('to')}
              />
              <span id="audit-filter-to-hint" className="hint">
                {t('audit.filter.toHint')}
              </span>
            </div>
            <div className="field">
              <label htmlFor="audit-filter-action">{t('audit.filter.action')}</label>
              <select {...field('action')}>
                <option value="">{t('audit.filter.anyAction')}</option>
                {AUDIT_ACTION_NAMES.map((action) => (
                  <option key={action} value={action}>
                    {action}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="audit-filter-actor">{t('audit.filter.actor')}</label>
              <input maxLength={64} autoComplete="off" {...field('actor')} />
            </div>
            <div className="field">
              <label htmlFor="audit-filter-participantId">{t('audit.filter.participant')}</label>
              <input maxLength={64} autoComplete="off" {...field('participantId')} />
            </div>
            <div className="field">
              <label htmlFor="audit-page-size">{t('audit.filter.pageSize')}</label>
              <input
                id="audit-page-size"
                type="number"
                min={1}
                max={PAGE_SIZE_MAX}
                step={1}
                inputMode="numeric"
                aria-invalid={formError === 'pageSize'}
                aria-describedby="audit-page-size-hint"
                value={pageSizeText}
                onChange={(event) => setPageSizeText(event.target.value)}
              />
              <span id="audit-page-size-hint" className="hint">
                {t('audit.filter.pageSizeHint', { max: PAGE_SIZE_MAX })}
              </span>
            </div>
          </div>
          {formError && (
            <p className="message message-error" role="alert">
              {t(`audit.filter.invalid.${formError}`, { max: PAGE_SIZE_MAX })}
            </p>
          )}
          <div className="actions">
            <button type="submit" className="primary">
              {t('audit.filter.apply')}
            </button>
            <button type="button" onClick={clear}>
              {t('audit.filter.clear')}
            </button>
          </div>
        </fieldset>
      </form>

      <EntriesSection
        pageState={pageState}
        position={position}
        onFirst={() => setPosition(FIRST_PAGE)}
        onNext={(next) => setPosition(next)}
      />
      <DownloadsSection filter={applied.filter} protocolId={protocolId} />
      <VerifySection />
      <CheckpointSection protocolId={protocolId} />
      <OfflineHelp />
    </>
  );
}

function EntriesSection({
  pageState,
  position,
  onFirst,
  onNext,
}: {
  pageState: PageState;
  position: PagePosition;
  onFirst: () => void;
  onNext: (next: PagePosition) => void;
}) {
  const { t } = useI18n();
  const page = pageState.kind === 'loaded' ? pageState.page : undefined;
  const next = page && nextPosition(position, page.entries.length, page.nextAfterSeq);
  const range = page && pageRange(position, page.entries.length, page.total);
  return (
    <section aria-labelledby="audit-entries-heading">
      <h2 id="audit-entries-heading">{t('audit.entries.heading')}</h2>
      <p role="status" className="audit-range">
        {pageState.kind === 'loading' && t('app.loading')}
        {range &&
          (range.total === 0 || range.first === 0
            ? t('audit.entries.none')
            : t('audit.entries.range', { ...range }))}
      </p>
      {pageState.kind === 'failed' && <ErrorMessage error={pageState.error} />}
      {/* aria-disabled, not disabled: the button keeps the focus when the last page arrives, so a
          keyboard user stays in place instead of being thrown back to the top of the page. */}
      <div className="actions">
        <button
          type="button"
          aria-disabled={position.afterSeq === 0}
          onClick={() => position.afterSeq !== 0 && onFirst()}
        >
          {t('audit.entries.first')}
        </button>
        <button type="button" aria-disabled={!next} onClick={() => next && onNext(next)}>
          {t('audit.entries.next')}
        </button>
      </div>
      {page && page.entries.length > 0 && <EntriesTable entries={page.entries} />}
    </section>
  );
}

function EntriesTable({ entries }: { entries: AuditEntry[] }) {
  const { t, dateTime } = useI18n();
  return (
    <div className="table-wrap">
      <table className="audit-table">
        <caption>{t('audit.table.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('audit.col.seq')}</th>
            <th scope="col">{t('audit.col.at')}</th>
            <th scope="col">{t('audit.col.actor')}</th>
            <th scope="col">{t('audit.col.roles')}</th>
            <th scope="col">{t('audit.col.action')}</th>
            <th scope="col">{t('audit.col.participant')}</th>
            <th scope="col">{t('audit.col.outcome')}</th>
            <th scope="col">{t('audit.col.reason')}</th>
            <th scope="col">{t('audit.col.details')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.seq}>
              <th scope="row">{entry.seq}</th>
              <td>
                <time dateTime={entry.at}>{dateTime(entry.at)}</time>
              </td>
              <td>{entry.actor}</td>
              <td>
                {entry.roles
                  .map((role) => {
                    const key = roleKey(role);
                    return key ? t(key) : role;
                  })
                  .join(', ')}
              </td>
              <td>
                <code>{entry.action}</code>
              </td>
              <td>{entry.participantId ?? '—'}</td>
              <td>{t(`audit.outcome.${entry.outcome}`)}</td>
              <td>{entry.reason ?? '—'}</td>
              <td className="audit-details">{compactDetails(entry.details) || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function DownloadsSection({
  filter,
  protocolId,
}: {
  filter: AuditFilter;
  protocolId: string | undefined;
}) {
  const { t } = useI18n();
  const session = useSession();
  const [busy, setBusy] = useState<AuditExportFormat | undefined>(undefined);
  const [saved, setSaved] = useState<{ name: string; count: number } | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);

  const download = async (format: AuditExportFormat) => {
    setBusy(format);
    setSaved(undefined);
    setError(undefined);
    try {
      const response = await session.raw('GET', auditLogPath(filter, { format }));
      const name = exportFileName(
        format,
        response.headers.get('Content-Disposition'),
        new Date(),
        protocolId,
      );
      const count = headerCount(response.headers.get('X-Total-Count'));
      saveFile(name, await response.blob());
      setSaved({ name, count: count ?? 0 });
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <section aria-labelledby="audit-downloads-heading">
      <h2 id="audit-downloads-heading">{t('audit.download.heading')}</h2>
      <p>{t('audit.download.intro')}</p>
      <div className="actions">
        {AUDIT_EXPORT_FORMATS.map((format) => (
          <button
            key={format}
            type="button"
            disabled={busy !== undefined}
            onClick={() => void download(format)}
          >
            {t(`audit.download.${format}`)}
          </button>
        ))}
      </div>
      <p role="status">
        {busy && t('audit.download.busy')}
        {saved && t('audit.download.saved', saved)}
      </p>
      {error !== undefined && <ErrorMessage error={error} />}
    </section>
  );
}

function VerifySection() {
  const { t } = useI18n();
  const session = useSession();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ChainVerification | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);

  const verify = async () => {
    setBusy(true);
    setResult(undefined);
    setError(undefined);
    try {
      setResult(await session.json<ChainVerification>('GET', '/api/audit-log/verify'));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="audit-verify-heading">
      <h2 id="audit-verify-heading">{t('audit.verify.heading')}</h2>
      <p>{t('audit.verify.intro')}</p>
      <div className="actions">
        <button type="button" onClick={() => void verify()} disabled={busy}>
          {t('audit.verify.button')}
        </button>
      </div>
      <div role="status">
        {busy && <p>{t('audit.verify.busy')}</p>}
        {result && <VerificationResult result={result} />}
      </div>
      {error !== undefined && <ErrorMessage error={error} />}
    </section>
  );
}

function VerificationResult({ result }: { result: ChainVerification }) {
  const { t } = useI18n();
  return (
    <div className={`message ${result.valid ? 'message-ok' : 'message-error'}`}>
      <p className="audit-verdict">
        {result.valid
          ? t('audit.verify.valid', { entries: result.entries })
          : t('audit.verify.invalid', {
              entries: result.entries,
              seq: result.firstInvalidSeq ?? '—',
            })}
      </p>
      <dl className="facts">
        <dt>{t('audit.verify.entries')}</dt>
        <dd>{result.entries}</dd>
        <dt>{t('audit.verify.headHash')}</dt>
        <dd>
          <code className="hash">{result.headHash}</code>
        </dd>
        {!result.valid && (
          <>
            <dt>{t('audit.verify.firstInvalidSeq')}</dt>
            <dd>{result.firstInvalidSeq ?? '—'}</dd>
            <dt>{t('audit.verify.problem')}</dt>
            <dd>{result.problem ?? '—'}</dd>
          </>
        )}
      </dl>
    </div>
  );
}

function CheckpointSection({ protocolId }: { protocolId: string | undefined }) {
  const { t } = useI18n();
  const session = useSession();
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<{ name: string; checkpoint: AuditCheckpoint } | undefined>(
    undefined,
  );
  const [error, setError] = useState<unknown>(undefined);

  const download = async () => {
    setBusy(true);
    setSaved(undefined);
    setError(undefined);
    try {
      const response = await session.raw('GET', '/api/audit-log/checkpoint');
      // Saved as the server wrote it: the signature covers these values, not a re-serialisation.
      const text = await response.text();
      const checkpoint = JSON.parse(text) as AuditCheckpoint;
      const name = checkpointFileName(checkpoint, protocolId);
      saveFile(name, new Blob([text], { type: 'application/json' }));
      setSaved({ name, checkpoint });
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="audit-checkpoint-heading">
      <h2 id="audit-checkpoint-heading">{t('audit.checkpoint.heading')}</h2>
      <p>{t('audit.checkpoint.intro')}</p>
      <div className="actions">
        <button type="button" onClick={() => void download()} disabled={busy}>
          {t('audit.checkpoint.button')}
        </button>
      </div>
      <div role="status">
        {saved && (
          <>
            <p>{t('audit.checkpoint.saved', { name: saved.name })}</p>
            <dl className="facts">
              <dt>{t('audit.verify.entries')}</dt>
              <dd>{saved.checkpoint.entries}</dd>
              <dt>{t('audit.verify.headHash')}</dt>
              <dd>
                <code className="hash">{saved.checkpoint.headHash}</code>
              </dd>
            </dl>
          </>
        )}
      </div>
      {error !== undefined && <ErrorMessage error={error} />}
    </section>
  );
}

function OfflineHelp() {
  const { t } = useI18n();
  return (
    <section aria-labelledby="audit-help-heading" className="audit-help">
      <h2 id="audit-help-heading">{t('audit.help.heading')}</h2>
      <p>{t('audit.help.whole')}</p>
      <pre>
        <code>{t('audit.help.command')}</code>
      </pre>
      <p>{t('audit.help.key')}</p>
      <p>{t('audit.help.checkpoint')}</p>
      <pre>
        <code>{t('audit.help.commandCheckpoint')}</code>
      </pre>
      <p>{t('audit.help.verdicts')}</p>
    </section>
  );
}
