import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signCheckpoint, verifyCheckpoint } from './audit-checkpoint';
import {
  checkAgainstJournal,
  furthestHead,
  HeadJournalFile,
  journalLine,
  readJournalHead,
  supersedeJournal,
} from './head-journal';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const HASH = (n: number) => n.toString(16).padStart(64, '0');
const head = (entries: number, hash = HASH(entries)) =>
  signCheckpoint(privateKey, publicKey, { entries, headHash: hash }, '2026-01-01T00:00:00.000Z');

describe(furthestHead.name, () => {
  it('takes the furthest complete line, whatever the order several processes appended in', () => {
    const text = [head(3), head(7), head(5)].map(journalLine).join('');
    expect(furthestHead(text)?.entries).toBe(7);
  });

  it('ignores a line cut by a crash and a first line that begins mid-line', () => {
    const cut = journalLine(head(9)).slice(0, 40);
    const text = `dHash":"x"}\n${journalLine(head(4))}${cut}`;
    expect(furthestHead(text)?.entries).toBe(4);
    expect(furthestHead('')).toBeUndefined();
  });

  it('ignores lines that are not signed heads', () => {
    expect(furthestHead('{"entries":99}\n')).toBeUndefined();
  });
});

describe(checkAgainstJournal.name, () => {
  it('accepts a chain at or past the journal when the hash at the journalled seq matches', () => {
    expect(() =>
      checkAgainstJournal(head(5), { entries: 5, headHash: HASH(5) }, HASH(5), 'j'),
    ).not.toThrow();
    expect(() =>
      checkAgainstJournal(head(5), { entries: 8, headHash: HASH(8) }, HASH(5), 'j'),
    ).not.toThrow();
  });

  it('refuses a shorter chain, naming both heads', () => {
    expect(() =>
      checkAgainstJournal(head(5), { entries: 3, headHash: HASH(3) }, undefined, 'j'),
    ).toThrow(
      `the journal's head is seq 5 (hash ${HASH(5)}, signed at 2026-01-01T00:00:00.000Z), the database's head is seq 3 (hash ${HASH(3)})`,
    );
  });

  it('refuses a chain that disagrees at the journalled seq', () => {
    expect(() =>
      checkAgainstJournal(head(5), { entries: 6, headHash: HASH(6) }, HASH(55), 'j'),
    ).toThrow(/the hash of seq 5 differs/);
  });
});

describe(HeadJournalFile.name, () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'journal-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('appends signed heads that verify as checkpoints and are read back at start', async () => {
    const path = join(dir, 'sub', 'audit-heads.jsonl');
    const file = new HeadJournalFile(path);
    await file.append(head(1));
    await file.append(head(2));
    await file.close();
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(verifyCheckpoint(JSON.parse(lines[1]), publicKey)).toBe(true);
    expect(readJournalHead(path)?.entries).toBe(2);
    expect(readJournalHead(join(dir, 'none'))).toBeUndefined();
  });

  it('supersedes a journal with a new one at an accepted head, keeping the old one', async () => {
    const path = join(dir, 'audit-heads.jsonl');
    const file = new HeadJournalFile(path);
    await file.append(head(9));
    await file.close();
    const kept = supersedeJournal(path, head(4), new Date('2026-02-03T04:05:06.007Z'));
    expect(kept).toBe(`${path}.superseded-2026-02-03T04-05-06-007Z`);
    expect(readJournalHead(kept)?.entries).toBe(9);
    expect(readJournalHead(path)?.entries).toBe(4);
    expect(existsSync(`${path}.new`)).toBe(false);
    expect(readdirSync(dir)).toHaveLength(2);
  });
});
