/**
 * `npm run screenshots`: a picture of each screen, in English, into docs/screenshots/, for the
 * README and docs/user-guide.md. It starts the real server on a throwaway database, makes a
 * little history through the API (users of every role, a list, participants, an allocation, an
 * emergency unblinding), then signs in as each role in Debian's chromium and photographs each
 * screen as that role sees it. Run it again after a screen changes.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { REPO_ROOT } from './openapi-document';
import { launchBrowser, signIn, startWebApp, type WebApp } from '../test/support/browser';
import { ADMIN_PASSWORD, USER_PASSWORD } from '../test/support/test-app';
import { nctTrial, registration } from '../test/support/trial-fixtures';

const OUT = join(REPO_ROOT, 'docs', 'screenshots');

async function history(t: WebApp): Promise<void> {
  const statistician = await t.userWith('statistician1', ['statistician']);
  const pharmacist = await t.userWith('pharmacist1', ['pharmacist']);
  const unblinder = await t.userWith('unblinder1', ['unblinder']);
  await t.userWith('unblinder2', ['unblinder']);
  await t.userWith('monitor1', ['monitor']);
  await t.http().post('/api/randomization-list').set('Authorization', statistician).send({});
  const trial = nctTrial();
  const ids: string[] = [];
  for (let n = 1; n <= 4; n++) {
    const created = await t
      .http()
      .post('/api/participants')
      .set('Authorization', pharmacist)
      .send(registration(trial, `SCR-000${n}`, { age: 40 + n }));
    ids.push((created.body as { participantId: string }).participantId);
  }
  for (const id of ids.slice(0, 3))
    await t.http().post(`/api/participants/${id}/allocation`).set('Authorization', pharmacist);
  await t
    .http()
    .post(`/api/participants/${ids[0]}/unblinding`)
    .set('Authorization', unblinder)
    .send({
      reason: 'Serious adverse event: the treating physician must know the allocation',
      password: USER_PASSWORD,
    });
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
  console.log(`docs/screenshots/${name}.png`);
}

/** What to do on a screen before its picture: wait for its data, or show a typical state. */
type Prepare = (page: Page) => Promise<void>;

const prepare: Record<string, Prepare> = {
  allocate: async (page) => {
    await page.getByRole('button', { name: 'Choose ELA-004 (screening number SCR-0004)' }).click();
    await page.getByRole('button', { name: 'Allocate…' }).click();
    await page.getByRole('button', { name: 'Allocate now' }).click();
    await page.getByText('This view is recorded in the audit log', { exact: false }).waitFor();
  },
  'audit-log': async (page) => {
    await page.getByText(/^Entries 1–/).waitFor();
  },
  'blinding-register': async (page) => {
    await page.getByRole('table').first().waitFor();
  },
  'randomization-list': async (page) => {
    await page.getByRole('button', { name: 'Run the simulation' }).click();
    await page.getByRole('heading', { name: 'Simulation results' }).waitFor();
  },
  reviews: async (page) => {
    await page.getByRole('table').first().waitFor();
  },
};

async function as(
  browser: Browser,
  t: WebApp,
  username: string,
  password: string,
  screens: [link: string, file: string][],
): Promise<void> {
  const context = await browser.newContext({
    locale: 'en-GB',
    viewport: { width: 1280, height: 800 },
  });
  const page = await context.newPage();
  await page.goto(t.url);
  await signIn(page, username, password);
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  for (const [link, file] of screens) {
    await page.getByRole('navigation').getByRole('link', { name: link, exact: true }).click();
    await page.getByRole('heading', { level: 1 }).waitFor();
    await prepare[file]?.(page);
    await shoot(page, file);
  }
  await context.close();
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const t = await startWebApp();
  const browser = await launchBrowser();
  try {
    await history(t);
    const signInPage = await browser.newPage({
      locale: 'en-GB',
      viewport: { width: 1280, height: 800 },
    });
    await signInPage.goto(t.url);
    await shoot(signInPage, 'sign-in');
    await signInPage.close();
    await as(browser, t, 'pharmacist1', USER_PASSWORD, [
      ['Overview', 'overview'],
      ['Register a participant', 'register'],
      ['Allocate', 'allocate'],
    ]);
    await as(browser, t, 'unblinder2', USER_PASSWORD, [
      ['Emergency unblinding', 'unblinding'],
      ['Unblinding reviews', 'reviews'],
    ]);
    await as(browser, t, 'monitor1', USER_PASSWORD, [
      ['Audit log', 'audit-log'],
      ['Blinding register', 'blinding-register'],
    ]);
    await as(browser, t, 'statistician1', USER_PASSWORD, [
      ['Randomization list', 'randomization-list'],
    ]);
    await as(browser, t, 'admin', ADMIN_PASSWORD, [
      ['Users', 'users'],
      ['Study lock', 'study-lock'],
    ]);
  } finally {
    await browser.close();
    await t.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
