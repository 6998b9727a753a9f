import { join } from 'node:path';
import { TrialDefinition } from '../config/trial-definition';
import { loadTrialFile } from '../config/trial-file.loader';
import { TRAINING_BANNER } from '../training/training';
import {
  ENVELOPE_CUT_LINE_TEXT,
  EnvelopePageInput,
  renderEnvelopeOutside,
  renderEnvelopePage,
} from './envelope-page';

const TRIALS = join(__dirname, '..', '..', 'config', 'trials');
const nct = loadTrialFile(join(TRIALS, 'nct02286011.json'));
const parallel = loadTrialFile(join(TRIALS, 'example-stratified-2to1.json'));

/** Words that would tell anyone outside the pharmacy what the envelope holds. */
const FORBIDDEN =
  /cell|placebo|saline|mnc|autologous|mononuclear|marrow|dose|content|active|kit|allocat|slot|sodium|nacl|0\.9|code/i;

function pageOf(target: string, overrides: Partial<EnvelopePageInput> = {}): EnvelopePageInput {
  return {
    envelopeNumber: 7,
    stratum: 'all',
    slot: 12,
    target,
    openingCode: 'ABCD-EFGH-JKMN-PQRS',
    issuedAt: '2026-12-31T22:00:00.000Z',
    issuedBy: 'stat.ruiz',
    printedAt: new Date('2026-12-31T23:30:00.000Z'),
    printedBy: 'pharm.garcia',
    printing: 1,
    ...overrides,
  };
}

function parts(html: string): { outside: string; inside: string } {
  const cut = html.indexOf(ENVELOPE_CUT_LINE_TEXT);
  expect(cut).toBeGreaterThan(0);
  return { outside: html.slice(0, cut), inside: html.slice(cut) };
}

const targetsOf = (trial: TrialDefinition) => trial.allocation.targets.map((t) => t.id);

describe('renderEnvelopePage', () => {
  it.each([
    ['NCT02286011', nct],
    ['a parallel 2:1 design', parallel],
  ])(
    'prints the same bytes above the cut line whichever target the envelope holds (%s)',
    (_name, trial) => {
      const [first, second] = targetsOf(trial);
      const a = parts(renderEnvelopePage(trial, pageOf(first)));
      const b = parts(
        renderEnvelopePage(trial, pageOf(second, { openingCode: 'ZZZZ-YYYY-XXXX-WWWW' })),
      );
      expect(a.outside).toBe(b.outside);
      expect(a.inside).not.toBe(b.inside);
    },
  );

  it.each([
    ['NCT02286011', nct],
    ['a parallel 2:1 design', parallel],
  ])('names no content, dose, arm or code on the outside and its labels (%s)', (_name, trial) => {
    for (const target of targetsOf(trial)) {
      const outside = renderEnvelopeOutside(trial, pageOf(target));
      // Markup aside: the words a person reads.
      const words = outside.replace(/<[^>]+>/g, ' ');
      expect(words).not.toMatch(FORBIDDEN);
      expect(words).not.toContain('ABCD-EFGH');
      expect(words).toContain('ENV-0007');
    }
    // A parallel design: the one label names the site, never the arm.
    expect(renderEnvelopeOutside(parallel, pageOf('ACTIVE'))).not.toMatch(/ACTIVE|PLACEBO/);
  });

  it('seals the target, its headline and the opening code inside', () => {
    const { inside } = parts(renderEnvelopePage(nct, pageOf('RIGHT')));
    expect(inside).toContain('CELLS → RIGHT (Right lower limb) · SALINE → LEFT (Left lower limb)');
    expect(inside).toContain('Opening code: <strong>ABCD-EFGH-JKMN-PQRS</strong>');
    expect(inside).toContain('slot 12');
    expect(inside).toContain(
      'printed by pharm.garcia at 2027-01-01 00:30 (Europe/Madrid, UTC+01:00)',
    );
    expect(inside).not.toContain('earlier printed copy');
  });

  it('says on a later printing that earlier copies no longer open', () => {
    const { inside } = parts(renderEnvelopePage(nct, pageOf('LEFT', { printing: 2 })));
    expect(inside).toContain(
      'Printing 2: the opening code of every earlier printed copy of ENV-0007',
    );
  });

  it('carries the training banner on the outside, each label and inside on a practice instance', () => {
    const html = renderEnvelopePage(nct, pageOf('LEFT', { training: true }));
    const { outside, inside } = parts(html);
    expect(outside.split(TRAINING_BANNER).length - 1).toBeGreaterThanOrEqual(4);
    expect(inside).toContain(TRAINING_BANNER);
    expect(renderEnvelopePage(nct, pageOf('LEFT'))).not.toContain(TRAINING_BANNER);
  });

  it('is one self-contained A4 page, escaping what it prints', () => {
    const html = renderEnvelopePage(nct, pageOf('LEFT', { stratum: '<b>x</b>', printedBy: 'a&b' }));
    expect(html).toContain('@page { size: A4; margin: 12mm; }');
    expect(html).not.toMatch(/<script|<link|<img|src=|url\(/i);
    expect(html).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(html).toContain('a&amp;b');
    expect(html).toMatch(/<title>Downtime envelope ENV-0007<\/title>/);
  });
});
