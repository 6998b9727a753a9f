import { TrialDefinition, TrialTarget } from '../config/trial-definition';
import { AllocationDto, PreparationDto, SyringeDto } from './dto/allocation.dto';
import { TRAINING_BANNER } from '../training/training';

/** The other target of a two-target design (the saline limb); null with more targets. */
export function otherTarget(trial: TrialDefinition, target: string): string | null {
  const others = trial.allocation.targets.filter((t) => t.id !== target);
  return others.length === 1 ? others[0].id : null;
}

function targetOf(trial: TrialDefinition, id: string): TrialTarget {
  return trial.allocation.targets.find((t) => t.id === id) ?? { id, label: id, ratio: 1 };
}

/** The preparation instructions of the trial file, applied to one allocation. */
export function preparationFor(trial: TrialDefinition, target: string): PreparationDto {
  const spec = trial.preparation;
  const other = otherTarget(trial, target);
  const syringes = [
    { limb: target, limbLabel: targetOf(trial, target).label, ...spec.allocatedSyringe },
    ...(other && spec.otherSyringe
      ? [{ limb: other, limbLabel: targetOf(trial, other).label, ...spec.otherSyringe }]
      : []),
  ];
  return {
    product: spec.product,
    site: spec.site,
    syringes,
    injectionCount: spec.injectionCount,
    injectionVolumeMl: spec.injectionVolumeMl,
    needle: spec.needle,
    instructions: spec.instructions,
  };
}

/** What one printed sheet is about: an allocation, whose it is, and who printed it when. */
export interface PreparationSheetInput {
  allocation: AllocationDto;
  screeningNumber: string;
  printedAt: Date;
  printedBy: string;
  /** A practice instance (TRAINING=true): every part and every label says so. */
  training?: boolean;
}

/** The banner of a practice sheet, at the head of each part; nothing when the sheet is clinical. */
function trainingBanner(sheet: PreparationSheetInput): string {
  return sheet.training
    ? `\n  <p class="training" role="note">${escapeHtml(TRAINING_BANNER)}</p>`
    : '';
}

export function escapeHtml(text: string | number): string {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

interface ZonedParts {
  date: string;
  time: string;
  offset: string;
}

function zonedParts(instant: Date, timeZone: string): ZonedParts {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'longOffset',
  }).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find((p) => p.type === type)?.value ?? '';
  // longOffset reads "GMT+01:00", or plain "GMT" at offset zero.
  const offset = part('timeZoneName').replace(/^GMT/, 'UTC');
  return {
    date: `${part('year')}-${part('month')}-${part('day')}`,
    time: `${part('hour')}:${part('minute')}`,
    offset,
  };
}

/** The calendar date of an instant in a time zone, as YYYY-MM-DD. */
export function dateInTimeZone(instant: Date | string, timeZone: string): string {
  return zonedParts(new Date(instant), timeZone).date;
}

/** An instant as wall-clock time in a zone, naming the zone and offset: "2027-01-01 00:30 (Europe/Madrid, UTC+01:00)". */
export function formatInTimeZone(instant: Date | string, timeZone: string): string {
  const { date, time, offset } = zonedParts(new Date(instant), timeZone);
  return `${date} ${time} (${timeZone}, ${offset})`;
}

/**
 * The syringes in the trial file's target order, never in allocation order: the ward part must
 * come out the same whichever target was allocated.
 */
export function syringesInTrialOrder(trial: TrialDefinition, syringes: SyringeDto[]): SyringeDto[] {
  const rank = (s: SyringeDto) => trial.allocation.targets.findIndex((t) => t.id === s.limb);
  return [...syringes].sort((a, b) => rank(a) - rank(b));
}

/**
 * What a label names as its destination. When every target gets a syringe (one limb cells, the
 * other saline), the target is the destination and says nothing about the content. With a single
 * syringe (a parallel design), the target is the arm itself, so the label names only the site.
 */
export function destinationOf(
  trial: TrialDefinition,
  syringes: SyringeDto[],
  s: SyringeDto,
): string {
  const everyTargetHasOne = syringes.length === trial.allocation.targets.length;
  const site = trial.preparation.site;
  return everyTargetHasOne ? `${s.limb} ${site}` : site;
}

export function trialIdentification(trial: TrialDefinition): string {
  const secondary = trial.secondaryIds.map((s) => `${s.type} ${s.id}`).join(' · ');
  return secondary ? `${trial.protocolId} · ${secondary}` : trial.protocolId;
}

/**
 * The ward part: one label per syringe. It carries no content, dose or arm, and its markup is
 * the same for every syringe apart from the destination text, so that neither the paper nor the
 * HTML tells the syringes apart.
 */
export function renderWardLabels(trial: TrialDefinition, sheet: PreparationSheetInput): string {
  const { allocation } = sheet;
  const syringes = syringesInTrialOrder(trial, allocation.preparation.syringes);
  const date = dateInTimeZone(sheet.printedAt, trial.timeZone);
  const labels = syringes
    .map(
      (s) => `
  <article class="label">
    <p class="trial">${escapeHtml(trialIdentification(trial))}</p>
    <p class="destination">${escapeHtml(destinationOf(trial, syringes, s))}</p>
    <table>
      <tr><th>Participant</th><td>${escapeHtml(allocation.participantId)}</td></tr>
      <tr><th>Screening no.</th><td>${escapeHtml(sheet.screeningNumber)}</td></tr>
      <tr><th>Volume</th><td>${escapeHtml(s.volumeMl)} ml</td></tr>
      <tr><th>Date</th><td>${escapeHtml(date)}</td></tr>
    </table>
    <p class="initials">Preparer <span class="box"></span> Checker <span class="box"></span></p>
    <p class="note">${sheet.training ? escapeHtml(TRAINING_BANNER) : 'For clinical trial use only'}</p>
  </article>`,
    )
    .join('');
  return `<section class="ward">${trainingBanner(sheet)}
  <h1>Syringe labels · ${escapeHtml(trial.protocolId)} · ${escapeHtml(allocation.participantId)}</h1>
  <div class="labels">${labels}
  </div>
</section>`;
}

/** The pharmacy's one-line answer, e.g. "CELLS → LEFT (Left lower limb) · SALINE → RIGHT (Right lower limb)". */
export function pharmacyHeadline(trial: TrialDefinition, allocation: AllocationDto): string {
  return allocation.preparation.syringes
    .map((s) => `${s.name} → ${s.limb} (${targetOf(trial, s.limb).label})`)
    .join(' · ');
}

export function injectionPlan(p: PreparationDto): string {
  if (p.injectionCount && p.injectionVolumeMl) {
    return (
      `Each syringe: ${p.injectionCount} injections of ${p.injectionVolumeMl} ml into the ${p.site}` +
      (p.needle ? `, needle ${p.needle}` : '')
    );
  }
  return `Site: ${p.site}` + (p.needle ? `, needle ${p.needle}` : '');
}

function renderPharmacyCopy(trial: TrialDefinition, sheet: PreparationSheetInput): string {
  const { allocation } = sheet;
  const p = allocation.preparation;
  const syringes = syringesInTrialOrder(trial, p.syringes);
  const rows = syringes
    .map(
      (s) => `
      <tr><td>${escapeHtml(destinationOf(trial, syringes, s))}</td><td><strong>${escapeHtml(s.name)}</strong></td><td>${escapeHtml(s.contents)}</td><td>${escapeHtml(s.volumeMl)} ml</td></tr>`,
    )
    .join('');
  const instructions = p.instructions.map((line) => `<li>${escapeHtml(line)}</li>`).join('');
  const zone = trial.timeZone;
  return `<section class="pharmacy">${trainingBanner(sheet)}
  <p class="headline">${escapeHtml(pharmacyHeadline(trial, allocation))}</p>
  <p class="confidential">Confidential: pharmacy only. Do not show to the participant, the investigators or the assessors.</p>
  <table class="facts">
    <tr><th>Trial</th><td>${escapeHtml(trialIdentification(trial))}: ${escapeHtml(trial.title)}</td></tr>
    <tr><th>Participant</th><td>${escapeHtml(allocation.participantId)} (screening no. ${escapeHtml(sheet.screeningNumber)}), slot ${escapeHtml(allocation.slot)}</td></tr>
    <tr><th>Allocated at</th><td>${escapeHtml(formatInTimeZone(allocation.allocatedAt, zone))}</td></tr>
    <tr><th>Printed</th><td>printed by ${escapeHtml(sheet.printedBy)} at ${escapeHtml(formatInTimeZone(sheet.printedAt, zone))}</td></tr>
    <tr><th>Product</th><td>${escapeHtml(p.product)}</td></tr>
  </table>
  <table class="syringes">
    <tr><th>Label</th><th>Fill with</th><th>Composition</th><th>Volume</th></tr>${rows}
  </table>
  <h2>Injection plan</h2>
  <p>${escapeHtml(injectionPlan(p))}.</p>
  <ol>${instructions}</ol>
  <p class="signature">Prepared by: ______________________ Signature: ______________ Date and time: ______________</p>
  <p class="signature">Checked by: ______________________ Signature: ______________ Date and time: ______________</p>
</section>`;
}

/** The print styles of a sheet: one A4 page, ward part, cut line, pharmacy part (envelopes share them). */
export const SHEET_STYLE = `  @page { size: A4; margin: 12mm; }
  * { box-sizing: border-box; }
  body { font-family: sans-serif; font-size: 10pt; line-height: 1.3; color: #000; margin: 0; }
  @media screen { body { max-width: 186mm; margin: 1rem auto; } }
  h1 { font-size: 11pt; margin: 0 0 3mm; }
  h2 { font-size: 10.5pt; margin: 3mm 0 1mm; }
  p { margin: 1mm 0; }
  table { border-collapse: collapse; }
  th { text-align: left; padding-right: 3mm; vertical-align: top; }
  .labels { display: flex; flex-wrap: wrap; gap: 6mm; }
  .label { width: 88mm; border: 1px solid #000; padding: 3mm; break-inside: avoid; }
  .label .trial { font-size: 8.5pt; }
  .label .destination { font-size: 13pt; font-weight: bold; margin: 2mm 0; }
  .label .note { font-size: 8pt; }
  .box { display: inline-block; width: 14mm; height: 7mm; border: 1px solid #000; vertical-align: middle; margin-right: 4mm; }
  .cut { margin: 6mm 0 4mm; border-top: 1px dashed #000; padding-top: 1mm; text-align: center; font-weight: bold; }
  .headline { font-size: 15pt; font-weight: bold; border: 3px solid #000; padding: 2mm; text-align: center; }
  .confidential { font-weight: bold; }
  .facts, .syringes { width: 100%; margin-top: 2mm; }
  .syringes th, .syringes td { border: 1px solid #000; padding: 1mm; vertical-align: top; }
  ol { margin: 1mm 0; padding-left: 6mm; }
  .signature { margin-top: 5mm; }
  .training { font-size: 13pt; font-weight: bold; text-align: center; border: 3px double #000; padding: 1mm; margin: 0 0 3mm; }
`;

/** The cut line's words; everything above it goes to the ward. */
export const CUT_LINE_TEXT = 'Pharmacy copy: do not send to the ward';

/**
 * The printable preparation sheet, one A4 page: the ward labels, a cut line, then the pharmacy
 * copy with the allocation. Self-contained (no fonts, scripts or images to fetch); times are in
 * the trial's time zone.
 */
export function renderPreparationSheet(
  trial: TrialDefinition,
  sheet: PreparationSheetInput,
): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${sheet.training ? `${escapeHtml(TRAINING_BANNER)} · ` : ''}Preparation sheet ${escapeHtml(sheet.allocation.participantId)}</title>
<style>
${SHEET_STYLE}</style>
</head>
<body>
${renderWardLabels(trial, sheet)}
<p class="cut" role="separator">✂ ${escapeHtml(CUT_LINE_TEXT)} ✂</p>
${renderPharmacyCopy(trial, sheet)}
</body>
</html>
`;
}
