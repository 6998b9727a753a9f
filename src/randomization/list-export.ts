import { KeyObject } from 'node:crypto';
import {
  MAX_LIST_SLOTS,
  parseTrialDefinition,
  TrialDefinition,
  TrialDefinitionError,
} from '../config/trial-definition';
import { canonicalJson } from '../crypto/canonical-json';
import {
  decodeStrictBase64,
  parsePublicKey,
  publicKeyBase64,
  signEd25519,
  verifyEd25519,
} from '../crypto/ed25519';
import { listCommitment } from './list-commitment';
import { generateList, GeneratedSlot } from './list-generator';

/**
 * The final export of the list (GET /api/randomization-list/export, after lock) and its offline
 * verification. Field names are the product contract (SPEC section 3.7): `limb` holds the
 * target id whatever the trial's targets are.
 */
export interface ExportedSlot {
  slot: number;
  stratum: string;
  limb: string;
  participantId: string | null;
}

export interface ListExport {
  trial: TrialDefinition;
  method: string;
  seed: string;
  nonce: string;
  commitment: string;
  generatedAt: string;
  slots: ExportedSlot[];
  /** A practice instance's list (TRAINING=true), signed with the rest; absent in older exports. */
  training?: boolean;
  /** The audit log's head when the export was made (its LIST_EXPORTED entry included). */
  auditHead?: ListExportAuditHead;
  /** Ed25519 over listExportMessage(); absent only from an export made before signing existed. */
  signature?: ListExportSignature;
}

export interface ListExportAuditHead {
  entries: number;
  headHash: string;
}

export interface ListExportSignature {
  algorithm: 'Ed25519';
  /** The signer's public key (the audit signing key): SPKI DER, base64. */
  publicKey: string;
  /** base64 */
  value: string;
}

const EXPORT_FIELDS = [
  'trial',
  'method',
  'seed',
  'nonce',
  'commitment',
  'generatedAt',
  'slots',
  'training',
  'auditHead',
  'signature',
];
const SLOT_FIELDS = ['slot', 'stratum', 'limb', 'participantId'];

/**
 * The signed message: the UTF-8 bytes of the canonical JSON of the export without its
 * `signature` (docs/randomization.md). Every other field is covered, the trial and the audit
 * head included, so a swapped participant id breaks the signature.
 */
export function listExportMessage(exported: ListExport): Buffer {
  const signed: Partial<ListExport> = { ...exported };
  delete signed.signature;
  return Buffer.from(canonicalJson(signed), 'utf8');
}

/** An export as the server answers it: with its audit head, signed. */
export type SignedListExport = ListExport & Required<Pick<ListExport, 'auditHead' | 'signature'>>;

/** Signs an export with the audit signing key. */
export function signListExport(
  exported: ListExport & { auditHead: ListExportAuditHead },
  keys: { privateKey: KeyObject; publicKey: KeyObject },
): SignedListExport {
  // Signed as it will be read back: JSON drops undefined fields, so sign the JSON round trip.
  const unsigned = JSON.parse(
    JSON.stringify({ ...exported, signature: undefined }),
  ) as ListExport & {
    auditHead: ListExportAuditHead;
  };
  return {
    ...unsigned,
    signature: {
      algorithm: 'Ed25519',
      publicKey: publicKeyBase64(keys.publicKey),
      value: signEd25519(keys.privateKey, listExportMessage(unsigned)).toString('base64'),
    },
  };
}

/** A problem with the export's signature against a trusted key, or undefined when it holds. */
export function listExportSignatureProblem(
  exported: ListExport,
  trustedKey: KeyObject,
): string | undefined {
  const signature = exported.signature;
  if (!signature) return 'The export carries no signature';
  let carried: KeyObject;
  try {
    carried = parsePublicKey(signature.publicKey);
  } catch {
    return 'The signature names a public key that cannot be read';
  }
  if (publicKeyBase64(carried) !== publicKeyBase64(trustedKey)) {
    return 'The export is signed by another key than the given public key';
  }
  let bytes: Buffer;
  try {
    bytes = decodeStrictBase64(signature.value);
  } catch {
    return 'The signature is not base64';
  }
  return verifyEd25519(trustedKey, listExportMessage(exported), bytes)
    ? undefined
    : 'The signature does not verify: the export was altered after it was signed';
}

/** One ALLOCATED audit entry, as the cross-check needs it. */
export interface AuditedAllocation {
  seq: number;
  participantId: string;
  stratum: string;
  slot: number;
}

/**
 * Who got which slot, checked both ways: every held slot must have the ALLOCATED entry that gave
 * it to that participant (same stratum and slot), and every ALLOCATED entry must be a held slot
 * of that participant. Problems name the participant, the slot and the entry's seq.
 */
export function allocationProblems(
  exported: ListExport,
  allocations: readonly AuditedAllocation[],
): string[] {
  const problems: string[] = [];
  const audited = new Map<string, AuditedAllocation>();
  for (const allocation of allocations) {
    const earlier = audited.get(allocation.participantId);
    if (earlier) {
      problems.push(
        `Participant ${allocation.participantId} has two ALLOCATED entries (seq ${earlier.seq} and ${allocation.seq})`,
      );
      continue;
    }
    audited.set(allocation.participantId, allocation);
  }
  const held = new Map<string, ExportedSlot>();
  for (const slot of exported.slots) {
    if (slot.participantId === null) continue;
    held.set(slot.participantId, slot);
    const entry = audited.get(slot.participantId);
    const where = `slot ${slot.slot} of stratum "${slot.stratum}"`;
    if (!entry) {
      problems.push(
        `The export gives ${where} to ${slot.participantId}, whom no ALLOCATED entry allocated`,
      );
    } else if (entry.stratum !== slot.stratum || entry.slot !== slot.slot) {
      problems.push(
        `The export gives ${where} to ${slot.participantId}; the ALLOCATED entry (seq ${entry.seq}) ` +
          `gave slot ${entry.slot} of stratum "${entry.stratum}"`,
      );
    }
  }
  for (const entry of audited.values()) {
    if (!held.has(entry.participantId)) {
      problems.push(
        `The ALLOCATED entry seq ${entry.seq} gave slot ${entry.slot} of stratum "${entry.stratum}" ` +
          `to ${entry.participantId}, who holds no slot in the export`,
      );
    }
  }
  return problems;
}

export interface ListVerification {
  valid: boolean;
  problems: string[];
}

/** The export file is not an export at all (as opposed to an export that fails verification). */
export class ListExportFormatError extends Error {
  constructor(source: string, problem: string) {
    super(`${source}: ${problem}`);
    this.name = 'ListExportFormatError';
  }
}

/** Builds an export from a generated list; participant ids default to null (not yet allocated). */
export function buildListExport(input: {
  trial: TrialDefinition;
  seed: string;
  nonce: string;
  generatedAt: string;
  slots: (GeneratedSlot & { participantId?: string | null })[];
}): ListExport {
  return {
    trial: input.trial,
    method: input.trial.randomization.method,
    seed: input.seed,
    nonce: input.nonce,
    commitment: listCommitment(
      input.trial.protocolId,
      input.slots,
      input.nonce,
      input.trial.randomization,
    ),
    generatedAt: input.generatedAt,
    slots: input.slots.map((s) => ({
      slot: s.slot,
      stratum: s.stratum,
      limb: s.target,
      participantId: s.participantId ?? null,
    })),
  };
}

/**
 * Checks the shape of a parsed export file; the embedded trial is only checked to be an object
 * here, and is validated in full by verifyListExport when it is the one used.
 */
export function parseListExport(raw: unknown, source: string): ListExport {
  const fail = (problem: string): never => {
    throw new ListExportFormatError(source, problem);
  };
  if (!isRecord(raw)) return fail('is not a JSON object');
  if (!isRecord(raw.trial)) return fail('has no "trial" object');
  const text = (key: string): string => {
    const value = raw[key];
    return typeof value === 'string' ? value : fail(`has no "${key}" string`);
  };
  const fields = {
    method: text('method'),
    seed: text('seed'),
    nonce: text('nonce'),
    commitment: text('commitment'),
    generatedAt: text('generatedAt'),
  };
  for (const key of Object.keys(raw)) {
    if (!EXPORT_FIELDS.includes(key)) fail(`has an unknown field "${key}"`);
  }
  if (!Array.isArray(raw.slots)) return fail('has no "slots" array');
  if (raw.slots.length > MAX_LIST_SLOTS) {
    return fail(`has ${raw.slots.length} slots; a list holds at most ${MAX_LIST_SLOTS}`);
  }
  const slots = raw.slots.map((item: unknown, index): ExportedSlot => {
    const at = `slots[${index}]`;
    if (!isRecord(item)) return fail(`${at} is not an object`);
    for (const key of Object.keys(item)) {
      if (!SLOT_FIELDS.includes(key)) fail(`${at} has an unknown field "${key}"`);
    }
    const { slot, stratum, limb, participantId } = item;
    if (typeof slot !== 'number' || !Number.isInteger(slot) || slot < 1) {
      return fail(`${at}.slot is not a positive integer`);
    }
    if (typeof stratum !== 'string') return fail(`${at}.stratum is not a string`);
    if (typeof limb !== 'string') return fail(`${at}.limb is not a string`);
    if (participantId !== null && typeof participantId !== 'string') {
      return fail(`${at}.participantId is neither a string nor null`);
    }
    return { slot, stratum, limb, participantId };
  });
  if (raw.training !== undefined && typeof raw.training !== 'boolean') {
    return fail('has a "training" that is neither true nor false');
  }
  let auditHead: ListExportAuditHead | undefined;
  if (raw.auditHead !== undefined) {
    const head = raw.auditHead;
    if (
      !isRecord(head) ||
      Object.keys(head).length !== 2 ||
      typeof head.entries !== 'number' ||
      !Number.isSafeInteger(head.entries) ||
      head.entries < 0 ||
      typeof head.headHash !== 'string'
    ) {
      return fail('has an "auditHead" that is not {entries, headHash}');
    }
    auditHead = { entries: head.entries, headHash: head.headHash };
  }
  let signature: ListExportSignature | undefined;
  if (raw.signature !== undefined) {
    const sig = raw.signature;
    if (
      !isRecord(sig) ||
      Object.keys(sig).length !== 3 ||
      sig.algorithm !== 'Ed25519' ||
      typeof sig.publicKey !== 'string' ||
      typeof sig.value !== 'string'
    ) {
      return fail('has a "signature" that is not {algorithm: "Ed25519", publicKey, value}');
    }
    signature = { algorithm: 'Ed25519', publicKey: sig.publicKey, value: sig.value };
  }
  // The trial's full validation is verifyListExport's, which reports it as a problem.
  return {
    trial: raw.trial as unknown as TrialDefinition,
    ...fields,
    slots,
    ...(typeof raw.training === 'boolean' ? { training: raw.training } : {}),
    ...(auditHead ? { auditHead } : {}),
    ...(signature ? { signature } : {}),
  };
}

/**
 * Regenerates the list from the export's seed and the trial (the given trial file when there is
 * one, else the trial embedded in the export), compares it slot by slot, and recomputes the
 * commitment from the exported slots and nonce. Problems name the first mismatching slot; with
 * `nameTargets: false` (the server's own check, whose words go to its log and to the audit trail
 * that monitors read) they say where the lists differ, never which target either one gives.
 */
export function verifyListExport(
  exported: ListExport,
  trial?: TrialDefinition,
  { nameTargets = true }: { nameTargets?: boolean } = {},
): ListVerification {
  const problems: string[] = [];
  const done = (): ListVerification => ({ valid: problems.length === 0, problems });

  let design: TrialDefinition;
  if (trial) {
    design = trial;
  } else {
    try {
      // The embedded trial is untrusted input: validate it as a trial file would be.
      design = parseTrialDefinition(exported.trial, 'embedded in the export');
    } catch (error) {
      if (!(error instanceof TrialDefinitionError)) throw error;
      problems.push(`The trial embedded in the export is not a valid trial: ${error.message}`);
      return done();
    }
  }

  if (exported.method !== design.randomization.method) {
    problems.push(
      `The export says method "${exported.method}" but the trial uses "${design.randomization.method}"`,
    );
  }

  let regenerated: GeneratedSlot[];
  try {
    regenerated = generateList(design, exported.seed);
  } catch (error) {
    problems.push(`The list cannot be regenerated: ${(error as Error).message}`);
    return done();
  }

  if (exported.slots.length !== regenerated.length) {
    problems.push(
      `The export has ${exported.slots.length} slots; the seed and trial give ${regenerated.length}`,
    );
  }
  const compared = Math.min(exported.slots.length, regenerated.length);
  let mismatches = 0;
  for (let i = 0; i < compared; i += 1) {
    const got = exported.slots[i];
    const want = regenerated[i];
    if (got.stratum === want.stratum && got.slot === want.slot && got.limb === want.target) {
      continue;
    }
    mismatches += 1;
    if (mismatches === 1) {
      problems.push(
        nameTargets
          ? `First mismatch at position ${i + 1}: the export has stratum "${got.stratum}" slot ${got.slot} ` +
              `${got.limb}; the seed gives stratum "${want.stratum}" slot ${want.slot} ${want.target}`
          : `First mismatch at position ${i + 1}: stratum "${got.stratum}" slot ${got.slot} differs from ` +
              'what the seed gives (the targets are not named here: this check is blinded)',
      );
    }
  }
  if (mismatches > 1) problems.push(`${mismatches} slots in all differ from the regenerated list`);

  const seen = new Map<string, ExportedSlot>();
  for (const slot of exported.slots) {
    if (slot.participantId === null) continue;
    const earlier = seen.get(slot.participantId);
    if (earlier) {
      problems.push(
        `Participant ${slot.participantId} holds two slots: stratum "${earlier.stratum}" slot ` +
          `${earlier.slot} and stratum "${slot.stratum}" slot ${slot.slot}`,
      );
    }
    seen.set(slot.participantId, slot);
  }

  try {
    const recomputed = listCommitment(
      design.protocolId,
      exported.slots.map((s) => ({ stratum: s.stratum, slot: s.slot, target: s.limb })),
      exported.nonce,
      design.randomization,
    );
    if (recomputed !== exported.commitment) {
      problems.push(
        `The commitment recomputed from the exported slots and nonce is ${recomputed}, ` +
          `not the exported ${exported.commitment}`,
      );
    }
  } catch (error) {
    problems.push(`The commitment cannot be recomputed: ${(error as Error).message}`);
  }
  return done();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
