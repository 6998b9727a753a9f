import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { BlindingKeyRotated } from '../common/domain-errors';
import { UnitOfWork } from '../database/unit-of-work';
import { BlindingCipher, BlindingKeyVersionMismatch } from './blinding-cipher';
import { publicKeyBase64 } from './ed25519';
import {
  AUDIT_SIGNING_PURPOSE,
  BLINDING_PURPOSE,
  KeyChecksRepository,
} from './key-checks.repository';
import { SigningKeyPair } from './key-material';
import { SIGNING_KEY_PAIR } from './signing-key';

/** A start-up failure, not an HTTP answer: the server refuses to start. */
export class WrongBlindingKey extends Error {
  constructor() {
    super(
      'The blinding key does not match the key this database was created with (key check value differs). ' +
        'Start with the original BLINDING_KEY or BLINDING_KEY_FILE; nothing was decrypted.',
    );
  }
}

/** A start-up failure: the key is one a `key rotate` replaced; the sealed values need a newer one. */
export class RetiredBlindingKey extends Error {
  constructor(
    readonly keyVersion: number,
    readonly minimumVersion: number,
  ) {
    super(
      `BLINDING_KEY (or BLINDING_KEY_FILE) is blinding key version ${keyVersion}, which a key rotation retired: ` +
        `this database refuses keys older than version ${minimumVersion}, under which every sealed value now is. ` +
        `Start with the version ${minimumVersion} key (docs/operations.md, "Rotating the blinding key"); nothing was decrypted.`,
    );
  }
}

/** For the free function below, called from other modules' transactions (no container there). */
const KEY_CHECKS = new KeyChecksRepository();

/**
 * A sealed value that failed to open, seen during a request: when it names a newer key version
 * and the database records that version as current, a `key rotate` ran under this server, which
 * is not a damaged list (no integrity alarm) but a server to restart. Undefined otherwise.
 */
export async function rotationPastThisServer(
  manager: EntityManager,
  cipher: BlindingCipher,
  error: unknown,
): Promise<BlindingKeyRotated | undefined> {
  if (!(error instanceof BlindingKeyVersionMismatch)) return undefined;
  const stored = (await KEY_CHECKS.currentBlindingKey(manager))?.keyVersion;
  if (stored === undefined || stored <= cipher.keyVersion || error.sealedVersion !== stored)
    return undefined;
  return new BlindingKeyRotated(cipher.keyVersion, stored);
}

/** A start-up failure: this process would sign audit checkpoints with a key nobody registered. */
export class WrongAuditSigningKey extends Error {
  constructor(stored: string, configured: string) {
    super(
      `The audit signing key does not match the one this database registered (public key ${stored}, ` +
        `this process has ${configured}). Start with the registered AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE, ` +
        'or rotate it on purpose: npm run cli -- key rotate-audit-signing (docs/operations.md).',
    );
  }
}

/**
 * Stores the blinding key's check value and the audit signing public key at first start and
 * compares them at every later start (SPEC section 5). After a `key rotate`, the blinding row
 * holds the new key's version and check value, and each retired key keeps a row of its own
 * (`blinding-retired-v<n>`), so a start with an old key is told which version it has.
 */
@Injectable()
export class KeyCheckService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly keyChecks: KeyChecksRepository,
    private readonly cipher: BlindingCipher,
    @Inject(SIGNING_KEY_PAIR) private readonly signingKey: SigningKeyPair,
  ) {}

  async verifyOrRecord(): Promise<void> {
    const checkValue = this.cipher.checkValue();
    // SPKI DER of an Ed25519 key is 44 bytes: 60 base64 characters, within the column's 64.
    const publicKey = publicKeyBase64(this.signingKey.publicKey);
    await this.uow.write(async (manager) => {
      const createdAt = new Date().toISOString();
      const stored = await this.keyChecks.currentBlindingKey(manager);
      if (!stored) {
        await this.keyChecks.recordBlindingKey(manager, {
          keyVersion: this.cipher.keyVersion,
          checkValue,
          createdAt,
        });
      } else if (stored.checkValue === checkValue) {
        // The key is the current one: seal and open under the version the database records.
        this.cipher.adoptVersion(stored.keyVersion);
      } else {
        // One row per retired version besides the current one (key rotate keeps them).
        const retired = await this.keyChecks.retiredBlindingKey(manager, checkValue);
        if (retired) throw new RetiredBlindingKey(retired.keyVersion, stored.keyVersion);
        throw new WrongBlindingKey();
      }
      const signing = await this.keyChecks.auditSigningKey(manager);
      if (!signing) {
        await this.keyChecks.registerAuditSigningKey(
          manager,
          { keyVersion: 1, checkValue: publicKey, createdAt },
          false,
        );
      } else if (signing.checkValue !== publicKey) {
        throw new WrongAuditSigningKey(signing.checkValue, publicKey);
      }
    });
  }

  /**
   * The start-up comparison again, without recording anything (readiness): a database replaced
   * under a running server, or its key_checks rows edited, is named here. Undefined: both match.
   */
  async mismatch(): Promise<string | undefined> {
    const checkValue = this.cipher.checkValue();
    const publicKey = publicKeyBase64(this.signingKey.publicKey);
    const stored = await this.uow.read((manager) => this.keyChecks.all(manager));
    const valueOf = (purpose: string) => stored.find((row) => row.purpose === purpose)?.checkValue;
    if (valueOf(BLINDING_PURPOSE) !== checkValue)
      return 'the blinding key does not match the key check value stored in the database';
    if (valueOf(AUDIT_SIGNING_PURPOSE) !== publicKey)
      return 'the audit signing key does not match the public key registered in the database';
    return undefined;
  }
}
