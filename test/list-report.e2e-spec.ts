import { createPublicKey, verify } from 'node:crypto';
import { CsvRecordSplitter } from '../src/audit/csv-records';
import { unescapeCsvFormula } from '../src/audit/audit-export-format';
import { LIST_CSV_FIELDS } from '../src/randomization/list-report';
import { nctTrial, registration } from './support/trial-fixtures';
import { ADMIN_PASSWORD, startTestApp, TestApp } from './support/test-app';

interface JsonExport {
  slots: { slot: number; stratum: string; limb: string; participantId: string | null }[];
  signature: { publicKey: string };
}

function parseCsv(text: string): Record<string, string | null>[] {
  const splitter = new CsvRecordSplitter(10_000);
  const records = splitter.push(text);
  splitter.finish();
  const [header, ...rows] = records.map((r) => r.fields);
  expect(header).toEqual([...LIST_CSV_FIELDS]);
  return rows.map((fields) =>
    Object.fromEntries(
      LIST_CSV_FIELDS.map((name, i) => {
        const value = fields[i];
        return [name, value === null ? null : unescapeCsvFormula(value)];
      }),
    ),
  );
}

describe('List report for the trial master file: CSV and printable report (end to end)', () => {
  const trial = nctTrial();
  let t: TestApp;
  let admin: string;
  let statistician: string;
  let pharmacist: string;
  let others: Record<string, string>;
  const allocated: string[] = [];

  const lastAuditEntry = async () => (await t.database.auditEntries()).pop();

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
    await t
      .http()
      .post('/api/randomization-list')
      .set('Authorization', statistician)
      .send({ seed: 'list-report-e2e-seed-1' })
      .expect(201);
    for (const screening of ['SCR-REP-1', 'SCR-REP-2', 'SCR-REP-3']) {
      const registered = await t
        .http()
        .post('/api/participants')
        .set('Authorization', pharmacist)
        .send(registration(trial, screening))
        .expect(201);
      const id = (registered.body as { participantId: string }).participantId;
      await t
        .http()
        .post(`/api/participants/${id}/allocation`)
        .set('Authorization', pharmacist)
        .expect(201);
      allocated.push(id);
    }
  });
  afterAll(() => t?.close());

  it('refuses the CSV and the report before lock with 409 NOT_LOCKED, audited', async () => {
    for (const path of ['/api/randomization-list/export/csv', '/api/randomization-list/report']) {
      const response = await t.http().get(path).set('Authorization', statistician).expect(409);
      expect(response.body).toMatchObject({ code: 'NOT_LOCKED' });
      expect(JSON.stringify(response.body)).not.toMatch(/LEFT|RIGHT/);
      expect(await lastAuditEntry()).toMatchObject({
        action: 'LIST_EXPORT_REFUSED',
        outcome: 'DENIED',
      });
    }
  });

  it('refuses every role but the statistician, before and after lock', async () => {
    const check = async () => {
      for (const [role, token] of Object.entries(others)) {
        for (const path of [
          '/api/randomization-list/export/csv',
          '/api/randomization-list/report',
        ]) {
          const response = await t.http().get(path).set('Authorization', token);
          expect([role, path, response.status]).toEqual([role, path, 403]);
        }
      }
    };
    await check();
    await t
      .http()
      .post('/api/study/lock')
      .set('Authorization', admin)
      .send({ reason: 'Database lock for the list report test' })
      .expect(200);
    await check();
  });

  it('after lock: the CSV matches the JSON export slot by slot, with whole blocks, and its signature verifies', async () => {
    const csv = await t
      .http()
      .get('/api/randomization-list/export/csv')
      .set('Authorization', statistician)
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => done(null, text));
      })
      .expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['cache-control']).toBe('no-store');
    expect(csv.headers['content-disposition']).toBe(
      'attachment; filename="randomization-list-NCT02286011.csv"',
    );
    expect(await lastAuditEntry()).toMatchObject({
      action: 'LIST_EXPORTED',
      outcome: 'SUCCESS',
      actor: 'stat',
      details: { format: 'csv', slots: 20 },
    });
    const text = csv.body as string;
    const rows = parseCsv(text);

    const json = await t
      .http()
      .get('/api/randomization-list/export')
      .set('Authorization', statistician)
      .expect(200);
    const exported = json.body as JsonExport;
    expect(rows.map((r) => [r.stratum, Number(r.slot), r.limb, r.participantId])).toEqual(
      exported.slots.map((s) => [s.stratum, s.slot, s.limb, s.participantId]),
    );
    expect(rows.filter((r) => r.participantId !== null).map((r) => r.participantId)).toEqual(
      allocated,
    );
    for (const row of rows) {
      expect(row.allocatedAt === null).toBe(row.participantId === null);
    }

    // Blocks are consecutive, numbered 1, 2, … and each holds exactly its size in slots, 1:1.
    const blocks = new Map<number, { size: number; limbs: string[] }>();
    for (const row of rows) {
      const block = Number(row.block);
      const entry = blocks.get(block) ?? { size: Number(row.blockSize), limbs: [] };
      expect(entry.size).toBe(Number(row.blockSize));
      entry.limbs.push(row.limb ?? '');
      blocks.set(block, entry);
    }
    expect([...blocks.keys()]).toEqual(Array.from({ length: blocks.size }, (_, i) => i + 1));
    expect([...blocks.values()].reduce((sum, b) => sum + b.size, 0)).toBe(rows.length);
    for (const block of blocks.values()) {
      expect([2, 4]).toContain(block.size);
      expect(block.limbs).toHaveLength(block.size);
      expect(block.limbs.filter((l) => l === 'LEFT')).toHaveLength(block.size / 2);
    }

    const signature = Buffer.from(String(csv.headers['x-list-signature']), 'base64');
    expect(csv.headers['x-list-signing-key']).toBe(exported.signature.publicKey);
    const key = createPublicKey({
      key: Buffer.from(exported.signature.publicKey, 'base64'),
      format: 'der',
      type: 'spki',
    });
    expect(verify(null, Buffer.from(text, 'utf8'), key, signature)).toBe(true);
    expect(verify(null, Buffer.from(text.replace('LEFT', 'RIGHT'), 'utf8'), key, signature)).toBe(
      false,
    );
  });

  it('after lock: the report lists every slot, the times, the seed source and the CSV signature', async () => {
    const csv = await t
      .http()
      .get('/api/randomization-list/export/csv')
      .set('Authorization', statistician)
      .expect(200);
    const response = await t
      .http()
      .get('/api/randomization-list/report')
      .set('Authorization', statistician)
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => done(null, text));
      })
      .expect(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['content-security-policy']).toMatch(/^default-src 'none'; style-src/);
    // The same signature as the CSV: a locked list gives the same CSV bytes on every download.
    expect(response.headers['x-list-signature']).toBe(csv.headers['x-list-signature']);
    const html = response.body as string;
    expect(html).toContain(String(csv.headers['x-list-signature']));
    expect(html).toContain('chosen by the statistician');
    expect(html).toContain('list-report-e2e-seed-1');
    expect(html).toContain('(Europe/Madrid)');
    const exported = (
      await t.http().get('/api/randomization-list/export').set('Authorization', statistician)
    ).body as JsonExport;
    const bodyRows = /<tbody>([\s\S]*)<\/tbody>/.exec(html)?.[1].trim().split('\n') ?? [];
    expect(bodyRows).toHaveLength(exported.slots.length);
    bodyRows.forEach((row, i) => {
      const cells = [...row.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
      const slot = exported.slots[i];
      expect([cells[0], cells[1], cells[4], cells[5]]).toEqual([
        slot.stratum,
        String(slot.slot),
        slot.limb,
        slot.participantId ?? '–',
      ]);
    });
    expect(await lastAuditEntry()).toMatchObject({
      action: 'LIST_EXPORTED',
      details: { format: 'json' },
    });
    const entries = await t.database.auditEntries();
    expect(entries.filter((e) => e.action === 'LIST_EXPORTED').at(-2)).toMatchObject({
      details: { format: 'report', slots: 20 },
    });
  });

  it('counts every CSV and report download in the blinding register as a full-list export', async () => {
    const exportsSoFar = (await t.database.auditEntries()).filter(
      (e) => e.action === 'LIST_EXPORTED' && e.outcome === 'SUCCESS',
    );
    const register = await t
      .http()
      .get('/api/blinding-register')
      .set('Authorization', others.monitor)
      .expect(200);
    const full = (register.body as { fullListExports: { auditSeq: number }[] }).fullListExports;
    expect(full.map((e) => e.auditSeq)).toEqual(exportsSoFar.map((e) => e.seq));
    const formats = exportsSoFar.map((e) => (e.details as { format?: string }).format);
    expect(formats).toEqual(expect.arrayContaining(['csv', 'report', 'json']));
  });
});
