import { ApiError } from '../api/client';
import type { components } from '../api/schema';
import type { BlindedParticipant } from '../api/types';
import type { MessageKey } from '../i18n/messages-en';

/**
 * The blinding assessment screens' plain logic (docs/blinding-assessment.md): which participants
 * a guess can be recorded for, the choices offered, and how the statistician's figures are
 * written. The API decides (409 SEAL_BROKEN, ALREADY_GUESSED, STUDY_LOCKED); this only keeps the
 * screen from offering what can only be refused. Tested in blinding-assessment.spec.ts.
 */
type Schemas = components['schemas'];
export type GuesserGroup = Schemas['RecordGuessDto']['guesser'];
export type ArmIndex = Schemas['ArmIndexDto'];
export type NotEstimable = NonNullable<ArmIndex['notEstimable']>;

export const DONT_KNOW = 'DONT_KNOW';

// Records, not lists: a group or reason added to the API document is a type error here.
const GROUPS: Record<GuesserGroup, MessageKey> = {
  PARTICIPANT: 'guesses.group.PARTICIPANT',
  ASSESSOR: 'guesses.group.ASSESSOR',
};
export const GUESSER_GROUPS = Object.keys(GROUPS) as GuesserGroup[];
export const groupKey = (group: GuesserGroup): MessageKey => GROUPS[group];
const GROUP_HEADINGS: Record<GuesserGroup, MessageKey> = {
  PARTICIPANT: 'bindex.group.PARTICIPANT',
  ASSESSOR: 'bindex.group.ASSESSOR',
};
/** The heading of a group's table on the index screen. */
export const groupHeadingKey = (group: GuesserGroup): MessageKey => GROUP_HEADINGS[group];

const NOT_ESTIMABLE: Record<NotEstimable, MessageKey> = {
  NO_GUESSES: 'bindex.notEstimable.NO_GUESSES',
  ZERO_VARIANCE: 'bindex.notEstimable.ZERO_VARIANCE',
};
export const notEstimableKey = (reason: NotEstimable): MessageKey => NOT_ESTIMABLE[reason];

/** Allocated and still sealed: the only participants a guess can be recorded for. */
export function guessableParticipants(participants: readonly BlindedParticipant[]): string[] {
  return participants
    .filter((p) => p.allocatedAt !== null && !p.seal.unblinded)
    .map((p) => p.participantId);
}

/**
 * A refusal that every further guess by the same user gets too: 403 GUESSER_NOT_BLINDED, for
 * someone who holds or ever held pharmacist or unblinder. The screen then shows the server's
 * reason (the role, and when it was held) in place of the form, which would only be refused.
 */
export function refusesEveryGuess(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'GUESSER_NOT_BLINDED';
}

/** The answers offered: each target of the trial, in the trial file's order, then don't know. */
export function guessChoices(targets: readonly { id: string }[]): string[] {
  return [...targets.map((target) => target.id), DONT_KNOW];
}

/** A figure of the index with three decimals, the language's way (0.500 / 0,500; −0.100). */
export function formatIndex(language: 'en' | 'es', value: number): string {
  return new Intl.NumberFormat(language === 'es' ? 'es-ES' : 'en-GB', {
    minimumFractionDigits: 3,
    maximumFractionDigits: 3,
  }).format(value);
}
