import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateBlindingKey } from '../config/app-config';
import { loadTrialFile } from '../config/trial-file.loader';
import { resolveAuditSigningKey } from '../crypto/key-material';
import { buildListExport, ListExport } from '../randomization/list-export';
import { generateList } from '../randomization/list-generator';
import { CliIo, EXIT_INVALID, EXIT_USAGE, EXIT_VALID } from './cli-io';
import { reportedCounts } from './list-simulate.command';
import { runCli } from './main';

const NCT_FILE = join(__dirname, '..', '..', 'config', 'trials', 'nct02286011.json');
const nct = loadTrialFile(NCT_FILE);

interface Captured extends CliIo {
  stdout: string[];
  stderr: string[];
}

function capture(): Captured {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (line) => stdout.push(line), err: (line) => stderr.push(line) };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'list-commands-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeJson(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value, null, 2));
  return path;
}

function validExport(): ListExport {
  const seed = 'cli-seed';
  const slots = generateList(nct, seed).map((s, i) => ({
    ...s,
    participantId: i < 12 ? `ELA-${String(i + 1).padStart(3, '0')}` : null,
  }));
  return buildListExport({
    trial: nct,
    seed,
    nonce: 'cd'.repeat(32),
    generatedAt: '2025-02-03T10:00:00.000Z',
    slots,
  });
}

describe('list verify', () => {
  it('exits 0 on an export built from its seed, with the embedded trial or --trial', async () => {
    const file = writeJson('valid.json', validExport());
    const io = capture();
    expect(await runCli(['list', 'verify', file], io)).toBe(EXIT_VALID);
    expect(io.stdout.join('\n')).toContain('checked:     every slot is the one the seed');
    expect(io.stdout.join('\n')).toContain('LIST_GENERATED');
    expect(await runCli(['list', 'verify', file, '--trial', NCT_FILE], capture())).toBe(EXIT_VALID);
  });

  it('exits 1 and names the slot when one limb is flipped', async () => {
    const exported = validExport();
    exported.slots[6].limb = exported.slots[6].limb === 'LEFT' ? 'RIGHT' : 'LEFT';
    const io = capture();
    expect(await runCli(['list', 'verify', writeJson('flipped.json', exported)], io)).toBe(
      EXIT_INVALID,
    );
    const report = io.stdout.join('\n');
    expect(report).toContain('INVALID');
    expect(report).toContain('First mismatch at position 7: the export has stratum "all" slot 7');
  });

  it('compares with the commitment published at generation when given', async () => {
    const exported = validExport();
    const file = writeJson('published.json', exported);
    expect(
      await runCli(['list', 'verify', file, '--commitment', exported.commitment], capture()),
    ).toBe(EXIT_VALID);
    const io = capture();
    expect(await runCli(['list', 'verify', file, '--commitment', 'f'.repeat(64)], io)).toBe(
      EXIT_INVALID,
    );
    expect(io.stdout.join('\n')).toContain(`is not the published ${'f'.repeat(64)}`);
  });

  it('exits 2 with a clear message on a missing, malformed or shapeless export', async () => {
    const missing = capture();
    expect(await runCli(['list', 'verify', join(dir, 'nope.json')], missing)).toBe(EXIT_USAGE);
    expect(missing.stderr.join('\n')).toMatch(/nope\.json: cannot be read/);

    const garbled = join(dir, 'garbled.json');
    writeFileSync(garbled, '{"slots": [');
    const malformed = capture();
    expect(await runCli(['list', 'verify', garbled], malformed)).toBe(EXIT_USAGE);
    expect(malformed.stderr.join('\n')).toMatch(/garbled\.json: is not valid JSON/);

    const shapeless = capture();
    expect(
      await runCli(['list', 'verify', writeJson('shapeless.json', { slots: [] })], shapeless),
    ).toBe(EXIT_USAGE);
    expect(shapeless.stderr.join('\n')).toContain('has no "trial" object');
  });

  it('exits 2 on an unreadable --trial file and on usage mistakes', async () => {
    const file = writeJson('for-usage.json', validExport());
    const badTrial = capture();
    expect(
      await runCli(['list', 'verify', file, '--trial', join(dir, 'none.json')], badTrial),
    ).toBe(EXIT_USAGE);
    expect(badTrial.stderr.join('\n')).toContain('none.json');
    expect(await runCli(['list', 'verify'], capture())).toBe(EXIT_USAGE);
    expect(await runCli(['list', 'verify', file, '--bogus', 'x'], capture())).toBe(EXIT_USAGE);
    expect(await runCli(['list', 'verify', file, '--commitment', 'abc'], capture())).toBe(
      EXIT_USAGE,
    );
  });
});

describe('list simulate', () => {
  it('prints imbalance and guessing for every enrolment count of NCT02286011', async () => {
    const io = capture();
    const code = await runCli(
      ['list', 'simulate', '--trial', NCT_FILE, '--runs', '300', '--seed', 'fixed'],
      io,
    );
    expect(code).toBe(EXIT_VALID);
    const rows = io.stdout.filter((line) => /^\s+\d+\s/.test(line));
    expect(rows.map((row) => Number(row.trim().split(/\s+/)[0]))).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    // After 20 enrolments the list is exactly balanced: mean 0, max 0, P(0) = 1.
    expect(rows[19].trim().split(/\s+/).slice(1, 4)).toEqual(['0.000', '0', '1.0000']);
    expect(io.stdout.join('\n')).toContain('seed fixed');
    expect(io.stdout.join('\n')).toMatch(/Expected right guesses over the list: \d+\.\d\d of 20/);
  });

  it('gives the same report for the same seed', async () => {
    const args = ['list', 'simulate', '--trial', NCT_FILE, '--runs', '100', '--seed', 'same'];
    const first = capture();
    const second = capture();
    await runCli(args, first);
    await runCli(args, second);
    expect(second.stdout).toEqual(first.stdout);
  });

  it('reports long lists at about forty enrolment counts, always including the last', () => {
    const counts = reportedCounts(1000);
    expect(counts.slice(0, 10)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(counts[counts.length - 1]).toBe(1000);
    expect(counts.length).toBeLessThanOrEqual(41);
    expect(reportedCounts(20)).toHaveLength(20);
  });

  it('exits 2 without --trial, with bad --runs, or with a design no list can fill', async () => {
    expect(await runCli(['list', 'simulate'], capture())).toBe(EXIT_USAGE);
    expect(await runCli(['list', 'simulate', '--trial', NCT_FILE, '--runs', '0'], capture())).toBe(
      EXIT_USAGE,
    );
    expect(await runCli(['list', 'simulate', '--trial', NCT_FILE, '--runs', 'x'], capture())).toBe(
      EXIT_USAGE,
    );
    const unfillable = writeJson('unfillable.json', {
      ...JSON.parse(JSON.stringify(nct)),
      randomization: { method: 'permuted-blocks', blockSizes: [4, 6], slotsPerStratum: 2 },
    });
    const io = capture();
    expect(await runCli(['list', 'simulate', '--trial', unfillable], io)).toBe(EXIT_USAGE);
    expect(io.stderr.join('\n')).toContain('Block sizes 4, 6 cannot make exactly 2 slots');
  });
});

describe('list simulate: designs side by side', () => {
  it('prints the trial design beside Efron, the big stick and simple randomization, exact at N = 20', async () => {
    const io = capture();
    expect(
      await runCli(['list', 'simulate', '--trial', NCT_FILE, '--runs', '200', '--seed', 'cmp'], io),
    ).toBe(EXIT_VALID);
    const rows = io.stdout.filter((line) =>
      /^(permuted blocks|Efron biased coin|big stick|simple randomization)/.test(line),
    );
    expect(rows.map((line) => line.slice(0, 28).trim())).toEqual([
      'permuted blocks 2, 4',
      'Efron biased coin p = 2/3',
      'big stick b = 3',
      'simple randomization',
    ]);
    // The exact columns: right guesses, E[largest imbalance], worst, ends balanced.
    expect(rows[0]).toMatch(/^permuted blocks 2, 4 +72\.41% .* 1\.698 .* 2 +100\.00% /);
    expect(rows[1]).toMatch(/ 61\.71% .* 3\.192 .* 20 +50\.83% /);
    expect(rows[2]).toMatch(/ 57\.22% .* 2\.924 .* 3 +33\.33% /);
    expect(rows[3]).toMatch(/ 50\.00% .* 5\.151 .* 20 +17\.62% /);
  });

  it('takes --compare, checks each design by the trial file rules, and names a bad one', async () => {
    const io = capture();
    const args = ['list', 'simulate', '--trial', NCT_FILE, '--runs', '50', '--seed', 'cmp'];
    expect(await runCli([...args, '--compare', 'efron:3/4; big-stick:1; blocks:4'], io)).toBe(
      EXIT_VALID,
    );
    const out = io.stdout.join('\n');
    expect(out).toMatch(/\nEfron biased coin p = 3\/4 +66\.04% /);
    // b = 1 is blocks of 2: 75% right, never off by more than 1.
    expect(out).toMatch(/\nbig stick b = 1 +75\.00% .* 1\.000 .* 1 +100\.00% /);
    expect(out).toMatch(/\npermuted blocks 4 +70\.83% /);
    const bad = capture();
    expect(await runCli([...args, '--compare', 'efron:0.4'], bad)).toBe(EXIT_USAGE);
    expect(bad.stderr.join('\n')).toContain('$.compare[0].p must be a number greater than 0.5');
    expect(await runCli([...args, '--compare', 'minimisation'], capture())).toBe(EXIT_USAGE);
  });

  it("simulates a trial file whose own method is Efron's biased coin", async () => {
    const efron = writeJson('efron.json', {
      ...JSON.parse(JSON.stringify(nct)),
      randomization: { method: 'efron-biased-coin', p: 0.75 },
    });
    const io = capture();
    expect(
      await runCli(['list', 'simulate', '--trial', efron, '--runs', '100', '--seed', 'e'], io),
    ).toBe(EXIT_VALID);
    expect(io.stdout.join('\n')).toContain('Design: efron-biased-coin, p = 3/4, ratio 1:1');
  });
});

describe('key generate', () => {
  it('prints only a 32-byte base64 key on standard output, and how to use it on standard error', async () => {
    const io = capture();
    expect(await runCli(['key', 'generate'], io)).toBe(EXIT_VALID);
    expect(io.stdout).toHaveLength(1);
    expect(validateBlindingKey(io.stdout[0])).toBeUndefined();
    const advice = io.stderr.join('\n');
    expect(advice).toContain('BLINDING_KEY_FILE');
    expect(advice).toContain('0600');
    const again = capture();
    await runCli(['key', 'generate'], again);
    expect(again.stdout[0]).not.toBe(io.stdout[0]);
  });

  it('prints an Ed25519 PEM private key with --audit-signing', async () => {
    const io = capture();
    expect(await runCli(['key', 'generate', '--audit-signing'], io)).toBe(EXIT_VALID);
    const pem = io.stdout.join('\n');
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const resolved = resolveAuditSigningKey({ kind: 'inline', value: pem, variable: 'TEST' });
    expect(resolved.value.privateKey.asymmetricKeyType).toBe('ed25519');
    expect(io.stderr.join('\n')).toContain('AUDIT_SIGNING_KEY_FILE');
  });

  it('exits 2 on an unexpected argument', async () => {
    expect(await runCli(['key', 'generate', 'extra'], capture())).toBe(EXIT_USAGE);
  });
});
