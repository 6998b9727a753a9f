/// <reference lib="dom" />
// page.evaluate callbacks run in the browser: their code is typed against the DOM.
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { ChainedAuditEntry, verifyChain } from '../../src/audit/audit-chain';
import { AuditCheckpoint, verifyCheckpoint } from '../../src/audit/audit-checkpoint';
import {
  describeInBrowser,
  launchBrowser,
  openPage,
  seriousAccessibilityViolations,
  signIn,
  startWebApp,
  type WatchedPage,
  type WebApp,
} from '../support/browser';
import { ADMIN_PASSWORD, USER_PASSWORD } from '../support/test-app';
import { nctTrial, registration } from '../support/trial-fixtures';

const TABLE = 'Audit log entries matching the applied filters';
const CSV_HEADER =
  'seq,at,actor,roles,action,participantId,outcome,reason,details,ip,requestId,prevHash,hash';

interface Row {
  seq: number;
  actor: string;
  action: string;
  participant: string;
}

/** The entries table as a person reads it: one object per body row. */
async function tableRows(page: Page): Promise<Row[]> {
  const table = page.getByRole('table', { name: TABLE });
  await table.waitFor();
  const rows = table.getByRole('row');
  const result: Row[] = [];
  for (let i = 1; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    const cells = await row.getByRole('cell').allInnerTexts();
    result.push({
      seq: Number(await row.getByRole('rowheader').innerText()),
      actor: cells[1],
      action: cells[3],
      participant: cells[4],
    });
  }
  return result;
}

async function waitForRange(page: Page, text: string): Promise<void> {
  await page.getByRole('status').filter({ hasText: text }).waitFor();
}

/** Clicks a download button and answers the saved file's name and text. */
async function download(page: Page, button: string): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: button }).click(),
  ]);
  return { name: file.suggestedFilename(), text: readFileSync(await file.path(), 'utf8') };
}

function ndjsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function noCspViolation(watched: WatchedPage): void {
  expect(watched.console.filter((line) => /Content Security Policy|Refused to/.test(line))).toEqual(
    [],
  );
}

describeInBrowser('web interface: audit log and blinding register (monitor, admin)', () => {
  let t: WebApp;
  let browser: Browser;
  // The test's own API reads go as admin, so the monitor's exports are the browser's alone.
  let admin: string;
  const allocated: string[] = [];
  let registeredOnly: string;

  beforeAll(async () => {
    t = await startWebApp();
    browser = await launchBrowser();
    const trial = nctTrial();
    const statistician = await t.userWith('stat', ['statistician']);
    const pharmacist = await t.userWith('pharm', ['pharmacist']);
    await t.userWith('mon', ['monitor']);
    admin = await t.login('admin', ADMIN_PASSWORD);
    await t
      .http()
      .post('/api/randomization-list')
      .set('Authorization', statistician)
      .send({})
      .expect(201);
    const ids: string[] = [];
    for (const screening of ['SCR-101', 'SCR-102', 'SCR-103', 'SCR-104']) {
      const created = await t
        .http()
        .post('/api/participants')
        .set('Authorization', pharmacist)
        .send(registration(trial, screening))
        .expect(201);
      ids.push((created.body as { participantId: string }).participantId);
    }
    for (const id of ids.slice(0, 3)) {
      await t
        .http()
        .post(`/api/participants/${id}/allocation`)
        .set('Authorization', pharmacist)
        .expect(201);
      allocated.push(id);
    }
    registeredOnly = ids[3];
    // The pharmacist re-reads the first allocation: a second exposure of the same participant.
    await t
      .http()
      .get(`/api/participants/${allocated[0]}/allocation`)
      .set('Authorization', pharmacist)
      .expect(200);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function openAuditLog(username: string, password = USER_PASSWORD): Promise<WatchedPage> {
    const watched = await openPage(browser, t.url);
    await signIn(watched.page, username, password);
    await watched.page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await watched.page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Audit log' })
      .click();
    await watched.page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    return watched;
  }

  it('filters by action and by participant, and pages through with a small limit', async () => {
    const watched = await openAuditLog('mon');
    const { page } = watched;
    // The first page of everything: at most 50 entries, the total in the status.
    await page
      .getByRole('status')
      .filter({ hasText: /^Entries 1–\d+ of \d+$/ })
      .waitFor();
    expect((await tableRows(page)).length).toBeGreaterThan(10);
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);

    const expected = (
      (
        await t
          .http()
          .get('/api/audit-log?action=ALLOCATED')
          .set('Authorization', admin)
          .expect(200)
      ).body as ChainedAuditEntry[]
    ).map((entry) => entry.seq);
    expect(expected).toHaveLength(3);

    await page.getByLabel('Action').selectOption('ALLOCATED');
    await page.getByLabel('Entries per page').fill('2');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await waitForRange(page, 'Entries 1–2 of 3');
    const first = await tableRows(page);
    expect(first.map((row) => row.seq)).toEqual(expected.slice(0, 2));
    expect(first.every((row) => row.action === 'ALLOCATED' && row.actor === 'pharm')).toBe(true);
    const firstPage = page.getByRole('button', { name: 'First page' });
    const nextPage = page.getByRole('button', { name: 'Next page' });
    await expect(firstPage.getAttribute('aria-disabled')).resolves.toBe('true');
    await expect(nextPage.getAttribute('aria-disabled')).resolves.toBe('false');

    // From the keyboard: the button keeps the focus when it has no further page to go to.
    await nextPage.focus();
    await page.keyboard.press('Enter');
    await waitForRange(page, 'Entries 3–3 of 3');
    const second = await tableRows(page);
    expect(second.map((row) => row.seq)).toEqual(expected.slice(2));
    expect(second[0].participant).toBe(allocated[2]);
    await expect(nextPage.getAttribute('aria-disabled')).resolves.toBe('true');
    await expect(nextPage.evaluate((button) => button === document.activeElement)).resolves.toBe(
      true,
    );
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);
    // Pressed again on the last page, it asks the server for nothing.
    const asked: string[] = [];
    page.on('request', (request) => asked.push(request.url()));
    await page.keyboard.press('Enter');
    await firstPage.focus();
    await page.keyboard.press('Enter');
    await waitForRange(page, 'Entries 1–2 of 3');
    expect(asked.filter((url) => url.includes('/api/audit-log'))).toHaveLength(1);

    expect((await tableRows(page)).map((row) => row.seq)).toEqual(expected.slice(0, 2));

    // By participant, any action: registered, allocated, re-read, and nothing of anyone else.
    await page.getByLabel('Action').selectOption('');
    await page.getByLabel('Participant id').fill(allocated[0]);
    await page.getByLabel('Entries per page').fill('50');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await waitForRange(page, 'Entries 1–3 of 3');
    const own = await tableRows(page);
    expect(own.map((row) => row.action)).toEqual([
      'PARTICIPANT_REGISTERED',
      'ALLOCATED',
      'ALLOCATION_VIEWED',
    ]);
    expect(own.every((row) => row.participant === allocated[0])).toBe(true);

    // A participant nobody allocated: only the registration.
    await page.getByLabel('Participant id').fill(registeredOnly);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await waitForRange(page, 'Entries 1–1 of 1');
    expect((await tableRows(page)).map((row) => row.action)).toEqual(['PARTICIPANT_REGISTERED']);

    // Refusals: a page size the API would refuse is stopped here; a time range the API refuses
    // (from after to) is shown in the user's words, by its code.
    await page.getByLabel('Entries per page').fill('0');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'Entries per page must be a whole number from 1 to 1000.' })
      .waitFor();
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);
    await page.getByLabel('Entries per page').fill('50');
    await page.getByLabel('From', { exact: false }).fill('2026-12-02T10:00');
    await page.getByLabel('To (trial time', { exact: false }).fill('2026-12-01T10:00');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'Some of what you entered is not valid: from must not be after to' })
      .waitFor();
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Entries 1–\d+ of \d+$/ })
      .waitFor();
    await expect(page.getByLabel('Participant id').inputValue()).resolves.toBe('');
    noCspViolation(watched);
    await page.context().close();
  });

  it('downloads each format of the applied filters, verifies the chain and saves a signed checkpoint', async () => {
    const watched = await openAuditLog('mon');
    const { page } = watched;
    await page.getByLabel('Action').selectOption('ALLOCATED');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await waitForRange(page, 'Entries 1–3 of 3');

    const csv = await download(page, 'Download CSV');
    expect(csv.name).toMatch(/^audit-log-NCT02286011-\d{8}T\d{6}Z\.csv$/);
    const csvLines = csv.text.split('\r\n').filter((line) => line !== '');
    expect(csvLines[0]).toBe(CSV_HEADER);
    expect(csvLines).toHaveLength(4);
    expect(csvLines.slice(1).every((line) => line.includes('"ALLOCATED"'))).toBe(true);
    await page
      .getByRole('status')
      .filter({ hasText: `Saved ${csv.name} (3 entries).` })
      .waitFor();

    const ndjson = await download(page, 'Download NDJSON');
    expect(ndjson.name).toMatch(/\.ndjson$/);
    const lines = ndjsonLines(ndjson.text);
    const entries = lines.filter((line) => !('checkpoint' in line));
    expect(entries.map((entry) => entry.action)).toEqual(['ALLOCATED', 'ALLOCATED', 'ALLOCATED']);
    expect(entries.map((entry) => entry.participantId)).toEqual(allocated);
    expect(lines[lines.length - 1]).toHaveProperty('checkpoint');

    const json = await download(page, 'Download JSON');
    expect(json.name).toMatch(/\.json$/);
    const array = JSON.parse(json.text) as unknown;
    expect(Array.isArray(array)).toBe(true);
    expect((array as ChainedAuditEntry[]).map((entry) => entry.action)).toEqual([
      'ALLOCATED',
      'ALLOCATED',
      'ALLOCATED',
    ]);
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);

    // Without filters, a download is the whole chain from entry 1, as an inspector verifies it.
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Entries 1–\d+ of \d+$/ })
      .waitFor();
    const whole = ndjsonLines((await download(page, 'Download NDJSON')).text);
    const chain = whole.filter((line) => !('checkpoint' in line)) as unknown as ChainedAuditEntry[];
    expect(chain[0].seq).toBe(1);
    expect(verifyChain(chain)).toMatchObject({ valid: true, entries: chain.length });
    const carried = (whole[whole.length - 1] as { checkpoint: AuditCheckpoint }).checkpoint;
    expect(carried).toMatchObject({ entries: chain.length, headHash: chain.at(-1)!.hash });

    await page.getByRole('button', { name: 'Verify now' }).click();
    const verdict = page.getByRole('status').filter({ hasText: 'Valid: the chain of' });
    await verdict.waitFor();
    expect(await verdict.innerText()).toMatch(/Valid: the chain of \d+ entries is unbroken\./);
    expect(await verdict.innerText()).toMatch(/Head hash\s+[0-9a-f]{64}/);
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);

    const saved = await download(page, 'Download a signed checkpoint');
    expect(saved.name).toMatch(/^audit-checkpoint-NCT02286011-\d{8}T\d{6}Z-\d+\.json$/);
    const checkpoint = JSON.parse(saved.text) as AuditCheckpoint;
    expect(checkpoint.headHash).toMatch(/^[0-9a-f]{64}$/);
    expect(checkpoint.signature).toEqual(expect.any(String));
    // Signed by the server's own key, the one the export carried too.
    expect(verifyCheckpoint(checkpoint, carried.publicKey)).toBe(true);
    expect(checkpoint.entries).toBeGreaterThan(chain.length);
    await page
      .getByRole('status')
      .filter({ hasText: `Saved ${saved.name}.` })
      .filter({ hasText: checkpoint.headHash })
      .waitFor();
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);

    // Each download is recorded as an export, with its format and filter.
    const exports = (
      (
        await t
          .http()
          .get('/api/audit-log?action=AUDIT_EXPORTED&actor=mon')
          .set('Authorization', admin)
          .expect(200)
      ).body as ChainedAuditEntry[]
    ).filter((entry) => entry.details.limit === undefined);
    expect(exports.map((entry) => entry.details.format)).toEqual([
      'csv',
      'ndjson',
      'json',
      'ndjson',
    ]);
    expect(exports[0].details.filter).toMatchObject({ actions: ['ALLOCATED'] });
    noCspViolation(watched);
    await page.context().close();
  });

  it('shows the blinding register: the pharmacist’s exposures to the allocated participants, no limb', async () => {
    const watched = await openAuditLog('mon');
    const { page } = watched;
    await page.getByRole('link', { name: 'Blinding register' }).click();
    await page.getByRole('heading', { level: 1, name: 'Blinding register' }).waitFor();
    const table = page.getByRole('table', { name: 'Exposures: 4 for 3 participants' });
    await table.waitFor();
    const rows = table.getByRole('row');
    const read: string[][] = [];
    for (let i = 1; i < (await rows.count()); i++) {
      const row = rows.nth(i);
      read.push([
        await row.getByRole('rowheader').innerText(),
        ...(await row.getByRole('cell').allInnerTexts()),
      ]);
    }
    expect(
      read.map(([participant, person, roles, how]) => [participant, person, roles, how]),
    ).toEqual([
      [allocated[0], 'pharm', 'pharmacist', 'Allocated the participant'],
      [allocated[0], 'pharm', 'pharmacist', 'Re-read the allocation'],
      [allocated[1], 'pharm', 'pharmacist', 'Allocated the participant'],
      [allocated[2], 'pharm', 'pharmacist', 'Allocated the participant'],
    ]);
    expect(read.some(([participant]) => participant === registeredOnly)).toBe(false);
    await page
      .getByRole('status')
      .filter({ hasText: 'The whole list has not been exported.' })
      .waitFor();
    const text = await page.getByRole('main').innerText();
    expect(text).not.toMatch(/\b(LEFT|RIGHT)\b/);
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);
    noCspViolation(watched);
    await page.context().close();
  });

  it('gives an admin both screens too, in Spanish as well', async () => {
    const watched = await openAuditLog('admin', ADMIN_PASSWORD);
    const { page } = watched;
    await page
      .getByRole('status')
      .filter({ hasText: /^Entries 1–\d+ of \d+$/ })
      .waitFor();
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);
    await page.getByRole('link', { name: 'Blinding register' }).click();
    await page.getByRole('table', { name: 'Exposures: 4 for 3 participants' }).waitFor();
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);

    await page.getByLabel('Language').selectOption('es');
    await page.getByRole('heading', { level: 1, name: 'Registro de enmascaramiento' }).waitFor();
    await page.getByRole('table', { name: 'Exposiciones: 4 de 3 participantes' }).waitFor();
    await page.getByRole('cell', { name: 'Releyó la asignación' }).waitFor();
    await page.getByRole('link', { name: 'Registro de auditoría' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Entradas 1–\d+ de \d+$/ })
      .waitFor();
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);
    noCspViolation(watched);
    await page.context().close();
  });

  it('says plainly when the chain is broken, naming the first invalid entry', async () => {
    // Someone holding the database file drops the append-only trigger and rewrites entry 5.
    await t.database.execute('DROP TRIGGER audit_entries_no_update');
    await t.database.execute("UPDATE audit_entries SET actor = 'mallory' WHERE seq = 5");
    const watched = await openAuditLog('mon');
    const { page } = watched;
    await page.getByRole('button', { name: 'Verify now' }).click();
    const verdict = page.getByRole('status').filter({ hasText: 'NOT valid' });
    await verdict.waitFor();
    expect(await verdict.innerText()).toMatch(
      /NOT valid: the chain is broken at entry 5 \(4 entries checked\)/,
    );
    expect(await verdict.innerText()).toMatch(/First invalid entry\s+5/);
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);
    noCspViolation(watched);
    await page.context().close();
  });
});
