import { IdempotencyKeyEntity } from '../allocation/idempotency-key.entity';
import { AuditEntryEntity } from '../audit/audit-entry.entity';
import { BlindingGuessEntity } from '../blinding-assessment/blinding-guess.entity';
import { DowntimeEnvelopeEntity } from '../envelopes/downtime-envelope.entity';
import { KeyCheckEntity } from '../crypto/key-check.entity';
import { NotificationEntity } from '../notifications/notification.entity';
import { ParticipantEntity } from '../participants/participant.entity';
import { RandomizationListEntity } from '../randomization/randomization-list.entity';
import { SlotEntity } from '../randomization/slot.entity';
import { TrialEntity } from '../trial/trial.entity';
import { UnblindingReviewEntity } from '../unblinding/unblinding-review.entity';
import { UserEntity } from '../users/user.entity';

/** Every entity of the schema; the migrations under ./migrations create their tables. */
export const ENTITIES = [
  UserEntity,
  TrialEntity,
  KeyCheckEntity,
  AuditEntryEntity,
  RandomizationListEntity,
  SlotEntity,
  ParticipantEntity,
  IdempotencyKeyEntity,
  UnblindingReviewEntity,
  NotificationEntity,
  BlindingGuessEntity,
  DowntimeEnvelopeEntity,
];
