import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createApp } from '../src/app.factory';
import { CliIo } from '../src/cli/cli-io';
import { createKeyRotateCommand } from '../src/cli/key-rotate.command';
import { AppConfig } from '../src/config/app-config';
import { BlindingCipher } from '../src/crypto/blinding-cipher';
import { listSecretAssociatedData, slotAssociatedData } from '../src/randomization/sealing';
import { nctTrial, registration } from './support/trial-fixtures';
import { startTestApp, TestApp, USER_PASSWORD } from './support/test-app';
import { TestDatabase } from './support/test-database';

/**
 * `key rotate` end to end (issue 15 item 6): a server sets up a list and allocates, stops; the
 * command re-seals everything under a new key; a start with the old key is refused, a start
 * with the new key gives every allocation, re-read and unblinding the limbs of before.
 */
const trial = nctTrial();
const REASON = 'Severe adverse event: the treating physician must know';
const ALLOCATED_BEFORE = 3;
const REGISTERED = 6;

function capture(): CliIo & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (l) => lines.push(l), err: (l) => lines.push(l) };
}

interface SlotRow {
  listId: number | string;
  stratum: string;
  slot: number | string;
  targetSealed: string;
  participantId: string | null;
}

interface ListRow {
  id: number | string;
  seedSealed: string;
  nonceSealed: string;
}

async function slotsOf(database: TestDatabase): Promise<SlotRow[]> {
  return database.query<SlotRow>(
    'SELECT list_id AS "listId", stratum, slot, target_sealed AS "targetSealed", participant_id AS "participantId" FROM slots ORDER BY id',
  );
}

/** Every sealed value of the database opened under `cipher`: the seed, the nonce, each target. */
async function openEverything(database: TestDatabase, cipher: BlindingCipher): Promise<string[]> {
  const [list] = await database.query<ListRow>(
    'SELECT id, seed_sealed AS "seedSealed", nonce_sealed AS "nonceSealed" FROM randomization_lists',
  );
  const listId = Number(list.id);
  const opened = [
    cipher.decrypt(list.seedSealed, listSecretAssociatedData(trial.protocolId, listId, 'seed')),
    cipher.decrypt(list.nonceSealed, listSecretAssociatedData(trial.protocolId, listId, 'nonce')),
  ];
  for (const slot of await slotsOf(database)) {
    opened.push(
      cipher.decrypt(
        slot.targetSealed,
        slotAssociatedData(trial.protocolId, listId, slot.stratum, Number(slot.slot)),
      ),
    );
  }
  return opened;
}

function withKey(config: AppConfig, key: Buffer): AppConfig {
  return {
    ...config,
    blindingKey: { kind: 'inline', value: key.toString('base64'), variable: 'BLINDING_KEY' },
  };
}

describe('Blinding key rotation (end to end)', () => {
  let t: TestApp;
  let oldKey: Buffer;
  const newKey = randomBytes(32);
  let newKeyFile: string;
  let limbs: Map<string, string>;
  let plaintextBefore: string[];
  let sealedBefore: string[];
  let restarted: NestExpressApplication | undefined;

  beforeAll(async () => {
    t = await startTestApp();
    oldKey = Buffer.from(
      t.config.blindingKey.kind === 'inline' ? t.config.blindingKey.value : '',
      'base64',
    );
    const pharmacist = await t.userWith('pharm', ['pharmacist']);
    const statistician = await t.userWith('stat', ['statistician']);
    await t
      .http()
      .post('/api/randomization-list')
      .set('Authorization', statistician)
      .send({ seed: 'key-rotation-e2e-seed-01' })
      .expect(201);
    limbs = new Map();
    for (let i = 1; i <= REGISTERED; i += 1) {
      await t
        .http()
        .post('/api/participants')
        .set('Authorization', pharmacist)
        .send(registration(trial, `SCR-${i}`))
        .expect(201);
      if (i <= ALLOCATED_BEFORE) {
        const allocated = await t
          .http()
          .post(`/api/participants/ELA-00${i}/allocation`)
          .set('Authorization', pharmacist)
          .expect(201);
        limbs.set(`ELA-00${i}`, (allocated.body as { cellLimb: string }).cellLimb);
      }
    }
    await t.userWith('unb', ['unblinder']);
    await t.app.close();
    plaintextBefore = await openEverything(t.database, new BlindingCipher(oldKey, 1));
    sealedBefore = (await slotsOf(t.database)).map((s) => s.targetSealed);
    newKeyFile = join(t.dataDir, 'blinding-v2.key');
    writeFileSync(newKeyFile, `${newKey.toString('base64')}\n`, { mode: 0o600 });
  });
  afterAll(async () => {
    await restarted?.close();
    await t.database.close();
    rmSync(t.dataDir, { recursive: true, force: true });
  });

  it('refuses a new key that is the current one, and changes nothing', async () => {
    const sameKeyFile = join(t.dataDir, 'same.key');
    writeFileSync(sameKeyFile, oldKey.toString('base64'), { mode: 0o600 });
    const io = capture();
    const rotate = createKeyRotateCommand(() => t.config);
    expect(await rotate.run(['--new-key-file', sameKeyFile, '--reason', 'yearly'], io)).toBe(1);
    expect(io.lines.join('\n')).toMatch(/new key is the current key/);
    await expect(rotate.run(['--new-key-file', newKeyFile], capture())).rejects.toThrow(/--reason/);
    expect((await slotsOf(t.database)).map((s) => s.targetSealed)).toEqual(sealedBefore);
  });

  it('re-seals every slot, the seed and the nonce as version 2, in one audited transaction', async () => {
    const io = capture();
    const rotate = createKeyRotateCommand(() => t.config);
    expect(
      await rotate.run(['--new-key-file', newKeyFile, '--reason', 'yearly key rotation'], io),
    ).toBe(0);
    expect(io.lines.join('\n')).toMatch(/from version 1 to version 2/);

    const slots = await slotsOf(t.database);
    expect(slots.every((s) => s.targetSealed.startsWith('v2.'))).toBe(true);
    // Fresh IVs under a new key: no ciphertext survives.
    expect(slots.filter((s, i) => s.targetSealed === sealedBefore[i])).toEqual([]);
    expect(await openEverything(t.database, new BlindingCipher(newKey, 2))).toEqual(
      plaintextBefore,
    );
    // The old key opens nothing any more: it is no longer needed.
    await expect(openEverything(t.database, new BlindingCipher(oldKey, 1))).rejects.toThrow();
    expect(await t.database.count('key_rotation_in_progress')).toBe(0);

    const rotated = (await t.database.auditEntries()).filter(
      (e) => e.action === 'BLINDING_KEY_ROTATED',
    );
    expect(rotated).toHaveLength(1);
    expect(rotated[0]).toMatchObject({
      actor: expect.stringMatching(/^cli:/),
      outcome: 'SUCCESS',
      reason: 'yearly key rotation',
      details: { fromVersion: 1, toVersion: 2, lists: 1, slots: slots.length },
    });
    const logged = JSON.stringify(await t.database.auditEntries());
    for (const key of [oldKey, newKey]) {
      for (const form of [key.toString('base64'), key.toString('hex'), key.toString('base64url')])
        expect(logged).not.toContain(form);
    }
    expect((await t.database.verifyAudit()).valid).toBe(true);
  });

  it('refuses a start with the old key, naming BLINDING_KEY and both versions', async () => {
    await expect(createApp(t.config)).rejects.toThrow(
      /BLINDING_KEY.*version 1.*older than version 2/,
    );
  });

  it('refuses to rotate again from the retired key', async () => {
    const io = capture();
    const another = join(t.dataDir, 'blinding-v3.key');
    writeFileSync(another, randomBytes(32).toString('base64'), { mode: 0o600 });
    const rotate = createKeyRotateCommand(() => t.config);
    expect(await rotate.run(['--new-key-file', another, '--reason', 'again'], io)).toBe(1);
    expect(io.lines.join('\n')).toMatch(/retired key version 1; the current key is version 2/);
    // And the retired key can never come back as a "new" one.
    const back = createKeyRotateCommand(() => withKey(t.config, newKey));
    const oldKeyFile = join(t.dataDir, 'old.key');
    writeFileSync(oldKeyFile, oldKey.toString('base64'), { mode: 0o600 });
    const refused = capture();
    expect(await back.run(['--new-key-file', oldKeyFile, '--reason', 'undo'], refused)).toBe(1);
    expect(refused.lines.join('\n')).toMatch(/retired key version 1/);
  });

  it('starts with the new key: re-reads, new allocations and unblinding give the limbs of before', async () => {
    const app = await createApp(withKey(t.config, newKey));
    restarted = app;
    const http = () => request(app.getHttpServer());
    const login = async (username: string) =>
      `Bearer ${
        (
          (await http().post('/api/auth/login').send({ username, password: USER_PASSWORD }))
            .body as { accessToken: string }
        ).accessToken
      }`;
    const pharmacist = await login('pharm');
    for (const [participantId, limb] of limbs) {
      const reread = await http()
        .get(`/api/participants/${participantId}/allocation`)
        .set('Authorization', pharmacist)
        .expect(200);
      expect((reread.body as { cellLimb: string }).cellLimb).toBe(limb);
    }
    // Slot n of the list (one stratum) holds plaintextBefore[n + 1] (after the seed and nonce).
    const slotsBefore = plaintextBefore.slice(2);
    for (let i = ALLOCATED_BEFORE + 1; i <= REGISTERED; i += 1) {
      const allocated = await http()
        .post(`/api/participants/ELA-00${i}/allocation`)
        .set('Authorization', pharmacist)
        .expect(201);
      const body = allocated.body as { slot: number; cellLimb: string };
      expect(body.slot).toBe(i);
      expect(body.cellLimb).toBe(slotsBefore[i - 1]);
      limbs.set(`ELA-00${i}`, body.cellLimb);
    }
    const unblinder = await login('unb');
    const unblinded = await http()
      .post('/api/participants/ELA-002/unblinding')
      .set('Authorization', unblinder)
      .send({ reason: REASON, password: USER_PASSWORD })
      .expect(200);
    expect(JSON.stringify(unblinded.body)).toContain(limbs.get('ELA-002'));
    expect((unblinded.body as { cellLimb: string }).cellLimb).toBe(limbs.get('ELA-002'));
    await http().get('/api/health/ready').expect(200);
    const failures = (await t.database.auditEntries()).filter((e) => /INTEGRITY/.test(e.action));
    expect(failures).toEqual([]);
  });
});
