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

const BANNER = 'TRAINING — NOT FOR CLINICAL USE';

describeInBrowser('web interface: training banner', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(() => browser?.close());

  describe('on a practice instance (TRAINING=true)', () => {
    let t: WebApp;
    beforeAll(async () => {
      t = await startWebApp({ TRAINING: 'true' });
      await t.userWith('pat', ['pharmacist']);
    });
    afterAll(() => t?.close());

    it('shows the banner on the sign-in screen and on a screen after sign-in, in both languages', async () => {
      const watched = await openPage(browser, t.url);
      const { page } = watched;
      const banner = page.getByRole('region', { name: BANNER });
      await banner.waitFor();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await signIn(page, 'pat', USER_PASSWORD);
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      expect(await page.getByRole('region', { name: BANNER }).count()).toBe(1);
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      expect(watched.console.filter((line) => /Content Security Policy/i.test(line))).toEqual([]);
      await page.context().close();

      const spanish = await openPage(browser, t.url, 'es-ES');
      await spanish.page
        .getByRole('region', { name: 'FORMACIÓN — NO APTO PARA USO CLÍNICO' })
        .waitFor();
      await spanish.page.context().close();
    });
  });

  describe('on a clinical instance', () => {
    let t: WebApp;
    beforeAll(async () => {
      t = await startWebApp();
    });
    afterAll(() => t?.close());

    it('shows no banner', async () => {
      const { page } = await openPage(browser, t.url);
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      // The health answer (training: false) has arrived once the page is idle.
      await page.waitForLoadState('networkidle');
      expect(await page.getByRole('region', { name: BANNER }).count()).toBe(0);
      await page.context().close();
    });
  });
});
