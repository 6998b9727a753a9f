/// <reference lib="dom" />
// page.evaluate callbacks run in the browser: their code is typed against the DOM.
import type { Browser, Page } from 'playwright-core';
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

const REASON = 'Serious adverse event: the treating physician must know the allocation';
const LIMB_WORDS = /\b(LEFT|RIGHT)\b|CELLS|SALINE/;

interface Allocation {
  participantId: string;
  cellLimb: 'LEFT' | 'RIGHT';
  salineLimb: 'LEFT' | 'RIGHT';
}

interface Blinded {
  status: string;
  seal: { unblinded: boolean; by: string | null; reason: string | null };
}

/** What the browser keeps beyond the DOM: title, history state, storage (keys and values). */
function keptOutsideTheDom(page: Page) {
  return page.evaluate(() => ({
    title: document.title,
    history: JSON.stringify(window.history.state),
    url: window.location.href,
    local: Object.entries(localStorage).filter(([key]) => key !== 'language'),
    session: Object.entries(sessionStorage),
    cookie: document.cookie,
  }));
}

/** Every text in the document, hidden parts included (innerText would skip them). */
const documentText = (page: Page) => page.evaluate(() => document.body.textContent ?? '');

describeInBrowser('web interface: emergency unblinding and its review', () => {
  let t: WebApp;
  let browser: Browser;
  let admin: string;
  let allocation: Allocation;

  const participant = async (id: string) =>
    (await t.http().get(`/api/participants/${id}`).set('Authorization', admin).expect(200))
      .body as Blinded;

  beforeAll(async () => {
    t = await startWebApp({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '3' });
    browser = await launchBrowser();
    admin = await t.login('admin', ADMIN_PASSWORD);
    const pharmacist = await t.userWith('pharm', ['pharmacist']);
    const statistician = await t.userWith('stat', ['statistician']);
    await t.userWith('unb', ['unblinder']);
    await t.userWith('unb2', ['unblinder']);
    await t.userWith('clumsy', ['unblinder']);
    await t
      .http()
      .post('/api/randomization-list')
      .set('Authorization', statistician)
      .send({ seed: 'web-unblinding-seed-0001' })
      .expect(201);
    const trial = nctTrial();
    for (const screening of ['SCR-1', 'SCR-2', 'SCR-3'])
      await t
        .http()
        .post('/api/participants')
        .set('Authorization', pharmacist)
        .send(registration(trial, screening))
        .expect(201);
    // ELA-001 and ELA-002 allocated; ELA-003 registered only.
    allocation = (
      await t
        .http()
        .post('/api/participants/ELA-001/allocation')
        .set('Authorization', pharmacist)
        .expect(201)
    ).body as Allocation;
    await t
      .http()
      .post('/api/participants/ELA-002/allocation')
      .set('Authorization', pharmacist)
      .expect(201);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Signs in and opens the screen by its link in the navigation, as a person would. */
  async function openScreen(watched: WatchedPage, username: string, link: string) {
    const { page } = watched;
    await signIn(page, username, USER_PASSWORD);
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: link })
      .click();
    await page.getByRole('heading', { level: 1, name: link }).waitFor();
  }

  it('unblinds after a wrong then the right password, shows the limb once, and clears it on leaving and when the session ends', async () => {
    const context = await browser.newContext({
      locale: 'en-GB',
      viewport: { width: 1280, height: 900 },
    });
    const page = await context.newPage();
    await page.clock.install();
    const watched: WatchedPage = { page, console: [], failedRequests: [] };
    page.on('console', (message) => watched.console.push(message.text()));
    page.on('pageerror', (error) => watched.console.push(`pageerror: ${error.message}`));
    const requests: string[] = [];
    page.on('request', (request) => requests.push(`${request.method()} ${request.url()}`));
    await page.goto(t.url);
    await openScreen(watched, 'unb', 'Emergency unblinding');

    // The consequences, stated before anything else.
    const warning = page.getByRole('region', { name: 'What unblinding does' });
    for (const consequence of [
      'broken for this participant for good',
      'The sponsor is notified',
      'Every role sees that the seal is broken, with your name',
      'recorded in the audit log',
      'Never name a leg or a side',
    ])
      await warning.getByText(consequence, { exact: false }).waitFor();

    // Only allocated participants can be chosen; the others say why not.
    const choose = page.getByLabel('Participant', { exact: true });
    await choose.waitFor();
    const options = await choose.locator('option').evaluateAll((all) =>
      all.map((option) => ({
        text: option.textContent,
        disabled: (option as HTMLOptionElement).disabled,
      })),
    );
    expect(options).toEqual([
      { text: 'Choose a participant', disabled: false },
      { text: 'ELA-001 (screening number SCR-1)', disabled: false },
      { text: 'ELA-002 (screening number SCR-2)', disabled: false },
      {
        text: 'ELA-003 (screening number SCR-3): not allocated, cannot be unblinded',
        disabled: true,
      },
    ]);
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);

    // The id typed again must be the chosen one: checked before anything is sent.
    await choose.selectOption('ELA-001');
    await page.getByLabel('Emergency reason').fill(REASON);
    await page.getByLabel('Participant id, typed again').fill('ELA-002');
    await page.getByLabel('Your password (electronic signature)').fill('a-wrong-password-123');
    await page.getByRole('button', { name: 'Unblind this participant' }).click();
    await page
      .getByRole('alert')
      .getByText('The participant id typed again is not the chosen participant, ELA-001.', {
        exact: false,
      })
      .waitFor();
    expect(requests.filter((line) => line.includes('/unblinding'))).toEqual([]);

    // A wrong password: SIGNATURE_FAILED's words, the form stays, the password goes, the
    // session stays (no sign-in dialog), and nothing is unblinded.
    await page.getByLabel('Participant id, typed again').fill('ELA-001');
    const refused = page.waitForResponse((r) =>
      r.url().endsWith('/api/participants/ELA-001/unblinding'),
    );
    await page.getByRole('button', { name: 'Unblind this participant' }).click();
    expect((await refused).status()).toBe(401);
    await page.getByRole('alert').getByText('The password is wrong. Nothing was done.').waitFor();
    await expect(
      page.getByLabel('Your password (electronic signature)').inputValue(),
    ).resolves.toBe('');
    await expect(page.getByLabel('Emergency reason').inputValue()).resolves.toBe(REASON);
    await expect(page.getByLabel('Participant id, typed again').inputValue()).resolves.toBe(
      'ELA-001',
    );
    await expect(page.getByRole('dialog', { name: 'Sign in' }).count()).resolves.toBe(0);
    await expect(participant('ELA-001')).resolves.toMatchObject({
      status: 'ALLOCATED',
      seal: { unblinded: false },
    });
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);

    // The right password: the limb, as words, matching what the allocation answered.
    await page.getByLabel('Your password (electronic signature)').fill(USER_PASSWORD);
    const answered = page.waitForResponse((r) =>
      r.url().endsWith('/api/participants/ELA-001/unblinding'),
    );
    await page.getByRole('button', { name: 'Unblind this participant' }).click();
    expect((await answered).status()).toBe(200);
    const result = page.getByRole('region', { name: 'Allocation of participant ELA-001' });
    await result.waitFor();
    await result.getByText(`CELLS → ${allocation.cellLimb} leg`, { exact: true }).waitFor();
    await result.getByText(`SALINE → ${allocation.salineLimb} leg`, { exact: true }).waitFor();
    await result.getByText('unb', { exact: true }).waitFor();
    await result.getByText(REASON, { exact: true }).waitFor();
    await result.getByText('This view is recorded in the audit log under your name.').waitFor();
    await expect(participant('ELA-001')).resolves.toMatchObject({
      status: 'UNBLINDED',
      seal: { unblinded: true, by: 'unb', reason: REASON },
    });
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);

    // Nowhere but on the screen: not in the title, history, address, storage or console, and the
    // allocation was never fetched by the page.
    const kept = await keptOutsideTheDom(page);
    expect(kept).toEqual({
      title: 'Emergency unblinding · Trial randomization and blinding',
      history: 'null',
      url: `${t.url}/unblinding`,
      local: [],
      session: [],
      cookie: '',
    });
    expect(requests.filter((line) => line.includes('/allocation'))).toEqual([]);

    // Leaving the screen removes the limb from the document; going back shows the form again.
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Overview' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    expect(await documentText(page)).not.toMatch(LIMB_WORDS);
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'Emergency unblinding' }).waitFor();
    await page.getByLabel('Emergency reason').waitFor();
    expect(await documentText(page)).not.toMatch(LIMB_WORDS);

    // Already unblinded: said so; unblinding again answers the same. Then the session ends
    // unused: the limb goes at once, and signing in again does not bring it back.
    await page.getByLabel('Participant', { exact: true }).selectOption('ELA-001');
    await page
      .getByRole('status')
      .getByText('This participant was already unblinded', { exact: false })
      .waitFor();
    await page.getByLabel('Emergency reason').fill(REASON);
    await page.getByLabel('Participant id, typed again').fill('ELA-001');
    await page.getByLabel('Your password (electronic signature)').fill(USER_PASSWORD);
    await page.getByRole('button', { name: 'Unblind this participant' }).click();
    await page.getByText(`CELLS → ${allocation.cellLimb} leg`, { exact: true }).waitFor();
    await page.clock.fastForward('16:00');
    const dialog = page.getByRole('dialog', { name: 'Sign in' });
    await dialog.waitFor();
    expect(await documentText(page)).not.toMatch(/CELLS|SALINE/);
    await dialog.getByLabel('Password').fill(USER_PASSWORD);
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByLabel('Emergency reason').waitFor();
    expect(await documentText(page)).not.toMatch(LIMB_WORDS);

    expect(watched.console.filter((line) => LIMB_WORDS.test(line))).toEqual([]);
    expect(
      watched.console.filter((line) => /Content Security Policy|Refused to/.test(line)),
    ).toEqual([]);
    await context.close();
  });

  it('shows throttling of repeated wrong signatures in its own words, and unblinds nothing', async () => {
    const watched = await openPage(browser, t.url);
    const { page } = watched;
    await openScreen(watched, 'clumsy', 'Emergency unblinding');
    await page.getByLabel('Participant', { exact: true }).selectOption('ELA-002');
    await page.getByLabel('Emergency reason').fill(REASON);
    await page.getByLabel('Participant id, typed again').fill('ELA-002');
    for (let attempt = 0; attempt < 3; attempt++) {
      await page
        .getByLabel('Your password (electronic signature)')
        .fill(`wrong-password-${attempt}`);
      const refused = page.waitForResponse((r) => r.url().endsWith('/unblinding'));
      await page.getByRole('button', { name: 'Unblind this participant' }).click();
      expect((await refused).status()).toBe(401);
      await page.getByRole('alert').getByText('The password is wrong. Nothing was done.').waitFor();
    }
    await page.getByLabel('Your password (electronic signature)').fill(USER_PASSWORD);
    await page.getByRole('button', { name: 'Unblind this participant' }).click();
    await page.getByRole('alert').getByText('Too many attempts', { exact: false }).waitFor();
    await expect(
      page.getByLabel('Your password (electronic signature)').inputValue(),
    ).resolves.toBe('');
    await expect(participant('ELA-002')).resolves.toMatchObject({ seal: { unblinded: false } });
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);
    await page.context().close();
  });

  it('tells the unblinder that they cannot review their own unblinding', async () => {
    const watched = await openPage(browser, t.url);
    const { page } = watched;
    await openScreen(watched, 'unb', 'Unblinding reviews');
    const row = page.getByRole('row', { name: /ELA-001/ });
    await row
      .getByText('You cannot review an unblinding that you did yourself.', { exact: false })
      .waitFor();
    await expect(row.getByRole('button').count()).resolves.toBe(0);
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);
    await page.context().close();
  });

  it('lets another unblinder review it, signed with their password, and shows the review', async () => {
    const watched = await openPage(browser, t.url);
    const { page } = watched;
    await openScreen(watched, 'unb2', 'Unblinding reviews');
    const table = page.getByRole('table', { name: 'Emergency unblindings and their reviews' });
    const row = table.getByRole('row', { name: /ELA-001/ });
    await row.getByText('Not reviewed yet.', { exact: false }).waitFor();
    await row.getByText(REASON, { exact: true }).waitFor();
    expect(await documentText(page)).not.toMatch(LIMB_WORDS);
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);

    await row.getByRole('button', { name: 'Review the unblinding of ELA-001' }).click();
    const form = page.getByRole('form', { name: 'Review of the unblinding of ELA-001' });
    await form.waitFor();
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);

    // Nothing chosen: said before anything is sent.
    await form.getByRole('button', { name: 'Sign the review' }).click();
    const problems = form.getByRole('alert');
    for (const problem of [
      'Choose a decision.',
      'Write a comment.',
      'Enter your password to sign the review.',
    ])
      await problems.getByText(problem).waitFor();

    const decision = form.getByRole('group', { name: 'Decision' });
    await decision.getByLabel('Acknowledged').check();
    await form.getByLabel('Comment').fill('Reason and timing checked with the treating physician');
    await form.getByLabel('Your password (electronic signature)').fill('not-my-password-77');
    await form.getByRole('button', { name: 'Sign the review' }).click();
    await form.getByRole('alert').getByText('The password is wrong. Nothing was done.').waitFor();
    await expect(
      form.getByLabel('Your password (electronic signature)').inputValue(),
    ).resolves.toBe('');
    await expect(page.getByRole('dialog', { name: 'Sign in' }).count()).resolves.toBe(0);
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);

    await form.getByLabel('Your password (electronic signature)').fill(USER_PASSWORD);
    const created = page.waitForResponse((r) =>
      r.url().endsWith('/api/participants/ELA-001/unblinding/review'),
    );
    await form.getByRole('button', { name: 'Sign the review' }).click();
    expect((await created).status()).toBe(201);
    await page
      .getByRole('status')
      .getByText('Your review of the unblinding of ELA-001 is recorded.')
      .waitFor();
    // The form that had the focus is gone: the confirmation takes it.
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe(
      'Your review of the unblinding of ELA-001 is recorded.',
    );
    await form.waitFor({ state: 'detached' });
    await row
      .getByText(
        /^Acknowledged, .+, by unb2: Reason and timing checked with the treating physician$/,
      )
      .waitFor();
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);

    const unblindings = await t
      .http()
      .get('/api/unblindings')
      .set('Authorization', admin)
      .expect(200);
    expect(unblindings.body).toEqual([
      expect.objectContaining({
        participantId: 'ELA-001',
        unblindedBy: 'unb',
        reviewState: 'ACKNOWLEDGED',
        review: expect.objectContaining({
          reviewedBy: 'unb2',
          decision: 'ACKNOWLEDGED',
        }) as unknown,
      }),
    ]);
    expect(
      watched.console.filter((line) => /Content Security Policy|Refused to/.test(line)),
    ).toEqual([]);
    await page.context().close();
  });
});
