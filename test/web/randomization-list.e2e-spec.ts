/// <reference lib="dom" />
// page.evaluate callbacks run in the browser: their code is typed against the DOM.
import { readFileSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import type { components } from '../../web/src/api/schema';
import {
  describeInBrowser,
  launchBrowser,
  openPage,
  seriousAccessibilityViolations,
  signIn,
  startWebApp,
  type WebApp,
} from '../support/browser';
import { ADMIN_PASSWORD, USER_PASSWORD } from '../support/test-app';

type ListSimulation = components['schemas']['ListSimulationDto'];
type ListExport = components['schemas']['ListExportDto'];
type TrialStatus = components['schemas']['TrialStatusDto'];

/** Figures as the screen writes them in English (Intl rounds the decimal value, toFixed the binary one). */
const fixed = (value: number, digits: number) =>
  new Intl.NumberFormat('en-GB', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value);
const share = (value: number) =>
  new Intl.NumberFormat('en-GB', {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  }).format(value);

const IMBALANCE_CHART = 'Mean and maximum imbalance against enrolments';
const GUESS_CHART = 'Probability of a correct guess of the k-th allocation';

async function openListScreen(page: Page): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Sections' })
    .getByRole('link', { name: 'Randomization list' })
    .click();
  await page.getByRole('heading', { level: 1, name: 'Randomization list' }).waitFor();
}

/** The rows of a table as their cells' texts (header row first). */
async function rowsOf(table: Locator): Promise<string[][]> {
  const rows = await table.getByRole('row').all();
  return Promise.all(
    rows.map(async (row) =>
      (
        await row
          .getByRole('cell')
          .or(row.getByRole('rowheader'))
          .or(row.getByRole('columnheader'))
          .allInnerTexts()
      ).map((text) => text.trim()),
    ),
  );
}

async function runSimulation(page: Page): Promise<ListSimulation> {
  const answered = page.waitForResponse(
    (r) =>
      r.url().endsWith('/api/randomization-list/simulation') && r.request().method() === 'POST',
  );
  await page.getByRole('button', { name: 'Run the simulation' }).click();
  const response = await answered;
  expect(response.status()).toBe(200);
  return (await response.json()) as ListSimulation;
}

describeInBrowser('web interface: randomization list (statistician)', () => {
  let t: WebApp;
  let browser: Browser;

  beforeAll(async () => {
    t = await startWebApp();
    browser = await launchBrowser();
    await t.userWith('stat', ['statistician']);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const trialStatus = async (): Promise<TrialStatus> => {
    const token = await t.login('stat');
    const response = await t.http().get('/api/trial').set('Authorization', token).expect(200);
    return response.body as TrialStatus;
  };

  it('simulates the design with charts and tables, refuses a bad variant, generates the list after a confirmation, and exports it after lock', async () => {
    expect((await trialStatus()).list.generated).toBe(false);
    const { page, console } = await openPage(browser, t.url);
    await signIn(page, 'stat', USER_PASSWORD);
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await openListScreen(page);
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);

    // 1. The trial's own design, with the server's default runs.
    await expect(
      page.getByLabel('The trial’s own design', { exact: false }).isChecked(),
    ).resolves.toBe(true);
    const simulation = await runSimulation(page);
    expect(simulation).toMatchObject({ source: 'trial', runs: 10_000, slots: 20 });
    const results = page.getByRole('region', { name: 'Simulation results' });
    await results.waitFor();
    await results
      .getByText('the trial’s design: permuted blocks, block sizes 2, 4, 20 slots per stratum')
      .waitFor();
    await results.getByText(simulation.seed, { exact: true }).waitFor();
    await results
      .getByText(
        `npm run cli -- list simulate --trial <trial file> --runs 10000 --seed ${simulation.seed}`,
      )
      .waitFor();
    await results
      .getByText(
        `${fixed(simulation.expectedCorrectGuesses, 2)} of 20 allocations (${share(simulation.correctGuessShare)}; ` +
          `guessing the most frequent target blindly: ${share(simulation.chanceShare)})`,
      )
      .waitFor();
    await results
      .getByText(
        simulation.meanBlocksPerList.map((b) => `size ${b.size}: ${fixed(b.mean, 2)}`).join(', '),
      )
      .waitFor();

    // The charts have accessible names and descriptions; their tables hold the same figures.
    const imbalanceChart = results.getByRole('img', { name: IMBALANCE_CHART, exact: true });
    const guessChart = results.getByRole('img', { name: GUESS_CHART, exact: true });
    await imbalanceChart.waitFor();
    await guessChart.waitFor();
    const descriptionOf = (chart: Locator) =>
      chart.evaluate((svg) =>
        (svg.getAttribute('aria-describedby') ?? '')
          .split(' ')
          .map((id) => document.getElementById(id)?.textContent ?? '')
          .join(' '),
      );
    const peak = Math.max(...simulation.enrolments.map((e) => e.maxImbalance));
    await expect(descriptionOf(imbalanceChart)).resolves.toContain(
      `over 10,000 simulated lists of 20 slots. The largest imbalance seen is ${peak}`,
    );
    await expect(descriptionOf(guessChart)).resolves.toContain(
      `against chance (${fixed(simulation.chanceShare, 3)}, the dotted line)`,
    );
    // Each chart draws one point per reported enrolment count, and the chance line.
    await expect(
      imbalanceChart.evaluate((svg) => svg.querySelectorAll('circle').length),
    ).resolves.toBe(2 * simulation.enrolments.length);
    await expect(guessChart.evaluate((svg) => svg.querySelectorAll('path').length)).resolves.toBe(
      2,
    );

    for (const summary of await results.getByText('Show the figures as a table').all())
      await summary.click();
    const imbalanceTable = results.getByRole('table', { name: 'Imbalance after k enrolments' });
    await expect(rowsOf(imbalanceTable)).resolves.toEqual([
      ['k (enrolments)', 'Mean imbalance', 'Maximum imbalance'],
      ...simulation.enrolments.map((e) => [
        String(e.enrolled),
        fixed(e.meanImbalance, 3),
        String(e.maxImbalance),
      ]),
    ]);
    const guessTable = results.getByRole('table', { name: GUESS_CHART });
    await expect(rowsOf(guessTable)).resolves.toEqual([
      ['k (enrolments)', 'P(correct guess of the k-th)', 'Share right among the first k', 'Chance'],
      ...simulation.enrolments.map((e) => [
        String(e.enrolled),
        fixed(e.correctGuess, 3),
        fixed(e.cumulativeCorrectGuess, 3),
        fixed(simulation.chanceShare, 3),
      ]),
    ]);
    // The designs side by side, exact where enumerable: blocks of 2 and 4 give 72.41% at N = 20.
    const comparison = results.getByRole('table', { name: 'Designs side by side' });
    const compared = await rowsOf(comparison);
    expect(compared[0]).toEqual([
      'Design',
      'Right guesses (exact)',
      'Right guesses (simulated)',
      'Largest imbalance (exact)',
      'Largest imbalance (simulated)',
      'Worst imbalance',
      'Ends balanced (exact)',
      'Ends balanced (simulated)',
      'Runs',
    ]);
    expect(compared.slice(1).map((row) => row.slice(0, 2).concat(row[5], row[6]))).toEqual([
      ['permuted blocks, block sizes 2, 4, 20 slots per stratum', '72.41%', '2', '100.00%'],
      ['Efron’s biased coin, p = 0.6667, 20 slots per stratum', '61.71%', '20', '50.83%'],
      ['big stick, b = 3, 20 slots per stratum', '57.22%', '3', '33.33%'],
      ['simple randomization, 20 slots per stratum', '50.00%', '20', '17.62%'],
    ]);
    expect(simulation.comparison.map((row) => row.design.method)).toEqual([
      'permuted-blocks',
      'efron-biased-coin',
      'big-stick',
      'simple',
    ]);
    await expect(
      comparison
        .getByRole('row', { name: /^big stick, b = 3/ })
        .getByRole('cell')
        .nth(1)
        .innerText(),
    ).resolves.toMatch(/^\d+\.\d\d% ± \d+\.\d\d%$/);
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);

    // 2. A variant starts from the trial's design; a bad one is refused in words.
    await page.getByLabel('A variant').check();
    await expect(page.getByLabel('Method').inputValue()).resolves.toBe('permuted-blocks');
    await expect(page.getByLabel('Block sizes (comma-separated)').inputValue()).resolves.toBe(
      '2, 4',
    );
    await expect(page.getByLabel('Slots per stratum').inputValue()).resolves.toBe('20');
    await page.getByLabel('Block sizes (comma-separated)').fill('4, x');
    let sent = 0;
    const count = (r: { url: () => string }) => {
      if (r.url().endsWith('/simulation')) sent++;
    };
    page.on('request', count);
    await page.getByRole('button', { name: 'Run the simulation' }).click();
    await page
      .getByRole('alert')
      .getByText('Block sizes must be whole numbers separated by commas', { exact: false })
      .waitFor();
    page.off('request', count);
    expect(sent).toBe(0);
    await expect(
      page.getByLabel('Block sizes (comma-separated)').getAttribute('aria-invalid'),
    ).resolves.toBe('true');

    await page.getByLabel('Block sizes (comma-separated)').fill('3');
    const refused = page.waitForResponse((r) => r.url().endsWith('/simulation'));
    await page.getByRole('button', { name: 'Run the simulation' }).click();
    expect((await refused).status()).toBe(400);
    await page
      .getByRole('alert')
      .getByText('The design breaks a rule of the trial:', { exact: false })
      .waitFor();
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);

    await page.getByLabel('Method').selectOption('simple');
    await expect(page.getByLabel('Block sizes (comma-separated)').count()).resolves.toBe(0);
    await page.getByLabel('Slots per stratum').fill('2000');
    await page.getByLabel('Runs (lists to draw)').fill('10000');
    const tooLarge = page.waitForResponse((r) => r.url().endsWith('/simulation'));
    await page.getByRole('button', { name: 'Run the simulation' }).click();
    expect((await tooLarge).status()).toBe(400);
    await page
      .getByRole('alert')
      .getByText('The simulation is too large:', { exact: false })
      .waitFor();

    await page.getByLabel('Slots per stratum').fill('40');
    await page.getByLabel('Runs (lists to draw)').fill('300');
    const variant = await runSimulation(page);
    expect(variant).toMatchObject({ source: 'variant', runs: 300, slots: 40 });
    await results.getByText('variant: simple randomization, 40 slots per stratum').waitFor();
    await results.getByText('None: only permuted blocks have blocks.').waitFor();
    await results.getByRole('img', { name: IMBALANCE_CHART }).waitFor();

    // 3. Generation: a short seed is refused before anything is sent; the dialog says what it does.
    const generation = page.getByRole('region', { name: 'Generate the list' });
    await generation.getByLabel('Your own seed (optional)').fill('too-short');
    await generation.getByRole('button', { name: 'Generate the list' }).click();
    await generation
      .getByRole('alert')
      .getByText('at least 16 characters', { exact: false })
      .waitFor();
    await expect(page.getByRole('dialog').count()).resolves.toBe(0);
    await generation.getByLabel('Your own seed (optional)').fill('');

    await generation.getByRole('button', { name: 'Generate the list' }).click();
    const dialog = page.getByRole('dialog', { name: 'Generate the randomization list?' });
    await dialog.waitFor();
    await dialog.getByText('This cannot be undone', { exact: false }).waitFor();
    await dialog
      .getByText('Nobody, you included, sees it until the study is locked', { exact: false })
      .waitFor();
    await dialog.getByText('A seed of 256 random bits will be drawn.').waitFor();
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect((await trialStatus()).list.generated).toBe(false);

    await generation.getByRole('button', { name: 'Generate the list' }).click();
    const created = page.waitForResponse(
      (r) => r.url().endsWith('/api/randomization-list') && r.request().method() === 'POST',
    );
    await dialog.getByRole('button', { name: 'Generate and seal the list' }).click();
    const createdResponse = await created;
    expect(createdResponse.status()).toBe(201);
    expect(createdResponse.request().postDataJSON()).toEqual({});
    await dialog.waitFor({ state: 'detached' });
    const done = generation
      .getByRole('status')
      .filter({ hasText: 'The list is generated and sealed.' });
    await done.waitFor();
    const { commitment } = (await trialStatus()).list;
    expect(commitment).toMatch(/^[0-9a-f]{64}$/);
    await done.getByText(commitment!, { exact: true }).waitFor();
    await done.getByText('permuted blocks', { exact: true }).waitFor();
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);

    // 4. The export waits for lock: said before, and the server's refusal is worded.
    const exportSection = page.getByRole('region', { name: 'Export the list after lock' });
    await exportSection.getByText('this file unblinds everyone', { exact: false }).waitFor();
    await exportSection
      .getByText(
        'npm run cli -- list verify <export.json> --public-key <key> --audit <audit export>',
      )
      .waitFor();
    await exportSection
      .getByText('The export opens after the study is locked.', { exact: false })
      .waitFor();
    const early = page.waitForResponse((r) => r.url().endsWith('/api/randomization-list/export'));
    await exportSection.getByRole('button', { name: 'Download the list export (JSON)' }).click();
    expect((await early).status()).toBe(409);
    await exportSection
      .getByRole('alert')
      .getByText('This is possible only after the study is locked.')
      .waitFor();
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);

    // 5. The admin locks the study through the API; the export then downloads as a file.
    const admin = await t.login('admin', ADMIN_PASSWORD);
    await t
      .http()
      .post('/api/study/lock')
      .set('Authorization', admin)
      .send({ reason: 'Last participant completed follow-up; database lock' })
      .expect(200);
    await page.getByRole('link', { name: 'Overview' }).click();
    await openListScreen(page);
    await page.getByText('The list was generated', { exact: false }).waitFor();
    await expect(
      page.getByText('The export opens after the study is locked.', { exact: false }).count(),
    ).resolves.toBe(0);
    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download the list export (JSON)' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe('NCT02286011-randomization-list-export.json');
    const exported = JSON.parse(readFileSync(await download.path(), 'utf8')) as ListExport;
    expect(exported.commitment).toBe(commitment);
    expect(exported.slots).toHaveLength(20);
    expect(new Set(exported.slots.map((slot) => slot.limb))).toEqual(new Set(['LEFT', 'RIGHT']));
    expect(exported.signature.algorithm).toBe('Ed25519');
    await page
      .getByRole('status')
      .getByText('Downloaded as NCT02286011-randomization-list-export.json.')
      .waitFor();
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);

    // The list report for the trial master file: the CSV and the printable report, as files.
    const csvDownloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download the list as CSV (with blocks)' }).click();
    const csv = await csvDownloading;
    expect(csv.suggestedFilename()).toBe('NCT02286011-randomization-list.csv');
    const csvLines = readFileSync(await csv.path(), 'utf8').split('\r\n');
    expect(csvLines[0]).toBe('stratum,slot,block,blockSize,limb,participantId,allocatedAt');
    expect(csvLines.filter((line) => line !== '')).toHaveLength(21);
    const reportDownloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download the printable report (HTML)' }).click();
    const report = await reportDownloading;
    expect(report.suggestedFilename()).toBe('NCT02286011-randomization-list-report.html');
    const html = readFileSync(await report.path(), 'utf8');
    expect(html).toContain('<title>Randomization list report: NCT02286011</title>');
    expect(html).toContain(exported.seed);
    await page
      .getByRole('status')
      .getByText('Downloaded as NCT02286011-randomization-list-report.html.')
      .waitFor();
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);

    // Nothing refused by the CSP; no seed or list in the console or in storage.
    expect(console.filter((line) => /Content Security Policy|Refused to/.test(line))).toEqual([]);
    expect(
      console.filter((line) => line.includes(exported.seed) || /"limb"|LEFT|RIGHT/.test(line)),
    ).toEqual([]);
    const stored = await page.evaluate(() => ({
      local: Object.keys(localStorage),
      session: Object.keys(sessionStorage),
    }));
    expect(stored.session).toEqual([]);
    expect(stored.local.filter((key) => key !== 'language')).toEqual([]);
    await expect(page.content()).resolves.not.toContain(exported.seed);
    await page.context().close();
  });

  it('works in Spanish: charts named, figures written with a decimal comma', async () => {
    const { page, console } = await openPage(browser, t.url, 'es-ES');
    await page.getByLabel('Usuario').fill('stat');
    await page.getByLabel('Contraseña').fill(USER_PASSWORD);
    await page.getByRole('button', { name: 'Iniciar sesión' }).click();
    await page.getByRole('heading', { level: 1, name: 'Resumen' }).waitFor();
    await page.getByRole('link', { name: 'Lista de aleatorización' }).click();
    await page.getByRole('heading', { level: 1, name: 'Lista de aleatorización' }).waitFor();
    await page.getByLabel('Ejecuciones (listas a generar)').fill('200');
    const answered = page.waitForResponse((r) => r.url().endsWith('/simulation'));
    await page.getByRole('button', { name: 'Ejecutar la simulación' }).click();
    const simulation = (await (await answered).json()) as ListSimulation;
    const results = page.getByRole('region', { name: 'Resultados de la simulación' });
    await results
      .getByRole('img', { name: 'Desequilibrio medio y máximo según las inclusiones' })
      .waitFor();
    await results
      .getByRole('img', { name: 'Probabilidad de acertar la k-ésima asignación' })
      .waitFor();
    await results.getByText('Ver las cifras en una tabla').first().click();
    const table = results.getByRole('table', { name: 'Desequilibrio tras k inclusiones' });
    const first = simulation.enrolments[0];
    await expect(rowsOf(table)).resolves.toContainEqual([
      String(first.enrolled),
      fixed(first.meanImbalance, 3).replace('.', ','),
      String(first.maxImbalance),
    ]);
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);
    expect(console.filter((line) => /Content Security Policy|Refused to/.test(line))).toEqual([]);
    await page.context().close();
  });

  it('words LIST_EXISTS when the list was generated since the screen opened', async () => {
    const other = await startWebApp();
    try {
      await other.userWith('stat2', ['statistician']);
      const { page } = await openPage(browser, other.url);
      await signIn(page, 'stat2', USER_PASSWORD);
      await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
      await openListScreen(page);
      const generation = page.getByRole('region', { name: 'Generate the list' });
      await generation.getByLabel('Your own seed (optional)').waitFor();
      // Someone else (another tab, an API client) generates it meanwhile.
      await other
        .http()
        .post('/api/randomization-list')
        .set('Authorization', await other.login('stat2'))
        .send({})
        .expect(201);
      await generation.getByRole('button', { name: 'Generate the list' }).click();
      const dialog = page.getByRole('dialog', { name: 'Generate the randomization list?' });
      await dialog.getByRole('button', { name: 'Generate and seal the list' }).click();
      await generation
        .getByRole('alert')
        .getByText('The randomization list has already been generated.')
        .waitFor();
      await generation.getByText('The list was generated', { exact: false }).waitFor();
      await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);
      await page.context().close();
    } finally {
      await other.close();
    }
  });
});
