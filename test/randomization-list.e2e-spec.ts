import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../src/cli/main';
import { CliIo } from '../src/cli/cli-io';
import { nctTrial, registration } from './support/trial-fixtures';
import { ADMIN_PASSWORD, startTestApp, TestApp } from './support/test-app';

function capture(): CliIo & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (l) => lines.push(l), err: (l) => lines.push(l) };
}

describe('Randomization list: generation, lock, export (end to end)', () => {
  const trial = nctTrial();
  let t: TestApp;
  let admin: string;
  let statistician: string;
  let pharmacist: string;
  let others: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.login('admin', ADMIN_PASSWORD);
    statistician = await t.userWith('stat', ['statistician']);
    pharmacist = await t.userWith('pharm', ['pharmacist']);
    others = {
      admin,
      pharmacist,
      investigator: await t.userWith('inv', ['investigator']),
      unblinder: await t.userWith('unb', ['unblinder']),
      monitor: await t.userWith('mon', ['monitor']),
    };
  });
  afterAll(() => t?.close());

  const lastAuditEntry = async () => (await t.database.auditEntries()).pop();

  it('refuses generation to every role but the statistician', async () => {
    for (const [role, token] of Object.entries(others)) {
      const response = await t
        .http()
        .post('/api/randomization-list')
        .set('Authorization', token)
        .send({});
      expect([role, response.status]).toEqual([role, 403]);
    }
  });

  it('generates the list once and returns only its commitment', async () => {
    const response = await t
      .http()
      .post('/api/randomization-list')
      .set('Authorization', statistician)
      .send({ seed: 'randomization-e2e-seed-1' })
      .expect(201);
    expect(Object.keys(response.body as object).sort()).toEqual([
      'commitment',
      'generatedAt',
      'method',
    ]);
    expect((response.body as { commitment: string }).commitment).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(response.body)).not.toMatch(/LEFT|RIGHT/);
    const trialStatus = await t
      .http()
      .get('/api/trial')
      .set('Authorization', others.monitor)
      .expect(200);
    expect(trialStatus.body).toMatchObject({
      protocolId: 'NCT02286011',
      targetSize: 20,
      registered: 0,
      allocated: 0,
      locked: false,
      list: { generated: true, commitment: (response.body as { commitment: string }).commitment },
    });
  });

  it('refuses a second generation with 409, and audits the refusal', async () => {
    await t
      .http()
      .post('/api/randomization-list')
      .set('Authorization', statistician)
      .send({})
      .expect(409);
    expect(await lastAuditEntry()).toMatchObject({
      action: 'LIST_GENERATION_REFUSED',
      actor: 'stat',
    });
  });

  it('stores every slot sealed: no target in clear and equal ciphertext lengths', async () => {
    const rows = await t.database.query<{ target_sealed: string }>(
      'SELECT target_sealed FROM slots',
    );
    expect(rows).toHaveLength(20);
    expect(new Set(rows.map((r) => r.target_sealed.length)).size).toBe(1);
    const dump =
      JSON.stringify(await t.database.rowsAsText('slots')) +
      JSON.stringify(await t.database.rowsAsText('randomization_lists'));
    expect(dump).not.toMatch(/LEFT|RIGHT|randomization-e2e-seed-1/);
  });

  it('refuses export before lock (audited), and lock to every role but admin', async () => {
    await t
      .http()
      .get('/api/randomization-list/export')
      .set('Authorization', statistician)
      .expect(409);
    expect(await lastAuditEntry()).toMatchObject({
      action: 'LIST_EXPORT_REFUSED',
      outcome: 'DENIED',
    });
    await t
      .http()
      .post('/api/study/lock')
      .set('Authorization', statistician)
      .send({ reason: 'not my job to lock' })
      .expect(403);
    await t
      .http()
      .post('/api/study/lock')
      .set('Authorization', admin)
      .send({ reason: 'short' })
      .expect(400);
  });

  it('locks, refuses registration and allocation afterwards, and exports a list that verifies offline', async () => {
    const registered = await t
      .http()
      .post('/api/participants')
      .set('Authorization', pharmacist)
      .send(registration(trial, 'SCR-LOCK-1'))
      .expect(201);
    const id = (registered.body as { participantId: string }).participantId;
    await t
      .http()
      .post(`/api/participants/${id}/allocation`)
      .set('Authorization', pharmacist)
      .expect(201);

    await t
      .http()
      .post('/api/study/lock')
      .set('Authorization', admin)
      .send({ reason: 'Database lock after last visit' })
      .expect(200);
    const lockedTrial = await t
      .http()
      .get('/api/trial')
      .set('Authorization', pharmacist)
      .expect(200);
    expect(lockedTrial.body).toMatchObject({
      locked: true,
      lockedBy: 'admin',
      lockReason: 'Database lock after last visit',
    });
    await t
      .http()
      .post('/api/study/lock')
      .set('Authorization', admin)
      .send({ reason: 'Database lock after last visit' })
      .expect(409);
    expect(await lastAuditEntry()).toMatchObject({ action: 'STUDY_LOCK_REFUSED', actor: 'admin' });
    await t
      .http()
      .post('/api/participants')
      .set('Authorization', pharmacist)
      .send(registration(trial, 'SCR-LOCK-2'))
      .expect(409);

    await t
      .http()
      .get('/api/randomization-list/export')
      .set('Authorization', pharmacist)
      .expect(403);
    const exported = await t
      .http()
      .get('/api/randomization-list/export')
      .set('Authorization', statistician)
      .expect(200);
    const body = exported.body as {
      seed: string;
      slots: { limb: string; participantId: string | null }[];
    };
    expect(body.seed).toBe('randomization-e2e-seed-1');
    expect(body.slots).toHaveLength(20);
    expect(body.slots.filter((s) => s.limb === 'LEFT')).toHaveLength(10);
    expect(body.slots.filter((s) => s.participantId === id)).toHaveLength(1);

    const file = join(t.dataDir, 'export.json');
    writeFileSync(file, JSON.stringify(body));
    const io = capture();
    expect(await runCli(['list', 'verify', file], io)).toBe(0);

    // Signed with the audit signing key, and who got which slot matches the ALLOCATED entries.
    const auditText = await t
      .http()
      .get('/api/audit-log?format=ndjson')
      .set('Authorization', admin)
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => done(null, text));
      })
      .expect(200);
    const auditPath = join(t.dataDir, 'audit.ndjson');
    writeFileSync(auditPath, auditText.body as string);
    const checkpoint = await t
      .http()
      .get('/api/audit-log/checkpoint')
      .set('Authorization', admin)
      .expect(200);
    const publicKey = (checkpoint.body as { publicKey: string }).publicKey;
    const full = capture();
    const args = ['list', 'verify', file, '--public-key', publicKey, '--audit', auditPath];
    expect(await runCli(args, full)).toBe(0);
    expect(full.lines.join('\n')).toMatch(/^VALID: every check was made\.$/m);

    const flipped = structuredClone(body);
    flipped.slots[3].limb = flipped.slots[3].limb === 'LEFT' ? 'RIGHT' : 'LEFT';
    writeFileSync(file, JSON.stringify(flipped));
    expect(await runCli(['list', 'verify', file], capture())).toBe(1);
  });
});
