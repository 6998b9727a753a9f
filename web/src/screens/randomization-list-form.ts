/**
 * What the randomization list screen reads from its forms, as plain functions: the simulation
 * request and the chosen seed's problems. The server checks everything again (INVALID_DESIGN,
 * SIMULATION_TOO_LARGE, VALIDATION_FAILED); these only catch what cannot be sent as a number at
 * all, and say so in the user's language before anything is sent.
 */

/** The server's own bound of a chosen seed (src/randomization/dto/randomization.dto.ts). */
export const MIN_CHOSEN_SEED_LENGTH = 16;
export const MAX_SEED_LENGTH = 256;

export type DesignMethod = 'simple' | 'permuted-blocks' | 'efron-biased-coin' | 'big-stick';

export interface SimulationForm {
  runs: string;
  source: 'trial' | 'variant';
  method: DesignMethod;
  blockSizes: string;
  slotsPerStratum: string;
  /** Efron's p: `2/3` or `0.75`; empty for the server's default (2/3). */
  p: string;
  /** The big stick's b; empty for the server's default (3). */
  maxImbalance: string;
}

export type SimulationFormField = 'runs' | 'blockSizes' | 'slotsPerStratum' | 'p' | 'maxImbalance';

export interface SimulationRequest {
  runs?: number;
  design?: {
    method: DesignMethod;
    blockSizes?: number[];
    slotsPerStratum?: number;
    p?: number;
    maxImbalance?: number;
  };
}

export type ParsedSimulationForm =
  { ok: true; request: SimulationRequest } | { ok: false; field: SimulationFormField };

const WHOLE = /^\d+$/;

/** A whole number written with digits only, or undefined for an empty field, or NaN for junk. */
function wholeNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  return WHOLE.test(trimmed) ? Number(trimmed) : Number.NaN;
}

/** "2/3" or "0.75" -> the number; undefined when empty; NaN for anything else. */
export function parseProbability(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const ratio = /^(\d+)\s*\/\s*(\d+)$/.exec(trimmed);
  if (ratio) return Number(ratio[2]) === 0 ? Number.NaN : Number(ratio[1]) / Number(ratio[2]);
  return /^\d*[.,]?\d+$/.test(trimmed) ? Number(trimmed.replace(',', '.')) : Number.NaN;
}

/** "4, 6" -> [4, 6]; undefined when an entry is not a whole number (or there is none). */
export function parseBlockSizes(text: string): number[] | undefined {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0 || entries.some((entry) => !WHOLE.test(entry))) return undefined;
  return entries.map(Number);
}

/**
 * The request body of POST /api/randomization-list/simulation for the form: an empty runs field
 * leaves the server's default; the trial's design sends no `design`; a variant sends its method,
 * its block sizes (permuted blocks only) and its slots per stratum if given.
 */
export function simulationRequest(form: SimulationForm): ParsedSimulationForm {
  const runs = wholeNumber(form.runs);
  if (Number.isNaN(runs)) return { ok: false, field: 'runs' };
  const request: SimulationRequest = runs === undefined ? {} : { runs };
  if (form.source === 'trial') return { ok: true, request };
  const design: NonNullable<SimulationRequest['design']> = { method: form.method };
  if (form.method === 'permuted-blocks') {
    const sizes = parseBlockSizes(form.blockSizes);
    if (!sizes) return { ok: false, field: 'blockSizes' };
    design.blockSizes = sizes;
  }
  if (form.method === 'efron-biased-coin') {
    const p = parseProbability(form.p);
    if (Number.isNaN(p)) return { ok: false, field: 'p' };
    if (p !== undefined) design.p = p;
  }
  if (form.method === 'big-stick') {
    const b = wholeNumber(form.maxImbalance);
    if (Number.isNaN(b)) return { ok: false, field: 'maxImbalance' };
    if (b !== undefined) design.maxImbalance = b;
  }
  const slots = wholeNumber(form.slotsPerStratum);
  if (Number.isNaN(slots)) return { ok: false, field: 'slotsPerStratum' };
  if (slots !== undefined) design.slotsPerStratum = slots;
  return { ok: true, request: { ...request, design } };
}

export type SeedProblem = 'short' | 'long' | 'notPrintable';

/**
 * What is wrong with a chosen seed, by the server's rules, or undefined: an empty field is fine
 * (the server then draws 256 random bits, the safer choice).
 */
export function seedProblem(seed: string): SeedProblem | undefined {
  if (seed === '') return undefined;
  if (!/^[\x20-\x7E]+$/.test(seed)) return 'notPrintable';
  if (seed.length < MIN_CHOSEN_SEED_LENGTH) return 'short';
  if (seed.length > MAX_SEED_LENGTH) return 'long';
  return undefined;
}

/** The three downloads of the list after lock: the JSON export, the CSV, the printable report. */
export type ListDownload = 'json' | 'csv' | 'report';

const DOWNLOAD_SUFFIX: Record<ListDownload, string> = {
  json: 'randomization-list-export.json',
  csv: 'randomization-list.csv',
  report: 'randomization-list-report.html',
};

/** A download's file name: the protocol and the kind of file, nothing else (no seed, no date). */
export function exportFileName(protocolId: string, kind: ListDownload = 'json'): string {
  const safe = protocolId.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  return `${safe || 'trial'}-${DOWNLOAD_SUFFIX[kind]}`;
}
