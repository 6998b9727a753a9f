import { createHash } from 'node:crypto';
import { csvField } from '../audit/audit-export-format';
import { RandomizationMethod, TrialDefinition } from '../config/trial-definition';
import {
  generateListWithBlocks,
  generateListWithImbalance,
  isSequentialMethod,
} from './list-generator';

/**
 * The list report for the trial master file (GET /api/randomization-list/export/csv and
 * GET /api/randomization-list/report, after lock only): every slot with its block number and
 * size (permuted blocks) or with the imbalance before it and the first target's chance there
 * (Efron's biased coin, big stick), and a printable HTML page around it. Pure: the service supplies the stored list, the
 * times and the signature. docs/randomization.md section 8 says how to check the signature.
 */

/** One slot as the report shows it. */
export interface ListReportSlot {
  stratum: string;
  slot: number;
  /** 1-based block number within the stratum; null for every method but permuted blocks. */
  block: number | null;
  blockSize: number | null;
  /** Efron and big stick only (else null): #first − #second among the stratum's earlier slots. */
  imbalanceBefore: number | null;
  /** Efron and big stick only (else null): the chance the design gave the first target here. */
  firstTargetChance: number | null;
  limb: string;
  participantId: string | null;
  allocatedAt: string | null;
}

/** A stored slot, decrypted, with its allocation time. */
export interface StoredReportSlot {
  stratum: string;
  slot: number;
  limb: string;
  participantId: string | null;
  allocatedAt: string | null;
}

/** The stored list and the list its seed gives disagree: no block can be attributed. */
export class ListReportMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ListReportMismatch';
  }
}

/**
 * The stored slots with the block structure regenerated from the seed. Blocks are never stored
 * (the server must not hold them where a query could read them before lock), so they are derived
 * here; a stored slot that is not where the seed puts it refuses the report rather than pair a
 * slot with another slot's block. The message names positions, never targets.
 */
export function listReportSlots(
  trial: TrialDefinition,
  seed: string,
  stored: readonly StoredReportSlot[],
): ListReportSlot[] {
  const regenerated = isSequentialMethod(trial.randomization.method)
    ? generateListWithImbalance(trial, seed).map((s) => ({ ...s, block: null, blockSize: null }))
    : generateListWithBlocks(trial, seed).map((s) => ({
        ...s,
        imbalanceBefore: null,
        firstTargetChance: null,
      }));
  if (regenerated.length !== stored.length) {
    throw new ListReportMismatch(
      `The stored list has ${stored.length} slots; the seed and trial give ${regenerated.length}`,
    );
  }
  return stored.map((slot, index) => {
    const want = regenerated[index];
    if (want.stratum !== slot.stratum || want.slot !== slot.slot || want.target !== slot.limb) {
      throw new ListReportMismatch(
        `Stored position ${index + 1} (stratum "${slot.stratum}" slot ${slot.slot}) differs from what the seed gives`,
      );
    }
    return {
      stratum: slot.stratum,
      slot: slot.slot,
      block: want.block,
      blockSize: want.blockSize,
      imbalanceBefore: want.imbalanceBefore,
      firstTargetChance: want.firstTargetChance,
      limb: slot.limb,
      participantId: slot.participantId,
      allocatedAt: slot.allocatedAt,
    };
  });
}

/** The CSV columns of permuted blocks and simple randomization (whose block columns are null). */
export const LIST_CSV_FIELDS = [
  'stratum',
  'slot',
  'block',
  'blockSize',
  'limb',
  'participantId',
  'allocatedAt',
] as const satisfies readonly (keyof ListReportSlot)[];

/** The CSV columns of Efron's biased coin and the big stick, which have no blocks. */
export const SEQUENTIAL_LIST_CSV_FIELDS = [
  'stratum',
  'slot',
  'imbalanceBefore',
  'firstTargetChance',
  'limb',
  'participantId',
  'allocatedAt',
] as const satisfies readonly (keyof ListReportSlot)[];

/** The CSV columns for a method. */
export function listCsvFields(method: RandomizationMethod): readonly (keyof ListReportSlot)[] {
  return isSequentialMethod(method) ? SEQUENTIAL_LIST_CSV_FIELDS : LIST_CSV_FIELDS;
}

export const LIST_CSV_CONTENT_TYPE = 'text/csv; charset=utf-8; header=present';

/**
 * The CSV of the list, written as the audit CSV is (docs/audit-format.md, "CSV"): a header, then
 * one CRLF-ended record per slot; every value but null quoted and formula-escaped (csvField), so
 * a stratum or participant id beginning with `=` cannot run in a spreadsheet; null (no block, not
 * allocated) is the one empty unquoted field. Deterministic for a locked list: the signature over
 * these bytes is the same on every download.
 */
export function listCsv(slots: readonly ListReportSlot[], method: RandomizationMethod): string {
  const fields = listCsvFields(method);
  const cell = (value: string | number | null): string =>
    csvField(value === null ? null : String(value));
  const rows = slots.map((s) => fields.map((field) => cell(s[field])).join(','));
  return [fields.join(','), ...rows].map((line) => `${line}\r\n`).join('');
}

/** `randomization-list-<trial>.<ext>`, with the characters a file system may refuse replaced. */
export function listReportFilename(protocolId: string, extension: 'csv' | 'html'): string {
  return `randomization-list-${protocolId.replace(/[^A-Za-z0-9_.-]/g, '_')}.${extension}`;
}

export interface ListReportInput {
  trial: TrialDefinition;
  method: string;
  seed: string;
  nonce: string;
  /** From the LIST_GENERATED entry; null when the log does not say (a list older than it). */
  seedSource: 'chosen' | 'drawn' | null;
  commitment: string;
  generatedAt: string;
  generatedBy: string;
  lockedAt: string;
  /** When this report was made, and by whom (its own LIST_EXPORTED entry). */
  madeAt: string;
  madeBy: string;
  auditHead: { entries: number; headHash: string };
  slots: readonly ListReportSlot[];
  /** The Ed25519 signature over the bytes of listCsv(slots), which the report reproduces. */
  csvSignature: { publicKey: string; value: string; csvSha256: string };
}

/** Text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * `2025-03-04 10:15:30 GMT+1 (Europe/Madrid)`: a time in the trial's zone with its offset, so a
 * printed page needs no other reference; the UTC instant is printed beside it.
 */
export function trialZoneTime(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'shortOffset',
  }).formatToParts(new Date(iso));
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '';
  return (
    `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:` +
    `${part('second')} ${part('timeZoneName')} (${timeZone})`
  );
}

/** The report's whole stylesheet; the CSP names its hash, so no other style can apply. */
export const LIST_REPORT_STYLE = [
  '@page { size: A4; margin: 15mm 12mm; }',
  'body { font: 10pt/1.35 system-ui, sans-serif; color: #000; margin: 0 auto; max-width: 186mm; }',
  'h1 { font-size: 15pt; margin: 0 0 4pt; } h2 { font-size: 12pt; margin: 12pt 0 4pt; }',
  'dl { display: grid; grid-template-columns: max-content 1fr; gap: 2pt 10pt; margin: 0; }',
  'dt { font-weight: 600; } dd { margin: 0; overflow-wrap: anywhere; }',
  'code { font: 8.5pt ui-monospace, monospace; overflow-wrap: anywhere; }',
  'table { border-collapse: collapse; width: 100%; font-size: 9pt; }',
  'thead { display: table-header-group; } tr { break-inside: avoid; }',
  'th, td { border: 0.5pt solid #555; padding: 1.5pt 4pt; text-align: left; vertical-align: top; }',
  'td.n { text-align: right; font-variant-numeric: tabular-nums; }',
  'pre { font: 8.5pt ui-monospace, monospace; white-space: pre-wrap; border: 0.5pt solid #555; padding: 4pt; }',
].join('\n');

/** The Content-Security-Policy of the report: nothing but its own stylesheet may load or run. */
export const LIST_REPORT_CSP =
  `default-src 'none'; style-src 'sha256-${createHash('sha256').update(LIST_REPORT_STYLE).digest('base64')}'; ` +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The printable report (HTML for A4). Every value from the trial file or the list is escaped. */
export function listReportHtml(input: ListReportInput): string {
  const e = escapeHtml;
  const zone = input.trial.timeZone;
  const when = (iso: string): string =>
    `${e(trialZoneTime(iso, zone))}<br><code>${e(iso)}</code> (UTC)`;
  const design = input.trial.randomization;
  const targets = input.trial.allocation.targets
    .map((t) => `${e(t.id)} (${e(t.label)}), ratio ${t.ratio}`)
    .join('; ');
  const strata =
    input.trial.stratification.length === 0
      ? 'none (one stratum, <code>all</code>)'
      : input.trial.stratification
          .map((f) => `${e(f.id)}: ${f.levels.map(e).join(', ')}`)
          .join('; ');
  const parameters = methodParameters(input.trial);
  const sequential = isSequentialMethod(design.method);
  const [first, second] = input.trial.allocation.targets.map((t) => e(t.id));
  const seedSource =
    input.seedSource === 'drawn'
      ? 'drawn by the server (256 random bits)'
      : input.seedSource === 'chosen'
        ? 'chosen by the statistician'
        : 'not recorded';
  const sizes = new Map<string, number>();
  for (const slot of input.slots) {
    if (slot.block !== null) sizes.set(`${slot.stratum}\u0000${slot.block}`, slot.blockSize ?? 0);
  }
  const allocated = input.slots.filter((s) => s.participantId !== null).length;
  const cell = (value: string | number | null): string =>
    value === null ? '<td>–</td>' : `<td>${e(String(value))}</td>`;
  const numeric = (value: number | null): string =>
    value === null ? '<td class="n">–</td>' : `<td class="n">${value}</td>`;
  const rows = input.slots
    .map(
      (s) =>
        `<tr>${cell(s.stratum)}${numeric(s.slot)}` +
        (sequential
          ? `${numeric(s.imbalanceBefore)}${s.firstTargetChance === null ? '<td class="n">–</td>' : `<td class="n">${e(chance(s.firstTargetChance))}</td>`}`
          : `${numeric(s.block)}${numeric(s.blockSize)}`) +
        `${cell(s.limb)}${cell(s.participantId)}` +
        `${s.allocatedAt === null ? '<td>–</td>' : `<td>${e(trialZoneTime(s.allocatedAt, zone))}</td>`}</tr>`,
    )
    .join('\n');
  const title = `Randomization list report: ${input.trial.protocolId}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${e(title)}</title>
<style>${LIST_REPORT_STYLE}</style>
</head>
<body>
<h1>${e(title)}</h1>
<p>${e(input.trial.title)}. ${e(input.trial.site)}.</p>
<h2>Trial and design</h2>
<dl>
<dt>Protocol</dt><dd>${e(input.trial.protocolId)}${input.trial.secondaryIds.map((s) => `; ${e(s.type)} ${e(s.id)}`).join('')}</dd>
<dt>Method</dt><dd>${e(input.method)}</dd>
<dt>Parameters</dt><dd>${e(parameters)}${design.slotsPerStratum} slots per stratum; targets ${targets}</dd>
<dt>Allocation of</dt><dd>${e(input.trial.allocation.describes)}</dd>
<dt>Strata</dt><dd>${strata}</dd>
<dt>Seed source</dt><dd>${seedSource}</dd>
<dt>Seed</dt><dd><code>${e(input.seed)}</code></dd>
<dt>Commitment nonce</dt><dd><code>${e(input.nonce)}</code></dd>
<dt>Commitment</dt><dd><code>${e(input.commitment)}</code></dd>
<dt>Generated</dt><dd>${when(input.generatedAt)}, by ${e(input.generatedBy)}</dd>
<dt>Locked</dt><dd>${when(input.lockedAt)}</dd>
<dt>This report</dt><dd>${when(input.madeAt)}, by ${e(input.madeBy)}; audit log head ${input.auditHead.entries}, <code>${e(input.auditHead.headHash)}</code></dd>
<dt>Slots</dt><dd>${input.slots.length} in ${new Set(input.slots.map((s) => s.stratum)).size} strata, ${sequential ? `largest imbalance reached ${largestImbalance(input.slots, input.trial.allocation.targets[0].id)}` : `${sizes.size} blocks`}; ${allocated} allocated</dd>
</dl>
<h2>Signature</h2>
<p>Ed25519 with the audit signing key over the bytes of the CSV export of this list
(<code>${e(listReportFilename(input.trial.protocolId, 'csv'))}</code>, the same slots as below), whose SHA-256 is
<code>${e(input.csvSignature.csvSha256)}</code>. How to check it: docs/randomization.md, section 8.</p>
<dl>
<dt>Public key (SPKI, base64)</dt><dd><code>${e(input.csvSignature.publicKey)}</code></dd>
<dt>Signature (base64)</dt><dd><code>${e(input.csvSignature.value)}</code></dd>
</dl>
<h2>Slots</h2>
<table>
<thead><tr><th scope="col">Stratum</th><th scope="col">Slot</th>${sequential ? `<th scope="col">Imbalance before (#${first} − #${second})</th><th scope="col">Chance of ${first}</th>` : '<th scope="col">Block</th><th scope="col">Block size</th>'}<th scope="col">Target</th><th scope="col">Participant</th><th scope="col">Allocated (${e(zone)})</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</body>
</html>
`;
}

/** The method's parameters in words, for the report's header (ends with '; ' when non-empty). */
export function methodParameters(trial: TrialDefinition): string {
  const design = trial.randomization;
  const [first, second] = trial.allocation.targets.map((t) => t.id);
  switch (design.method) {
    case 'simple':
      return '';
    case 'permuted-blocks':
      return `block sizes ${design.blockSizes.join(', ')}, chosen uniformly among those that still fit; `;
    case 'efron-biased-coin':
      return (
        `Efron's biased coin, p = ${chance(design.p ?? Number.NaN)}: the target behind gets the ` +
        `slot with probability p, a fair coin when #${first} = #${second}; `
      );
    case 'big-stick':
      return (
        `big stick (Soares and Wu 1983), maximum tolerated imbalance b = ${design.maxImbalance}: a ` +
        `fair coin while |#${first} − #${second}| < b, the target behind when it reaches b; `
      );
    default: {
      const unknown: never = design.method;
      return String(unknown);
    }
  }
}

/** A probability as the report prints it: `2/3 (0.6666666666666666)` when a small fraction is it. */
export function chance(value: number): string {
  for (let denominator = 1; denominator <= 12; denominator += 1) {
    const numerator = Math.round(value * denominator);
    // Display only (the exact value is printed beside): 1 − 2/3 is 0.33333333333333337.
    if (Math.abs(numerator / denominator - value) < 1e-12) {
      return denominator === 1 ? String(numerator) : `${numerator}/${denominator} (${value})`;
    }
  }
  return String(value);
}

/** The largest |#first − #second| any stratum reaches, its last slot included. */
function largestImbalance(slots: readonly ListReportSlot[], first: string): number {
  return slots.reduce((worst, slot) => {
    const after = (slot.imbalanceBefore ?? 0) + (slot.limb === first ? 1 : -1);
    return Math.max(worst, Math.abs(after));
  }, 0);
}
