import { AuditEntryEntity } from '../audit/audit-entry.entity';
import { KeyCheckEntity } from '../crypto/key-check.entity';
import { TrialEntity } from '../trial/trial.entity';
import { UserEntity } from '../users/user.entity';

/** Every entity of the schema; the migrations under ./migrations create their tables. */
export const ENTITIES = [UserEntity, TrialEntity, KeyCheckEntity, AuditEntryEntity];
