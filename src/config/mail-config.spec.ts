import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { messageIdOf } from '../notifications/mail-transport';
import { channelOf } from '../notifications/notification-worker';
import { resolveMailRecipients } from '../runtime';
import { trialDefinitionHash } from '../trial/trial-definition-hash';
import { notificationState } from '../unblinding/unblinding.service';
import { ConfigError, loadAppConfig } from './app-config';
import {
  parseTrialDefinition,
  parseTrialMailRecipients,
  TrialDefinitionError,
} from './trial-definition';

type Env = Record<string, string | undefined>;
const SMTP: Env = {
  SMTP_URL: 'smtp://relay:s3cret@mail.unit.example:587',
  MAIL_FROM: 'trial@unit.example',
};

function refusal(work: () => unknown): Error {
  try {
    work();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a refusal');
}

describe('Email configuration (SMTP_URL, MAIL_FROM, MAIL_TO_*)', () => {
  it('sends no email when SMTP_URL is unset', () => {
    expect(loadAppConfig({}).notifications.mail).toBeUndefined();
  });

  it('reads the relay, the sender and each audience list', () => {
    const mail = loadAppConfig({
      ...SMTP,
      MAIL_TO_SPONSOR: 'pv@sponsor.example, cra@sponsor.example',
      MAIL_TO_ADMINS: 'it@unit.example',
    }).notifications.mail;
    expect(mail).toEqual({
      smtpUrl: SMTP.SMTP_URL,
      smtpDisplay: 'smtp://mail.unit.example:587',
      from: 'trial@unit.example',
      recipients: {
        sponsor: ['pv@sponsor.example', 'cra@sponsor.example'],
        admins: ['it@unit.example'],
      },
    });
  });

  it.each([
    [{ SMTP_URL: 'http://mail.unit.example' }, 'SMTP_URL', /smtp:\/\/ or smtps:\/\//],
    [{ SMTP_URL: 'not a url' }, 'SMTP_URL', /is not a URL/],
    [{ SMTP_URL: 'smtp://mail.unit.example' }, 'MAIL_FROM', /must be set when SMTP_URL is set/],
    [{ ...SMTP, MAIL_FROM: 'trial at unit' }, 'MAIL_FROM', /name@host/],
    [{ ...SMTP, MAIL_TO_SPONSOR: 'pv@sponsor.example,,x@y.org' }, 'MAIL_TO_SPONSOR', /empty entry/],
    [
      { ...SMTP, MAIL_TO_INVESTIGATORS: 'inv@site;other@site' },
      'MAIL_TO_INVESTIGATORS',
      /name part/,
    ],
    [{ MAIL_TO_ADMINS: 'it@unit.example' }, 'SMTP_URL', /must be set when MAIL_TO_ADMINS is set/],
    [{ MAIL_FROM: 'trial@unit.example' }, 'SMTP_URL', /must be set when MAIL_FROM is set/],
  ])('refuses %j, naming %s', (env: Env, variable, problem) => {
    const error = refusal(() => loadAppConfig(env));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect(error.message).toMatch(problem);
  });

  it('never repeats the relay password in a refusal', () => {
    const error = refusal(() =>
      loadAppConfig({ SMTP_URL: 'ftp://relay:pa55word@mail.unit.example', MAIL_FROM: 'a@b.org' }),
    );
    expect(error.message).not.toContain('pa55word');
    expect(loadAppConfig(SMTP).notifications.mail?.smtpDisplay).not.toContain('s3cret');
  });
});

describe(parseTrialMailRecipients.name, () => {
  const nct = JSON.parse(
    readFileSync(join(__dirname, '../../config/trials/nct02286011.json'), 'utf8'),
  ) as Record<string, unknown>;

  it('is empty for a file without the section', () => {
    expect(parseTrialMailRecipients(nct, 'nct.json')).toEqual({});
  });

  it('reads each audience list, and leaves the definition and its hash unchanged', () => {
    const withRecipients = {
      ...nct,
      mailRecipients: { sponsor: ['pv@sponsor.example'], admins: [] },
    };
    expect(parseTrialMailRecipients(withRecipients, 'nct.json')).toEqual({
      sponsor: ['pv@sponsor.example'],
      admins: [],
    });
    expect(trialDefinitionHash(parseTrialDefinition(withRecipients, 'nct.json'))).toBe(
      trialDefinitionHash(parseTrialDefinition(nct, 'nct.json')),
    );
  });

  it.each([
    [{ sponsors: [] }, '$.mailRecipients.sponsors', /is not a known field/],
    [{ sponsor: 'pv@sponsor.example' }, '$.mailRecipients.sponsor', /must be an array/],
    [{ admins: ['it@unit.example', 'not-an-address'] }, '$.mailRecipients.admins', /name@host/],
    [{ investigators: [7] }, '$.mailRecipients.investigators[0]', /non-empty string/],
  ])('refuses %j at start, naming %s', (section, path, problem) => {
    const error = refusal(() =>
      parseTrialDefinition({ ...nct, mailRecipients: section }, 'nct.json'),
    );
    expect(error).toBeInstanceOf(TrialDefinitionError);
    expect((error as TrialDefinitionError).path).toBe(path);
    expect(error.message).toMatch(problem);
  });
});

describe(resolveMailRecipients.name, () => {
  it('takes each audience from the environment when set, else from the trial file, never merged', () => {
    expect(
      resolveMailRecipients(
        { sponsor: ['env@sponsor.example'] },
        { sponsor: ['file@sponsor.example'], admins: ['file-it@unit.example'] },
      ),
    ).toEqual({
      sponsor: ['env@sponsor.example'],
      investigators: [],
      admins: ['file-it@unit.example'],
    });
  });
});

describe(channelOf.name, () => {
  it('names an email row by its address and a webhook by its origin only', () => {
    expect(channelOf('mailto:pv@sponsor.example')).toEqual({
      channel: 'email',
      recipient: 'pv@sponsor.example',
    });
    expect(channelOf('https://hooks.sponsor.example/t/SECRET-TOKEN?k=v')).toEqual({
      channel: 'webhook',
      recipient: 'https://hooks.sponsor.example',
    });
  });
});

describe(messageIdOf.name, () => {
  it("is the same for every attempt at a notice, in the sender's domain", () => {
    expect(messageIdOf(12, 'NCT02286011', 'Trial unit <trial@unit.example>')).toBe(
      '<notification-12.NCT02286011@unit.example>',
    );
    expect(messageIdOf(12, 'TCIM/ELA', 'trial@unit.example')).toBe(
      '<notification-12.TCIM-ELA@unit.example>',
    );
  });
});

describe(notificationState.name, () => {
  const delivered = { deliveredAt: '2026-01-01T00:00:00.000Z', failedAt: null };
  const pending = { deliveredAt: null, failedAt: null };
  const failed = { deliveredAt: null, failedAt: '2026-01-01T00:00:00.000Z' };

  it('is DELIVERED only when every notice of the unblinding arrived, FAILED when one gave up', () => {
    expect(notificationState([])).toBe('NOT_CONFIGURED');
    expect(notificationState([delivered, delivered])).toBe('DELIVERED');
    expect(notificationState([delivered, pending])).toBe('PENDING');
    expect(notificationState([delivered, failed, pending])).toBe('FAILED');
  });
});
