/**
 * The emergency unblinding form's own rules, checked before anything is sent, so that a typo
 * costs the unblinder a message rather than an audited refusal. The server checks them again.
 */

/** As UnblindingRequestDto wants it (src/unblinding/dto/unblinding.dto.ts; unblinding.spec.ts guards it). */
export const REASON_MIN_LENGTH = 10;
export const REASON_MAX_LENGTH = 2000;
/** The API's bound on a password (signature) field. */
export const PASSWORD_MAX_LENGTH = 256;

/**
 * Only an allocated participant has a limb to reveal; an unblinded one answers the same again,
 * and a withdrawn one that was allocated can still be unblinded in an emergency (its status is
 * then WITHDRAWN, so the allocation time decides).
 */
export function canBeUnblinded(participant: { allocatedAt: string | null }): boolean {
  return participant.allocatedAt !== null;
}

export interface UnblindingForm {
  /** The participant chosen in the list ('' when none). */
  participantId: string;
  /** The participant id typed again by hand. */
  typedAgain: string;
  reason: string;
  password: string;
}

export type UnblindingProblem =
  | 'noParticipant'
  | 'reasonTooShort'
  | 'reasonTooLong'
  | 'idMismatch'
  | 'noPassword'
  | 'passwordTooLong';

/** The characters of a reason as the server counts them (code points), blanks at the ends aside. */
export function reasonLength(reason: string): number {
  return [...reason.trim()].length;
}

/** What is wrong with the form, in the order the fields come; empty when it may be sent. */
export function unblindingProblems(form: UnblindingForm): UnblindingProblem[] {
  const problems: UnblindingProblem[] = [];
  if (!form.participantId) problems.push('noParticipant');
  const length = reasonLength(form.reason);
  if (length < REASON_MIN_LENGTH) problems.push('reasonTooShort');
  if ([...form.reason].length > REASON_MAX_LENGTH) problems.push('reasonTooLong');
  // Typed again exactly: the point is that the unblinder reads the id twice, not that we guess.
  if (form.participantId && form.typedAgain.trim() !== form.participantId)
    problems.push('idMismatch');
  if (form.password.length === 0) problems.push('noPassword');
  if (form.password.length > PASSWORD_MAX_LENGTH) problems.push('passwordTooLong');
  return problems;
}

export type Limb = 'LEFT' | 'RIGHT';

export interface RevealedAllocation {
  cellLimb: Limb;
  salineLimb: Limb | null;
}

/** The lines of the limb panel, cells first; a design with no single saline limb has one line. */
export function limbLines(
  allocation: RevealedAllocation,
): { content: 'CELLS' | 'SALINE'; limb: Limb }[] {
  const lines: { content: 'CELLS' | 'SALINE'; limb: Limb }[] = [
    { content: 'CELLS', limb: allocation.cellLimb },
  ];
  if (allocation.salineLimb) lines.push({ content: 'SALINE', limb: allocation.salineLimb });
  return lines;
}
