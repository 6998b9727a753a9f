import { readFileSync } from 'node:fs';
import { AppConfig, loadAppConfigFromEnvironment, validateBlindingKey } from '../config/app-config';
import { BlindingCipher } from '../crypto/blinding-cipher';
import { KeyChecksRepository } from '../crypto/key-checks.repository';
import { resolveBlindingKey } from '../crypto/key-material';
import { ResealProgress, resealEveryList } from '../randomization/list-resealing';
import { RandomizationListRepository } from '../randomization/randomization-list.repository';
import { CliCommand, CliIo, EXIT_INVALID, EXIT_VALID, parseOptions, UsageError } from './cli-io';
import { cliActor, MaintenanceDatabase, openMaintenanceDatabase } from './maintenance-database';

/**
 * `key rotate`: re-seals every sealed value (each slot's target, each list's seed and nonce)
 * under a new blinding key, as the next key version, in one transaction with its audit entry.
 * The current key comes from the configuration (BLINDING_KEY, BLINDING_KEY_FILE or
 * DATA_DIR/blinding.key), the new one from --new-key-file (never the command line, which other
 * users of the machine can read). Killed half-way, the transaction rolls back whole: the
 * database holds the old key's values or the new key's, never some of each.
 */
export function createKeyRotateCommand(loadConfig: () => AppConfig): CliCommand {
  return {
    words: ['key', 'rotate'],
    usage: 'key rotate --new-key-file <path> --reason <text>',
    summary:
      'Re-seal every slot, the seed and the nonce under the new blinding key in --new-key-file (the current key from BLINDING_KEY or BLINDING_KEY_FILE), in one audited transaction; servers stopped.',
    run: (args, io) => runKeyRotate(args, io, loadConfig),
  };
}

export const keyRotateCommand = createKeyRotateCommand(loadAppConfigFromEnvironment);

/** A rotation the database or the keys refuse; nothing was changed. */
export class KeyRotationRefused extends Error {}

export interface BlindingKeyRotation {
  currentKey: Buffer;
  newKey: Buffer;
  reason: string;
  onProgress?: (progress: ResealProgress) => Promise<void>;
}

export interface RotationOutcome {
  fromVersion: number;
  toVersion: number;
  lists: number;
  slots: number;
}

/** Reads a new blinding key from a file: the same form BLINDING_KEY_FILE takes (base64, 32 bytes). */
export function readNewBlindingKey(path: string): Buffer {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (error) {
    throw new UsageError(`--new-key-file cannot be read: ${(error as Error).message}`);
  }
  const problem = validateBlindingKey(text);
  if (problem) throw new UsageError(`--new-key-file ${problem}`);
  return Buffer.from(text, 'base64');
}

// Outside the Nest container: the repositories are plain classes without dependencies.
const KEY_CHECKS = new KeyChecksRepository();
const LISTS = new RandomizationListRepository();

/**
 * The rotation itself, in one write transaction: check both keys against key_checks, open the
 * controlled path (the key_rotation_in_progress row), re-seal, record the new key as current and
 * the old one as retired, close the path, audit. Any failure rolls all of it back.
 */
export function rotateBlindingKey(
  database: MaintenanceDatabase,
  rotation: BlindingKeyRotation,
): Promise<RotationOutcome> {
  return database.uow.write(async (manager) => {
    const current = await KEY_CHECKS.currentBlindingKey(manager);
    if (!current) {
      throw new KeyRotationRefused(
        'This database has no blinding key recorded yet: start the server once before rotating.',
      );
    }
    const from = new BlindingCipher(rotation.currentKey, current.keyVersion);
    const to = new BlindingCipher(rotation.newKey, current.keyVersion + 1);
    const retiredVersionOf = async (checkValue: string) =>
      (await KEY_CHECKS.retiredBlindingKey(manager, checkValue))?.keyVersion;
    if (from.checkValue() !== current.checkValue) {
      const retired = await retiredVersionOf(from.checkValue());
      throw new KeyRotationRefused(
        retired === undefined
          ? `BLINDING_KEY (or BLINDING_KEY_FILE) is not this database's current blinding key (version ${current.keyVersion}): nothing changed.`
          : `BLINDING_KEY (or BLINDING_KEY_FILE) is retired key version ${retired}; the current key is version ${current.keyVersion}: nothing changed.`,
      );
    }
    if (to.checkValue() === current.checkValue) {
      throw new KeyRotationRefused(
        'The new key is the current key: generate a new one with `key generate`.',
      );
    }
    const reused = await retiredVersionOf(to.checkValue());
    if (reused !== undefined) {
      throw new KeyRotationRefused(
        `The new key is retired key version ${reused}: a retired key is never used again; generate a new one with \`key generate\`.`,
      );
    }

    const at = new Date().toISOString();
    const resealed = await KEY_CHECKS.whileRotating(
      manager,
      { fromVersion: from.keyVersion, toVersion: to.keyVersion, startedAt: at },
      async () => {
        const progress = await resealEveryList(manager, LISTS, from, to, rotation.onProgress);
        // The new key becomes the current row; the old one keeps a row as retired.
        await KEY_CHECKS.retireBlindingKey(manager, current, {
          keyVersion: to.keyVersion,
          checkValue: to.checkValue(),
          createdAt: at,
        });
        return progress;
      },
    );
    const outcome: RotationOutcome = {
      fromVersion: from.keyVersion,
      toVersion: to.keyVersion,
      lists: resealed.lists,
      slots: resealed.slots,
    };
    // Versions and counts only: neither key, nor a check value, nor any sealed value.
    await database.audit.record(manager, {
      actor: cliActor(),
      action: 'BLINDING_KEY_ROTATED',
      outcome: 'SUCCESS',
      reason: rotation.reason,
      details: { ...outcome },
    });
    return outcome;
  });
}

/** Progress on standard error every this many slots, so a long rotation is seen to move. */
const PROGRESS_EVERY = 5000;

async function runKeyRotate(
  args: string[],
  io: CliIo,
  loadConfig: () => AppConfig,
): Promise<number> {
  const { positional, options } = parseOptions(args, ['new-key-file', 'reason']);
  if (positional.length > 0) throw new UsageError(`unexpected argument ${positional[0]}`);
  const reason = options.get('reason')?.trim();
  if (!reason) throw new UsageError('say why with --reason');
  const newKeyFile = options.get('new-key-file');
  if (!newKeyFile) throw new UsageError('name the new key with --new-key-file');
  const newKey = readNewBlindingKey(newKeyFile);
  const config = loadConfig();
  const currentKey = resolveBlindingKey(config.blindingKey).value;
  const database = await openMaintenanceDatabase(config);
  try {
    const outcome = await rotateBlindingKey(database, {
      currentKey,
      newKey,
      reason,
      onProgress: (progress) => {
        if (progress.slots > 0 && progress.slots % PROGRESS_EVERY === 0)
          io.err(`re-sealed ${progress.slots} of ${progress.totalSlots} slots`);
        return Promise.resolve();
      },
    });
    io.out(
      `Rotated the blinding key from version ${outcome.fromVersion} to version ${outcome.toVersion}: ` +
        `${outcome.lists} list(s) and ${outcome.slots} slot(s) re-sealed, audited as BLINDING_KEY_ROTATED.`,
    );
    io.out(
      `Start the servers with the new key (BLINDING_KEY_FILE=${newKeyFile}); once they start, ` +
        'destroy every copy of the old key (docs/operations.md, "Rotating the blinding key").',
    );
    return EXIT_VALID;
  } catch (error) {
    if (!(error instanceof KeyRotationRefused)) throw error;
    io.err(error.message);
    return EXIT_INVALID;
  } finally {
    await database.close();
  }
}
