/// <reference lib="dom" />
// page.evaluate callbacks run in the browser: their code is typed against the DOM.
import { join } from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { translate, type Language } from '../../web/src/i18n/language';
import type { MessageKey } from '../../web/src/i18n/messages-en';
import {
  describeInBrowser,
  launchBrowser,
  openPage,
  seriousAccessibilityViolations,
  startWebApp,
  type WebApp,
} from '../support/browser';
import { ADMIN_PASSWORD, USER_PASSWORD } from '../support/test-app';

interface TrialCriteria {
  eligibility: {
    inclusion: { id: string; text: string }[];
    exclusion: { id: string; text: string }[];
  };
}
interface AllocationAnswer {
  participantId: string;
  cellLimb: 'LEFT' | 'RIGHT';
  salineLimb: 'LEFT' | 'RIGHT';
  preparation: { instructions: string[] };
}

/** Signs in through the form, in the page's language, onto the screen of the address. */
async function signInAs(
  page: Page,
  language: Language,
  username: string,
  screenTitle: MessageKey = 'overview.title',
): Promise<void> {
  const t = (key: MessageKey) => translate(language, key);
  await page.getByLabel(t('signIn.username')).fill(username);
  await page.getByLabel(t('signIn.password')).fill(USER_PASSWORD);
  await page.getByRole('button', { name: t('signIn.submit') }).click();
  await page.getByRole('heading', { level: 1, name: t(screenTitle) }).waitFor();
}

/** Answers a yes/no question, found by its full text as the group's name. */
async function answer(page: Page, text: string, yes: boolean, language: Language): Promise<void> {
  await page
    .getByRole('group', { name: text, exact: true })
    .getByRole('radio', { name: translate(language, yes ? 'app.yes' : 'app.no'), exact: true })
    .check();
}

/** The text above the sheet's cut line (the ward labels) and below it (the pharmacy copy). */
function sheetParts(frame: Frame): Promise<{ ward: string; pharmacy: string }> {
  return frame.evaluate(() => {
    const cut = document.querySelector('[role="separator"]');
    if (!cut) throw new Error('the sheet has no cut line');
    const above = document.createRange();
    above.setStartBefore(document.body.firstChild ?? document.body);
    above.setEndBefore(cut);
    const below = document.createRange();
    below.setStartAfter(cut);
    below.setEndAfter(document.body.lastChild ?? document.body);
    return { ward: above.toString(), pharmacy: below.toString() };
  });
}

describeInBrowser('web interface: the pharmacist registers, allocates, prints and re-reads', () => {
  let t: WebApp;
  let browser: Browser;
  let criteria: TrialCriteria['eligibility'];

  beforeAll(async () => {
    t = await startWebApp();
    browser = await launchBrowser();
    await t.userWith('pia', ['pharmacist']);
    const statistician = await t.userWith('stella', ['statistician']);
    await t
      .http()
      .post('/api/randomization-list')
      .set('Authorization', statistician)
      .send({})
      .expect(201);
    const trial = await t.http().get('/api/trial').set('Authorization', statistician).expect(200);
    criteria = (trial.body as TrialCriteria).eligibility;
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it.each<[Language, string]>([
    ['en', 'en-GB'],
    ['es', 'es-ES'],
  ])(
    'in %s (%s): sign-in, registration with a 422 by criterion text, allocation with confirmation, panel, one-page sheet, re-read; the limb goes nowhere else',
    async (language, locale) => {
      const w = (key: MessageKey, params?: Record<string, string | number>) =>
        translate(language, key, params);
      const limbWords = { LEFT: w('limb.LEFT'), RIGHT: w('limb.RIGHT') };
      const screeningNumber = `SCR-${language}-0001`;

      const watched = await openPage(browser, 'about:blank', locale);
      const { page } = watched;
      // Counts the print() calls of every frame, the hidden print frame included.
      await page.context().addInitScript(() => {
        window.print = () => {
          const top = window.top as unknown as { printed?: number };
          top.printed = (top.printed ?? 0) + 1;
        };
      });
      await page.goto(t.url);
      await signInAs(page, language, 'pia');
      const nav = page.getByRole('navigation', { name: w('app.navigation') });

      // Registration: every criterion as a question with its full text, none answered.
      await nav.getByRole('link', { name: w('nav.register') }).click();
      await page.getByRole('heading', { level: 1, name: w('register.title') }).waitFor();
      for (const c of [...criteria.inclusion, ...criteria.exclusion]) {
        const group = page.getByRole('group', { name: c.text, exact: true });
        await expect(group.getByRole('radio').count()).resolves.toBe(2);
        await expect(group.getByRole('radio', { checked: true }).count()).resolves.toBe(0);
      }
      await page.getByRole('heading', { level: 2, name: w('register.inclusion') }).waitFor();
      await page.getByRole('heading', { level: 2, name: w('register.exclusion') }).waitFor();
      await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);

      // Sent unanswered, nothing leaves the browser and each missing answer is named.
      let posted = 0;
      page.on('request', (r) => {
        if (r.method() === 'POST' && r.url().endsWith('/api/participants')) posted++;
      });
      await page.getByRole('button', { name: w('register.submit'), exact: true }).click();
      const incomplete = page.getByRole('alert').filter({ hasText: w('register.incomplete') });
      await incomplete.waitFor();
      await incomplete
        .getByText(w('register.missing.criterion', { text: criteria.exclusion[0].text }))
        .waitFor();
      expect(posted).toBe(0);

      // One inclusion criterion not met: the 422 names it by its text, and only it.
      await page.getByLabel(w('register.screeningNumber')).fill(screeningNumber);
      await page.getByLabel(w('register.age')).fill('54');
      const [unmet, ...met] = criteria.inclusion;
      await answer(page, unmet.text, false, language);
      for (const c of met) await answer(page, c.text, true, language);
      for (const c of criteria.exclusion) await answer(page, c.text, false, language);
      const refused = page.waitForResponse(
        (r) => r.request().method() === 'POST' && r.url().endsWith('/api/participants'),
      );
      await page.getByRole('button', { name: w('register.submit'), exact: true }).click();
      expect((await refused).status()).toBe(422);
      const notEligible = page.getByRole('alert').filter({ hasText: w('register.notEligible') });
      await notEligible.getByText(w('register.failed.inclusion', { text: unmet.text })).waitFor();
      await expect(notEligible.getByRole('listitem').count()).resolves.toBe(1);
      await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);

      // Corrected, the participant is registered, with a way on to the allocation.
      await answer(page, unmet.text, true, language);
      await page.getByRole('button', { name: w('register.submit'), exact: true }).click();
      const registered = page.getByRole('status').filter({ hasText: screeningNumber });
      await registered.waitFor();
      const participantId = /ELA-\d{3}/.exec(await registered.innerText())?.[0];
      expect(participantId).toBeDefined();
      const id = participantId!;
      await page
        .getByRole('link', { name: w('register.allocateNow', { participantId: id }) })
        .click();

      // Allocation: the participant chosen from the registration, and listed as waiting.
      await page.getByRole('heading', { level: 1, name: w('allocate.title') }).waitFor();
      await page
        .getByRole('button', {
          name: w('allocate.pick', { participantId: id, screeningNumber }),
        })
        .waitFor();
      await expect(page.getByLabel(w('allocate.find')).inputValue()).resolves.toBe(id);
      await page.getByRole('button', { name: w('allocate.allocate') }).click();
      const dialog = page.getByRole('dialog', { name: w('allocate.confirmTitle') });
      await dialog
        .getByText(w('allocate.confirmText', { participantId: id, screeningNumber }))
        .waitFor();
      await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);
      const allocated = page.waitForResponse(
        (r) => r.request().method() === 'POST' && r.url().endsWith(`/${id}/allocation`),
      );
      await dialog.getByRole('button', { name: w('allocate.confirm') }).click();
      const answerOf = await allocated;
      expect(answerOf.status()).toBe(201);
      const allocation = (await answerOf.json()) as AllocationAnswer;
      await dialog.waitFor({ state: 'detached' });

      // The panel: words and an arrow, one line per syringe, and the view is said to be recorded.
      const result = page.getByRole('region', {
        name: w('allocate.resultTitle', { participantId: id }),
      });
      const cellsLine = `CELLS → ${limbWords[allocation.cellLimb]}`;
      const salineLine = `SALINE → ${limbWords[allocation.salineLimb]}`;
      await result.getByText(cellsLine, { exact: true }).waitFor();
      await result.getByText(salineLine, { exact: true }).waitFor();
      await result.getByText(w('app.recordedView')).waitFor();
      for (const line of allocation.preparation.instructions)
        await result.getByText(line, { exact: true }).waitFor();
      await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);

      // Print: the API's sheet in a hidden frame, printed by the browser.
      const sheetRead = page.waitForResponse((r) => r.url().endsWith(`/${id}/preparation-sheet`));
      await result.getByRole('button', { name: w('allocate.print') }).click();
      expect((await sheetRead).status()).toBe(200);
      await page.waitForFunction(() => (window as unknown as { printed?: number }).printed === 1);
      const frameElement = page.getByTitle(w('allocate.printFrame'));
      const frame = await (await frameElement.elementHandle())?.contentFrame();
      expect(frame).toBeTruthy();
      const html = await frame!.content();
      const parts = await sheetParts(frame!);
      // Above the cut line the labels name both legs alike and nothing that tells them apart.
      expect(parts.ward).toMatch(/LEFT tibialis anterior muscle[\s\S]*RIGHT tibialis anterior/);
      expect(parts.ward).not.toMatch(/cell|saline|placebo|MNC|→|million/i);
      expect(parts.pharmacy).toContain(`CELLS → ${allocation.cellLimb}`);
      const pdfPage = await browser.newPage();
      await pdfPage.setContent(html);
      const pdf = (await pdfPage.pdf({ format: 'A4' })).toString('latin1');
      await pdfPage.close();
      expect(pdf.match(/\/Type\s*\/Page(?![a-zA-Z])/g)).toHaveLength(1);

      // Nothing else holds the limb: not the title, the history, the storage or the console.
      const kept = await page.evaluate(() => ({
        title: document.title,
        history: JSON.stringify(window.history.state),
        storage: JSON.stringify([{ ...localStorage }, { ...sessionStorage }]),
      }));
      const limbPattern = /LEFT|RIGHT|IZQUIERDA|DERECHA|CELLS|SALINE|leg|pierna/i;
      expect(kept.title).not.toMatch(limbPattern);
      expect(kept.history).toBe('null');
      expect(kept.storage).not.toMatch(limbPattern);

      // Leaving the screen takes the panel and the frame with it.
      await nav.getByRole('link', { name: w('nav.overview') }).click();
      await page.getByRole('heading', { level: 1, name: w('overview.title') }).waitFor();
      const dom = await page.evaluate(() => document.documentElement.outerHTML);
      for (const text of [cellsLine, salineLine, 'CELLS', 'SALINE', ...Object.values(limbWords)])
        expect({ text, inDom: dom.includes(text) }).toEqual({ text, inDom: false });
      expect(page.frames()).toHaveLength(1);

      // Re-read: found by screening number, shown again on request, and audited.
      await nav.getByRole('link', { name: w('nav.allocate') }).click();
      await page.getByLabel(w('allocate.find')).fill(screeningNumber);
      await page.getByRole('button', { name: w('allocate.findButton'), exact: true }).click();
      await page.getByText(w('allocate.alreadyAllocated')).waitFor();
      const reread = page.waitForResponse(
        (r) => r.request().method() === 'GET' && r.url().endsWith(`/${id}/allocation`),
      );
      await page.getByRole('button', { name: w('allocate.reread') }).click();
      expect((await reread).status()).toBe(200);
      await result.getByText(cellsLine, { exact: true }).waitFor();
      await result.getByText(salineLine, { exact: true }).waitFor();
      await result.getByText(w('app.recordedView')).waitFor();

      const admin = await t.login('admin', ADMIN_PASSWORD);
      const audit = await t
        .http()
        .get(`/api/audit-log?participantId=${id}`)
        .set('Authorization', admin)
        .expect(200);
      const actions = (audit.body as { action: string }[]).map((e) => e.action);
      expect(actions).toEqual(
        expect.arrayContaining(['ALLOCATED', 'PREPARATION_SHEET_VIEWED', 'ALLOCATION_VIEWED']),
      );

      expect(watched.console.filter((line) => limbPattern.test(line))).toEqual([]);
      expect(
        watched.console.filter((line) => /Content Security Policy|Refused to/.test(line)),
      ).toEqual([]);
      await page.context().close();
    },
  );
  it('clears the panel when the session is lost, and shows nothing of it after signing in again', async () => {
    const pete = await t.userWith('pete', ['pharmacist']);
    const eligibility = Object.fromEntries([
      ...criteria.inclusion.map((c) => [c.id, true]),
      ...criteria.exclusion.map((c) => [c.id, false]),
    ]);
    const created = await t
      .http()
      .post('/api/participants')
      .set('Authorization', pete)
      .send({ screeningNumber: 'SCR-LOST-1', age: 60, eligibility })
      .expect(201);
    const id = (created.body as { participantId: string }).participantId;
    const allocated = await t
      .http()
      .post(`/api/participants/${id}/allocation`)
      .set('Authorization', pete)
      .expect(201);
    const { cellLimb } = allocated.body as AllocationAnswer;
    const w = (key: MessageKey, params?: Record<string, string | number>) =>
      translate('en', key, params);
    const cellsLine = `CELLS → ${w(cellLimb === 'LEFT' ? 'limb.LEFT' : 'limb.RIGHT')}`;

    // The address of the allocation screen, with the participant named, opens after sign-in.
    const { page } = await openPage(browser, `${t.url}/allocation?participant=${id}`);
    await signInAs(page, 'en', 'pete', 'allocate.title');
    await page.getByRole('button', { name: w('allocate.reread') }).click();
    await page.getByText(cellsLine, { exact: true }).waitFor();

    // Every token of the account is revoked: the next request answers 401.
    const admin = await t.login('admin', ADMIN_PASSWORD);
    await t
      .http()
      .patch('/api/users/pete')
      .set('Authorization', admin)
      .send({ password: 'another-password-2026-x' })
      .expect(200);
    await page.getByRole('button', { name: w('allocate.print') }).click();
    const dialog = page.getByRole('dialog', { name: w('signIn.title') });
    await dialog.waitFor();
    const underDialog = await page.evaluate(() => document.documentElement.outerHTML);
    expect(underDialog).not.toContain(cellsLine);
    expect(underDialog).not.toContain('CELLS');
    expect(page.frames()).toHaveLength(1);

    await dialog.getByLabel(w('signIn.password')).fill('another-password-2026-x');
    await dialog.getByRole('button', { name: w('signIn.submit') }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: w('allocate.reread') }).waitFor();
    await expect(page.getByText(cellsLine, { exact: true }).count()).resolves.toBe(0);
    await page.context().close();
  });
});

describeInBrowser('web interface: registration in a stratified trial, and its refusals', () => {
  let t: WebApp;
  let browser: Browser;
  const w = (key: MessageKey, params?: Record<string, string | number>) =>
    translate('en', key, params);

  beforeAll(async () => {
    t = await startWebApp({
      TRIAL_CONFIG: join(__dirname, '..', '..', 'config', 'trials', 'example-stratified-2to1.json'),
    });
    browser = await launchBrowser();
    await t.userWith('ivan', ['investigator']);
    await t.userWith('pam', ['pharmacist']);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const fill = async (page: Page, screeningNumber: string, age: string) => {
    await page.getByLabel(w('register.screeningNumber')).fill(screeningNumber);
    await page.getByLabel(w('register.age')).fill(age);
    const group = (factor: string) =>
      page.getByRole('group', { name: w('register.stratumLegend', { factor }) });
    await group('site').getByRole('radio', { name: 'south', exact: true }).check();
    await group('sex').getByRole('radio', { name: 'F', exact: true }).check();
    await answer(page, 'Written informed consent', true, 'en');
    await answer(page, 'Pregnancy or breastfeeding', false, 'en');
  };

  it('asks a level of each factor, sends strata and answers, and words a duplicate (409) and an age out of range (422)', async () => {
    const { page, console } = await openPage(browser, t.url);
    await signInAs(page, 'en', 'ivan');
    await page.getByRole('link', { name: w('nav.register') }).click();
    await page.getByRole('heading', { level: 2, name: w('register.strata') }).waitFor();
    await page.getByText(w('register.ageHint', { min: 18, max: 80 })).waitFor();

    // Unchosen, a stratum is named as missing.
    await page.getByRole('button', { name: w('register.submit'), exact: true }).click();
    await page
      .getByRole('alert')
      .getByText(w('register.missing.stratum', { factor: 'sex' }))
      .waitFor();

    await fill(page, 'SCR-S-1', '40');
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);
    const sent = page.waitForRequest(
      (r) => r.method() === 'POST' && r.url().endsWith('/api/participants'),
    );
    await page.getByRole('button', { name: w('register.submit'), exact: true }).click();
    expect((await sent).postDataJSON()).toEqual({
      screeningNumber: 'SCR-S-1',
      age: 40,
      eligibility: { 'inc-consent': true, 'exc-pregnancy': false },
      strata: { site: 'south', sex: 'F' },
    });
    await page.getByRole('status').filter({ hasText: 'EX-0001' }).waitFor();
    // An investigator registers but does not allocate: no way on to the allocation.
    await expect(
      page
        .getByRole('link', { name: w('register.allocateNow', { participantId: 'EX-0001' }) })
        .count(),
    ).resolves.toBe(0);

    // The same screening number again: 409, in the catalogue's words.
    await page.getByRole('button', { name: w('register.another') }).click();
    await fill(page, 'SCR-S-1', '40');
    await page.getByRole('button', { name: w('register.submit'), exact: true }).click();
    await page.getByRole('alert').getByText('This already exists', { exact: false }).waitFor();

    // An age outside the trial's range: the 422's `age` is named by the range.
    await fill(page, 'SCR-S-2', '90');
    await page.getByRole('button', { name: w('register.submit'), exact: true }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: w('register.notEligible') })
      .getByText(w('register.failed.age', { min: 18, max: 80 }))
      .waitFor();
    expect(console.filter((line) => /Content Security Policy|Refused to/.test(line))).toEqual([]);
    await page.context().close();
  });

  it('words an allocation refused because no list exists (409 NO_LIST), and shows no panel', async () => {
    const { page } = await openPage(browser, t.url);
    await signInAs(page, 'en', 'pam');
    await page.getByRole('link', { name: w('nav.allocate') }).click();
    await page
      .getByRole('button', {
        name: w('allocate.pick', { participantId: 'EX-0001', screeningNumber: 'SCR-S-1' }),
      })
      .click();
    await page.getByRole('button', { name: w('allocate.allocate') }).click();
    const dialog = page.getByRole('dialog', { name: w('allocate.confirmTitle') });
    await dialog.getByRole('button', { name: w('allocate.confirm') }).click();
    await page.getByRole('alert').getByText(w('error.NO_LIST')).waitFor();
    await dialog.waitFor({ state: 'detached' });
    await expect(page.getByText(w('app.recordedView')).count()).resolves.toBe(0);
    await page.context().close();
  });
});
