import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TrialEntity } from './trial.entity';
import { TrialRepository, TrialRowLock } from './trial.repository';

/**
 * The trial's row as other modules use it: the study lock and the training flag, read inside
 * the caller's transaction, and the training reset's unlock. Pure delegation to TrialRepository.
 * A service of its own, apart from TrialService, because TrialService reads the participants,
 * the list and the envelopes, whose services read the study lock here: one service for both
 * would be a cycle.
 */
@Injectable()
export class TrialRecordService {
  constructor(private readonly trials: TrialRepository) {}

  /**
   * The trial's row; `lock` holds it on PostgreSQL (`share`: must not run past a study lock;
   * `update`: changes the study).
   */
  record(manager: EntityManager, protocolId: string, lock?: TrialRowLock): Promise<TrialEntity> {
    return this.trials.record(manager, protocolId, lock);
  }

  /** The allocation path's read of the study lock, the row held shared on PostgreSQL. */
  lockedAtSharing(
    manager: EntityManager,
    protocolId: string,
  ): Promise<{ lockedAt: string | null } | undefined> {
    return this.trials.lockedAtSharing(manager, protocolId);
  }

  /** Training reset only: the practice study is open again. */
  clearLockForTrainingReset(manager: EntityManager, protocolId: string): Promise<void> {
    return this.trials.clearLock(manager, protocolId);
  }
}
