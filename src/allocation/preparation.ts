import { TrialDefinition } from '../config/trial-definition';
import { AllocationDto, PreparationDto } from './dto/allocation.dto';

/** The other target of a two-target design (the saline limb); null with more targets. */
export function otherTarget(trial: TrialDefinition, target: string): string | null {
  const others = trial.allocation.targets.filter((t) => t.id !== target);
  return others.length === 1 ? others[0].id : null;
}

function labelOf(trial: TrialDefinition, target: string): string {
  return trial.allocation.targets.find((t) => t.id === target)?.label ?? target;
}

/** The preparation instructions of the trial file, applied to one allocation. */
export function preparationFor(trial: TrialDefinition, target: string): PreparationDto {
  const spec = trial.preparation;
  const other = otherTarget(trial, target);
  const syringes = [
    { limb: target, limbLabel: labelOf(trial, target), ...spec.allocatedSyringe },
    ...(other && spec.otherSyringe
      ? [{ limb: other, limbLabel: labelOf(trial, other), ...spec.otherSyringe }]
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

function escapeHtml(text: string | number): string {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * A printable preparation sheet (HTML with print styles): trial, participant, slot, date, one
 * label per syringe, the injection plan and signature lines for preparer and checker.
 */
export function renderPreparationSheet(
  trial: TrialDefinition,
  allocation: AllocationDto,
  printedAt: string,
): string {
  const p = allocation.preparation;
  const plan =
    p.injectionCount && p.injectionVolumeMl
      ? `${p.injectionCount} injections of ${p.injectionVolumeMl} ml into the ${p.site} of each limb` +
        (p.needle ? `, needle ${p.needle}` : '')
      : `Administer into the ${p.site}`;
  const labels = p.syringes
    .map(
      (s) => `
    <section class="label">
      <h2>${escapeHtml(s.limbLabel)} (${escapeHtml(s.limb)})</h2>
      <p><strong>Participant</strong> ${escapeHtml(allocation.participantId)}</p>
      <p><strong>Contents</strong> ${escapeHtml(s.contents)}</p>
      <p><strong>Volume</strong> ${escapeHtml(s.volumeMl)} ml</p>
      <p><strong>Cell dose</strong> ______________ million cells (if cells)</p>
    </section>`,
    )
    .join('');
  const instructions = p.instructions.map((line) => `<li>${escapeHtml(line)}</li>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Preparation sheet ${escapeHtml(allocation.participantId)}</title>
<style>
  body { font-family: sans-serif; margin: 2rem; color: #000; }
  h1 { font-size: 1.3rem; }
  .confidential { border: 2px solid #000; padding: .5rem; font-weight: bold; }
  .labels { display: flex; gap: 1rem; flex-wrap: wrap; }
  .label { border: 1px dashed #000; padding: .75rem; width: 20rem; }
  .signatures p { margin-top: 2rem; }
  @media print { body { margin: 1cm; } .label { break-inside: avoid; } }
</style>
</head>
<body>
<p class="confidential">CONFIDENTIAL: pharmacy only. Do not show to the participant, the investigators or the assessors.</p>
<h1>${escapeHtml(trial.protocolId)}: ${escapeHtml(trial.title)}</h1>
<table>
  <tr><th align="left">Participant</th><td>${escapeHtml(allocation.participantId)}</td></tr>
  <tr><th align="left">Slot</th><td>${escapeHtml(allocation.slot)}</td></tr>
  <tr><th align="left">Allocated at</th><td>${escapeHtml(allocation.allocatedAt)}</td></tr>
  <tr><th align="left">Printed at</th><td>${escapeHtml(printedAt)}</td></tr>
  <tr><th align="left">Product</th><td>${escapeHtml(p.product)}</td></tr>
</table>
<h2>Syringe labels</h2>
<div class="labels">${labels}</div>
<h2>Injection plan</h2>
<p>${escapeHtml(plan)}.</p>
<ol>${instructions}</ol>
<div class="signatures">
  <p>Prepared by: ______________________ Signature: ______________ Date and time: ______________</p>
  <p>Checked by: ______________________ Signature: ______________ Date and time: ______________</p>
</div>
</body>
</html>
`;
}
