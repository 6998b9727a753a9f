import { Logger } from '@nestjs/common';
import { NO_NOTIFICATION_CHANNEL } from '../src/app.factory';
import { startTestApp } from './support/test-app';

/** What the server says at start, whatever LOG_LEVEL lets through (the tests run at `error`). */
async function startupWarnings(overrides: Record<string, string>): Promise<string[]> {
  const warn = jest.spyOn(Logger.prototype, 'warn');
  try {
    const t = await startTestApp(overrides);
    await t.close();
    return warn.mock.calls.map((call) => String(call[0]));
  } finally {
    warn.mockRestore();
  }
}

describe('Start-up log (end to end)', () => {
  it('warns that an emergency unblinding would notify no one when no channel is configured', async () => {
    const warnings = await startupWarnings({});
    expect(warnings).toContain(NO_NOTIFICATION_CHANNEL);
    expect(NO_NOTIFICATION_CHANNEL).toMatch(/NOTIFICATION_WEBHOOK_URL/);
    expect(NO_NOTIFICATION_CHANNEL).toMatch(/emergency unblinding would notify no one/);
  });

  it('does not warn when a webhook is configured', async () => {
    const warnings = await startupWarnings({
      NOTIFICATION_WEBHOOK_URL: 'http://127.0.0.1:9/never-called',
    });
    expect(warnings.filter((warning) => /notif/i.test(warning))).toEqual([]);
  });

  it('counts email to a sponsor list as a channel, and names an audience that gets no email', async () => {
    const warnings = await startupWarnings({
      SMTP_URL: 'smtp://127.0.0.1:9',
      MAIL_FROM: 'trial@unit.example',
      MAIL_TO_SPONSOR: 'pv@sponsor.example',
      MAIL_TO_INVESTIGATORS: 'investigators@site.example',
    });
    expect(warnings).not.toContain(NO_NOTIFICATION_CHANNEL);
    expect(warnings.filter((warning) => /email/i.test(warning))).toEqual([
      expect.stringMatching(
        /no admins recipients are \(MAIL_TO_ADMINS or the trial file's mailRecipients\.admins\): a list integrity failure will not be emailed/,
      ),
    ]);
  });
});
