import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliIo, EXIT_VALID } from '../src/cli/cli-io';
import { runCli } from '../src/cli/main';
import { loadTrialFile } from '../src/config/trial-file.loader';
import { listCommitment } from '../src/randomization/list-commitment';
import { verifyListExport, ListExport } from '../src/randomization/list-export';
import { generateList } from '../src/randomization/list-generator';
import { SEQUENTIAL_LIST_CSV_FIELDS } from '../src/randomization/list-report';
import { NCT_TRIAL_FILE, registration } from './support/trial-fixtures';
import { ADMIN_PASSWORD, startTestApp, TestApp } from './support/test-app';

const dir = mkdtempSync(join(tmpdir(), 'list-designs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** NCT02286011's file with another list method section, written where the server can read it. */
function trialFileWith(name: string, randomization: Record<string, unknown>): string {
  const raw = JSON.parse(readFileSync(NCT_TRIAL_FILE, 'utf8')) as Record<string, unknown>;
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify({ ...raw, randomization }, null, 2));
  return path;
}

const silent = (): CliIo & { stdout: string[] } => {
  const stdout: string[] = [];
  return { stdout, out: (line) => stdout.push(line), err: () => undefined };
};

describe.each([
  ['efron-biased-coin', { method: 'efron-biased-coin' }, { p: 2 / 3 }],
  ['big-stick', { method: 'big-stick', maxImbalance: 2 }, { maxImbalance: 2 }],
])('A trial file whose list method is %s (end to end)', (method, section, parameter) => {
  const file = trialFileWith(method, section);
  const trial = loadTrialFile(file);
  const seed = `list-designs-e2e-${method}`;
  let t: TestApp;
  let statistician: string;
  let pharmacist: string;
  let commitment: string;

  beforeAll(async () => {
    t = await startTestApp({ TRIAL_CONFIG: file });
    statistician = await t.userWith('stat', ['statistician']);
    pharmacist = await t.userWith('pharm', ['pharmacist']);
  });
  afterAll(() => t?.close());

  it('starts, and generates a list committed to its method and parameter', async () => {
    expect(trial.randomization).toMatchObject({ method, ...parameter });
    const generated = await t
      .http()
      .post('/api/randomization-list')
      .set('Authorization', statistician)
      .send({ seed })
      .expect(201);
    commitment = (generated.body as { commitment: string }).commitment;
    expect(generated.body).toMatchObject({ method });
    expect(commitment).toMatch(/^[0-9a-f]{64}$/);
  });

  it('allocates in slot order the targets the seed gives', async () => {
    const want = generateList(trial, seed);
    for (let i = 0; i < 6; i += 1) {
      const registered = await t
        .http()
        .post('/api/participants')
        .set('Authorization', pharmacist)
        .send(registration(trial, `SCR-${method}-${i}`))
        .expect(201);
      const id = (registered.body as { participantId: string }).participantId;
      const allocated = await t
        .http()
        .post(`/api/participants/${id}/allocation`)
        .set('Authorization', pharmacist)
        .expect(201);
      expect(allocated.body).toMatchObject({ slot: i + 1, cellLimb: want[i].target });
    }
  });

  it('after lock: the export verifies (in code and with list verify) and the CSV shows the imbalance', async () => {
    const admin = await t.login('admin', ADMIN_PASSWORD);
    await t
      .http()
      .post('/api/study/lock')
      .set('Authorization', admin)
      .send({ reason: `Lock for the ${method} end-to-end test` })
      .expect(200);
    const exported = (
      await t
        .http()
        .get('/api/randomization-list/export')
        .set('Authorization', statistician)
        .expect(200)
    ).body as ListExport;
    expect(exported.method).toBe(method);
    expect(exported.commitment).toBe(commitment);
    // The commitment binds the method's parameter: recomputed with the trial's, it holds.
    expect(
      listCommitment(
        trial.protocolId,
        exported.slots.map((s) => ({ stratum: s.stratum, slot: s.slot, target: s.limb })),
        exported.nonce,
        trial.randomization,
      ),
    ).toBe(commitment);
    expect(verifyListExport(exported)).toEqual({ valid: true, problems: [] });
    const exportFile = join(dir, `${method}-export.json`);
    writeFileSync(exportFile, JSON.stringify(exported));
    const io = silent();
    expect(
      await runCli(['list', 'verify', exportFile, '--trial', file, '--commitment', commitment], io),
    ).toBe(EXIT_VALID);
    // The same slots under another parameter are another list: the commitment says so.
    const other = trialFileWith(`${method}-other`, {
      ...section,
      ...(method === 'big-stick' ? { maxImbalance: 5 } : { p: 0.9 }),
    });
    expect(await runCli(['list', 'verify', exportFile, '--trial', other], silent())).not.toBe(
      EXIT_VALID,
    );

    const csv = await t
      .http()
      .get('/api/randomization-list/export/csv')
      .set('Authorization', statistician)
      .expect(200);
    const lines = csv.text.split('\r\n');
    expect(lines[0]).toBe(SEQUENTIAL_LIST_CSV_FIELDS.join(','));
    expect(lines[1]).toMatch(/^"all","1","0","0.5","(LEFT|RIGHT)",/);
  });
});
