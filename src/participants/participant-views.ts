import { BlindedParticipantDto, ParticipantStatus } from './dto/participant.dto';
import { ParticipantEntity } from './participant.entity';

export function participantStatus(participant: ParticipantEntity): ParticipantStatus {
  // Out of the trial is the first thing to know; the seal says separately whether it was broken.
  if (participant.withdrawnAt) return 'WITHDRAWN';
  if (participant.unblindedAt) return 'UNBLINDED';
  return participant.allocatedAt ? 'ALLOCATED' : 'REGISTERED';
}

/**
 * The blinded view, built field by field from a type that has no target: nothing of the
 * allocation can leak through it, whatever the entity holds.
 */
export function toBlindedParticipant(participant: ParticipantEntity): BlindedParticipantDto {
  return {
    participantId: participant.participantId,
    screeningNumber: participant.screeningNumber,
    status: participantStatus(participant),
    stratum: participant.stratum,
    registeredAt: participant.registeredAt,
    registeredBy: participant.registeredBy,
    allocatedAt: participant.allocatedAt,
    seal: {
      unblinded: participant.unblindedAt !== null,
      at: participant.unblindedAt,
      by: participant.unblindedBy,
      reason: participant.unblindingReason,
    },
    withdrawal: {
      withdrawn: participant.withdrawnAt !== null,
      at: participant.withdrawnAt,
      by: participant.withdrawnBy,
      reason: participant.withdrawalReason,
    },
  };
}

export function formatParticipantId(
  format: { prefix: string; digits: number },
  number: number,
): string {
  return `${format.prefix}${String(number).padStart(format.digits, '0')}`;
}

/**
 * Whether a text is an id of the trial's format (prefix, then at least `digits` digits), so the
 * audit log records as participantId only a real id shape, never an attacker's text.
 */
export function isParticipantId(format: { prefix: string; digits: number }, text: string): boolean {
  if (!text.startsWith(format.prefix)) return false;
  const number = text.slice(format.prefix.length);
  return number.length >= format.digits && number.length <= 10 && /^[0-9]+$/.test(number);
}
