import {
  copyFileSync,
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createApp } from '../src/app.factory';
import { readJournalHead } from '../src/audit/head-journal';
import { createAuditAcceptHeadCommand } from '../src/cli/audit-accept-head.command';
import { createKeyRotateAuditSigningCommand } from '../src/cli/key-rotate-audit-signing.command';
import { CliIo } from '../src/cli/cli-io';
import { AppConfig } from '../src/config/app-config';
import { newAuditSigningKeyPem } from '../src/crypto/key-material';
import { auditEntriesOf } from './support/database-file';
import { nctTrial, NCT_TRIAL_FILE, registration } from './support/trial-fixtures';
import {
  describeOnSqliteFile,
  newTempDir,
  startTestApp,
  TestApp,
  USER_PASSWORD,
} from './support/test-app';
import { auditGuardDrops } from './support/test-database';
import request from 'supertest';

function capture(): CliIo & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (l) => lines.push(l), err: (l) => lines.push(l) };
}

const DATABASE_COMPANIONS = ['', '-wal', '-shm'];

// The blocks that remove, copy, replace or corrupt the SQLite file itself are describeOnSqliteFile.
// On PostgreSQL the database is no file of the data directory: the tamper tests below that edit
// it with SQL run there instead ("tampering from outside").

function removeDatabase(path: string): void {
  for (const suffix of DATABASE_COMPANIONS) rmSync(`${path}${suffix}`, { force: true });
}

/** Starts and stops a server on the same data directory, as an operator's restart would. */
async function startOnce(config: AppConfig): Promise<void> {
  const app = await createApp(config);
  await app.close();
}

describe('Start-up integrity: what the installation was set up with (end to end)', () => {
  let t: TestApp;

  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(() => t?.close());

  it('refuses a second trial file with the same protocol id, before any list exists', async () => {
    await t.app.close();
    const dir = newTempDir();
    try {
      const other = JSON.parse(readFileSync(NCT_TRIAL_FILE, 'utf8')) as {
        eligibility: { minAge: number };
      };
      other.eligibility.minAge = 15;
      const file = join(dir, 'same-protocol.json');
      writeFileSync(file, JSON.stringify(other));
      await expect(createApp({ ...t.config, trialConfigPath: file })).rejects.toThrow(
        /differs from the one this database was set up with \(definition hash [0-9a-f]{64}, now [0-9a-f]{64}\)/,
      );
      // The original file still starts.
      await startOnce(t.config);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses another audit signing key, and accepts it once rotated with the audited command', async () => {
    await t.app.close();
    const other = {
      ...t.config,
      auditSigningKey: {
        kind: 'inline' as const,
        value: newAuditSigningKeyPem(),
        variable: 'AUDIT_SIGNING_KEY',
      },
    };
    await expect(createApp(other)).rejects.toThrow(
      /audit signing key does not match the one this database registered/,
    );

    const rotate = createKeyRotateAuditSigningCommand(() => other);
    const io = capture();
    await expect(rotate.run([], capture())).rejects.toThrow(/--reason/);
    expect(await rotate.run(['--reason', 'yearly rotation'], io)).toBe(0);
    await startOnce(other);
    // The old key is now the stranger.
    await expect(createApp(t.config)).rejects.toThrow(/audit signing key does not match/);

    const rotated = (await t.database.auditEntries()).filter(
      (e) => e.action === 'AUDIT_SIGNING_KEY_ROTATED',
    );
    expect(rotated).toHaveLength(1);
    expect(rotated[0]).toMatchObject({
      actor: expect.stringMatching(/^cli:/),
      reason: 'yearly rotation',
      details: {
        keyVersion: 2,
        publicKey: expect.any(String),
        previousPublicKey: expect.any(String),
      },
    });
    expect(io.lines.join('\n')).toContain(String(rotated[0].details.publicKey));
  });
});

describeOnSqliteFile('Start-up integrity: a missing or replaced database (end to end)', () => {
  let t: TestApp;

  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(() => t?.close());

  it('writes the installation marker beside the keys at set-up, with the id the database holds', () => {
    const marker = JSON.parse(readFileSync(join(t.dataDir, 'installation.json'), 'utf8')) as Record<
      string,
      string
    >;
    expect(marker).toMatchObject({
      protocolId: 'NCT02286011',
      databasePath: t.config.databasePath,
      installationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    const initialized = auditEntriesOf(t.config.databasePath).find(
      (e) => e.action === 'SYSTEM_INITIALIZED',
    );
    expect(initialized?.details.installationId).toBe(marker.installationId);
  });

  it('refuses to start when the database was deleted and the marker remains, and creates nothing', async () => {
    await t.app.close();
    removeDatabase(t.config.databasePath);
    await expect(createApp(t.config)).rejects.toThrow(
      /database .*trial\.sqlite is missing, but .*installation\.json records that trial NCT02286011 was set up here.*Restore the database from its latest backup/,
    );
    expect(existsSync(t.config.databasePath)).toBe(false);
    // An empty file (a truncated copy) is refused the same way.
    writeFileSync(t.config.databasePath, '');
    await expect(createApp(t.config)).rejects.toThrow(/is empty, but/);
  });

  it('refuses a database that belongs to another installation', async () => {
    const other = await startTestApp();
    await other.app.close();
    await t.app.close();
    removeDatabase(t.config.databasePath);
    copyFileSync(other.config.databasePath, t.config.databasePath);
    await other.close();
    // Without the head journal (which would refuse it first), the marker alone catches it.
    rmSync(t.config.headJournalPath);
    await expect(createApp(t.config)).rejects.toThrow(/is not this installation's/);
  });

  it.each(['replaced', 'removed'])(
    'stops taking writes (503) once the database file is %s under the running server',
    async (how) => {
      const pharmacist = await t.userWith('pharm', ['pharmacist']);
      const trial = nctTrial();
      await t
        .http()
        .post('/api/participants')
        .set('Authorization', pharmacist)
        .send(registration(trial, 'SCR-1'))
        .expect(201);
      const path = t.config.databasePath;
      if (how === 'replaced') {
        copyFileSync(path, `${path}.copy`);
        renameSync(`${path}.copy`, path);
      } else {
        removeDatabase(path);
      }
      const refused = await t
        .http()
        .post('/api/participants')
        .set('Authorization', pharmacist)
        .send(registration(trial, 'SCR-2'));
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBeDefined();
      expect(refused.body).toMatchObject({
        code: 'STORAGE_UNAVAILABLE',
        message: expect.stringMatching(/removed or replaced while the server ran/),
      });
      // It stays refused: the guard does not forget.
      await t
        .http()
        .post('/api/participants')
        .set('Authorization', pharmacist)
        .send(registration(trial, 'SCR-3'))
        .expect(503);
    },
  );
});

/** Writes the WAL into the database file, then garbles the page type of the audit table's root. */
function corruptAuditRootPage(path: string): void {
  const db = new Database(path);
  let offset: number;
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const root = db
      .prepare("SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = 'audit_entries'")
      .pluck()
      .get() as number;
    offset = (root - 1) * pageSize;
  } finally {
    db.close();
  }
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, Buffer.from([0x07, 0xff, 0xff, 0xff]), 0, 4, offset);
  } finally {
    closeSync(fd);
  }
  // Another connection's commit makes the server's connection drop its cached pages.
  const other = new Database(path);
  try {
    other.prepare('UPDATE write_lock SET counter = counter + 1 WHERE id = 1').run();
  } finally {
    other.close();
  }
}

describeOnSqliteFile('Start-up integrity: corruption (end to end)', () => {
  let t: TestApp;

  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(() => t?.close());

  it('answers verify with valid:false and the cause on a corrupted page, then refuses to start', async () => {
    const monitor = await t.userWith('mon', ['monitor']);
    const pharmacist = await t.userWith('pharm', ['pharmacist']);
    for (let i = 1; i <= 20; i += 1) {
      await t
        .http()
        .post('/api/participants')
        .set('Authorization', pharmacist)
        .send(registration(nctTrial(), `SCR-${i}`))
        .expect(201);
    }
    corruptAuditRootPage(t.config.databasePath);

    const verdict = await t.http().get('/api/audit-log/verify').set('Authorization', monitor);
    expect(verdict.status).toBe(200);
    expect(verdict.body).toMatchObject({
      valid: false,
      firstInvalidSeq: 1,
      problem: expect.stringMatching(/database file is corrupted/),
    });

    await t.app.close();
    await expect(createApp(t.config)).rejects.toThrow(
      /PRAGMA quick_check found the database .*trial\.sqlite damaged: .+ restore the latest backup/,
    );
  });
});

describeOnSqliteFile('Start-up integrity: lost tails and the head journal (end to end)', () => {
  let t: TestApp;

  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(() => t?.close());

  async function allocate(app: Awaited<ReturnType<typeof createApp>>, screening: string[]) {
    const server = app.getHttpServer() as Parameters<typeof request>[0];
    const login = await request(server)
      .post('/api/auth/login')
      .send({ username: 'pharm', password: USER_PASSWORD })
      .expect(200);
    const token = `Bearer ${(login.body as { accessToken: string }).accessToken}`;
    for (const number of screening) {
      const registered = await request(server)
        .post('/api/participants')
        .set('Authorization', token)
        .send(registration(nctTrial(), number))
        .expect(201);
      const id = (registered.body as { participantId: string }).participantId;
      await request(server)
        .post(`/api/participants/${id}/allocation`)
        .set('Authorization', token)
        .expect(201);
    }
  }

  it('journals the head after each allocation, refuses a database put back from before, and accepts it on command', async () => {
    await t.userWith('pharm', ['pharmacist']);
    const statistician = await t.userWith('stat', ['statistician']);
    await t
      .http()
      .post('/api/randomization-list')
      .set('Authorization', statistician)
      .send({ seed: 'lost-tail-test-seed' })
      .expect(201);
    await allocate(t.app, ['SCR-1']);
    const allocated = auditEntriesOf(t.config.databasePath).filter((e) => e.action === 'ALLOCATED');
    // Written before the 201: the journal already covers the allocation.
    expect(readJournalHead(t.config.headJournalPath)?.entries).toBeGreaterThanOrEqual(
      allocated[0].seq,
    );

    await t.app.close();
    const older = join(t.dataDir, 'older.sqlite');
    copyFileSync(t.config.databasePath, older);
    const later = await createApp(t.config);
    await allocate(later, ['SCR-2', 'SCR-3']);
    await later.close();
    const journalHead = readJournalHead(t.config.headJournalPath);
    const lost = auditEntriesOf(t.config.databasePath);

    removeDatabase(t.config.databasePath);
    renameSync(older, t.config.databasePath);
    const kept = auditEntriesOf(t.config.databasePath);
    const keptHead = kept[kept.length - 1];
    expect(journalHead?.entries).toBe(lost[lost.length - 1].seq);
    await expect(createApp(t.config)).rejects.toThrow(
      `the journal's head is seq ${journalHead?.entries} (hash ${journalHead?.headHash}, signed at ${journalHead?.at}), ` +
        `the database's head is seq ${keptHead.seq} (hash ${keptHead.hash})`,
    );

    const accept = createAuditAcceptHeadCommand(() => t.config);
    await expect(accept.run([], capture())).rejects.toThrow(/--reason/);
    expect(
      await accept.run(['--reason', 'restored the 12:00 backup after a disk fault'], capture()),
    ).toBe(0);
    const restarted = await createApp(t.config);
    await restarted.close();
    const accepted = auditEntriesOf(t.config.databasePath).filter(
      (e) => e.action === 'AUDIT_HEAD_ACCEPTED',
    );
    expect(accepted).toHaveLength(1);
    expect(accepted[0]).toMatchObject({
      actor: expect.stringMatching(/^cli:/),
      reason: 'restored the 12:00 backup after a disk fault',
      details: {
        journalHead: { seq: journalHead?.entries, hash: journalHead?.headHash },
        databaseHead: { seq: keptHead.seq, hash: keptHead.hash },
      },
    });
    expect(
      readdirSync(t.dataDir).some((name) => name.startsWith('audit-heads.jsonl.superseded-')),
    ).toBe(true);
  });

  it('refuses a database whose chain disagrees with the journal at the journalled seq', async () => {
    await t.app.close();
    // Another installation's database of at least the same length: same seqs, other hashes.
    const other = await startTestApp({
      BLINDING_KEY: (t.config.blindingKey as { value: string }).value,
    });
    await other.userWith('mon1', ['monitor']);
    await other.userWith('mon2', ['monitor']);
    await other.app.close();
    const journalHead = readJournalHead(t.config.headJournalPath);
    removeDatabase(t.config.databasePath);
    copyFileSync(other.config.databasePath, t.config.databasePath);
    await other.close();
    await expect(createApp(t.config)).rejects.toThrow(
      new RegExp(
        `journal's head is seq ${journalHead?.entries} .*the hash of seq ${journalHead?.entries} differs`,
      ),
    );
  });
});

describe('Start-up integrity: tampering from outside (the SQLite file, or SQL through pg)', () => {
  let t: TestApp;

  beforeEach(async () => {
    t = await startTestApp();
    await t.userWith('pharm', ['pharmacist']);
    const statistician = await t.userWith('stat', ['statistician']);
    await t
      .http()
      .post('/api/randomization-list')
      .set('Authorization', statistician)
      .send({ seed: 'tamper-from-outside-seed' })
      .expect(201);
  });
  afterEach(() => t?.close());

  async function allocateAndStop(screening: string[]): Promise<void> {
    const server = t.app.getHttpServer() as Parameters<typeof request>[0];
    const token = await t.login('pharm');
    for (const number of screening) {
      const registered = await request(server)
        .post('/api/participants')
        .set('Authorization', token)
        .send(registration(nctTrial(), number))
        .expect(201);
      const id = (registered.body as { participantId: string }).participantId;
      await request(server)
        .post(`/api/participants/${id}/allocation`)
        .set('Authorization', token)
        .expect(201);
    }
    await t.app.close();
  }

  /** Someone with the file or a database login drops the append-only triggers first. */
  async function tamper(statements: string[]): Promise<void> {
    for (const sql of [...auditGuardDrops(t.database.kind), ...statements])
      await t.database.execute(sql);
  }

  it('refuses to start when the journalled tail of the audit log was deleted', async () => {
    await allocateAndStop(['SCR-1', 'SCR-2']);
    const journal = readJournalHead(t.config.headJournalPath);
    const entries = await t.database.auditEntries();
    expect(journal?.entries).toBe(entries[entries.length - 1].seq);
    const kept = entries[entries.length - 4];
    await tamper([`DELETE FROM audit_entries WHERE seq > ${kept.seq}`]);
    await expect(createApp(t.config)).rejects.toThrow(
      `the journal's head is seq ${journal?.entries} (hash ${journal?.headHash}, signed at ${journal?.at}), ` +
        `the database's head is seq ${kept.seq} (hash ${kept.hash})`,
    );
  });

  it('refuses to start when the journalled head entry was rewritten', async () => {
    await allocateAndStop(['SCR-1']);
    const journal = readJournalHead(t.config.headJournalPath);
    const head = (await t.database.auditEntries()).pop();
    expect(head?.seq).toBe(journal?.entries);
    await tamper([
      `UPDATE audit_entries SET actor = 'mallory', hash = '${'0'.repeat(64)}' WHERE seq = ${head?.seq}`,
    ]);
    await expect(createApp(t.config)).rejects.toThrow(
      new RegExp(
        `journal's head is seq ${journal?.entries} .*the hash of seq ${journal?.entries} differs`,
      ),
    );
  });
});
