import type { components } from '../api/schema';
import type { MessageKey } from '../i18n/messages-en';

/**
 * The allocation screen's logic, without React: which participants may be picked, which one a
 * typed id or screening number means, and the lines of the result panel.
 */
type Schemas = components['schemas'];
export type Participant = Schemas['BlindedParticipantDto'];
export type Allocation = Schemas['AllocationDto'];

/** The participants waiting for an allocation, first registered first. */
export function awaitingAllocation(participants: readonly Participant[]): Participant[] {
  return participants
    .filter((p) => p.status === 'REGISTERED')
    .sort((a, b) => a.registeredAt.localeCompare(b.registeredAt));
}

/**
 * The participant a typed text names: its participant id (in any letter case, as people type
 * "ela-001") or its screening number (exactly: screening numbers are the site's own).
 */
export function findParticipant(
  participants: readonly Participant[],
  typed: string,
): Participant | undefined {
  const wanted = typed.trim();
  if (!wanted) return undefined;
  return (
    participants.find((p) => p.participantId.toUpperCase() === wanted.toUpperCase()) ??
    participants.find((p) => p.screeningNumber === wanted)
  );
}

/** What the pharmacist can do for a participant: allocate it, or read its allocation again. */
export function actionFor(participant: Participant): 'allocate' | 'reread' | 'none' {
  if (participant.status === 'REGISTERED') return 'allocate';
  // Withdrawn before allocation: there is nothing to allocate and nothing to show again.
  return participant.allocatedAt ? 'reread' : 'none';
}

/** One line of the result panel: what goes in a syringe, and where it goes. */
export interface PanelLine {
  syringe: string;
  target: string;
  targetLabel: string;
}

/**
 * The panel's lines, one per syringe in the answer's order (the allocated syringe first):
 * "CELLS → LEFT leg", "SALINE → RIGHT leg". Taken from the syringes, not from cellLimb alone, so
 * that a design with one syringe (a parallel trial) still gets an exact line.
 */
export function panelLines(allocation: Allocation): PanelLine[] {
  return allocation.preparation.syringes.map((s) => ({
    syringe: s.name,
    target: s.limb,
    targetLabel: s.limbLabel,
  }));
}

/** The catalogue's words for a target (the legs of NCT02286011); else the trial file's label. */
export function targetKeyOf(target: string): MessageKey | undefined {
  if (target === 'LEFT') return 'limb.LEFT';
  if (target === 'RIGHT') return 'limb.RIGHT';
  return undefined;
}

/** 32 random hex digits. crypto.getRandomValues, unlike randomUUID, works on a plain-http intranet. */
export function randomIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * One Idempotency-Key per participant for as long as the screen is open: a retry after a lost
 * answer (the network dropped it) gets the same allocation back, not ALREADY_ALLOCATED.
 */
export function idempotencyKeyStore(newKey: () => string = randomIdempotencyKey): {
  keyFor: (participantId: string) => string;
} {
  const keys = new Map<string, string>();
  return {
    keyFor: (participantId) => {
      const known = keys.get(participantId);
      if (known) return known;
      const key = newKey();
      keys.set(participantId, key);
      return key;
    },
  };
}
