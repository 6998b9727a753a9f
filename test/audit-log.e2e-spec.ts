import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../src/cli/main';
import { AuditService } from '../src/audit/audit.service';
import { verifyCheckpoint } from '../src/audit/audit-checkpoint';
import { verifyChain, ChainedAuditEntry } from '../src/audit/audit-chain';
import { UnitOfWork } from '../src/database/unit-of-work';
import { ADMIN_PASSWORD, startTestApp, TestApp, USER_PASSWORD } from './support/test-app';

function ndjsonEntries(text: string): { entries: ChainedAuditEntry[]; checkpoint: unknown } {
  const lines = text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const last = lines[lines.length - 1];
  return {
    entries: lines.filter((l) => !('checkpoint' in l)) as unknown as ChainedAuditEntry[],
    checkpoint: 'checkpoint' in last ? last.checkpoint : undefined,
  };
}

describe('Audit log: filter, export, verify, checkpoint (end to end)', () => {
  let t: TestApp;
  let monitor: string;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.login('admin', ADMIN_PASSWORD);
    monitor = await t.userWith('mon', ['monitor']);
    await t.userWith('pharm', ['pharmacist']);
    await t
      .http()
      .post('/api/auth/login')
      .send({ username: 'pharm', password: 'not-the-password' })
      .expect(401);
    await t.userWith('=cmd', ['monitor']).catch(() => undefined);
  });
  afterAll(() => t?.close());

  it('refuses every role but monitor and admin', async () => {
    for (const role of ['statistician', 'pharmacist', 'investigator', 'unblinder'] as const) {
      const token = await t.userWith(`audit-${role}`, [role]);
      for (const path of ['/api/audit-log', '/api/audit-log/verify', '/api/audit-log/checkpoint']) {
        await t.http().get(path).set('Authorization', token).expect(403);
      }
    }
  });

  it('exports JSON as an array, oldest first, ending with its own AUDIT_EXPORTED entry, a whole valid chain', async () => {
    const response = await t.http().get('/api/audit-log').set('Authorization', monitor).expect(200);
    expect(response.headers['content-type']).toMatch(/application\/json/);
    expect(response.headers['content-disposition']).toMatch(
      /attachment; filename="audit-log-NCT02286011-\d{8}T\d{6}Z\.json"/,
    );
    const entries = JSON.parse(response.text) as ChainedAuditEntry[];
    expect(entries[0].seq).toBe(1);
    expect(entries[entries.length - 1]).toMatchObject({ action: 'AUDIT_EXPORTED', actor: 'mon' });
    expect(verifyChain(entries)).toMatchObject({ valid: true, entries: entries.length });
    const checkpoint = JSON.parse(
      Buffer.from(response.headers['x-audit-checkpoint'], 'base64').toString(),
    ) as {
      entries: number;
      headHash: string;
    };
    expect(checkpoint).toMatchObject({
      entries: entries.length,
      headHash: entries[entries.length - 1].hash,
    });
  });

  it('exports NDJSON ending with a signed checkpoint line that matches the chain', async () => {
    const response = await t
      .http()
      .get('/api/audit-log?format=ndjson')
      .set('Authorization', admin)
      .expect(200);
    expect(response.headers['content-type']).toMatch(/application\/x-ndjson/);
    const { entries, checkpoint } = ndjsonEntries(response.text);
    expect(verifyChain(entries).valid).toBe(true);
    expect(checkpoint).toMatchObject({
      entries: entries.length,
      headHash: entries[entries.length - 1].hash,
    });
    expect(verifyCheckpoint(checkpoint as Parameters<typeof verifyCheckpoint>[0])).toBe(true);
  });

  it('exports CSV with a header row and formula-injection escaping', async () => {
    const response = await t
      .http()
      .get('/api/audit-log?format=csv')
      .set('Authorization', monitor)
      .expect(200);
    expect(response.headers['content-type']).toMatch(/text\/csv/);
    const [header] = response.text.split('\r\n');
    expect(header).toBe(
      'seq,at,actor,roles,action,participantId,outcome,reason,details,ip,requestId,prevHash,hash',
    );
    expect(response.text).not.toMatch(/(^|,)"?=/m);
  });

  it('records a probe id in details, and its CSV export read by Python with , ; or tab has no formula cell', async () => {
    const probe = `x;=1+1;${'@'.repeat(100)}`;
    await t
      .http()
      .get(`/api/participants/${encodeURIComponent(probe)}/allocation`)
      .expect(401);
    const json = JSON.parse(
      (await t.http().get('/api/audit-log').set('Authorization', monitor).expect(200)).text,
    ) as ChainedAuditEntry[];
    const denied = json.filter((e) => e.details.requestedParticipantId !== undefined).pop();
    expect(denied).toMatchObject({
      actor: 'anonymous',
      participantId: null,
      details: { requestedParticipantId: probe.slice(0, 64) },
    });

    const csv = await t
      .http()
      .get('/api/audit-log?format=csv')
      .set('Authorization', monitor)
      .expect(200);
    expect(csv.text).toContain("x;'=1+1;'@@");
    // Python's csv module, as a spreadsheet import would split the file with each delimiter.
    const script = [
      'import csv, io, json, sys',
      'text = sys.stdin.read()',
      'out = {}',
      'for d in [",", ";", "\\t"]:',
      '    cells = [c for row in csv.reader(io.StringIO(text, newline=""), delimiter=d) for c in row]',
      '    out[d] = {"cells": len(cells), "formulas": [c for c in cells if c[:1] in "=+-@\\t\\r" and c]}',
      'print(json.dumps(out))',
    ].join('\n');
    const python = spawnSync('python3', ['-c', script], { input: csv.text, encoding: 'utf8' });
    expect(python.stderr).toBe('');
    const result = JSON.parse(python.stdout) as Record<
      string,
      { cells: number; formulas: string[] }
    >;
    for (const delimiter of [',', ';', '\t']) {
      expect(result[delimiter].cells).toBeGreaterThan(13);
      expect(result[delimiter].formulas).toEqual([]);
    }
  });

  it.each([
    ['action', '?action=LOGIN_FAILED', (e: ChainedAuditEntry) => e.action === 'LOGIN_FAILED'],
    [
      'several actions',
      '?action=LOGIN_FAILED,USER_CREATED',
      (e: ChainedAuditEntry) => ['LOGIN_FAILED', 'USER_CREATED'].includes(e.action),
    ],
    [
      'repeated action',
      '?action=LOGIN_FAILED&action=USER_CREATED',
      (e: ChainedAuditEntry) => ['LOGIN_FAILED', 'USER_CREATED'].includes(e.action),
    ],
    ['actor', '?actor=admin', (e: ChainedAuditEntry) => e.actor === 'admin'],
    [
      'actor and action',
      '?actor=admin&action=USER_CREATED',
      (e: ChainedAuditEntry) => e.actor === 'admin' && e.action === 'USER_CREATED',
    ],
  ])('filters by %s', async (_what, query, keep) => {
    const all = JSON.parse(
      (await t.http().get('/api/audit-log').set('Authorization', monitor)).text,
    ) as ChainedAuditEntry[];
    const filtered = JSON.parse(
      (await t.http().get(`/api/audit-log${query}`).set('Authorization', monitor).expect(200)).text,
    ) as ChainedAuditEntry[];
    const expected = all.filter(keep).map((e) => e.seq);
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.map((e) => e.seq)).toEqual(expect.arrayContaining(expected));
    expect(filtered.every(keep)).toBe(true);
  });

  it('filters by time range, inclusive', async () => {
    const all = JSON.parse(
      (await t.http().get('/api/audit-log').set('Authorization', monitor)).text,
    ) as ChainedAuditEntry[];
    const from = all[2].at;
    const to = all[4].at;
    const filtered = JSON.parse(
      (
        await t
          .http()
          .get(`/api/audit-log?from=${from}&to=${to}`)
          .set('Authorization', monitor)
          .expect(200)
      ).text,
    ) as ChainedAuditEntry[];
    expect(filtered.every((e) => e.at >= from && e.at <= to)).toBe(true);
    expect(filtered.map((e) => e.seq)).toEqual(
      all.filter((e) => e.at >= from && e.at <= to).map((e) => e.seq),
    );
  });

  it.each([
    ['?format=xml', /format must be one of/],
    ['?from=yesterday', /from must be an ISO-8601/],
    ['?action=DROP_TABLE', /each action must be one of/],
    ['?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', /from must not be after to/],
    ['?sort=desc', /property sort should not exist/],
  ])('refuses a bad filter %s with 400', async (query, message) => {
    const response = await t
      .http()
      .get(`/api/audit-log${query}`)
      .set('Authorization', monitor)
      .expect(400);
    expect((response.body as { message: string }).message).toMatch(message);
  });

  it('verifies the chain on the server and records the verification', async () => {
    const response = await t
      .http()
      .get('/api/audit-log/verify')
      .set('Authorization', monitor)
      .expect(200);
    expect(response.body).toMatchObject({ valid: true });
    expect((response.body as { headHash: string }).headHash).toMatch(/^[0-9a-f]{64}$/);
    const last = JSON.parse(
      (await t.http().get('/api/audit-log?action=AUDIT_VERIFIED').set('Authorization', monitor))
        .text,
    ) as ChainedAuditEntry[];
    expect(last.pop()).toMatchObject({ details: { valid: true } });
  });

  it('signs a checkpoint of the current head', async () => {
    const response = await t
      .http()
      .get('/api/audit-log/checkpoint')
      .set('Authorization', monitor)
      .expect(200);
    const checkpoint = response.body as Parameters<typeof verifyCheckpoint>[0];
    expect(Object.keys(checkpoint).sort()).toEqual([
      'at',
      'entries',
      'headHash',
      'publicKey',
      'signature',
    ]);
    expect(verifyCheckpoint(checkpoint)).toBe(true);
    expect(verifyCheckpoint({ ...checkpoint, entries: checkpoint.entries - 1 })).toBe(false);
  });

  it('gives exports that the offline verifier accepts, and catches a cut tail with the saved checkpoint', async () => {
    const lines: string[] = [];
    const io = () => ({ out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) });
    const ndjson = await t
      .http()
      .get('/api/audit-log?format=ndjson')
      .set('Authorization', monitor)
      .expect(200);
    const ndjsonFile = join(t.dataDir, 'export.ndjson');
    writeFileSync(ndjsonFile, ndjson.text);
    const publicKeyFile = join(t.dataDir, 'audit-public.txt');
    const served = await t
      .http()
      .get('/api/audit-log/checkpoint')
      .set('Authorization', monitor)
      .expect(200);
    writeFileSync(publicKeyFile, (served.body as { publicKey: string }).publicKey);
    expect(await runCli(['audit', 'verify', ndjsonFile, '--public-key', publicKeyFile], io())).toBe(
      0,
    );

    const json = await t.http().get('/api/audit-log').set('Authorization', monitor).expect(200);
    const jsonFile = join(t.dataDir, 'export.json');
    const checkpointFile = join(t.dataDir, 'checkpoint.json');
    writeFileSync(jsonFile, json.text);
    writeFileSync(checkpointFile, Buffer.from(json.headers['x-audit-checkpoint'], 'base64'));
    expect(
      await runCli(
        [
          'audit',
          'verify',
          jsonFile,
          '--checkpoint',
          checkpointFile,
          '--public-key',
          publicKeyFile,
        ],
        io(),
      ),
    ).toBe(0);
    // Without the server's key, a checkpoint proves only that its own key signed it.
    expect(await runCli(['audit', 'verify', jsonFile, '--checkpoint', checkpointFile], io())).toBe(
      1,
    );
    expect(lines.join('\n')).toMatch(/^not authenticated: .*without --public-key/m);

    const entries = JSON.parse(json.text) as ChainedAuditEntry[];
    writeFileSync(jsonFile, JSON.stringify(entries.slice(0, -3)));
    // No checkpoint covers them: the chain holds, but the entries are not authenticated.
    expect(await runCli(['audit', 'verify', jsonFile], io())).toBe(1);
    expect(lines.join('\n')).toMatch(/^not authenticated: \d+ entries/m);
    expect(await runCli(['audit', 'verify', jsonFile, '--allow-unsigned-tail'], io())).toBe(0);
    expect(await runCli(['audit', 'verify', jsonFile, '--checkpoint', checkpointFile], io())).toBe(
      1,
    );
  });

  it('streams 10,000 entries in every format', async () => {
    const uow = t.app.get(UnitOfWork);
    const audit = t.app.get(AuditService);
    await uow.write(async (manager) => {
      for (let i = 0; i < 10_000; i += 1) {
        await audit.record(manager, {
          actor: {
            username: 'loader',
            roles: ['monitor'],
            ip: '127.0.0.1',
            requestId: `bulk-${i}`,
          },
          action: 'AUDIT_VERIFIED',
          outcome: 'SUCCESS',
          details: { i },
        });
      }
    });
    const json = await t.http().get('/api/audit-log').set('Authorization', monitor).expect(200);
    const entries = JSON.parse(json.text) as ChainedAuditEntry[];
    expect(entries.length).toBeGreaterThan(10_000);
    expect(verifyChain(entries).valid).toBe(true);
    const ndjson = await t
      .http()
      .get('/api/audit-log?format=ndjson')
      .set('Authorization', monitor)
      .expect(200);
    expect(ndjsonEntries(ndjson.text).entries.length).toBe(entries.length + 1);
    const csv = await t
      .http()
      .get('/api/audit-log?format=csv')
      .set('Authorization', monitor)
      .expect(200);
    expect(csv.text.trim().split('\r\n').length).toBeGreaterThan(10_001);
  });

  it('detects and locates an edited entry, a deleted entry and swapped entries', async () => {
    const db = t.database;
    // Someone holding the database (file or login) drops the append-only triggers and rewrites history.
    await db.execute(
      db.kind === 'postgres'
        ? 'DROP TRIGGER audit_entries_append_only ON audit_entries'
        : 'DROP TRIGGER audit_entries_no_update; DROP TRIGGER audit_entries_no_delete;',
    );
    const [original] = await db.query<{ actor: string }>(
      'SELECT actor FROM audit_entries WHERE seq = 5',
    );
    await db.execute("UPDATE audit_entries SET actor = 'mallory' WHERE seq = 5");
    let result = await t
      .http()
      .get('/api/audit-log/verify')
      .set('Authorization', monitor)
      .expect(200);
    expect(result.body).toMatchObject({ valid: false, firstInvalidSeq: 5 });
    await db.execute('UPDATE audit_entries SET actor = ? WHERE seq = 5', [original.actor]);

    // Two entries swapped: their seq values exchanged.
    await db.execute('UPDATE audit_entries SET seq = -1 WHERE seq = 10');
    await db.execute('UPDATE audit_entries SET seq = 10 WHERE seq = 11');
    await db.execute('UPDATE audit_entries SET seq = 11 WHERE seq = -1');
    result = await t.http().get('/api/audit-log/verify').set('Authorization', monitor).expect(200);
    expect(result.body).toMatchObject({ valid: false, firstInvalidSeq: 10 });

    await db.execute('DELETE FROM audit_entries WHERE seq = 7');
    result = await t.http().get('/api/audit-log/verify').set('Authorization', monitor).expect(200);
    // Entry 8 is where the gap shows: the verifier expected 7 there.
    expect(result.body).toMatchObject({ valid: false, firstInvalidSeq: 8 });
  });

  it('refuses UPDATE and DELETE on audit entries at the database level', async () => {
    const other = await startTestApp();
    try {
      await expect(
        other.database.execute("UPDATE audit_entries SET actor = 'x' WHERE seq = 1"),
      ).rejects.toThrow(/append-only/);
      await expect(
        other.database.execute('DELETE FROM audit_entries WHERE seq = 1'),
      ).rejects.toThrow(/append-only/);
    } finally {
      await other.close();
    }
  });

  it('keeps the chain valid when a reason holds a lone UTF-16 surrogate', async () => {
    const other = await startTestApp();
    try {
      const token = await other.login('admin', ADMIN_PASSWORD);
      await other
        .http()
        .post('/api/study/lock')
        .set('Authorization', token)
        .set('Content-Type', 'application/json')
        .send('{"reason":"Lock with a lone surrogate \\ud800 in the reason"}')
        .expect(200);
      const verified = await other
        .http()
        .get('/api/audit-log/verify')
        .set('Authorization', token)
        .expect(200);
      expect(verified.body).toMatchObject({ valid: true });
    } finally {
      await other.close();
    }
  });

  it('keeps the password out of the audit log', async () => {
    const response = await t
      .http()
      .get('/api/audit-log?format=ndjson')
      .set('Authorization', monitor)
      .expect(200);
    expect(response.text).not.toContain(USER_PASSWORD);
    expect(response.text).not.toContain(ADMIN_PASSWORD);
    expect(response.text).not.toContain('not-the-password');
  });
});
