import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatInTimeZone } from '../src/allocation/preparation';
import { createApp } from '../src/app.factory';
import { ChainedAuditEntry } from '../src/audit/audit-chain';
import { NCT_TRIAL_FILE, nctTrial, registration } from './support/trial-fixtures';
import { ReceivedMail, SmtpReceiver, startSmtpReceiver } from './support/smtp-receiver';
import { ADMIN_PASSWORD, startTestApp, TestApp, USER_PASSWORD } from './support/test-app';
import { slotGuardDrops } from './support/test-database';
import { waitFor } from './support/webhook-receiver';

const trial = nctTrial();
const SEED = 'email-e2e-seed-000001';
const REASON = 'Anaphylaxis after the injection: the treating physician must know';
const SPONSOR = ['pv@sponsor.example', 'cra@sponsor.example'];
const INVESTIGATOR = 'investigators@site.example';
const ADMIN = 'it-admin@site.example';
const FROM = 'trial-unit@site.example';

/** The environment of an app that mails through `relay`, polling the outbox quickly. */
function mailEnv(relay: SmtpReceiver, extra: Record<string, string> = {}) {
  return {
    SMTP_URL: relay.url,
    MAIL_FROM: `NCT02286011 randomization <${FROM}>`,
    MAIL_TO_SPONSOR: SPONSOR.join(', '),
    MAIL_TO_INVESTIGATORS: INVESTIGATOR,
    MAIL_TO_ADMINS: ADMIN,
    NOTIFICATION_POLL_MS: '20',
    NOTIFICATION_RETRY_BASE_MS: '20',
    ...extra,
  };
}

/**
 * The source as a reader sees it: folded header lines joined, quoted-printable soft breaks and
 * escapes undone, so that a word cannot hide across a line break or behind an encoding.
 */
function readable(raw: string): string {
  return raw
    .replace(/\r\n[ \t]+/g, ' ')
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

const subjectOf = (mail: ReceivedMail) => /^Subject: (.*)$/m.exec(readable(mail.raw))?.[1] ?? '';
const mailsTo = (relay: SmtpReceiver, address: string) =>
  relay.received.filter((mail) => mail.to.includes(address));

/** Waits, without a deadline of its own (jest's timeout applies), for an async condition. */
async function waitUntil(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 25));
}

/** Every notice of the outbox has been delivered (each is marked just after the relay's 250). */
const outboxDelivered = (t: TestApp) => async () =>
  (await t.database.count('notifications', 'delivered_at IS NULL')) === 0;

describe('Email notifications (end to end)', () => {
  let relay: SmtpReceiver;
  let t: TestApp;
  let audit: ChainedAuditEntry[];
  const allocations: { participantId: string; cellLimb: string; slot: number; at: string }[] = [];
  let unblindedAt: string;
  let exported: { seed: string; nonce: string };

  beforeAll(async () => {
    relay = await startSmtpReceiver();
    t = await startTestApp(mailEnv(relay));
    const statistician = await t.userWith('stat', ['statistician']);
    const pharmacist = await t.userWith('pharm', ['pharmacist']);
    const investigator = await t.userWith('inv', ['investigator']);
    const unblinder = await t.userWith('unb', ['unblinder']);
    await t
      .http()
      .post('/api/randomization-list')
      .set('Authorization', statistician)
      .send({ seed: SEED })
      .expect(201);
    for (let i = 1; i <= trial.targetSize; i += 1) {
      await t
        .http()
        .post('/api/participants')
        .set('Authorization', i % 2 === 0 ? investigator : pharmacist)
        .send(registration(trial, `SCR-${i}`))
        .expect(201);
      if (i <= 2) {
        const allocated = await t
          .http()
          .post(`/api/participants/ELA-00${i}/allocation`)
          .set('Authorization', pharmacist)
          .expect(201);
        const body = allocated.body as { cellLimb: string; slot: number; allocatedAt: string };
        allocations.push({
          participantId: `ELA-00${i}`,
          cellLimb: body.cellLimb,
          slot: body.slot,
          at: body.allocatedAt,
        });
      }
    }
    const unblinding = await t
      .http()
      .post('/api/participants/ELA-001/unblinding')
      .set('Authorization', unblinder)
      .send({ reason: REASON, password: USER_PASSWORD })
      .expect(200);
    unblindedAt = (unblinding.body as { unblindedAt: string }).unblindedAt;
    // 2 allocations x 1 + unblinding x 2 sponsor addresses + (90% and 100%) x 3 addresses.
    await waitUntil(outboxDelivered(t));
    // The seed and nonce become readable after lock: the messages must hold neither.
    const admin = await t.login('admin', ADMIN_PASSWORD);
    await t
      .http()
      .post('/api/study/lock')
      .set('Authorization', admin)
      .send({ reason: 'End of the email notification test' })
      .expect(200);
    const list = await t
      .http()
      .get('/api/randomization-list/export')
      .set('Authorization', statistician)
      .expect(200);
    exported = list.body as { seed: string; nonce: string };
    audit = await t.database.auditEntries();
  });
  afterAll(async () => {
    await t?.close();
    await relay?.close();
  });

  it('confirms each allocation to the investigators: trial, participant, time in the trial zone, who allocated', () => {
    const confirmations = mailsTo(relay, INVESTIGATOR).filter((m) =>
      subjectOf(m).includes('allocated'),
    );
    expect(confirmations.map(subjectOf)).toEqual([
      '[NCT02286011] Participant ELA-001 allocated',
      '[NCT02286011] Participant ELA-002 allocated',
    ]);
    for (const [index, mail] of confirmations.entries()) {
      const text = readable(mail.raw);
      expect(text).toContain('Trial: NCT02286011');
      expect(text).toContain(`Participant: ${allocations[index].participantId}`);
      expect(text).toContain('Allocated by: pharm');
      expect(text).toContain(formatInTimeZone(allocations[index].at, trial.timeZone));
      expect(text).toContain('(Europe/Madrid, UTC+');
      expect(mail.from).toBe(FROM);
      expect(text).toMatch(/^Content-Type: text\/plain/m);
    }
  });

  it('tells every address of the sponsor list of an emergency unblinding, and not its reason', () => {
    const notices = relay.received.filter((m) => subjectOf(m).includes('Emergency unblinding'));
    expect(notices.map((m) => m.to)).toEqual(SPONSOR.map((address) => [address]));
    for (const mail of notices) {
      const text = readable(mail.raw);
      expect(subjectOf(mail)).toBe('[NCT02286011] Emergency unblinding of participant ELA-001');
      expect(text).toContain('Unblinded by: unb');
      expect(text).toContain(formatInTimeZone(unblindedAt, trial.timeZone));
      // Free text stays behind sign-in: it may hold health data.
      expect(text).not.toContain('Anaphylaxis');
    }
  });

  it('tells sponsor and investigators once at 90% and once at 100% of the target size', () => {
    const milestones = relay.received.filter((m) => /target size/i.test(subjectOf(m)));
    const expected = [
      `[NCT02286011] 90% of the target size registered: 18 of ${trial.targetSize}`,
      `[NCT02286011] Target size reached: ${trial.targetSize} of ${trial.targetSize} registered`,
    ];
    for (const address of [...SPONSOR, INVESTIGATOR]) {
      expect(milestones.filter((m) => m.to.includes(address)).map(subjectOf)).toEqual(expected);
    }
    const reached = milestones.find((m) => subjectOf(m) === expected[1]);
    expect(readable(reached?.raw ?? '')).toContain(
      'Last registration: participant ELA-020, by inv',
    );
    // Nothing was mailed to the admins: the list stayed intact.
    expect(mailsTo(relay, ADMIN)).toEqual([]);
  });

  it('never carries a limb, a slot, the seed, the nonce or a password in a message source, headers included', () => {
    expect(relay.received).toHaveLength(10);
    const allocated = audit.filter((e) => e.action === 'ALLOCATED');
    expect(allocated.map((e) => e.details.slot)).toEqual(allocations.map((a) => a.slot));
    for (const mail of relay.received) {
      for (const source of [mail.raw, readable(mail.raw)]) {
        // The trial's targets (ids and labels) and the words for legs, in English and Spanish.
        expect(source).not.toMatch(/\b(left|right|izquierda|derecha)\b/i);
        for (const target of trial.allocation.targets) {
          expect(source).not.toContain(target.id);
          expect(source).not.toContain(target.label);
        }
        expect(source).not.toMatch(/\bslot\b/i);
        expect(source).not.toContain(exported.seed);
        expect(source).not.toContain(exported.nonce);
        for (const secret of [USER_PASSWORD, ADMIN_PASSWORD, relay.password]) {
          expect(source).not.toContain(secret);
        }
      }
    }
  });

  it('audits each delivery as NOTIFICATION_SENT naming channel email, the event and the address', () => {
    const sent = audit.filter((e) => e.action === 'NOTIFICATION_SENT');
    expect(sent).toHaveLength(10);
    expect(sent).toContainEqual(
      expect.objectContaining({
        actor: 'system',
        participantId: 'ELA-002',
        details: expect.objectContaining({
          channel: 'email',
          kind: 'ALLOCATION_CONFIRMED',
          recipient: INVESTIGATOR,
          attempts: 1,
        }) as unknown,
      }),
    );
    const unblinded = audit.find((e) => e.action === 'UNBLINDED');
    expect(unblinded?.details.email).toEqual({ queuedFor: SPONSOR });
    // The relay's password is in SMTP_URL only: never in the log, the outbox or an answer.
    expect(JSON.stringify(audit)).not.toContain(relay.password);
    expect(JSON.stringify(audit)).not.toMatch(/\b(LEFT|RIGHT)\b/);
  });

  it('keeps no relay password and no limb in the outbox rows', async () => {
    const rows = await t.database.query<{ recipient: string; payload: string }>(
      'SELECT recipient, payload FROM notifications',
    );
    expect(rows).toHaveLength(10);
    for (const row of rows) {
      expect(row.recipient).toMatch(/^mailto:[^,\s]+@[^,\s]+$/);
      expect(row.payload).not.toMatch(/\b(LEFT|RIGHT|left|right)\b/);
      expect(row.payload).not.toContain(relay.password);
    }
  });

  it('answers the unblinding list with DELIVERED once every address has its notice', async () => {
    const listed = await t
      .http()
      .get('/api/unblindings')
      .set('Authorization', await t.login('admin', ADMIN_PASSWORD))
      .expect(200);
    expect(listed.body).toEqual([expect.objectContaining({ notification: 'DELIVERED' })]);
  });
});

describe('Email delivery retries (end to end)', () => {
  it.each([451, 554])(
    'retries a delivery the relay refused with %i, auditing NOTIFICATION_FAILED then NOTIFICATION_SENT',
    async (code) => {
      const relay = await startSmtpReceiver();
      relay.refuseNext(code);
      const t = await startTestApp(mailEnv(relay));
      try {
        const statistician = await t.userWith('stat', ['statistician']);
        const pharmacist = await t.userWith('pharm', ['pharmacist']);
        await t
          .http()
          .post('/api/randomization-list')
          .set('Authorization', statistician)
          .send({ seed: SEED })
          .expect(201);
        await t
          .http()
          .post('/api/participants')
          .set('Authorization', pharmacist)
          .send(registration(trial, 'SCR-1'))
          .expect(201);
        await t
          .http()
          .post('/api/participants/ELA-001/allocation')
          .set('Authorization', pharmacist)
          .expect(201);
        await waitFor(() => relay.received.length === 1, 60_000);
        await waitUntil(outboxDelivered(t));
        const notices = (await t.database.auditEntries()).filter((e) =>
          e.action.startsWith('NOTIFICATION_'),
        );
        expect(notices.map((e) => [e.action, e.details.attempts])).toEqual([
          ['NOTIFICATION_FAILED', 1],
          ['NOTIFICATION_SENT', 2],
        ]);
        expect(notices[0]).toMatchObject({
          outcome: 'ERROR',
          participantId: 'ELA-001',
          details: { channel: 'email', kind: 'ALLOCATION_CONFIRMED', final: false },
        });
        expect(notices[0].reason).toContain(String(code));
        expect(notices[1].details.notificationId).toBe(notices[0].details.notificationId);
        // Delivered once, to its one address.
        expect(relay.received.map((m) => m.to)).toEqual([[INVESTIGATOR]]);
      } finally {
        await t.close();
        await relay.close();
      }
    },
  );
});

/**
 * From outside the server (the SQLite file, or SQL through pg on PostgreSQL): the slots' guards
 * dropped, slot `to` gets the ciphertext of slot `from`.
 */
async function tamperSlot(t: TestApp, from: number, to: number): Promise<void> {
  for (const sql of [
    ...slotGuardDrops(t.database.kind),
    `UPDATE slots SET target_sealed = (SELECT target_sealed FROM slots WHERE slot = ${from}) WHERE slot = ${to}`,
  ])
    await t.database.execute(sql);
}

describe('Email on a list integrity failure (end to end)', () => {
  it("emails the trial file's admins when the start finds the list broken; the recipients leave the trial's identity alone", async () => {
    const relay = await startSmtpReceiver();
    const t = await startTestApp({ NOTIFICATION_POLL_MS: '20' });
    try {
      const statistician = await t.userWith('stat', ['statistician']);
      await t
        .http()
        .post('/api/randomization-list')
        .set('Authorization', statistician)
        .send({ seed: SEED })
        .expect(201);
      await t.app.close();
      await tamperSlot(t, 6, 5);
      // The same trial with a mailRecipients section: the start accepts it as the same trial.
      const file = join(t.dataDir, 'trial-with-recipients.json');
      copyFileSync(NCT_TRIAL_FILE, file);
      const withRecipients = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      writeFileSync(
        file,
        JSON.stringify({ ...withRecipients, mailRecipients: { admins: [ADMIN] } }),
      );
      const restarted = await createApp({
        ...t.config,
        trialConfigPath: file,
        notifications: {
          ...t.config.notifications,
          mail: {
            smtpUrl: relay.url,
            smtpDisplay: 'smtp://127.0.0.1',
            from: FROM,
            recipients: {},
          },
        },
      });
      try {
        await waitFor(() => relay.received.length === 1, 60_000);
        const [mail] = relay.received;
        expect(mail.to).toEqual([ADMIN]);
        expect(subjectOf(mail)).toBe(
          '[NCT02286011] The randomization list failed its integrity check',
        );
        const entries = await t.database.auditEntries();
        const failure = entries.find((e) => e.action === 'LIST_INTEGRITY_FAILED');
        const text = readable(mail.raw);
        expect(text).toContain(`Audit entry: seq ${failure?.seq} (action LIST_INTEGRITY_FAILED)`);
        expect(text).toContain('Found by: the check of the whole list at start');
        expect(text).not.toMatch(/\b(left|right|izquierda|derecha)\b/i);
        expect(text).not.toContain(failure?.reason ?? 'no reason recorded');
      } finally {
        await restarted.close();
      }
    } finally {
      await t.close().catch(() => undefined);
      await relay.close();
    }
  });

  it('emails the admins once when an allocation finds its slot tampered with, however often it is retried', async () => {
    const relay = await startSmtpReceiver();
    const t = await startTestApp(mailEnv(relay));
    try {
      const statistician = await t.userWith('stat', ['statistician']);
      const pharmacist = await t.userWith('pharm', ['pharmacist']);
      await t
        .http()
        .post('/api/randomization-list')
        .set('Authorization', statistician)
        .send({ seed: SEED })
        .expect(201);
      await t
        .http()
        .post('/api/participants')
        .set('Authorization', pharmacist)
        .send(registration(trial, 'SCR-1'))
        .expect(201);
      await tamperSlot(t, 2, 1);
      for (let attempt = 0; attempt < 3; attempt += 1) {
        await t
          .http()
          .post('/api/participants/ELA-001/allocation')
          .set('Authorization', pharmacist)
          .expect(409);
      }
      await waitUntil(outboxDelivered(t));
      const entries = await t.database.auditEntries();
      const failures = entries.filter((e) => e.action === 'LIST_INTEGRITY_FAILED');
      expect(failures).toHaveLength(1);
      expect(entries.filter((e) => e.action === 'ALLOCATION_REFUSED')).toHaveLength(3);
      expect(relay.received.map((m) => m.to)).toEqual([[ADMIN]]);
      const text = readable(relay.received[0].raw);
      expect(text).toContain('Found by: opening the next slot for an allocation by pharm');
      expect(text).toContain(`Audit entry: seq ${failures[0].seq}`);
    } finally {
      await t.close();
      await relay.close();
    }
  });
});
