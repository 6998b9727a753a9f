import { formatInTimeZone } from '../allocation/preparation';
import { MailAudience } from '../config/mail-address';
import { TrialDefinition } from '../config/trial-definition';

/**
 * The email notices and their plain-text wording. Pure: the service hands in the facts of an
 * event, this module says who gets it and what it says.
 *
 * What a notice may carry is decided here, once: ids, counts, times, usernames and the trial's
 * own title. Never a target, a slot (its position would hint at blocks), a seed, a nonce, a
 * password, nor free text typed by a user (an unblinding reason may hold health data, or a
 * limb, and email crosses servers this service does not control): the reader signs in to see it.
 */
export type MailEvent =
  | {
      kind: 'EMERGENCY_UNBLINDING';
      participantId: string;
      /** ISO-8601 UTC, as in the audit log. */
      at: string;
      by: string;
    }
  | { kind: 'ALLOCATION_CONFIRMED'; participantId: string; at: string; by: string }
  | {
      kind: 'ENROLMENT_90_PERCENT' | 'ENROLMENT_TARGET_REACHED';
      participantId: string;
      registered: number;
      targetSize: number;
      at: string;
      by: string;
    }
  | {
      kind: 'LIST_INTEGRITY_FAILED';
      at: string;
      /** The audit entry that holds the problem, for the admin who looks into it. */
      auditSeq: number;
      /** What found it: the start-up check, or a check before an allocation. */
      foundBy: string;
    };

export type MailEventKind = MailEvent['kind'];

/** Who receives each notice (docs/operations.md, "Email notices"). */
export const AUDIENCES_OF: Record<MailEventKind, MailAudience[]> = {
  EMERGENCY_UNBLINDING: ['sponsor'],
  ALLOCATION_CONFIRMED: ['investigators'],
  // Both plan around recruitment: the sponsor its supply and monitoring, the site its screening.
  ENROLMENT_90_PERCENT: ['sponsor', 'investigators'],
  ENROLMENT_TARGET_REACHED: ['sponsor', 'investigators'],
  LIST_INTEGRITY_FAILED: ['admins'],
};

export interface MailMessage {
  subject: string;
  text: string;
}

/**
 * The registration counts at which a milestone notice goes out, for a registration that brings
 * the count from `before` to `after`. The count only grows, one at a time under the write lock,
 * so each milestone is crossed by exactly one registration. When 90% and 100% fall on the same
 * registration (a target below 10), the target notice alone says it.
 */
export function enrolmentMilestones(
  before: number,
  after: number,
  targetSize: number,
): ('ENROLMENT_90_PERCENT' | 'ENROLMENT_TARGET_REACHED')[] {
  const crossed = (count: number) => before < count && after >= count;
  // Integer arithmetic: the first count that is at least 90% of the target.
  const ninety = Math.ceil((9 * targetSize) / 10);
  const milestones: ('ENROLMENT_90_PERCENT' | 'ENROLMENT_TARGET_REACHED')[] = [];
  if (crossed(ninety) && ninety < targetSize) milestones.push('ENROLMENT_90_PERCENT');
  if (crossed(targetSize)) milestones.push('ENROLMENT_TARGET_REACHED');
  return milestones;
}

/** The subject and plain-text body of a notice, in English, times in the trial's time zone. */
export function renderMail(trial: TrialDefinition, event: MailEvent): MailMessage {
  const when = (at: string) => `${formatInTimeZone(at, trial.timeZone)}; recorded at ${at} (UTC)`;
  const header = [`Trial: ${trial.protocolId}, ${trial.title}`, `Site: ${trial.site}`];
  const footer = [
    '',
    '--',
    `Sent by the randomization and blinding service of ${trial.protocolId}.`,
    'This notice names no allocation. The audit log records it and its delivery.',
  ];
  const body = (lines: string[]) => [...header, ...lines, ...footer].join('\n') + '\n';
  switch (event.kind) {
    case 'EMERGENCY_UNBLINDING':
      return {
        subject: `[${trial.protocolId}] Emergency unblinding of participant ${event.participantId}`,
        text: body([
          `Participant: ${event.participantId}`,
          `Unblinded by: ${event.by}`,
          `When: ${when(event.at)}`,
          '',
          'The seal of this participant was broken in an emergency, with a reason and the',
          "unblinder's electronic signature. The reason and the review of this unblinding are",
          'shown to signed-in users (GET /api/unblindings); they are not sent by email.',
        ]),
      };
    case 'ALLOCATION_CONFIRMED':
      return {
        subject: `[${trial.protocolId}] Participant ${event.participantId} allocated`,
        text: body([
          `Participant: ${event.participantId}`,
          `Allocated by: ${event.by}`,
          `When: ${when(event.at)}`,
          '',
          'The participant has been allocated and the pharmacy prepares the treatment.',
          'The allocation stays sealed: this notice does not say it, and no one at the site',
          'needs it to proceed.',
        ]),
      };
    case 'ENROLMENT_90_PERCENT':
    case 'ENROLMENT_TARGET_REACHED': {
      const reached = event.kind === 'ENROLMENT_TARGET_REACHED';
      return {
        subject: reached
          ? `[${trial.protocolId}] Target size reached: ${event.registered} of ${event.targetSize} registered`
          : `[${trial.protocolId}] 90% of the target size registered: ${event.registered} of ${event.targetSize}`,
        text: body([
          `Registered: ${event.registered} of a target size of ${event.targetSize}`,
          `Last registration: participant ${event.participantId}, by ${event.by}`,
          `When: ${when(event.at)}`,
          '',
          reached
            ? 'Registration is now closed: the service refuses further registrations.'
            : `Registration closes when ${event.targetSize} participants are registered.`,
        ]),
      };
    }
    case 'LIST_INTEGRITY_FAILED':
      return {
        subject: `[${trial.protocolId}] The randomization list failed its integrity check`,
        text: body([
          `Found by: ${event.foundBy}`,
          `When: ${when(event.at)}`,
          `Audit entry: seq ${event.auditSeq} (action LIST_INTEGRITY_FAILED)`,
          '',
          'The stored randomization list did not pass its integrity check, and allocation is',
          'blocked in the server process that found it. What failed is recorded in the audit',
          'entry above, not in this email. Contact the trial statistician, and see',
          'docs/operations.md before restarting or restoring anything.',
        ]),
      };
  }
}
