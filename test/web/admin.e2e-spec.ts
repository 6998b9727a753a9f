import type { Browser, Page } from 'playwright-core';
import {
  LOCK_REASON_MAX_LENGTH,
  LOCK_REASON_MIN_LENGTH,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  USERNAME_PATTERN,
} from '../../web/src/screens/admin-rules';
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
import { ADMIN_PASSWORD } from '../support/test-app';

interface SchemaProperty {
  pattern?: string;
  minLength?: number;
  maxLength?: number;
}

describeInBrowser('web interface: users and study lock (admin)', () => {
  let t: WebApp;
  let browser: Browser;
  let watched: WatchedPage;
  let page: Page;

  const axeClean = () => expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);
  const loginAnswer = (username: string, password: string) =>
    t.http().post('/api/auth/login').send({ username, password });

  beforeAll(async () => {
    t = await startWebApp();
    browser = await launchBrowser();
    watched = await openPage(browser, t.url);
    page = watched.page;
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('states the username, password and reason rules that the served API document enforces', async () => {
    const document = await t.http().get('/api/docs-json').expect(200);
    const schemas = (
      document.body as {
        components: { schemas: Record<string, { properties: Record<string, SchemaProperty> }> };
      }
    ).components.schemas;
    for (const dto of ['CreateUserDto', 'UpdateUserDto'])
      expect(schemas[dto]?.properties.password).toMatchObject({
        minLength: PASSWORD_MIN_LENGTH,
        maxLength: PASSWORD_MAX_LENGTH,
      });
    expect(schemas.CreateUserDto?.properties.username).toMatchObject({
      pattern: USERNAME_PATTERN.source,
    });
    expect(schemas.LockStudyDto?.properties.reason).toMatchObject({
      minLength: LOCK_REASON_MIN_LENGTH,
      maxLength: LOCK_REASON_MAX_LENGTH,
    });
  });

  it('creates a user (a weak password and a duplicate refused first), changes roles, disables, enables and resets the password', async () => {
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Users' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
    const table = page.getByRole('table', { name: 'Accounts' });
    await table.getByRole('rowheader', { name: 'admin' }).waitFor();
    await axeClean();

    // A weak password: the API refuses (400), the screen says which rule, in words.
    const createForm = page.getByRole('region', { name: 'Create a user' });
    await createForm.getByLabel('Username').fill('pharm1');
    await createForm.getByLabel('Display name (optional)').fill('Pharmacy, Hospital Virgen');
    await createForm.getByLabel('Initial password').fill('too-short');
    await createForm.getByRole('group', { name: 'Roles' }).getByLabel('pharmacist').check();
    const refused = page.waitForResponse(
      (r) => r.url().endsWith('/api/users') && r.request().method() === 'POST',
    );
    await createForm.getByRole('button', { name: 'Create user' }).click();
    expect((await refused).status()).toBe(400);
    await createForm
      .getByRole('alert')
      .getByText(`The password is too short: it needs at least ${PASSWORD_MIN_LENGTH} characters.`)
      .waitFor();
    await axeClean();
    await expect(loginAnswer('pharm1', 'too-short')).resolves.toMatchObject({ status: 401 });

    const firstPassword = 'a-good-first-password-7';
    await createForm.getByLabel('Initial password').fill(firstPassword);
    await createForm.getByRole('button', { name: 'Create user' }).click();
    await createForm.getByRole('status').getByText('User pharm1 created.').waitFor();
    const row = table
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: 'pharm1' }) });
    await row.getByRole('cell', { name: 'Pharmacy, Hospital Virgen' }).waitFor();
    await row.getByRole('cell', { name: 'pharmacist', exact: true }).waitFor();
    await row.getByRole('cell', { name: 'Active' }).waitFor();
    const firstToken = await t.login('pharm1', firstPassword);
    // The form was emptied for the next user.
    await expect(createForm.getByLabel('Initial password').inputValue()).resolves.toBe('');

    // The same username again: 409, said as such.
    await createForm.getByLabel('Username').fill('pharm1');
    await createForm.getByLabel('Initial password').fill('another-good-password');
    await createForm.getByRole('group', { name: 'Roles' }).getByLabel('investigator').check();
    await createForm.getByRole('button', { name: 'Create user' }).click();
    await createForm
      .getByRole('alert')
      .getByText('A user named pharm1 already exists. Choose another username.')
      .waitFor();

    // Roles: add monitor, effective on the user's next request with the same token.
    await page.getByRole('button', { name: 'Edit pharm1' }).click();
    const panel = page.getByRole('region', { name: 'Account pharm1' });
    await panel.getByRole('group', { name: 'Roles' }).getByLabel('monitor').check();
    await panel.getByRole('button', { name: 'Save roles' }).click();
    await panel.getByRole('status').getByText('Roles of pharm1 saved', { exact: false }).waitFor();
    await row.getByRole('cell', { name: 'pharmacist, monitor' }).waitFor();
    const me = await t.http().get('/api/auth/me').set('Authorization', firstToken).expect(200);
    expect(me.body).toMatchObject({ username: 'pharm1', roles: ['pharmacist', 'monitor'] });

    // Disabling asks first, and says that the sessions end.
    await panel.getByRole('button', { name: 'Disable account' }).click();
    const dialog = page.getByRole('dialog', { name: 'Disable pharm1?' });
    await dialog.getByText('Every session of pharm1 ends at once', { exact: false }).waitFor();
    await axeClean();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await t.http().get('/api/auth/me').set('Authorization', firstToken).expect(200);
    await panel.getByRole('button', { name: 'Disable account' }).click();
    await dialog.getByRole('button', { name: 'Disable', exact: true }).click();
    await panel.getByRole('status').getByText('pharm1 is disabled', { exact: false }).waitFor();
    await row.getByRole('cell', { name: 'Disabled' }).waitFor();
    await t.http().get('/api/auth/me').set('Authorization', firstToken).expect(401);
    const disabled = await loginAnswer('pharm1', firstPassword);
    expect(disabled.status).toBe(401);
    expect(disabled.body).toMatchObject({ code: 'ACCOUNT_DISABLED' });

    await panel.getByRole('button', { name: 'Enable account' }).click();
    await panel.getByRole('status').getByText('pharm1 is enabled', { exact: false }).waitFor();
    await row.getByRole('cell', { name: 'Active' }).waitFor();
    const enabledToken = await t.login('pharm1', firstPassword);

    // A new password: it says that the sessions end, and they do; the old password is refused.
    await panel.getByText('ends every session of the user at once', { exact: false }).waitFor();
    const newPassword = 'a-brand-new-password-8';
    await panel.getByLabel('New password').fill(newPassword);
    await panel.getByRole('button', { name: 'Set new password' }).click();
    await panel
      .getByRole('status')
      .getByText('New password set for pharm1', { exact: false })
      .waitFor();
    await expect(panel.getByLabel('New password').inputValue()).resolves.toBe('');
    await t.http().get('/api/auth/me').set('Authorization', enabledToken).expect(401);
    const old = await loginAnswer('pharm1', firstPassword);
    expect(old.status).toBe(401);
    expect(old.body).toMatchObject({ code: 'UNAUTHENTICATED' });
    await t.login('pharm1', newPassword);
    await axeClean();

    // Never a password hash on the screen or in what the screen was given.
    const users = await t
      .http()
      .get('/api/users')
      .set('Authorization', await t.login('admin', ADMIN_PASSWORD))
      .expect(200);
    expect(JSON.stringify(users.body)).not.toMatch(/argon|\$|hash/i);
    await expect(page.content()).resolves.not.toMatch(/\$argon2/);
  });

  it('refuses to disable the last active admin, and says why', async () => {
    await page.getByRole('button', { name: 'Edit admin' }).click();
    const panel = page.getByRole('region', { name: 'Account admin' });
    await panel.getByRole('button', { name: 'Disable account' }).click();
    const dialog = page.getByRole('dialog', { name: 'Disable admin?' });
    await dialog.getByRole('button', { name: 'Disable', exact: true }).click();
    await panel
      .getByRole('alert')
      .getByText('This would leave no active administrator', { exact: false })
      .waitFor();
    await axeClean();
    const table = page.getByRole('table', { name: 'Accounts' });
    const row = table
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: 'admin' }) });
    await row.getByRole('cell', { name: 'Active' }).waitFor();
    await t.login('admin', ADMIN_PASSWORD);
    await panel.getByRole('button', { name: 'Close' }).click();
    await panel.waitFor({ state: 'detached' });
    // The focus goes back to the button that opened the panel, not to the top of the page.
    await expect(
      page
        .getByRole('button', { name: 'Edit admin' })
        .evaluate((button) => button === document.activeElement),
    ).resolves.toBe(true);
  });

  it('words the refusals in Spanish: a bad username, a short password, the last admin', async () => {
    const spanish = await openPage(browser, t.url, 'es-ES');
    const es = spanish.page;
    await es.getByLabel('Usuario').fill('admin');
    await es.getByLabel('Contraseña').fill(ADMIN_PASSWORD);
    await es.getByRole('button', { name: 'Iniciar sesión' }).click();
    await es.getByRole('navigation').getByRole('link', { name: 'Usuarios' }).click();
    await es.getByRole('heading', { level: 1, name: 'Usuarios' }).waitFor();
    const form = es.getByRole('region', { name: 'Crear un usuario' });
    await form.getByLabel('Usuario').fill('Enfermera 1');
    await form.getByLabel('Contraseña inicial').fill('una-contraseña-larga');
    await form.getByRole('group', { name: 'Roles' }).getByLabel('farmacéutico').check();
    await form.getByRole('button', { name: 'Crear usuario' }).click();
    await form
      .getByRole('alert')
      .getByText('El nombre de usuario solo admite letras minúsculas', { exact: false })
      .waitFor();
    await form.getByLabel('Usuario').fill('enfermera1');
    await form.getByLabel('Contraseña inicial').fill('corta');
    await form.getByRole('button', { name: 'Crear usuario' }).click();
    await form
      .getByRole('alert')
      .getByText(
        `La contraseña es demasiado corta: necesita al menos ${PASSWORD_MIN_LENGTH} caracteres.`,
      )
      .waitFor();
    await expect(seriousAccessibilityViolations(es)).resolves.toEqual([]);
    await es.getByRole('button', { name: 'Editar admin' }).click();
    const panel = es.getByRole('region', { name: 'Cuenta admin' });
    await panel.getByRole('button', { name: 'Deshabilitar la cuenta' }).click();
    await es
      .getByRole('dialog', { name: '¿Deshabilitar a admin?' })
      .getByRole('button', { name: 'Deshabilitar', exact: true })
      .click();
    await panel
      .getByRole('alert')
      .getByText('Así no quedaría ningún administrador activo', { exact: false })
      .waitFor();
    await es.context().close();
  });

  it('locks the study with a reason and a confirmation that repeats the consequences, then shows when, by whom and why', async () => {
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Study lock' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Study lock' }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'The study is open' }).waitFor();
    await page.getByText('the lock cannot be undone', { exact: false }).first().waitFor();
    await axeClean();

    const reasonBox = page.getByLabel('Reason for locking');
    await reasonBox.fill('short');
    await page.getByRole('button', { name: 'Lock the study…' }).click();
    await page
      .getByRole('alert')
      .getByText(`Write a reason of at least ${LOCK_REASON_MIN_LENGTH} characters (5 more).`)
      .waitFor();
    await expect(page.getByRole('dialog').count()).resolves.toBe(0);
    await axeClean();

    const reason = 'Last participant completed follow-up; database lock';
    await reasonBox.fill(reason);
    await page.getByRole('button', { name: 'Lock the study…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Lock the study for good?' });
    await dialog.getByText('no participant can be registered', { exact: false }).waitFor();
    await dialog.getByText('the lock cannot be undone', { exact: false }).waitFor();
    await dialog.getByText(`Reason: ${reason}`).waitFor();
    await axeClean();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const admin = await t.login('admin', ADMIN_PASSWORD);
    const stillOpen = await t.http().get('/api/trial').set('Authorization', admin).expect(200);
    expect(stillOpen.body).toMatchObject({ locked: false, lockedAt: null });

    await page.getByRole('button', { name: 'Lock the study…' }).click();
    const locking = page.waitForResponse((r) => r.url().endsWith('/api/study/lock'));
    await dialog.getByRole('button', { name: 'Lock the study', exact: true }).click();
    expect((await locking).status()).toBe(200);
    await page.getByRole('status').getByText('The study is locked.').waitFor();
    await page.getByRole('heading', { level: 2, name: 'The study is locked' }).waitFor();
    await page.getByText(reason, { exact: true }).waitFor();
    await axeClean();

    const trial = await t.http().get('/api/trial').set('Authorization', admin).expect(200);
    expect(trial.body).toMatchObject({ locked: true, lockedBy: 'admin', lockReason: reason });
    await t
      .http()
      .post('/api/study/lock')
      .set('Authorization', admin)
      .send({ reason: 'A second lock is refused' })
      .expect(409);

    // Coming back later: the state is read from GET /api/trial, with no form to lock again.
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Overview' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Study lock' })
      .click();
    await page.getByRole('heading', { level: 2, name: 'The study is locked' }).waitFor();
    const facts = page.getByRole('definition');
    await facts.getByText(reason, { exact: true }).waitFor();
    await facts.getByText('admin', { exact: true }).waitFor();
    await expect(page.getByLabel('Reason for locking').count()).resolves.toBe(0);
    await axeClean();

    expect(
      watched.console.filter((line) => /Content Security Policy|Refused to/.test(line)),
    ).toEqual([]);
  });
});
