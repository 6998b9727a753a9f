/// <reference lib="dom" />
// page.evaluate callbacks run in the browser: their code is typed against the DOM.
import type { Browser } from 'playwright-core';
import {
  describeInBrowser,
  launchBrowser,
  openPage,
  seriousAccessibilityViolations,
  signIn,
  startWebApp,
  type WebApp,
} from '../support/browser';
import { USER_PASSWORD } from '../support/test-app';

describeInBrowser('web interface: shell, sign-in and session', () => {
  let t: WebApp;
  let browser: Browser;

  beforeAll(async () => {
    t = await startWebApp({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '3' });
    browser = await launchBrowser();
    await t.userWith('pat', ['pharmacist']);
    await t.userWith('multi', ['pharmacist', 'monitor']);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('is served at / by the same process, with a CSP allowing no inline script and no other origin', async () => {
    const page = await t.http().get('/').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).not.toMatch(/https?:|\*/);
    expect(page.headers.etag).toBeUndefined();
    expect(page.text).not.toMatch(/<script>(?!<\/script>)/);
    expect(page.text).not.toMatch(/(src|href)="https?:/);
    // A screen's own address reloads into the interface; the API keeps its JSON 404.
    await t
      .http()
      .get('/audit-log')
      .expect(200)
      .expect('Content-Type', /text\/html/);
    const missing = await t.http().get('/api/no-such-route').expect(404);
    expect(missing.body).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(page.text)?.[1];
    expect(asset).toBeDefined();
    const script = await t.http().get(asset!).expect(200);
    expect(script.headers['cache-control']).toMatch(/immutable/);
    expect(script.headers.etag).toBeUndefined();
    await t.http().get('/assets/no-such-file.js').expect(404);
  });

  it('explains a wrong password, a disabled account and throttling, each in its own words', async () => {
    await t.userWith('leaver', ['monitor']);
    const admin = await t.login('admin', process.env.UNUSED ?? 'admin-password-for-tests');
    await t.http().patch('/api/users/leaver').set('Authorization', admin).send({ active: false });
    const { page, console } = await openPage(browser, t.url);
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);

    await signIn(page, 'pat', 'wrong-password-here');
    await page.getByRole('alert').getByText('Wrong username or password.').waitFor();
    await expect(page.getByLabel('Password').inputValue()).resolves.toBe('');

    await signIn(page, 'leaver', USER_PASSWORD);
    await page.getByRole('alert').getByText('This account is disabled', { exact: false }).waitFor();

    await t.userWith('locked-out', ['monitor']);
    for (let attempt = 0; attempt < 3; attempt++) {
      await signIn(page, 'locked-out', `wrong-password-${attempt}`);
      await page.getByRole('alert').getByText('Wrong username or password.').waitFor();
    }
    await signIn(page, 'locked-out', USER_PASSWORD);
    await page.getByRole('alert').getByText('Too many attempts', { exact: false }).waitFor();
    expect(console.filter((line) => /Content Security Policy|Refused to/.test(line))).toEqual([]);
    await page.context().close();
  });

  it('signs in to the overview, shows each of a user’s sections, and signs out (the token is revoked)', async () => {
    const { page, console } = await openPage(browser, t.url);
    await signIn(page, 'multi', USER_PASSWORD);
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Sections' });
    for (const name of [
      'Overview',
      'Register a participant',
      'Allocate',
      'Audit log',
      'Blinding register',
    ])
      await nav.getByRole('link', { name }).waitFor();
    await expect(nav.getByRole('link', { name: 'Users' }).count()).resolves.toBe(0);
    await expect(page.title()).resolves.toMatch(/^Overview/);
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);

    // The token is kept in memory only: storage holds nothing but (maybe) the language.
    const stored = await page.evaluate(() => ({
      local: Object.keys(localStorage),
      session: Object.keys(sessionStorage),
      cookie: document.cookie,
    }));
    expect(stored.session).toEqual([]);
    expect(stored.local.filter((key) => key !== 'language')).toEqual([]);
    expect(stored.cookie).toBe('');

    const logout = page.waitForResponse((r) => r.url().endsWith('/api/auth/logout'));
    await page.getByRole('button', { name: 'Sign out' }).click();
    expect((await logout).status()).toBe(204);
    await page.getByRole('status').getByText('You have signed out.').waitFor();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    expect(console.filter((line) => /eyJ|Bearer/.test(line))).toEqual([]);
    await page.context().close();
  });

  it('follows the browser’s language, can be switched, and remembers the choice', async () => {
    const { page } = await openPage(browser, t.url, 'es-ES');
    await page.getByRole('heading', { level: 1, name: 'Iniciar sesión' }).waitFor();
    await expect(page.evaluate(() => document.documentElement.lang)).resolves.toBe('es');
    await page.getByLabel('Idioma').selectOption('en');
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await page.getByLabel('Language').selectOption('es');
    await page.getByLabel('Usuario').fill('pat');
    await page.getByLabel('Contraseña').fill(USER_PASSWORD);
    await page.getByRole('button', { name: 'Iniciar sesión' }).click();
    await page.getByRole('heading', { level: 1, name: 'Resumen' }).waitFor();
    await page.getByRole('link', { name: 'Registrar un participante' }).waitFor();
    await page.context().close();
  });

  it('is kept alive by use, warns two minutes before it ends, stays on request, and after a 401 keeps the screen under a sign-in', async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    await page.clock.install();
    await page.goto(t.url);
    await signIn(page, 'pat', USER_PASSWORD);
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await page.getByLabel('Find a participant', { exact: false }).fill('SCR-typed-before');

    // Use keeps the session alive: the typing above is activity, so the token is swapped.
    const kept = page.waitForResponse((r) => r.url().endsWith('/api/auth/refresh'));
    await page.clock.fastForward('06:00');
    expect((await kept).status()).toBe(200);

    // Unused, the session warns two minutes before it ends.
    await page.clock.fastForward('13:30');
    const warning = page.getByRole('alert').filter({ hasText: 'Your session ends in' });
    await warning.waitFor();
    const refreshed = page.waitForResponse((r) => r.url().endsWith('/api/auth/refresh'));
    await page.getByRole('button', { name: 'Stay signed in' }).click();
    expect((await refreshed).status()).toBe(200);
    await warning.waitFor({ state: 'detached' });

    // The session ends without use: the sign-in dialog covers the screen, which is kept.
    await page.clock.fastForward('16:00');
    const dialog = page.getByRole('dialog', { name: 'Sign in' });
    await dialog.waitFor();
    await dialog.getByLabel('Password').fill(USER_PASSWORD);
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect(
      page.getByLabel('Find a participant', { exact: false }).inputValue(),
    ).resolves.toBe('SCR-typed-before');
    await context.close();
  });

  it('answers a 401 from the API with a sign-in over the screen, which keeps what the user typed', async () => {
    await t.userWith('renamed', ['pharmacist']);
    const { page } = await openPage(browser, t.url);
    await signIn(page, 'renamed', USER_PASSWORD);
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    // The administrator resets the password: every token of the account is revoked at once.
    const admin = await t.login('admin', 'admin-password-for-tests');
    await t
      .http()
      .patch('/api/users/renamed')
      .set('Authorization', admin)
      .send({ password: 'a-brand-new-password-2026' })
      .expect(200);
    await page.getByLabel('Find a participant', { exact: false }).fill('SCR-0042');
    await page.getByRole('button', { name: 'Find' }).click();
    const dialog = page.getByRole('dialog', { name: 'Sign in' });
    await dialog.waitFor();
    await expect(dialog.getByLabel('Username').inputValue()).resolves.toBe('renamed');
    await dialog.getByLabel('Password').fill('a-brand-new-password-2026');
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect(
      page.getByLabel('Find a participant', { exact: false }).inputValue(),
    ).resolves.toBe('SCR-0042');
    await page.context().close();
  });
});
