import type { Browser } from 'playwright-core';
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
import { translate } from '../../web/src/i18n/language';

/**
 * The blinding assessment screens (issue 16 item 4): an assessor records guesses of which leg got
 * the cells, refused a second time in words; after lock the statistician reads Bang's index per
 * group and leg. Elements are found by role and accessible name.
 */
describeInBrowser('web interface: blinding assessment and the blinding index', () => {
  let t: WebApp;
  let browser: Browser;
  let limb: string;

  beforeAll(async () => {
    t = await startWebApp();
    browser = await launchBrowser();
    const pharmacist = await t.userWith('pharm', ['pharmacist']);
    const statistician = await t.userWith('stat', ['statistician']);
    await t.userWith('assessor', ['assessor']);
    await t
      .http()
      .post('/api/randomization-list')
      .set('Authorization', statistician)
      .send({ seed: 'web-blinding-assessment-seed' })
      .expect(201);
    const trial = nctTrial();
    for (const screening of ['SCR-1', 'SCR-2'])
      await t
        .http()
        .post('/api/participants')
        .set('Authorization', pharmacist)
        .send(registration(trial, screening))
        .expect(201);
    // ELA-001 allocated; ELA-002 registered only, so not offered.
    const allocated = await t
      .http()
      .post('/api/participants/ELA-001/allocation')
      .set('Authorization', pharmacist)
      .expect(201);
    limb = (allocated.body as { cellLimb: string }).cellLimb;
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

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

  it('records an assessor’s guess and the participant’s, refuses a second one in words, and names no guess afterwards', async () => {
    const watched = await openPage(browser, t.url);
    const { page } = watched;
    await openScreen(watched, 'assessor', 'Blinding assessment');
    const participant = page.getByRole('combobox', { name: 'Participant' });
    expect(await participant.locator('option').allTextContents()).toEqual([
      'Choose a participant',
      'ELA-001',
    ]);
    // Nothing chosen: the screen says what is missing, and sends nothing.
    await page.getByRole('button', { name: 'Record the guess' }).click();
    await page.getByRole('alert').filter({ hasText: 'Choose the participant' }).waitFor();

    await participant.selectOption('ELA-001');
    await page
      .getByRole('group', { name: 'Whose guess' })
      .getByRole('radio', { name: 'My own guess as outcome assessor' })
      .check();
    await page
      .getByRole('group', { name: 'Which leg got the cells?' })
      .getByRole('radio', { name: `${limb} leg` })
      .check();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Record the guess' }).click();
    const done = page.getByRole('status').filter({ hasText: 'Guess recorded for ELA-001' });
    await done.waitFor();
    expect(await done.textContent()).toContain('My own guess as outcome assessor');
    expect(await done.textContent()).not.toMatch(/LEFT|RIGHT/);
    // The choice is cleared once recorded.
    expect(
      await page
        .getByRole('group', { name: 'Which leg got the cells?' })
        .getByRole('radio', { checked: true })
        .count(),
    ).toBe(0);

    // The participant's own guess, entered by the assessor: "don't know".
    await page.getByRole('radio', { name: 'The participant’s own guess' }).check();
    await page.getByRole('radio', { name: 'Don’t know' }).check();
    await page.getByRole('button', { name: 'Record the guess' }).click();
    await page.getByRole('status').filter({ hasText: 'The participant’s own guess' }).waitFor();

    // A second guess of the assessor's own: refused, in the catalogue's words.
    await page.getByRole('radio', { name: 'My own guess as outcome assessor' }).check();
    await page.getByRole('radio', { name: 'Don’t know' }).check();
    await page.getByRole('button', { name: 'Record the guess' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'This guess is already recorded for this participant' })
      .waitFor();
    expect(await t.database.count('blinding_guesses')).toBe(2);
    expect(watched.console.filter((line) => /LEFT|RIGHT/.test(line))).toEqual([]);
    await page.context().close();
  });

  it('shows a former pharmacist, now an assessor, the server’s reason (the role and when) in place of the form, in English and Spanish', async () => {
    const admin = await t.login('admin', ADMIN_PASSWORD);
    await t.userWith('was-pharm', ['pharmacist']);
    await t
      .http()
      .patch('/api/users/was-pharm')
      .set('Authorization', admin)
      .send({ roles: ['assessor'] })
      .expect(200);
    const guesses = await t.database.count('blinding_guesses');
    const watched = await openPage(browser, t.url);
    const { page } = watched;
    // The menu knows the current roles only: the screen is offered, the API refuses.
    await openScreen(watched, 'was-pharm', 'Blinding assessment');
    await page.getByRole('combobox', { name: 'Participant' }).selectOption('ELA-001');
    await page.getByRole('radio', { name: 'My own guess as outcome assessor' }).check();
    await page.getByRole('radio', { name: 'Don’t know' }).check();
    await page.getByRole('button', { name: 'Record the guess' }).click();
    const refusal = page
      .getByRole('alert')
      .filter({ hasText: 'Your guess cannot be recorded: You held the pharmacist role from ' });
    await refusal.waitFor();
    expect(await refusal.textContent()).not.toMatch(/LEFT|RIGHT/);
    await page.getByText('has never held the pharmacist or unblinder role').waitFor();
    // No form to try again: every guess of theirs would be refused.
    expect(await page.getByRole('button', { name: 'Record the guess' }).count()).toBe(0);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(await t.database.count('blinding_guesses')).toBe(guesses);
    await page.context().close();

    // In Spanish, from its own catalogue; the server's reason as the server words it.
    const es = (key: Parameters<typeof translate>[1]) => translate('es', key);
    const spanish = (await openPage(browser, t.url, 'es-ES')).page;
    await spanish.getByLabel(es('signIn.username')).fill('was-pharm');
    await spanish.getByLabel(es('signIn.password')).fill(USER_PASSWORD);
    await spanish.getByRole('button', { name: es('signIn.submit') }).click();
    await spanish
      .getByRole('navigation', { name: es('app.navigation') })
      .getByRole('link', { name: es('nav.blindingGuesses') })
      .click();
    await spanish
      .getByRole('combobox', { name: es('guesses.participant') })
      .selectOption('ELA-001');
    await spanish.getByRole('radio', { name: es('guesses.group.ASSESSOR') }).check();
    await spanish.getByRole('radio', { name: es('guesses.dontKnow') }).check();
    await spanish.getByRole('button', { name: es('guesses.submit') }).click();
    await spanish
      .getByRole('alert')
      .filter({
        hasText: translate('es', 'error.GUESSER_NOT_BLINDED', {
          message: 'You held the pharmacist role from ',
        }),
      })
      .waitFor();
    await spanish.getByText(es('guesses.notBlinded')).waitFor();
    expect(await spanish.getByRole('button', { name: es('guesses.submit') }).count()).toBe(0);
    await spanish.context().close();
  });

  it('shows the statistician the refusal before lock, and the index per group and leg after it', async () => {
    const watched = await openPage(browser, t.url);
    const { page } = watched;
    await openScreen(watched, 'stat', 'Blinding index');
    await page.getByRole('alert').filter({ hasText: 'only after the study is locked' }).waitFor();

    const admin = await t.login('admin', ADMIN_PASSWORD);
    await t
      .http()
      .post('/api/study/lock')
      .set('Authorization', admin)
      .send({ reason: 'Last participant completed follow-up' })
      .expect(200);
    // The session lives in memory only: leave the screen and come back to ask again.
    const sections = page.getByRole('navigation', { name: 'Sections' });
    await sections.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await sections.getByRole('link', { name: 'Blinding index' }).click();
    await page.getByRole('heading', { level: 1, name: 'Blinding index' }).waitFor();
    const assessors = page.getByRole('table', { name: /^Outcome assessors/ });
    await assessors.waitFor();
    // The assessor's one guess was right: index 1 in the leg that got the cells, with no
    // interval (every guess in one category); the other leg has no guess at all.
    const row = assessors.getByRole('row', { name: new RegExp(`Cells in the ${limb} leg`) });
    expect(await row.getByRole('cell').allTextContents()).toEqual([
      '1',
      '0',
      '0',
      '1',
      '1.000',
      '0.000',
      'not estimable (every guess in one category)',
    ]);
    const other = limb === 'LEFT' ? 'RIGHT' : 'LEFT';
    const empty = assessors.getByRole('row', { name: new RegExp(`Cells in the ${other} leg`) });
    expect(await empty.getByRole('cell').allTextContents()).toEqual([
      '0',
      '0',
      '0',
      '0',
      'not estimable (no guess)',
      '—',
      'not estimable (no guess)',
    ]);
    const participants = page.getByRole('table', { name: /^Participants/ });
    const participantRow = participants.getByRole('row', {
      name: new RegExp(`Cells in the ${limb} leg`),
    });
    expect((await participantRow.getByRole('cell').allTextContents()).slice(0, 5)).toEqual([
      '0',
      '0',
      '1',
      '1',
      '0.000',
    ]);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('offers the assessor no screen that shows a limb, and the statistician’s index screen to no blinded role', async () => {
    const watched = await openPage(browser, t.url);
    const { page } = watched;
    await signIn(page, 'assessor', USER_PASSWORD);
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    const links = await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link')
      .allTextContents();
    expect(links).toEqual(['Overview', 'Blinding assessment']);
    await page.context().close();
  });
});
