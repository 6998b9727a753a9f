import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from '../src/app.factory';
import { nctTrial, NCT_TRIAL_FILE, registration } from './support/trial-fixtures';
import { newTempDir, startTestApp, TestApp, USER_PASSWORD } from './support/test-app';
import { slotGuardDrops } from './support/test-database';

const trial = nctTrial();

const auditActions = async (t: TestApp): Promise<string[]> =>
  (await t.database.auditEntries()).map((e) => e.action);

/**
 * What someone holding the database file (or a PostgreSQL login that owns the tables) could do:
 * drop the guard trigger of the sealed columns and edit rows, from outside the server.
 */
async function tamper(t: TestApp, statements: string[]): Promise<void> {
  // The sealed columns' guards: the set-up's, and key rotation's own for target_sealed.
  for (const sql of [...slotGuardDrops(t.database.kind), ...statements])
    await t.database.execute(sql);
}

/** Slot `to` gets the ciphertext of slot `from` (of the same list and stratum). */
const swapCiphertext = (from: number, to: number) =>
  `UPDATE slots SET target_sealed = (SELECT target_sealed FROM slots WHERE slot = ${from}) WHERE slot = ${to}`;

describe('Integrity of the sealed list (end to end)', () => {
  let t: TestApp;
  let pharmacist: string;

  beforeEach(async () => {
    t = await startTestApp();
    pharmacist = await t.userWith('pharm', ['pharmacist']);
    const statistician = await t.userWith('stat', ['statistician']);
    await t
      .http()
      .post('/api/randomization-list')
      .set('Authorization', statistician)
      .send({ seed: 'list-integrity-e2e-seed' })
      .expect(201);
    for (let i = 1; i <= 3; i += 1) {
      await t
        .http()
        .post('/api/participants')
        .set('Authorization', pharmacist)
        .send(registration(trial, `SCR-${i}`))
        .expect(201);
    }
  });
  afterEach(() => t?.close());

  it('refuses to change a sealed slot, re-assign a claimed one or delete one at the database level', async () => {
    const db = t.database;
    // The database's own message, whichever trigger refuses.
    const refusal = (sql: string) =>
      db.execute(sql).then(
        () => 'accepted',
        (error: Error) => error.message,
      );
    expect(await refusal("UPDATE slots SET target_sealed = 'x' WHERE slot = 1")).toMatch(
      /cannot change/,
    );
    expect(await refusal('DELETE FROM slots WHERE slot = 1')).toMatch(/cannot change/);
    await db.execute('UPDATE slots SET participant_id = ?, allocated_at = ? WHERE slot = 1', [
      'ELA-001',
      new Date().toISOString(),
    ]);
    expect(await refusal("UPDATE slots SET participant_id = 'ELA-002' WHERE slot = 1")).toMatch(
      /cannot change once participant_id is set/,
    );
    expect(await refusal('UPDATE slots SET participant_id = NULL WHERE slot = 1')).toMatch(
      /cannot change once participant_id is set/,
    );
  });

  it('blocks allocation of a slot whose ciphertext was swapped with another, and audits it', async () => {
    await tamper(t, [swapCiphertext(2, 1)]);
    const response = await t
      .http()
      .post('/api/participants/ELA-001/allocation')
      .set('Authorization', pharmacist)
      .expect(409);
    expect((response.body as { message: string }).message).toMatch(/integrity check/);
    expect(await auditActions(t)).toContain('ALLOCATION_REFUSED');
    const participant = await t
      .http()
      .get('/api/participants/ELA-001')
      .set('Authorization', pharmacist)
      .expect(200);
    expect(participant.body).toMatchObject({ status: 'REGISTERED' });
  });

  it('finds an edited list at start, audits LIST_INTEGRITY_FAILED and blocks every allocation', async () => {
    await tamper(t, [swapCiphertext(6, 5)]);
    await t.app.close();
    const restarted = await createApp(t.config);
    try {
      const http = () => request(restarted.getHttpServer());
      const login = await http()
        .post('/api/auth/login')
        .send({ username: 'pharm', password: USER_PASSWORD })
        .expect(200);
      // Slot 1 itself is intact: only the start-up check can refuse this allocation.
      const refused = await http()
        .post('/api/participants/ELA-001/allocation')
        .set('Authorization', `Bearer ${(login.body as { accessToken: string }).accessToken}`)
        .expect(409);
      expect((refused.body as { message: string }).message).toMatch(/failed its integrity check/);
    } finally {
      await restarted.close();
    }
    expect(await auditActions(t)).toContain('LIST_INTEGRITY_FAILED');
  });

  it('refuses to start when the trial file changed after the list was generated', async () => {
    await t.app.close();
    const dir = newTempDir();
    const changed = JSON.parse(readFileSync(NCT_TRIAL_FILE, 'utf8')) as { title: string };
    changed.title = `${changed.title} (edited)`;
    const file = join(dir, 'changed.json');
    writeFileSync(file, JSON.stringify(changed));
    await expect(createApp({ ...t.config, trialConfigPath: file })).rejects.toThrow(
      /differs from the one its randomization list was generated from/,
    );
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to start with a wrong blinding key, naming the problem', async () => {
    await t.app.close();
    const wrongKey = {
      kind: 'inline' as const,
      value: randomBytes(32).toString('base64'),
      variable: 'BLINDING_KEY',
    };
    await expect(createApp({ ...t.config, blindingKey: wrongKey })).rejects.toThrow(
      /blinding key does not match/,
    );
  });
});

describe('Integrity of a list generated by another process (end to end)', () => {
  it('checks the whole list before the first allocation of a process that has not seen it', async () => {
    const first = await startTestApp();
    // A second server on the same file, started before the list exists.
    const second = await createApp(first.config);
    try {
      const pharmacist = await first.userWith('pharm', ['pharmacist']);
      const statistician = await first.userWith('stat', ['statistician']);
      await first
        .http()
        .post('/api/randomization-list')
        .set('Authorization', statistician)
        .send({})
        .expect(201);
      await first
        .http()
        .post('/api/participants')
        .set('Authorization', pharmacist)
        .send(registration(trial, 'SCR-1'))
        .expect(201);
      await tamper(first, [swapCiphertext(6, 5)]);
      const http = () => request(second.getHttpServer());
      // Slot 1 itself is intact: only the whole-list check can refuse this allocation.
      const refused = await http()
        .post('/api/participants/ELA-001/allocation')
        .set('Authorization', pharmacist)
        .expect(409);
      expect((refused.body as { message: string }).message).toMatch(/failed its integrity check/);
      expect(await auditActions(first)).toContain('LIST_INTEGRITY_FAILED');
    } finally {
      await second.close();
      await first.close();
    }
  });
});
