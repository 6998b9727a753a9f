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
  startWebApp,
  type WebApp,
} from '../support/browser';
import { nctTrial, registration } from '../support/trial-fixtures';
import { ADMIN_PASSWORD, USER_PASSWORD } from '../support/test-app';

const w = (key: MessageKey, params?: Record<string, string | number>) =>
  translate('en', key, params);

async function signInAs(page: Page, username: string): Promise<void> {
  await page.getByLabel(w('signIn.username')).fill(username);
  await page.getByLabel(w('signIn.password')).fill(USER_PASSWORD);
  await page.getByRole('button', { name: w('signIn.submit') }).click();
  await page.getByRole('heading', { level: 1, name: w('overview.title') }).waitFor();
}

/** The wall-clock minute now in the trial's zone, as a datetime-local input takes it. */
function madridNow(): string {
  const text = new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Europe/Madrid',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date());
  return text.replace(' ', 'T');
}

describeInBrowser('web interface: downtime envelopes, issued, printed and reconciled', () => {
  let t: WebApp;
  let browser: Browser;
  let participantId: string;

  beforeAll(async () => {
    t = await startWebApp();
    browser = await launchBrowser();
    await t.userWith('stella', ['statistician']);
    const pharmacist = await t.userWith('pia', ['pharmacist']);
    const statistician = await t.login('stella');
    await t
      .http()
      .post('/api/randomization-list')
      .set('Authorization', statistician)
      .send({})
      .expect(201);
    const registered = await t
      .http()
      .post('/api/participants')
      .set('Authorization', pharmacist)
      .send(registration(nctTrial(), 'SCR-ENV-1'))
      .expect(201);
    participantId = (registered.body as { participantId: string }).participantId;
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('lets the statistician issue envelopes with a confirmation, blinded', async () => {
    const { page, console } = await openPage(browser, t.url);
    await signInAs(page, 'stella');
    const nav = page.getByRole('navigation', { name: w('app.navigation') });
    await nav.getByRole('link', { name: w('nav.envelopes') }).click();
    await page.getByRole('heading', { level: 1, name: w('envelopes.title') }).waitFor();
    await page.getByText(w('envelopes.none')).waitFor();
    await page.getByLabel(w('envelopes.perStratum')).fill('2');
    await page.getByRole('button', { name: w('envelopes.issue') }).click();
    const dialog = page.getByRole('dialog', { name: w('envelopes.confirmTitle') });
    await dialog.getByText(w('envelopes.confirmText', { perStratum: '2' })).waitFor();
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);
    await dialog.getByRole('button', { name: w('envelopes.confirm') }).click();
    await page
      .getByRole('status')
      .filter({ hasText: w('envelopes.issued', { envelopes: 'ENV-0001, ENV-0002' }) })
      .waitFor();
    const table = page.getByRole('table', { name: w('envelopes.listTitle') });
    await table.getByRole('rowheader', { name: 'ENV-0001' }).waitFor();
    await table.getByRole('rowheader', { name: 'ENV-0002' }).waitFor();
    // The statistician is blinded: no print button, no record form, no limb anywhere.
    await expect(page.getByRole('button', { name: /^Print/ }).count()).resolves.toBe(0);
    await expect(
      page.getByRole('heading', { name: w('envelopes.recordTitle') }).count(),
    ).resolves.toBe(0);
    const dom = await page.evaluate(() => document.documentElement.outerHTML);
    expect(dom).not.toMatch(/LEFT|RIGHT|CELLS|SALINE/);
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);
    expect(console.filter((line) => /error/i.test(line))).toEqual([]);
    await page.context().close();
  });

  it('lets the pharmacist print an envelope and record the offline allocation made from it', async () => {
    const { page } = await openPage(browser, 'about:blank');
    await page.context().addInitScript(() => {
      window.print = () => {
        const top = window.top as unknown as { printed?: number };
        top.printed = (top.printed ?? 0) + 1;
      };
    });
    await page.goto(t.url);
    await signInAs(page, 'pia');
    const nav = page.getByRole('navigation', { name: w('app.navigation') });
    await nav.getByRole('link', { name: w('nav.envelopes') }).click();
    await page.getByRole('heading', { level: 1, name: w('envelopes.title') }).waitFor();

    // Print: the API's page in a hidden frame; the code is read from the printed page.
    const printed = page.waitForResponse((r) => r.url().endsWith('/ENV-0001/print'));
    await page
      .getByRole('button', { name: w('envelopes.print', { envelope: 'ENV-0001' }) })
      .click();
    expect((await printed).status()).toBe(200);
    await page.waitForFunction(() => (window as unknown as { printed?: number }).printed === 1);
    const frame = await (
      await page.getByTitle(w('envelopes.printFrame')).elementHandle()
    )?.contentFrame();
    const html = await frame!.content();
    const code = /Opening code: <strong>([0-9A-Z-]+)<\/strong>/.exec(html)?.[1];
    const target = /CELLS → (LEFT|RIGHT)/.exec(html)?.[1] as 'LEFT' | 'RIGHT';
    expect(code).toBeDefined();
    await page
      .getByRole('button', { name: w('envelopes.reprint', { envelope: 'ENV-0001' }) })
      .waitFor();
    // Voiding is the statistician's: the pharmacist is offered no Void button.
    await expect(
      page.getByRole('button', { name: w('envelopes.void', { envelope: 'ENV-0002' }) }).count(),
    ).resolves.toBe(0);
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);

    // A wrong code first: refused in words of the catalogue, nothing recorded.
    await page.getByLabel(w('envelopes.participant')).selectOption(participantId);
    await page.getByLabel(w('envelopes.number')).fill('ENV-0001');
    await page.getByLabel(w('envelopes.openingCode')).fill('0000-0000-0000-0000');
    await page.getByLabel(w('envelopes.openedAt')).fill(madridNow());
    await page.getByRole('button', { name: w('envelopes.record') }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: w('error.ENVELOPE_CODE_WRONG') })
      .waitFor();

    // The right code: the allocation panel, to be checked against the envelope.
    await page.getByLabel(w('envelopes.openingCode')).fill(code!.toLowerCase());
    await page.getByLabel(w('envelopes.openedAt')).fill(madridNow());
    const recorded = page.waitForResponse((r) => r.url().endsWith('/offline-allocation'));
    await page.getByRole('button', { name: w('envelopes.record') }).click();
    expect((await recorded).status()).toBe(201);
    const result = page.getByRole('region', {
      name: w('envelopes.recordedTitle', { participantId, envelope: 'ENV-0001' }),
    });
    await result.getByText(`CELLS → ${w(`limb.${target}`)}`, { exact: true }).waitFor();
    await result.getByText(w('app.recordedView')).waitFor();
    const table = page.getByRole('table', { name: w('envelopes.listTitle') });
    await table
      .getByRole('row', { name: /ENV-0001/ })
      .getByText(w('envelopes.status.USED'))
      .waitFor();
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);

    // Leaving the screen takes the panel and the printed page with it.
    await nav.getByRole('link', { name: w('nav.overview') }).click();
    await page.getByRole('heading', { level: 1, name: w('overview.title') }).waitFor();
    const dom = await page.evaluate(() => document.documentElement.outerHTML);
    expect(dom).not.toMatch(/CELLS|SALINE|LEFT leg|RIGHT leg/);
    expect(page.frames()).toHaveLength(1);

    const admin = await t.login('admin', ADMIN_PASSWORD);
    const audit = await t
      .http()
      .get('/api/audit-log?format=json&action=ALLOCATED')
      .set('Authorization', admin)
      .expect(200);
    expect(audit.body).toEqual([
      expect.objectContaining({
        actor: 'pia',
        participantId,
        details: expect.objectContaining({ offline: true, envelopeNumber: 'ENV-0001' }),
      }),
    ]);
    await page.context().close();
  });

  it('lets the statistician void an outstanding envelope with a reason and a confirmation', async () => {
    const { page, console } = await openPage(browser, t.url);
    await signInAs(page, 'stella');
    const nav = page.getByRole('navigation', { name: w('app.navigation') });
    await nav.getByRole('link', { name: w('nav.envelopes') }).click();
    await page.getByRole('heading', { level: 1, name: w('envelopes.title') }).waitFor();
    const table = page.getByRole('table', { name: w('envelopes.listTitle') });
    await table.getByRole('rowheader', { name: 'ENV-0002' }).waitFor();

    // One Void button per outstanding envelope: none for ENV-0001, used already.
    const voidButton = page.getByRole('button', {
      name: w('envelopes.void', { envelope: 'ENV-0002' }),
    });
    await voidButton.waitFor();
    await expect(
      page.getByRole('button', { name: w('envelopes.void', { envelope: 'ENV-0001' }) }).count(),
    ).resolves.toBe(0);
    // In Spanish too, from its own catalogue.
    await page.getByLabel(w('app.language')).selectOption('es');
    await page
      .getByRole('button', { name: translate('es', 'envelopes.void', { envelope: 'ENV-0002' }) })
      .waitFor();
    await page.getByLabel(translate('es', 'app.language')).selectOption('en');

    await voidButton.click();
    const dialog = page.getByRole('dialog', {
      name: w('envelopes.voidTitle', { envelope: 'ENV-0002' }),
    });
    await dialog.getByText(w('envelopes.voidText', { envelope: 'ENV-0002' })).waitFor();
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);
    // No reason: said at once, nothing sent.
    await dialog.getByRole('button', { name: w('envelopes.voidConfirm') }).click();
    await dialog
      .getByRole('alert')
      .filter({ hasText: w('envelopes.voidReasonMissing') })
      .waitFor();
    const reason = 'Envelope damaged by water in the pharmacy';
    await dialog.getByLabel(w('envelopes.voidReason')).fill(reason);
    const voided = page.waitForResponse((r) => r.url().endsWith('/ENV-0002/void'));
    await dialog.getByRole('button', { name: w('envelopes.voidConfirm') }).click();
    expect((await voided).status()).toBe(200);
    await page
      .getByRole('status')
      .filter({ hasText: w('envelopes.voidedNow', { envelope: 'ENV-0002' }) })
      .waitFor();
    await expect(dialog.count()).resolves.toBe(0);
    const row = table.getByRole('row', { name: /ENV-0002/ });
    await row.getByRole('cell', { name: w('envelopes.status.VOIDED'), exact: true }).waitFor();
    await row.getByText(new RegExp(`by stella: ${reason}$`)).waitFor();
    await expect(voidButton.count()).resolves.toBe(0);
    const dom = await page.evaluate(() => document.documentElement.outerHTML);
    expect(dom).not.toMatch(/LEFT|RIGHT|CELLS|SALINE/);
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);
    expect(console.filter((line) => /error/i.test(line))).toEqual([]);

    const admin = await t.login('admin', ADMIN_PASSWORD);
    const audit = await t
      .http()
      .get('/api/audit-log?format=json&action=ENVELOPE_VOIDED')
      .set('Authorization', admin)
      .expect(200);
    expect(audit.body).toEqual([
      expect.objectContaining({
        actor: 'stella',
        reason,
        details: { envelopeNumber: 'ENV-0002', stratum: 'all', printCount: 0 },
      }),
    ]);
    await page.context().close();
  });
});
