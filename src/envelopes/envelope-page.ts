import {
  destinationOf,
  escapeHtml,
  formatInTimeZone,
  injectionPlan,
  otherTarget,
  pharmacyHeadline,
  preparationFor,
  SHEET_STYLE,
  syringesInTrialOrder,
  trialIdentification,
} from '../allocation/preparation';
import { TrialDefinition } from '../config/trial-definition';
import { TRAINING_BANNER } from '../training/training';
import { envelopeLabel } from './opening-code';

/** What one printed envelope is: which slot it holds, its target and code, and its printing. */
export interface EnvelopePageInput {
  envelopeNumber: number;
  stratum: string;
  slot: number;
  /** The slot's target, opened for this printing only. */
  target: string;
  /** The opening code of this printing, shown once, here. */
  openingCode: string;
  issuedAt: string;
  issuedBy: string;
  printedAt: Date;
  printedBy: string;
  /** 1 for the first printing; a later one voids the codes of earlier copies. */
  printing: number;
  training?: boolean;
}

function banner(page: EnvelopePageInput): string {
  return page.training
    ? `\n  <p class="training" role="note">${escapeHtml(TRAINING_BANNER)}</p>`
    : '';
}

/**
 * The outside of the envelope and its syringe labels, above the cut line. Nothing here depends
 * on the target or the code: its bytes are the same whichever target the envelope holds, so
 * neither the paper nor the HTML tells envelopes apart but by number. Participant, screening
 * number and times are written by hand when the envelope is opened.
 */
export function renderEnvelopeOutside(trial: TrialDefinition, page: EnvelopePageInput): string {
  const label = envelopeLabel(page.envelopeNumber);
  // Every target's syringes, in trial order: the same set whichever target is inside.
  const first = trial.allocation.targets[0].id;
  const syringes = syringesInTrialOrder(trial, preparationFor(trial, first).syringes);
  const volumes = new Set(syringes.map((s) => s.volumeMl));
  // A volume that differs between syringes would tell them apart: then it is written by hand.
  const volume = volumes.size === 1 ? `${escapeHtml([...volumes][0])} ml` : '______ ml';
  const labels = syringes
    .map(
      (s) => `
  <article class="label">
    <p class="trial">${escapeHtml(trialIdentification(trial))} · ${escapeHtml(label)}</p>
    <p class="destination">${escapeHtml(destinationOf(trial, syringes, s))}</p>
    <table>
      <tr><th>Participant</th><td>______________</td></tr>
      <tr><th>Screening no.</th><td>______________</td></tr>
      <tr><th>Volume</th><td>${volume}</td></tr>
      <tr><th>Date</th><td>______________</td></tr>
    </table>
    <p class="initials">Preparer <span class="box"></span> Checker <span class="box"></span></p>
    <p class="note">${page.training ? escapeHtml(TRAINING_BANNER) : 'For clinical trial use only'}</p>
  </article>`,
    )
    .join('');
  return `<section class="outside">${banner(page)}
  <h1>Downtime envelope ${escapeHtml(label)} · ${escapeHtml(trial.protocolId)}</h1>
  <table class="facts">
    <tr><th>Envelope</th><td><strong>${escapeHtml(label)}</strong></td></tr>
    <tr><th>Trial</th><td>${escapeHtml(trialIdentification(trial))}</td></tr>
    <tr><th>Stratum</th><td>${escapeHtml(page.stratum)}</td></tr>
  </table>
  <p>Open only while the randomization service cannot be reached, for the next eligible participant of this stratum, lowest envelope number first. Write on this part before opening:</p>
  <table class="facts">
    <tr><th>Participant</th><td>______________________</td><th>Screening no.</th><td>______________________</td></tr>
    <tr><th>Opened at (date, time)</th><td>______________________</td><th>Opened by</th><td>______________________</td></tr>
  </table>
  <h2>Syringe labels</h2>
  <div class="labels">${labels}
  </div>
</section>`;
}

/** Inside the envelope, below the cut line: the target, the opening code and the plan. */
export function renderEnvelopeInside(trial: TrialDefinition, page: EnvelopePageInput): string {
  const label = envelopeLabel(page.envelopeNumber);
  const preparation = preparationFor(trial, page.target);
  const headline = pharmacyHeadline(trial, {
    participantId: label,
    slot: page.slot,
    cellLimb: page.target,
    salineLimb: otherTarget(trial, page.target),
    allocatedAt: page.issuedAt,
    preparation,
  });
  const syringes = syringesInTrialOrder(trial, preparation.syringes);
  const rows = syringes
    .map(
      (s) => `
      <tr><td>${escapeHtml(destinationOf(trial, syringes, s))}</td><td><strong>${escapeHtml(s.name)}</strong></td><td>${escapeHtml(s.contents)}</td><td>${escapeHtml(s.volumeMl)} ml</td></tr>`,
    )
    .join('');
  const instructions = preparation.instructions
    .map((line) => `<li>${escapeHtml(line)}</li>`)
    .join('');
  const zone = trial.timeZone;
  const reprint =
    page.printing > 1
      ? `\n  <p class="confidential">Printing ${escapeHtml(page.printing)}: the opening code of every earlier printed copy of ${escapeHtml(label)} no longer works; destroy those copies.</p>`
      : '';
  return `<section class="pharmacy">${banner(page)}
  <p class="headline">${escapeHtml(headline)}</p>
  <p class="code">Opening code: <strong>${escapeHtml(page.openingCode)}</strong></p>
  <p class="confidential">Confidential: pharmacy only. Do not show to the participant, the investigators or the assessors.</p>${reprint}
  <table class="facts">
    <tr><th>Envelope</th><td>${escapeHtml(label)}, stratum ${escapeHtml(page.stratum)}, slot ${escapeHtml(page.slot)}</td></tr>
    <tr><th>Issued</th><td>by ${escapeHtml(page.issuedBy)} at ${escapeHtml(formatInTimeZone(page.issuedAt, zone))}</td></tr>
    <tr><th>Printed</th><td>printed by ${escapeHtml(page.printedBy)} at ${escapeHtml(formatInTimeZone(page.printedAt, zone))}</td></tr>
    <tr><th>Product</th><td>${escapeHtml(preparation.product)}</td></tr>
  </table>
  <table class="syringes">
    <tr><th>Label</th><th>Fill with</th><th>Composition</th><th>Volume</th></tr>${rows}
  </table>
  <h2>Injection plan</h2>
  <p>${escapeHtml(injectionPlan(preparation))}.</p>
  <ol>${instructions}</ol>
  <h2>When the service is back</h2>
  <p>Record the offline allocation at once: the participant, envelope ${escapeHtml(label)}, the opening code above and the time the envelope was opened. Keep this copy in the pharmacy file.</p>
  <p class="signature">Opened by: ______________________ Signature: ______________ Date and time: ______________</p>
  <p class="signature">Prepared by: ______________________ Signature: ______________ Date and time: ______________</p>
</section>`;
}

/** One A4 page per envelope: outside and labels, the cut line, then the sealed inside. */
export function renderEnvelopePage(trial: TrialDefinition, page: EnvelopePageInput): string {
  const label = envelopeLabel(page.envelopeNumber);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${page.training ? `${escapeHtml(TRAINING_BANNER)} · ` : ''}Downtime envelope ${escapeHtml(label)}</title>
<style>
${SHEET_STYLE}  .code { font-size: 14pt; text-align: center; margin: 3mm 0; }
</style>
</head>
<body>
${renderEnvelopeOutside(trial, page)}
<p class="cut" role="separator">✂ ${escapeHtml(ENVELOPE_CUT_LINE_TEXT)} ✂</p>
${renderEnvelopeInside(trial, page)}
</body>
</html>
`;
}

/** The cut line's words; everything below it is sealed inside the envelope. */
export const ENVELOPE_CUT_LINE_TEXT = 'Fold here: seal the part below inside the envelope';
