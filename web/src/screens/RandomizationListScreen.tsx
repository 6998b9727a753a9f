import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import type { components } from '../api/schema';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorMessage } from '../components/ErrorMessage';
import { ScreenTitle } from '../components/ScreenTitle';
import { useI18n } from '../i18n/i18n-context';
import { en, type MessageKey } from '../i18n/messages-en';
import { useSession } from '../session/session-context';
import { useTrial } from '../trial-context';
import {
  exportFileName,
  type ListDownload,
  seedProblem,
  simulationRequest,
  type DesignMethod,
  type SimulationForm,
  type SimulationFormField,
} from './randomization-list-form';
import { formatFigure, formatShare, guessChart, imbalanceChart } from './simulation-chart';
import { SimulationChart } from './SimulationChart';

type ListSimulation = components['schemas']['ListSimulationDto'];
type SimulatedDesign = components['schemas']['SimulatedDesignDto'];
type ListGenerated = components['schemas']['ListGeneratedDto'];

/**
 * The statistician's screen (SPEC section 11): simulate the list design (the trial's or a
 * variant) with charts, generate the sealed list once after a confirmation, and download the
 * full list after lock. It never shows a limb: the export goes straight to a file.
 */
export function RandomizationListScreen() {
  const { t } = useI18n();
  const { reloadTrial } = useTrial();
  useEffect(() => reloadTrial(), [reloadTrial]);
  return (
    <>
      <ScreenTitle titleKey="list.title" />
      <p>{t('list.intro')}</p>
      <SimulationSection />
      <GenerationSection />
      <ExportSection />
    </>
  );
}

/** The words for a design method, or the method itself if the catalogue has none. */
function useMethodName(): (method: string) => string {
  const { t } = useI18n();
  return (method) => {
    const key = `list.method.${method}`;
    return key in en ? t(key as MessageKey) : method;
  };
}

const FIELD_ERROR_KEYS: Record<SimulationFormField, MessageKey> = {
  runs: 'list.sim.runsInvalid',
  blockSizes: 'list.sim.blockSizesInvalid',
  slotsPerStratum: 'list.sim.slotsInvalid',
  p: 'list.sim.pInvalid',
  maxImbalance: 'list.sim.maxImbalanceInvalid',
};

function SimulationSection() {
  const { t } = useI18n();
  const session = useSession();
  const [form, setForm] = useState<SimulationForm>({
    runs: '',
    source: 'trial',
    method: 'permuted-blocks',
    blockSizes: '',
    slotsPerStratum: '',
    p: '',
    maxImbalance: '',
  });
  const variantEdited = useRef(false);
  const [fieldError, setFieldError] = useState<SimulationFormField | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ListSimulation | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);

  const change = (changes: Partial<SimulationForm>) => {
    if (
      'method' in changes ||
      'blockSizes' in changes ||
      'slotsPerStratum' in changes ||
      'p' in changes ||
      'maxImbalance' in changes
    )
      variantEdited.current = true;
    setForm((current) => ({ ...current, ...changes }));
    setFieldError(undefined);
  };

  // The variant starts from the trial's own design, as the first answer for it shows it.
  const startVariantFrom = (design: SimulatedDesign) => {
    if (variantEdited.current) return;
    setForm((current) => ({
      ...current,
      method: design.method,
      blockSizes: design.blockSizes.join(', '),
      slotsPerStratum: String(design.slotsPerStratum),
      p: design.p === undefined ? '' : String(design.p),
      maxImbalance: design.maxImbalance === undefined ? '' : String(design.maxImbalance),
    }));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const parsed = simulationRequest(form);
    if (!parsed.ok) {
      setFieldError(parsed.field);
      document.getElementById(`list-sim-${parsed.field}`)?.focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const answer = await session.json<ListSimulation>(
        'POST',
        '/api/randomization-list/simulation',
        parsed.request,
      );
      setResult(answer);
      if (answer.source === 'trial') startVariantFrom(answer.design);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const described = (field: SimulationFormField) =>
    [`list-sim-${field}-hint`, fieldError === field ? 'list-sim-field-error' : undefined]
      .filter(Boolean)
      .join(' ');

  return (
    <section aria-labelledby="list-sim-heading">
      <h2 id="list-sim-heading">{t('list.sim.heading')}</h2>
      <p>{t('list.sim.help')}</p>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <div className="field">
          <label htmlFor="list-sim-runs">{t('list.sim.runs')}</label>
          <input
            id="list-sim-runs"
            inputMode="numeric"
            autoComplete="off"
            value={form.runs}
            aria-invalid={fieldError === 'runs'}
            aria-describedby={described('runs')}
            onChange={(event) => change({ runs: event.target.value })}
          />
          <span id="list-sim-runs-hint" className="hint">
            {t('list.sim.runsHint')}
          </span>
        </div>
        <fieldset>
          <legend>{t('list.sim.designLegend')}</legend>
          <div className="list-choice">
            <input
              type="radio"
              id="list-sim-source-trial"
              name="list-sim-source"
              checked={form.source === 'trial'}
              onChange={() => change({ source: 'trial' })}
            />
            <label htmlFor="list-sim-source-trial">{t('list.sim.trialDesign')}</label>
          </div>
          <div className="list-choice">
            <input
              type="radio"
              id="list-sim-source-variant"
              name="list-sim-source"
              checked={form.source === 'variant'}
              onChange={() => change({ source: 'variant' })}
            />
            <label htmlFor="list-sim-source-variant">{t('list.sim.variantDesign')}</label>
          </div>
          {form.source === 'variant' && (
            <div className="list-variant">
              <div className="field">
                <label htmlFor="list-sim-method">{t('list.sim.method')}</label>
                <select
                  id="list-sim-method"
                  value={form.method}
                  onChange={(event) => change({ method: event.target.value as DesignMethod })}
                >
                  <option value="permuted-blocks">{t('list.method.permuted-blocks')}</option>
                  <option value="efron-biased-coin">{t('list.method.efron-biased-coin')}</option>
                  <option value="big-stick">{t('list.method.big-stick')}</option>
                  <option value="simple">{t('list.method.simple')}</option>
                </select>
              </div>
              {form.method === 'efron-biased-coin' && (
                <div className="field">
                  <label htmlFor="list-sim-p">{t('list.sim.p')}</label>
                  <input
                    id="list-sim-p"
                    autoComplete="off"
                    value={form.p}
                    aria-invalid={fieldError === 'p'}
                    aria-describedby={described('p')}
                    onChange={(event) => change({ p: event.target.value })}
                  />
                  <span id="list-sim-p-hint" className="hint">
                    {t('list.sim.pHint')}
                  </span>
                </div>
              )}
              {form.method === 'big-stick' && (
                <div className="field">
                  <label htmlFor="list-sim-maxImbalance">{t('list.sim.maxImbalance')}</label>
                  <input
                    id="list-sim-maxImbalance"
                    inputMode="numeric"
                    autoComplete="off"
                    value={form.maxImbalance}
                    aria-invalid={fieldError === 'maxImbalance'}
                    aria-describedby={described('maxImbalance')}
                    onChange={(event) => change({ maxImbalance: event.target.value })}
                  />
                  <span id="list-sim-maxImbalance-hint" className="hint">
                    {t('list.sim.maxImbalanceHint')}
                  </span>
                </div>
              )}
              {form.method === 'permuted-blocks' && (
                <div className="field">
                  <label htmlFor="list-sim-blockSizes">{t('list.sim.blockSizes')}</label>
                  <input
                    id="list-sim-blockSizes"
                    autoComplete="off"
                    value={form.blockSizes}
                    aria-invalid={fieldError === 'blockSizes'}
                    aria-describedby={described('blockSizes')}
                    onChange={(event) => change({ blockSizes: event.target.value })}
                  />
                  <span id="list-sim-blockSizes-hint" className="hint">
                    {t('list.sim.blockSizesHint')}
                  </span>
                </div>
              )}
              <div className="field">
                <label htmlFor="list-sim-slotsPerStratum">{t('list.sim.slots')}</label>
                <input
                  id="list-sim-slotsPerStratum"
                  inputMode="numeric"
                  autoComplete="off"
                  value={form.slotsPerStratum}
                  aria-invalid={fieldError === 'slotsPerStratum'}
                  aria-describedby={described('slotsPerStratum')}
                  onChange={(event) => change({ slotsPerStratum: event.target.value })}
                />
                <span id="list-sim-slotsPerStratum-hint" className="hint">
                  {t('list.sim.slotsHint')}
                </span>
              </div>
            </div>
          )}
        </fieldset>
        {fieldError && (
          <p id="list-sim-field-error" className="message message-error" role="alert">
            {t(FIELD_ERROR_KEYS[fieldError])}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {t('list.sim.run')}
        </button>
      </form>
      <p role="status" className="list-status">
        {busy ? t('list.sim.running') : ''}
      </p>
      {error !== undefined && <ErrorMessage error={error} />}
      {result && <SimulationResult result={result} />}
    </section>
  );
}

function SimulationResult({ result }: { result: ListSimulation }) {
  const { t, language } = useI18n();
  const { design } = result;
  const three = (value: number) => formatFigure(language, value, 3);
  const whole = (value: number) => formatFigure(language, value, 0);
  const ratio = `${result.targets.map((target) => target.id).join(':')} ${result.targets
    .map((target) => target.ratio)
    .join(':')}`;
  const peakMax = Math.max(0, ...result.enrolments.map((e) => e.maxImbalance));
  const peakGuess = result.enrolments.reduce<(typeof result.enrolments)[number] | undefined>(
    (best, e) => (best === undefined || e.correctGuess > best.correctGuess ? e : best),
    undefined,
  );
  const last = result.enrolments[result.enrolments.length - 1];
  const describeDesign = useDesignDescription();

  return (
    <section aria-labelledby="list-sim-result-heading" className="list-result">
      <h3 id="list-sim-result-heading">{t('list.sim.resultHeading')}</h3>
      <dl className="facts">
        <dt>{t('list.sim.design')}</dt>
        <dd>
          {t(result.source === 'trial' ? 'list.sim.sourceTrial' : 'list.sim.sourceVariant')}
          {': '}
          {describeDesign(design)}
        </dd>
        <dt>{t('list.sim.ratio')}</dt>
        <dd>{ratio}</dd>
        <dt>{t('list.sim.runsDone')}</dt>
        <dd>{whole(result.runs)}</dd>
        <dt>{t('list.sim.seed')}</dt>
        <dd>
          <code className="hash">{result.seed}</code>
          <br />
          <span className="hint">
            {t(result.source === 'trial' ? 'list.sim.reproduceTrial' : 'list.sim.reproduceVariant')}
          </span>
          <br />
          <code className="hash">
            {t('list.sim.reproduceCommand', { runs: result.runs, seed: result.seed })}
          </code>
        </dd>
        <dt>{t('list.sim.correctGuesses')}</dt>
        <dd>
          {t('list.sim.correctGuessesValue', {
            expected: formatFigure(language, result.expectedCorrectGuesses, 2),
            slots: result.slots,
            share: formatShare(language, result.correctGuessShare),
            chance: formatShare(language, result.chanceShare),
          })}
        </dd>
        <dt>{t('list.sim.blocksPerList')}</dt>
        <dd>
          {result.meanBlocksPerList.length === 0
            ? t('list.sim.noBlocks')
            : result.meanBlocksPerList
                .map((block) =>
                  t('list.sim.blockCount', {
                    size: block.size,
                    mean: formatFigure(language, block.mean, 2),
                  }),
                )
                .join(', ')}
        </dd>
      </dl>

      <SimulationChart
        id="list-chart-imbalance"
        title={t('list.chart.imbalanceTitle')}
        description={t('list.chart.imbalanceDesc', {
          runs: whole(result.runs),
          slots: result.slots,
          peak: peakMax,
          final: last ? three(last.meanImbalance) : '—',
        })}
        layout={imbalanceChart(result.enrolments)}
        series={[
          { key: 'mean', label: t('list.chart.meanImbalance'), markers: true },
          { key: 'max', label: t('list.chart.maxImbalance'), markers: true },
        ]}
        xLabel={t('list.chart.enrolments')}
        yLabel={t('list.chart.imbalance')}
        formatX={whole}
        formatY={whole}
      >
        <table>
          <caption>{t('list.chart.imbalanceTable')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('list.chart.k')}</th>
              <th scope="col">{t('list.chart.meanImbalance')}</th>
              <th scope="col">{t('list.chart.maxImbalance')}</th>
            </tr>
          </thead>
          <tbody>
            {result.enrolments.map((e) => (
              <tr key={e.enrolled}>
                <th scope="row">{e.enrolled}</th>
                <td>{three(e.meanImbalance)}</td>
                <td>{e.maxImbalance}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </SimulationChart>

      <SimulationChart
        id="list-chart-guess"
        title={t('list.chart.guessTitle')}
        description={t('list.chart.guessDesc', {
          runs: whole(result.runs),
          chance: three(result.chanceShare),
          peak: peakGuess ? three(peakGuess.correctGuess) : '—',
          k: peakGuess ? peakGuess.enrolled : '—',
        })}
        layout={guessChart(result.enrolments, result.chanceShare)}
        series={[
          { key: 'guess', label: t('list.chart.correctGuess'), markers: true },
          { key: 'chance', label: t('list.chart.chance'), markers: false },
        ]}
        xLabel={t('list.chart.enrolments')}
        yLabel={t('list.chart.probability')}
        formatX={whole}
        formatY={(value) => formatFigure(language, value, 1)}
      >
        <table>
          <caption>{t('list.chart.guessTable')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('list.chart.k')}</th>
              <th scope="col">{t('list.chart.correctGuess')}</th>
              <th scope="col">{t('list.chart.soFar')}</th>
              <th scope="col">{t('list.chart.chance')}</th>
            </tr>
          </thead>
          <tbody>
            {result.enrolments.map((e) => (
              <tr key={e.enrolled}>
                <th scope="row">{e.enrolled}</th>
                <td>{three(e.correctGuess)}</td>
                <td>{three(e.cumulativeCorrectGuess)}</td>
                <td>{three(result.chanceShare)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </SimulationChart>

      <DesignComparison rows={result.comparison} />
    </section>
  );
}

/** A design in the user's words: method and its parameters, slots per stratum. */
function useDesignDescription(): (design: SimulatedDesign) => string {
  const { t, language } = useI18n();
  const methodName = useMethodName();
  return (design) => {
    const method = methodName(design.method);
    const slots = design.slotsPerStratum;
    switch (design.method) {
      case 'permuted-blocks':
        return t('list.sim.designBlocks', { method, sizes: design.blockSizes.join(', '), slots });
      case 'efron-biased-coin':
        return t('list.sim.designEfron', {
          method,
          p: formatFigure(language, design.p ?? Number.NaN, 4),
          slots,
        });
      case 'big-stick':
        return t('list.sim.designBigStick', { method, b: design.maxImbalance ?? '—', slots });
      default:
        return t('list.sim.designSimple', { method, slots });
    }
  };
}

type ComparedDesign = components['schemas']['ComparedDesignDto'];

/**
 * The designs side by side: what the pharmacist who sees every allocation guesses right, how far
 * the arms drift, how often the list ends balanced; exact where the server could enumerate the
 * design, and simulated with the Monte-Carlo standard error.
 */
function DesignComparison({ rows }: { rows: ComparedDesign[] }) {
  const { t, language } = useI18n();
  const describeDesign = useDesignDescription();
  // Two decimals: the designs differ by less than a point at times, and so do the errors.
  const share = (value: number) =>
    new Intl.NumberFormat(language === 'es' ? 'es-ES' : 'en-GB', {
      style: 'percent',
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    }).format(value);
  const estimate = (value: { mean: number; standardError: number }, asShare: boolean) =>
    t('list.cmp.estimate', {
      mean: asShare ? share(value.mean) : formatFigure(language, value.mean, 3),
      se: asShare ? share(value.standardError) : formatFigure(language, value.standardError, 3),
    });
  const none = t('list.cmp.notExact');
  return (
    <section aria-labelledby="list-cmp-heading">
      <h3 id="list-cmp-heading">{t('list.cmp.heading')}</h3>
      <p>{t('list.cmp.help')}</p>
      <table>
        <caption>{t('list.cmp.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('list.cmp.design')}</th>
            <th scope="col">{t('list.cmp.guessExact')}</th>
            <th scope="col">{t('list.cmp.guessSimulated')}</th>
            <th scope="col">{t('list.cmp.maxExact')}</th>
            <th scope="col">{t('list.cmp.maxSimulated')}</th>
            <th scope="col">{t('list.cmp.worst')}</th>
            <th scope="col">{t('list.cmp.balancedExact')}</th>
            <th scope="col">{t('list.cmp.balancedSimulated')}</th>
            <th scope="col">{t('list.cmp.runs')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={index}>
              <th scope="row">{describeDesign(row.design)}</th>
              <td>{row.exact ? share(row.exact.correctGuessShare) : none}</td>
              <td>{estimate(row.simulated.correctGuessShare, true)}</td>
              <td>{row.exact ? formatFigure(language, row.exact.meanMaxImbalance, 3) : none}</td>
              <td>{estimate(row.simulated.maxImbalance, false)}</td>
              <td>{row.exact ? row.exact.worstImbalance : row.simulated.worstImbalance}</td>
              <td>{row.exact ? share(row.exact.endBalanced) : none}</td>
              <td>{estimate(row.simulated.endBalanced, true)}</td>
              <td>{formatFigure(language, row.runs, 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function GenerationSection() {
  const { t, dateTime } = useI18n();
  const session = useSession();
  const methodName = useMethodName();
  const { trial, reloadTrial } = useTrial();
  const [seed, setSeed] = useState('');
  const [seedError, setSeedError] = useState<MessageKey | undefined>(undefined);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [generated, setGenerated] = useState<ListGenerated | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);

  const ask = (event: FormEvent) => {
    event.preventDefault();
    const problem = seedProblem(seed);
    if (problem) {
      setSeedError(
        problem === 'short'
          ? 'list.gen.seedShort'
          : problem === 'long'
            ? 'list.gen.seedLong'
            : 'list.gen.seedNotPrintable',
      );
      document.getElementById('list-gen-seed')?.focus();
      return;
    }
    setSeedError(undefined);
    setError(undefined);
    setConfirming(true);
  };

  const generate = async () => {
    setBusy(true);
    try {
      const answer = await session.json<ListGenerated>(
        'POST',
        '/api/randomization-list',
        seed === '' ? {} : { seed },
      );
      setGenerated(answer);
    } catch (failure) {
      setError(failure);
    } finally {
      // The seed is a secret of the list: it does not stay on the screen once sent.
      setSeed('');
      setBusy(false);
      setConfirming(false);
      reloadTrial();
    }
  };

  const list = trial.kind === 'loaded' ? trial.data.list : undefined;
  return (
    <section aria-labelledby="list-gen-heading">
      <h2 id="list-gen-heading">{t('list.gen.heading')}</h2>
      {trial.kind === 'loading' && <p>{t('app.loading')}</p>}
      {trial.kind === 'failed' && <ErrorMessage error={trial.error} />}
      {generated && (
        <div className="message message-ok" role="status">
          <p>{t('list.gen.done')}</p>
          <dl className="facts">
            <dt>{t('list.gen.commitment')}</dt>
            <dd>
              <code className="hash">{generated.commitment}</code>
            </dd>
            <dt>{t('list.gen.method')}</dt>
            <dd>{methodName(generated.method)}</dd>
            <dt>{t('list.gen.generatedAt')}</dt>
            <dd>{dateTime(generated.generatedAt)}</dd>
          </dl>
          <p>{t('list.gen.commitmentHelp')}</p>
        </div>
      )}
      {!generated && list?.generated && (
        <>
          <p>
            {t('list.gen.exists', {
              at: dateTime(list.generatedAt),
              method: methodName(list.method),
            })}
          </p>
          <dl className="facts">
            <dt>{t('list.gen.commitment')}</dt>
            <dd>
              <code className="hash">{list.commitment}</code>
            </dd>
          </dl>
        </>
      )}
      {!generated && list && !list.generated && (
        <>
          <p>{t('list.gen.help')}</p>
          <form onSubmit={ask} noValidate>
            <div className="field">
              <label htmlFor="list-gen-seed">{t('list.gen.seed')}</label>
              <input
                id="list-gen-seed"
                // Plain text, not a password field: a password manager would offer to keep the
                // seed (and sync it); autocomplete off keeps it out of the form history too.
                type="text"
                autoComplete="off"
                autoCapitalize="off"
                autoCorrect="off"
                spellCheck={false}
                value={seed}
                aria-invalid={seedError !== undefined}
                aria-describedby={
                  seedError ? 'list-gen-seed-hint list-gen-seed-error' : 'list-gen-seed-hint'
                }
                onChange={(event) => {
                  setSeed(event.target.value);
                  setSeedError(undefined);
                }}
              />
              <span id="list-gen-seed-hint" className="hint">
                {t('list.gen.seedHint')}
              </span>
            </div>
            {seedError && (
              <p id="list-gen-seed-error" className="message message-error" role="alert">
                {t(seedError)}
              </p>
            )}
            <button type="submit" className="primary">
              {t('list.gen.start')}
            </button>
          </form>
        </>
      )}
      {error !== undefined && <ErrorMessage error={error} />}
      {confirming && (
        <ConfirmDialog
          title={t('list.gen.confirmTitle')}
          confirmLabel={t('list.gen.confirm')}
          onConfirm={() => void generate()}
          onCancel={() => setConfirming(false)}
          busy={busy}
        >
          <p>{t('list.gen.confirmUndo')}</p>
          <p>{t('list.gen.confirmSealed')}</p>
          <p>{t(seed === '' ? 'list.gen.confirmDrawn' : 'list.gen.confirmOwnSeed')}</p>
          {busy && <p role="status">{t('list.gen.generating')}</p>}
        </ConfirmDialog>
      )}
    </section>
  );
}

/** Where each download comes from, and the type its file is saved with. */
const DOWNLOADS: Record<ListDownload, { path: string; type: string }> = {
  json: { path: '/api/randomization-list/export', type: 'application/json' },
  csv: { path: '/api/randomization-list/export/csv', type: 'text/csv' },
  report: { path: '/api/randomization-list/report', type: 'text/html' },
};

function ExportSection() {
  const { t } = useI18n();
  const session = useSession();
  const { trial, reloadTrial } = useTrial();
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);

  const download = async (kind: ListDownload) => {
    if (trial.kind !== 'loaded') return;
    setBusy(true);
    setError(undefined);
    setSaved(undefined);
    try {
      const { path, type } = DOWNLOADS[kind];
      const response = await session.raw('GET', path);
      // Straight from the answer to a file: the limbs never enter the screen's state.
      const blob = new Blob([await response.blob()], { type });
      const url = URL.createObjectURL(blob);
      const name = exportFileName(trial.data.protocolId, kind);
      const link = document.createElement('a');
      link.href = url;
      link.download = name;
      document.body.append(link);
      link.click();
      link.remove();
      // Revoked once the browser has taken the download, so the list does not stay reachable.
      window.setTimeout(() => URL.revokeObjectURL(url), 1000);
      setSaved(name);
    } catch (failure) {
      setError(failure);
      reloadTrial();
    } finally {
      setBusy(false);
    }
  };

  const locked = trial.kind === 'loaded' && trial.data.locked;
  return (
    <section aria-labelledby="list-export-heading">
      <h2 id="list-export-heading">{t('list.export.heading')}</h2>
      <p className="message list-warning">
        <strong>{t('list.export.warningLabel')}</strong> {t('list.export.warning')}
      </p>
      <p>{t('list.export.keep')}</p>
      <p>{t('list.export.verifyHelp')}</p>
      <p>
        <code className="hash">{t('list.export.verifyCommand')}</code>
      </p>
      <p>{t('list.export.verifyWhere')}</p>
      {trial.kind === 'loaded' && !locked && <p>{t('list.export.waitsForLock')}</p>}
      <p>{t('list.export.reportHelp')}</p>
      <div className="list-export-buttons">
        <button
          type="button"
          className="primary"
          disabled={busy}
          onClick={() => void download('json')}
        >
          {t('list.export.download')}
        </button>
        <button type="button" disabled={busy} onClick={() => void download('csv')}>
          {t('list.export.downloadCsv')}
        </button>
        <button type="button" disabled={busy} onClick={() => void download('report')}>
          {t('list.export.downloadReport')}
        </button>
      </div>
      <p role="status" className="list-status">
        {busy ? t('list.export.downloading') : saved ? t('list.export.saved', { file: saved }) : ''}
      </p>
      {error !== undefined && <ErrorMessage error={error} />}
      <p className="recorded-view">{t('list.export.recorded')}</p>
    </section>
  );
}
