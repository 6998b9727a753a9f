import { join } from 'node:path';
import { formatInTimeZone } from '../allocation/preparation';
import { loadTrialFile } from '../config/trial-file.loader';
import { TrialDefinition } from '../config/trial-definition';
import { AUDIENCES_OF, enrolmentMilestones, MailEvent, renderMail } from './mail-messages';

const TRIALS = join(__dirname, '../../config/trials');
const nct = loadTrialFile(join(TRIALS, 'nct02286011.json'));
const stratified = loadTrialFile(join(TRIALS, 'example-stratified-2to1.json'));
const AT = '2027-01-01T00:30:05.123Z';

const EVENTS: MailEvent[] = [
  { kind: 'EMERGENCY_UNBLINDING', participantId: 'ELA-007', at: AT, by: 'unb' },
  { kind: 'ALLOCATION_CONFIRMED', participantId: 'ELA-007', at: AT, by: 'pharm' },
  {
    kind: 'ENROLMENT_90_PERCENT',
    participantId: 'ELA-018',
    registered: 18,
    targetSize: 20,
    at: AT,
    by: 'inv',
  },
  {
    kind: 'ENROLMENT_TARGET_REACHED',
    participantId: 'ELA-020',
    registered: 20,
    targetSize: 20,
    at: AT,
    by: 'inv',
  },
  {
    kind: 'LIST_INTEGRITY_FAILED',
    at: AT,
    auditSeq: 42,
    foundBy: 'the check of the whole list at start',
  },
];

/** Every word that would name an allocation of either trial: ids, labels, legs in two languages. */
function expectNoAllocationWord(text: string, trial: TrialDefinition): void {
  expect(text).not.toMatch(/\b(left|right|izquierda|derecha)\b/i);
  expect(text).not.toMatch(/\bslot\b/i);
  const { allocatedSyringe, otherSyringe } = trial.preparation;
  // The syringes' names and contents say which is which on the pharmacy copy only.
  for (const words of [
    ...trial.allocation.targets.flatMap((t) => [t.id, t.label]),
    ...[allocatedSyringe, otherSyringe].flatMap((s) => (s ? [s.name, s.contents] : [])),
  ])
    expect(text).not.toContain(words);
}

describe(renderMail.name, () => {
  it.each(EVENTS.map((event) => [event.kind, event] as const))(
    'renders %s with the trial, the time in its zone and UTC, and no allocation word',
    (_kind, event) => {
      for (const trial of [nct, stratified]) {
        const { subject, text } = renderMail(trial, event);
        expect(subject).toMatch(new RegExp(`^\\[${trial.protocolId.replace(/[./]/g, '\\$&')}\\] `));
        expect(subject).not.toMatch(/[\r\n]/);
        expect(text).toContain(`Trial: ${trial.protocolId}, ${trial.title}`);
        expect(text).toContain(`When: ${formatInTimeZone(AT, trial.timeZone)}`);
        expect(text).toContain(`recorded at ${AT} (UTC)`);
        expectNoAllocationWord(subject, trial);
        expectNoAllocationWord(text, trial);
      }
    },
  );

  it('names the participant and who acted', () => {
    const unblinding = renderMail(nct, EVENTS[0]);
    expect(unblinding.subject).toBe('[NCT02286011] Emergency unblinding of participant ELA-007');
    expect(unblinding.text).toContain('Participant: ELA-007\nUnblinded by: unb\n');
    const allocation = renderMail(nct, EVENTS[1]);
    expect(allocation.subject).toBe('[NCT02286011] Participant ELA-007 allocated');
    expect(allocation.text).toContain('Allocated by: pharm');
  });

  it("writes the time on the trial's wall clock: 00:30 UTC on New Year's Day is 01:30 in Madrid", () => {
    expect(renderMail(nct, EVENTS[1]).text).toContain(
      'When: 2027-01-01 01:30 (Europe/Madrid, UTC+01:00); recorded at 2027-01-01T00:30:05.123Z (UTC)',
    );
  });

  it('says the counts of a milestone, and that registration closes at the target', () => {
    expect(renderMail(nct, EVENTS[2]).subject).toBe(
      '[NCT02286011] 90% of the target size registered: 18 of 20',
    );
    expect(renderMail(nct, EVENTS[3]).subject).toBe(
      '[NCT02286011] Target size reached: 20 of 20 registered',
    );
    expect(renderMail(nct, EVENTS[3]).text).toContain('Registration is now closed');
  });

  it('points the admins to the audit entry of an integrity failure instead of quoting it', () => {
    const { text } = renderMail(nct, EVENTS[4]);
    expect(text).toContain('Audit entry: seq 42 (action LIST_INTEGRITY_FAILED)');
    expect(text).toContain('Found by: the check of the whole list at start');
  });

  it('is plain text ending in a newline, lines short enough for any mail reader', () => {
    for (const event of EVENTS) {
      const { text } = renderMail(nct, event);
      expect(text.endsWith('\n')).toBe(true);
      // The title line is the trial's own; every line the service writes fits in 100 columns.
      for (const line of text.split('\n').filter((l) => !l.startsWith('Trial: ')))
        expect(line.length).toBeLessThanOrEqual(100);
    }
  });
});

describe('AUDIENCES_OF', () => {
  it('sends unblinding to the sponsor, allocation to the investigators, integrity to the admins', () => {
    expect(AUDIENCES_OF.EMERGENCY_UNBLINDING).toEqual(['sponsor']);
    expect(AUDIENCES_OF.ALLOCATION_CONFIRMED).toEqual(['investigators']);
    expect(AUDIENCES_OF.LIST_INTEGRITY_FAILED).toEqual(['admins']);
    expect(AUDIENCES_OF.ENROLMENT_TARGET_REACHED).toEqual(['sponsor', 'investigators']);
  });
});

describe(enrolmentMilestones.name, () => {
  /** Which registration (the count it brings) sends which milestone, over a whole trial. */
  function milestonesOver(targetSize: number): [number, string][] {
    const sent: [number, string][] = [];
    for (let count = 1; count <= targetSize; count += 1)
      for (const kind of enrolmentMilestones(count - 1, count, targetSize))
        sent.push([count, kind]);
    return sent;
  }

  it('sends 90% at the 18th and the target at the 20th of 20, once each', () => {
    expect(milestonesOver(20)).toEqual([
      [18, 'ENROLMENT_90_PERCENT'],
      [20, 'ENROLMENT_TARGET_REACHED'],
    ]);
  });

  it('rounds 90% up to the first count that reaches it', () => {
    expect(milestonesOver(25)[0]).toEqual([23, 'ENROLMENT_90_PERCENT']); // 22.5 -> 23
    expect(milestonesOver(100)[0]).toEqual([90, 'ENROLMENT_90_PERCENT']);
    expect(milestonesOver(11)[0]).toEqual([10, 'ENROLMENT_90_PERCENT']); // 9.9 -> 10
  });

  it('sends only the target notice when 90% falls on the last registration', () => {
    for (const size of [1, 2, 5, 9])
      expect(milestonesOver(size)).toEqual([[size, 'ENROLMENT_TARGET_REACHED']]);
  });

  it('sends nothing for a registration that crosses no milestone', () => {
    expect(enrolmentMilestones(0, 1, 20)).toEqual([]);
    expect(enrolmentMilestones(18, 19, 20)).toEqual([]);
    expect(enrolmentMilestones(20, 21, 20)).toEqual([]);
  });
});
