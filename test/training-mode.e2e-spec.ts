import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src/cli/main';
import { createApp } from '../src/app.factory';
import {
  installationMarkerPath,
  readInstallationMarker,
} from '../src/database/installation-marker';
import { ENVELOPE_CUT_LINE_TEXT } from '../src/envelopes/envelope-page';
import { nctTrial, registration } from './support/trial-fixtures';
import { startTestApp, TestApp } from './support/test-app';

const trial = nctTrial();
const BANNER = 'TRAINING — NOT FOR CLINICAL USE';

/**
 * The database's refusal message, or "not refused". Read from the rejection itself: the native
 * driver's error is not always an Error of the test's realm, which toThrow() would not recognise.
 */
async function refusalOf(statement: Promise<void>): Promise<string> {
  return statement.then(
    () => 'not refused',
    (error: unknown) => String((error as { message?: unknown }).message ?? error),
  );
}

/** Registers and allocates one participant; the list must exist. */
async function allocateOne(t: TestApp, pharmacist: string, screening: string): Promise<string> {
  const registered = await t
    .http()
    .post('/api/participants')
    .set('Authorization', pharmacist)
    .send(registration(trial, screening))
    .expect(201);
  const participantId = (registered.body as { participantId: string }).participantId;
  await t
    .http()
    .post(`/api/participants/${participantId}/allocation`)
    .set('Authorization', pharmacist)
    .expect(201);
  return participantId;
}

describe('Training mode (end to end)', () => {
  describe('a practice instance (TRAINING=true)', () => {
    let t: TestApp;
    let pharmacist: string;
    let statistician: string;
    let monitor: string;

    beforeAll(async () => {
      t = await startTestApp({ TRAINING: 'true' });
      pharmacist = await t.userWith('pharm', ['pharmacist']);
      statistician = await t.userWith('stat', ['statistician']);
      monitor = await t.userWith('mon', ['monitor']);
      await t
        .http()
        .post('/api/randomization-list')
        .set('Authorization', statistician)
        .send({})
        .expect(201);
    });
    afterAll(() => t?.close());

    it('records at set-up that its database is a training one, in the marker and the trial row', async () => {
      if (t.database.kind === 'sqlite') {
        expect(readInstallationMarker(installationMarkerPath(t.dataDir))?.training).toBe(true);
      }
      const rows = await t.database.query<{ training: boolean | number }>(
        'SELECT training FROM trials',
      );
      expect(rows.map((r) => Boolean(r.training))).toEqual([true]);
      const initialized = (await t.database.auditEntries()).find(
        (e) => e.action === 'SYSTEM_INITIALIZED',
      );
      expect(initialized?.details).toMatchObject({ training: true });
    });

    it('says so in GET /api/trial and the public GET /api/health, and in X-Training', async () => {
      const health = await t.http().get('/api/health').expect(200);
      expect(health.body).toEqual({ status: 'ok', training: true });
      expect(health.headers['x-training']).toBe('true');
      const status = await t.http().get('/api/trial').set('Authorization', monitor).expect(200);
      expect((status.body as { training: boolean }).training).toBe(true);
    });

    it('prints the banner on the ward labels and the pharmacy copy of the sheet', async () => {
      const id = await allocateOne(t, pharmacist, 'TRN-SHEET');
      const sheet = await t
        .http()
        .get(`/api/participants/${id}/preparation-sheet`)
        .set('Authorization', pharmacist)
        .expect(200);
      expect(sheet.headers['x-training']).toBe('true');
      const [ward, pharmacy] = sheet.text.split('Pharmacy copy: do not send to the ward');
      expect(ward).toContain(`<p class="training" role="note">${BANNER}</p>`);
      expect(ward.match(new RegExp(BANNER, 'g'))?.length).toBeGreaterThanOrEqual(3);
      expect(pharmacy).toContain(`<p class="training" role="note">${BANNER}</p>`);
    });

    it('prints the banner on every part of a downtime envelope: its title, outside, each label and inside', async () => {
      await t
        .http()
        .post('/api/downtime-envelopes')
        .set('Authorization', statistician)
        .send({ perStratum: 1 })
        .expect(201);
      const printed = await t
        .http()
        .post('/api/downtime-envelopes/ENV-0001/print')
        .set('Authorization', pharmacist)
        .expect(200);
      expect(printed.headers['x-training']).toBe('true');
      expect(printed.headers['content-type']).toMatch(/^text\/html/);
      const html = printed.text;
      expect(html).toContain(`<title>${BANNER} · Downtime envelope ENV-0001</title>`);
      const [outside, sealed] = html.split(ENVELOPE_CUT_LINE_TEXT);
      expect(sealed).toBeDefined();
      expect(outside).toContain(`<p class="training" role="note">${BANNER}</p>`);
      const labels = outside.split('<article class="label">').slice(1);
      expect(labels).toHaveLength(trial.allocation.targets.length);
      for (const label of labels) expect(label).toContain(`<p class="note">${BANNER}</p>`);
      expect(outside).not.toContain('For clinical trial use only');
      // Inside: the banner above the target and the opening code of this (practice) envelope.
      expect(sealed).toContain(`<p class="training" role="note">${BANNER}</p>`);
      expect(sealed.indexOf(BANNER)).toBeLessThan(sealed.indexOf('Opening code:'));
      expect(sealed).toMatch(/CELLS → (LEFT|RIGHT)/);
    });

    it.each(['json', 'csv', 'ndjson'])(
      'marks the %s audit export with X-Training and its file name, its format unchanged',
      async (format) => {
        const exported = await t
          .http()
          .get(`/api/audit-log?format=${format}`)
          .set('Authorization', monitor)
          .buffer(true)
          .parse((res, done) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (text += chunk));
            res.on('end', () => done(null, text));
          })
          .expect(200);
        expect(exported.headers['x-training']).toBe('true');
        expect(exported.headers['content-disposition']).toMatch(
          new RegExp(
            `filename="audit-log-TRAINING-${trial.protocolId}-\\d{8}T\\d{6}Z\\.${format}"`,
          ),
        );
        const body = exported.body as string;
        if (format === 'json') expect(Array.isArray(JSON.parse(body))).toBe(true);
        const verified = await t
          .http()
          .get('/api/audit-log/verify')
          .set('Authorization', monitor)
          .expect(200);
        expect((verified.body as { valid: boolean }).valid).toBe(true);
      },
    );
  });

  describe('the reset of a practice list', () => {
    let t: TestApp;
    let admin: string;
    let pharmacist: string;
    let statistician: string;

    beforeAll(async () => {
      t = await startTestApp({ TRAINING: 'true' });
      admin = await t.login('admin', 'admin-password-for-tests');
      pharmacist = await t.userWith('pharm', ['pharmacist']);
      statistician = await t.userWith('stat', ['statistician']);
    });
    afterAll(() => t?.close());

    it('clears the list, participants, allocations and lock, audited, the chain intact; a new list then serves', async () => {
      const generated = await t
        .http()
        .post('/api/randomization-list')
        .set('Authorization', statistician)
        .send({})
        .expect(201);
      const commitment = (generated.body as { commitment: string }).commitment;
      await allocateOne(t, pharmacist, 'TRN-1');
      await allocateOne(t, pharmacist, 'TRN-2');
      await t
        .http()
        .post('/api/study/lock')
        .set('Authorization', admin)
        .send({ reason: 'End of the practice session' })
        .expect(200);
      const exported = await t
        .http()
        .get('/api/randomization-list/export')
        .set('Authorization', statistician)
        .expect(200);
      expect(exported.headers['x-training']).toBe('true');
      expect((exported.body as { training: boolean }).training).toBe(true);
      const before = await t.database.auditEntries();

      // Not for other roles.
      await t
        .http()
        .post('/api/randomization-list/reset')
        .set('Authorization', statistician)
        .send({ reason: 'Start of the next course' })
        .expect(403);
      const reset = await t
        .http()
        .post('/api/randomization-list/reset')
        .set('Authorization', admin)
        .send({ reason: 'Start of the next course' })
        .expect(200);
      expect(reset.body).toMatchObject({
        resetBy: 'admin',
        reason: 'Start of the next course',
        clearedCommitment: commitment,
        clearedParticipants: 2,
        clearedSlots: trial.targetSize,
      });

      for (const table of ['participants', 'slots', 'randomization_lists', 'idempotency_keys']) {
        expect(await t.database.count(table)).toBe(0);
      }
      const after = await t.database.auditEntries();
      expect(after.slice(0, before.length)).toEqual(before);
      const entry = after[after.length - 1];
      expect(entry).toMatchObject({
        actor: 'admin',
        action: 'TRAINING_RESET',
        outcome: 'SUCCESS',
        reason: 'Start of the next course',
        details: { clearedCommitment: commitment, clearedParticipants: 2, unlocked: true },
      });
      expect(await t.database.verifyAudit()).toMatchObject({ valid: true });

      const status = await t.http().get('/api/trial').set('Authorization', admin).expect(200);
      expect(status.body).toMatchObject({
        training: true,
        locked: false,
        registered: 0,
        allocated: 0,
        list: { generated: false, commitment: null },
      });
      // The practice starts again: a new list, a new allocation (the participant id recurs).
      await t
        .http()
        .post('/api/randomization-list')
        .set('Authorization', statistician)
        .send({})
        .expect(201);
      expect(await allocateOne(t, pharmacist, 'TRN-1')).toBe(
        (before.find((e) => e.action === 'ALLOCATED') ?? { participantId: '?' }).participantId,
      );

      // Offline, `list verify --audit` ties the new list to the allocations after the reset only.
      await t
        .http()
        .post('/api/study/lock')
        .set('Authorization', admin)
        .send({ reason: 'End of the second practice session' })
        .expect(200);
      const second = await t
        .http()
        .get('/api/randomization-list/export')
        .set('Authorization', statistician)
        .expect(200);
      const log = await t.http().get('/api/audit-log?format=json').set('Authorization', admin);
      const dir = mkdtempSync(join(tmpdir(), 'training-verify-'));
      try {
        const listFile = join(dir, 'list.json');
        const auditFile = join(dir, 'audit.json');
        writeFileSync(listFile, JSON.stringify(second.body));
        writeFileSync(auditFile, log.text);
        const lines: string[] = [];
        const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
        expect(await runCli(['list', 'verify', listFile, '--audit', auditFile], io)).toBe(0);
        expect(lines).toContain(
          `Training:   ${BANNER} (a practice instance's list, TRAINING=true)`,
        );
        expect(lines.join('\n')).toContain('matches the 1 ALLOCATED entries of the audit log');
        expect(lines.join('\n')).not.toMatch(/INVALID/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('refuses a reset without a reason of 10 characters, changing nothing', async () => {
      const count = (await t.database.auditEntries()).length;
      const refused = await t
        .http()
        .post('/api/randomization-list/reset')
        .set('Authorization', admin)
        .send({ reason: 'short' })
        .expect(400);
      expect((refused.body as { code: string }).code).toBe('VALIDATION_FAILED');
      expect(await t.database.count('participants')).toBe(1);
      expect((await t.database.auditEntries()).length).toBeGreaterThanOrEqual(count);
    });
  });

  describe('a clinical instance (TRAINING unset)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t?.close());

    it('says training false in GET /api/trial and /api/health, with no X-Training header', async () => {
      const monitor = await t.userWith('mon', ['monitor']);
      const health = await t.http().get('/api/health').expect(200);
      expect(health.body).toEqual({ status: 'ok', training: false });
      expect(health.headers['x-training']).toBeUndefined();
      const status = await t.http().get('/api/trial').set('Authorization', monitor).expect(200);
      expect((status.body as { training: boolean }).training).toBe(false);
    });

    it('refuses the reset with 409 TRAINING_ONLY, audited, and keeps the list', async () => {
      const admin = await t.login('admin', 'admin-password-for-tests');
      const statistician = await t.userWith('stat', ['statistician']);
      await t
        .http()
        .post('/api/randomization-list')
        .set('Authorization', statistician)
        .send({})
        .expect(201);
      const refused = await t
        .http()
        .post('/api/randomization-list/reset')
        .set('Authorization', admin)
        .send({ reason: 'An attempt on the clinical list' })
        .expect(409);
      expect((refused.body as { code: string }).code).toBe('TRAINING_ONLY');
      expect(refused.headers['x-training']).toBeUndefined();
      const last = (await t.database.auditEntries()).at(-1);
      expect(last).toMatchObject({
        action: 'TRAINING_RESET_REFUSED',
        outcome: 'DENIED',
        actor: 'admin',
      });
      expect(await t.database.count('randomization_lists')).toBe(1);
      expect(await t.database.count('slots')).toBe(trial.targetSize);
    });
    it('refuses deleting the list or its slots in the database itself', async () => {
      expect(await refusalOf(t.database.execute('DELETE FROM slots'))).toMatch(/cannot be deleted/);
      expect(await refusalOf(t.database.execute('DELETE FROM randomization_lists'))).toMatch(
        /append-only/,
      );
      expect(await t.database.count('slots')).toBe(trial.targetSize);
    });

    it('refuses to change the trial row into a training one, in the database itself', async () => {
      expect(await refusalOf(t.database.execute('UPDATE trials SET training = true'))).toMatch(
        /training cannot change/,
      );
    });
  });

  describe('the start refuses a database of the other kind', () => {
    it('refuses a clinical database started with TRAINING=true, naming TRAINING and the directory', async () => {
      const t = await startTestApp();
      try {
        await t.app.close();
        await expect(createApp({ ...t.config, training: true })).rejects.toThrow(
          `TRAINING=true, but the data directory ${t.dataDir} holds a clinical database`,
        );
        // Without the marker, the trial row still says what the database is.
        rmSync(installationMarkerPath(t.dataDir));
        await expect(createApp({ ...t.config, training: true })).rejects.toThrow(
          /^TRAINING=true, but the data directory .* holds a clinical database \(recorded in the database /,
        );
      } finally {
        await t.close();
      }
    });

    it('refuses a training database started without TRAINING, naming TRAINING and the directory', async () => {
      const t = await startTestApp({ TRAINING: 'true' });
      try {
        await t.app.close();
        await expect(createApp({ ...t.config, training: false })).rejects.toThrow(
          `TRAINING is not set, but the data directory ${t.dataDir} holds a training database`,
        );
        rmSync(installationMarkerPath(t.dataDir));
        await expect(createApp({ ...t.config, training: false })).rejects.toThrow(
          /^TRAINING is not set, but the data directory .* holds a training database \(recorded in the database /,
        );
        // With the flag it starts again.
        const again = await createApp(t.config);
        await again.close();
      } finally {
        await t.close();
      }
    });
  });
});
