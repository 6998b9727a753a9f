import {
  parseTrialDefinition,
  TrialDefinition,
  TrialDefinitionError,
} from '../config/trial-definition';
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
    commitment: listCommitment(input.trial.protocolId, input.slots, input.nonce),
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
  if (!Array.isArray(raw.slots)) return fail('has no "slots" array');
  const slots = raw.slots.map((item: unknown, index): ExportedSlot => {
    const at = `slots[${index}]`;
    if (!isRecord(item)) return fail(`${at} is not an object`);
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
  // The trial's full validation is verifyListExport's, which reports it as a problem.
  return {
    trial: raw.trial as unknown as TrialDefinition,
    ...fields,
    slots,
  };
}

/**
 * Regenerates the list from the export's seed and the trial (the given trial file when there is
 * one, else the trial embedded in the export), compares it slot by slot, and recomputes the
 * commitment from the exported slots and nonce. Problems name the first mismatching slot.
 */
export function verifyListExport(exported: ListExport, trial?: TrialDefinition): ListVerification {
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
        `First mismatch at position ${i + 1}: the export has stratum "${got.stratum}" slot ${got.slot} ` +
          `${got.limb}; the seed gives stratum "${want.stratum}" slot ${want.slot} ${want.target}`,
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
