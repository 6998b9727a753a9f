import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../src/cli/main';
import { CHECKPOINT_HEADER } from '../src/audit/audit-log.controller';
import { ADMIN_PASSWORD, startTestApp, TestApp } from './support/test-app';

/**
 * A monitor downloads a CSV export from the real server, saves its X-Audit-Checkpoint header
 * beside it as it came, and `audit verify` checks the file offline (docs/audit-format.md, "CSV").
 */
describe('CSV audit export verified offline with its saved checkpoint header (end to end)', () => {
  let t: TestApp;
  let monitor: string;
  let publicKeyFile: string;

  async function verify(...args: string[]) {
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
    const code = await runCli(['audit', 'verify', ...args], io);
    return { code, out: lines.join('\n') };
  }

  /** Downloads an export and saves the file and its checkpoint header beside it. */
  async function download(query: string, name: string) {
    const response = await t
      .http()
      .get(`/api/audit-log${query}`)
      .set('Authorization', monitor)
      .expect(200);
    const path = join(t.dataDir, name);
    writeFileSync(path, response.text);
    const header = response.headers[CHECKPOINT_HEADER.toLowerCase()];
    if (typeof header !== 'string') throw new Error('no checkpoint header');
    const checkpoint = `${path}.checkpoint`;
    writeFileSync(checkpoint, `${CHECKPOINT_HEADER}: ${header}\r\n`);
    return { path, checkpoint, text: response.text };
  }

  beforeAll(async () => {
    t = await startTestApp();
    const admin = await t.login('admin', ADMIN_PASSWORD);
    monitor = await t.userWith('mon', ['monitor']);
    // Values CSV must carry exactly: commas, quotes, line breaks, a formula, an empty username.
    await t
      .http()
      .post('/api/auth/login')
      .send({ username: '=HYPERLINK("x"), "q";@y', password: 'not-the-password' })
      .expect(401);
    await t.http().post('/api/auth/login').send({ username: '', password: 'x' }).expect(400);
    await t
      .http()
      .post('/api/study/lock')
      .set('Authorization', admin)
      .send({ reason: '-lock, "final"\r\nsecond line;=1+1\tend' })
      .expect(200);
    const served = await t
      .http()
      .get('/api/audit-log/checkpoint')
      .set('Authorization', monitor)
      .expect(200);
    publicKeyFile = join(t.dataDir, 'server-public.txt');
    writeFileSync(publicKeyFile, (served.body as { publicKey: string }).publicKey);
  });
  afterAll(() => t?.close());

  it('verifies a downloaded CSV export with its saved header and the server key, exit 0', async () => {
    const csv = await download('?format=csv', 'audit-log.csv');
    // Escaped at the start of a value and after a ';' inside one, null unquoted, quotes doubled.
    expect(csv.text).toContain('"{""username"":""=HYPERLINK(\\""x\\""), \\""q\\"";\'@y""}"');
    expect(csv.text).toContain('"\'-lock, ""final""\r\nsecond line;\'=1+1\tend"');
    expect(csv.text).toMatch(/"LOGIN_FAILED",,"DENIED"/);
    const result = await verify(
      csv.path,
      '--checkpoint',
      csv.checkpoint,
      '--public-key',
      publicKeyFile,
    );
    expect(result.out).toMatch(/^valid: \d+ entries, head hash [0-9a-f]{64}$/m);
    expect(result.out).toMatch(/matches the chain/);
    expect(result.code).toBe(0);
  });

  it('names the seq of a field edited in the downloaded CSV, exit 1', async () => {
    const csv = await download('?format=csv', 'edited.csv');
    const edited = csv.text.replace('second line', 'Second line');
    expect(edited).not.toBe(csv.text);
    writeFileSync(csv.path, edited);
    const result = await verify(csv.path, '--checkpoint', csv.checkpoint);
    const lockRow = csv.text.split('\r\n').find((row) => row.includes('"STUDY_LOCKED"'));
    const seq = /^"(\d+)"/.exec(lockRow ?? '')?.[1];
    expect(result.out).toMatch(new RegExp(`^invalid: seq ${seq}: hash does not match`, 'm'));
    expect(result.code).toBe(1);
  });

  it('answers a filtered CSV export plainly, exit 2', async () => {
    const csv = await download('?format=csv&action=LOGIN_FAILED,STUDY_LOCKED', 'filtered.csv');
    const result = await verify(
      csv.path,
      '--checkpoint',
      csv.checkpoint,
      '--public-key',
      publicKeyFile,
    );
    expect(result.out).toMatch(
      /^this export is filtered: the chain can only be checked on a full export$/m,
    );
    expect(result.out).not.toMatch(/invalid|deletion|edited/);
    expect(result.code).toBe(2);
    // A filter that keeps the export's own record: the file names its filter itself.
    const own = await download('?format=csv&actor=mon', 'by-actor.csv');
    const named = await verify(
      own.path,
      '--checkpoint',
      own.checkpoint,
      '--public-key',
      publicKeyFile,
    );
    expect(named.out).toMatch(
      /^its own record \(AUDIT_EXPORTED, seq \d+\) names the filter: actor=mon$/m,
    );
    expect(named.out).toMatch(/; matches the file's seq \d+$/m);
    expect(named.code).toBe(2);
  });

  it('explains a checkpoint taken just before the export as older by the export’s own record', async () => {
    const before = await t
      .http()
      .get('/api/audit-log/checkpoint')
      .set('Authorization', monitor)
      .expect(200);
    const kept = join(t.dataDir, 'before.json');
    writeFileSync(kept, JSON.stringify(before.body));
    const csv = await download('?format=csv', 'after.csv');
    const result = await verify(csv.path, '--checkpoint', kept, '--public-key', publicKeyFile);
    expect(result.out).toMatch(
      /^not authenticated: this checkpoint is older than the export: 1 entry was added by the export itself/m,
    );
    expect(result.code).toBe(1);
    const own = await verify(
      csv.path,
      '--checkpoint',
      csv.checkpoint,
      '--public-key',
      publicKeyFile,
    );
    expect(own.code).toBe(0);
  });
});
