import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { execute } from '../database/sql';
import { KeyCheckEntity } from './key-check.entity';

/** A key as key_checks records it: its version, its check value and when it was recorded. */
export type KeyCheck = Omit<KeyCheckEntity, 'purpose'>;

/** The key_checks row of the current blinding key; its key_version is the minimum a start accepts. */
export const BLINDING_PURPOSE = 'blinding';

/** The key_checks row of the audit signing key: its check value is the public key itself. */
export const AUDIT_SIGNING_PURPOSE = 'audit-signing';

const RETIRED_BLINDING_PREFIX = 'blinding-retired-v';

/** The key_checks row kept for a retired blinding key, so a start with it is named as such. */
export function retiredBlindingPurpose(keyVersion: number): string {
  return `${RETIRED_BLINDING_PREFIX}${keyVersion}`;
}

/** The rotation path's one row (KeyRotation1764000008400): no entity maps the table. */
const OPEN_ROTATION =
  'INSERT INTO key_rotation_in_progress (id, from_version, to_version, started_at) ' +
  'VALUES (1, :fromVersion, :toVersion, :startedAt)';
const CLOSE_ROTATION = 'DELETE FROM key_rotation_in_progress WHERE id = 1';

export interface KeyRotationRow {
  fromVersion: number;
  toVersion: number;
  startedAt: string;
}

/**
 * The key_checks table (the check value of every key this database knows: the current blinding
 * key, each retired one, the audit signing public key) and key_rotation_in_progress (the row that
 * lets a `key rotate` transaction re-seal the list's sealed columns). A plain class as well as a
 * provider: the key commands construct it outside the Nest container.
 */
@Injectable()
export class KeyChecksRepository {
  all(manager: EntityManager): Promise<KeyCheckEntity[]> {
    return manager.getRepository(KeyCheckEntity).find();
  }

  /** The current blinding key's row, null before the first start. */
  currentBlindingKey(manager: EntityManager): Promise<KeyCheckEntity | null> {
    return manager.getRepository(KeyCheckEntity).findOneBy({ purpose: BLINDING_PURPOSE });
  }

  /** The registered audit signing key's row, null before the first start. */
  auditSigningKey(manager: EntityManager): Promise<KeyCheckEntity | null> {
    return manager.getRepository(KeyCheckEntity).findOneBy({ purpose: AUDIT_SIGNING_PURPOSE });
  }

  /** The retired blinding key with this check value, undefined when no rotation retired it. */
  async retiredBlindingKey(
    manager: EntityManager,
    checkValue: string,
  ): Promise<KeyCheckEntity | undefined> {
    return (await this.all(manager)).find(
      (row) => row.purpose.startsWith(RETIRED_BLINDING_PREFIX) && row.checkValue === checkValue,
    );
  }

  /** First start: the blinding key this database is created with. */
  async recordBlindingKey(manager: EntityManager, key: KeyCheck): Promise<void> {
    await manager.getRepository(KeyCheckEntity).insert({ purpose: BLINDING_PURPOSE, ...key });
  }

  /**
   * A rotation's bookkeeping: `next` becomes the current blinding key, and `current` keeps a row
   * of its own as retired (with its original version, check value and time).
   */
  async retireBlindingKey(
    manager: EntityManager,
    current: KeyCheckEntity,
    next: KeyCheck,
  ): Promise<void> {
    const keys = manager.getRepository(KeyCheckEntity);
    await keys.insert({
      purpose: retiredBlindingPurpose(current.keyVersion),
      keyVersion: current.keyVersion,
      checkValue: current.checkValue,
      createdAt: current.createdAt,
    });
    await keys.update({ purpose: BLINDING_PURPOSE }, next);
  }

  /** Registers the audit signing public key, in place of the one stored when there is one. */
  async registerAuditSigningKey(
    manager: EntityManager,
    key: KeyCheck,
    replacing: boolean,
  ): Promise<void> {
    const keys = manager.getRepository(KeyCheckEntity);
    if (replacing) await keys.update({ purpose: AUDIT_SIGNING_PURPOSE }, key);
    else await keys.insert({ purpose: AUDIT_SIGNING_PURPOSE, ...key });
  }

  /**
   * Runs `reseal` with the rotation path open: the key_rotation_in_progress row is inserted
   * before and deleted after, in the caller's transaction, so it is never visible outside it and
   * a rotation killed half-way leaves none (the triggers let only such a transaction change the
   * sealed columns). A second rotation in the same transaction fails on the row's key.
   */
  async whileRotating<T>(
    manager: EntityManager,
    rotation: KeyRotationRow,
    reseal: () => Promise<T>,
  ): Promise<T> {
    await execute(manager, OPEN_ROTATION, { ...rotation });
    const result = await reseal();
    await execute(manager, CLOSE_ROTATION);
    return result;
  }
}
