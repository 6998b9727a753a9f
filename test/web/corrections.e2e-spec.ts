/// <reference lib="dom" />
// page.evaluate callbacks run in the browser: their code is typed against the DOM.
import type { Browser, Page } from 'playwright-core';
import { translate } from '../../web/src/i18n/language';
import type { MessageKey } from '../../web/src/i18n/messages-en';
import {
  describeInBrowser,
  launchBrowser,
  openPage,
  seriousAccessibilityViolations,
  signIn,
  startWebApp,
  type WebApp,
} from '../support/browser';
import { registration, STRATIFIED_TRIAL_FILE } from '../support/trial-fixtures';
import { loadTrialFile } from '../../src/config/trial-file.loader';
import { USER_PASSWORD } from '../support/test-app';

const trial = loadTrialFile(STRATIFIED_TRIAL_FILE);
const en = (key: MessageKey, values?: Record<string, string | number>) =>
  translate('en', key, values);

/** The overview's Correct and Withdraw actions (issue 15 item 3), on a stratified trial. */
describeInBrowser('web interface: corrections and withdrawal on the overview', () => {
  let t: WebApp;
  let browser: Browser;
  const ids: string[] = [];

  beforeAll(async () => {
    t = await startWebApp({ TRIAL_CONFIG: STRATIFIED_TRIAL_FILE });
    browser = await launchBrowser();
    const pharmacist = await t.userWith('pat', ['pharmacist']);
    await t.userWith('mo', ['monitor']);
    const statistician = await t.userWith('stat', ['statistician']);
    await t
      .http()
      .post('/api/randomization-list')
      .set('Authorization', statistician)
      .send({ seed: 'corrections-web-seed-01' })
      .expect(201);
    for (const screening of ['SCR-W-1', 'SCR-W-2']) {
      const registered = await t
        .http()
        .post('/api/participants')
        .set('Authorization', pharmacist)
        .send(registration(trial, screening, { strata: { site: 'north', sex: 'F' } }))
        .expect(201);
      ids.push((registered.body as { participantId: string }).participantId);
    }
    await t
      .http()
      .post(`/api/participants/${ids[1]}/allocation`)
      .set('Authorization', pharmacist)
      .expect(201);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const noSeriousViolations = (page: Page) =>
    expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);

  it('corrects a registration in a dialog: its own checks, a 422 by criterion text, then the saved change', async () => {
    const { page, console } = await openPage(browser, t.url);
    await signIn(page, 'pat', USER_PASSWORD);
    await page.getByRole('heading', { level: 1, name: en('overview.title') }).waitFor();
    await page
      .getByRole('button', { name: en('overview.correctFor', { participantId: ids[0] }) })
      .click();
    const dialog = page.getByRole('dialog', {
      name: en('overview.correct.title', { participantId: ids[0] }),
    });
    await dialog.waitFor();
    await noSeriousViolations(page);

    await dialog.getByLabel(en('overview.correct.reason')).fill('typo');
    await dialog.getByRole('button', { name: en('overview.correct.save') }).click();
    await dialog.getByRole('alert').getByText(en('overview.problem.reasonTooShort')).waitFor();
    await noSeriousViolations(page);

    await dialog
      .getByLabel(en('overview.correct.reason'))
      .fill('Screening number mistyped at registration');
    await dialog.getByLabel(en('overview.correct.screening')).fill('SCR-W-1B');
    await dialog
      .getByLabel('Pregnancy or breastfeeding')
      .selectOption({ label: en('overview.answer.met') });
    await dialog.getByRole('button', { name: en('overview.correct.save') }).click();
    await dialog
      .getByRole('alert')
      .getByText(en('overview.failed.exclusion', { text: 'Pregnancy or breastfeeding' }))
      .waitFor();
    await noSeriousViolations(page);
    const unchanged = await t.database.query<{ screeningNumber: string }>(
      'SELECT screening_number AS "screeningNumber" FROM participants WHERE participant_id = ?',
      [ids[0]],
    );
    expect(unchanged).toEqual([{ screeningNumber: 'SCR-W-1' }]);

    await dialog
      .getByLabel('Pregnancy or breastfeeding')
      .selectOption({ label: en('overview.answer.unchanged') });
    await dialog.getByLabel('site', { exact: true }).selectOption('south');
    await dialog.getByLabel('sex', { exact: true }).selectOption('M');
    await dialog.getByRole('button', { name: en('overview.correct.save') }).click();
    await page
      .getByRole('status')
      .getByText(
        en('overview.correct.done', {
          participantId: ids[0],
          fields: `${en('overview.field.screeningNumber')}, ${en('overview.field.stratum')}`,
        }),
      )
      .waitFor();
    await expect(dialog.count()).resolves.toBe(0);
    await page.getByRole('cell', { name: 'SCR-W-1B', exact: true }).waitFor();
    await noSeriousViolations(page);
    expect(console.filter((line) => /Content Security Policy|Refused to/.test(line))).toEqual([]);
    await page.context().close();
  });

  it('keeps the strata of an allocated participant fixed in the dialog', async () => {
    const { page } = await openPage(browser, t.url);
    await signIn(page, 'pat', USER_PASSWORD);
    await page
      .getByRole('button', { name: en('overview.correctFor', { participantId: ids[1] }) })
      .click();
    const dialog = page.getByRole('dialog', {
      name: en('overview.correct.title', { participantId: ids[1] }),
    });
    await dialog.getByText(en('overview.correct.helpAllocated')).waitFor();
    await expect(dialog.getByLabel('site', { exact: true }).isDisabled()).resolves.toBe(true);
    await dialog.getByRole('button', { name: en('app.cancel') }).click();
    await expect(dialog.count()).resolves.toBe(0);
    await page.context().close();
  });

  it('withdraws a participant after a confirmation with a reason; the row then shows Withdrawn', async () => {
    const { page, console } = await openPage(browser, t.url);
    await signIn(page, 'pat', USER_PASSWORD);
    const withdraw = page.getByRole('button', {
      name: en('overview.withdrawFor', { participantId: ids[1] }),
    });
    await withdraw.click();
    const dialog = page.getByRole('dialog', {
      name: en('overview.withdraw.title', { participantId: ids[1], screening: 'SCR-W-2' }),
    });
    await dialog.getByText(en('overview.withdraw.consequences')).waitFor();
    await noSeriousViolations(page);
    await dialog.getByRole('button', { name: en('overview.withdraw.confirm') }).click();
    await dialog.getByRole('alert').getByText(en('overview.problem.reasonTooShort')).waitFor();
    await dialog
      .getByLabel(en('overview.withdraw.reason'))
      .fill('Consent withdrawn by the participant at the visit');
    await dialog.getByRole('button', { name: en('overview.withdraw.confirm') }).click();
    await page
      .getByRole('status')
      .getByText(en('overview.withdraw.done', { participantId: ids[1] }))
      .waitFor();
    const row = page.getByRole('row', { name: new RegExp(ids[1]) });
    await row
      .getByRole('cell', {
        name: new RegExp(`^${en('status.WITHDRAWN')}.* by pat: Consent withdrawn`),
      })
      .waitFor();
    await expect(withdraw.count()).resolves.toBe(0);
    await noSeriousViolations(page);
    const slots = await t.database.count('slots', 'participant_id = ?', [ids[1]]);
    expect(slots).toBe(1);
    expect(console.filter((line) => /Content Security Policy|Refused to/.test(line))).toEqual([]);
    await page.context().close();
  });

  it('offers neither action to a monitor, and words them in Spanish for a Spanish browser', async () => {
    const { page } = await openPage(browser, t.url);
    await signIn(page, 'mo', USER_PASSWORD);
    await page.getByRole('heading', { level: 1, name: en('overview.title') }).waitFor();
    await page.getByRole('rowheader', { name: ids[0] }).waitFor();
    await expect(page.getByRole('button', { name: /^Correct / }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: /^Withdraw / }).count()).resolves.toBe(0);
    await page.context().close();

    const spanish = await openPage(browser, t.url, 'es-ES');
    await spanish.page.getByLabel(translate('es', 'signIn.username')).fill('pat');
    await spanish.page.getByLabel(translate('es', 'signIn.password')).fill(USER_PASSWORD);
    await spanish.page.getByRole('button', { name: translate('es', 'signIn.submit') }).click();
    await spanish.page
      .getByRole('button', {
        name: translate('es', 'overview.correctFor', { participantId: ids[0] }),
      })
      .waitFor();
    await noSeriousViolations(spanish.page);
    await spanish.page.context().close();
  });
});
