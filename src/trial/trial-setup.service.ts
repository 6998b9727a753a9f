import { Inject, Injectable, Logger } from '@nestjs/common';
import { SYSTEM_ACTOR } from '../common/actor';
import { AppConfig } from '../config/app-config';
import { TrialDefinition } from '../config/trial-definition';
import { AuditService } from '../audit/audit.service';
import {
  DatabaseFileRefused,
  InstallationMarker,
  installationMarkerPath,
  newInstallationId,
  readInstallationMarker,
  writeInstallationMarker,
} from '../database/installation-marker';
import { UnitOfWork } from '../database/unit-of-work';
import { APP_CONFIG, TRIAL_DEFINITION } from '../runtime';
import { RandomizationService } from '../randomization/randomization.service';
import { trainingMismatch } from '../training/training';
import { trialDefinitionHash } from './trial-definition-hash';
import { TrialEntity } from './trial.entity';
import { TrialRepository } from './trial.repository';

/**
 * Binds the database to its trial at first start. A database is one trial's: starting it with
 * another trial's file is refused. The trial file is frozen at that first start (SPEC section 5):
 * a process whose file hashes differently refuses to start, with or without a list, since it
 * would judge eligibility by other rules, regenerate a different list, or ship a definition the
 * list was not drawn from.
 *
 * Set-up also writes DATA_DIR/installation.json with a random installation id stored in the
 * trial's row too: with the marker present, a database without a trial, or with another
 * installation's id, is refused rather than served or set up anew.
 */
@Injectable()
export class TrialSetupService {
  private readonly logger = new Logger('Setup');

  constructor(
    @Inject(TRIAL_DEFINITION) private readonly trial: TrialDefinition,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly uow: UnitOfWork,
    private readonly audit: AuditService,
    private readonly trials: TrialRepository,
    private readonly randomization: RandomizationService,
  ) {}

  async ensureTrialRecord(): Promise<void> {
    const definitionHash = trialDefinitionHash(this.trial);
    const inMemory = this.config.databasePath === ':memory:';
    const markerPath = installationMarkerPath(this.config.dataDir);
    const marker = inMemory ? undefined : readInstallationMarker(markerPath);
    const installation = await this.uow.write(async (manager) => {
      const existing = await this.trials.all(manager);
      if (marker && existing.length === 0) {
        throw new DatabaseFileRefused(
          `The database ${this.config.databasePath} holds no trial, but ${markerPath} records that trial ` +
            `${marker.protocolId} was set up here on ${marker.createdAt} (installation ${marker.installationId}). ` +
            'Nothing was created. Restore the database from its latest backup (docs/operations.md, ' +
            '"A missing or replaced database").',
        );
      }
      const other = existing.find((row) => row.protocolId !== this.trial.protocolId);
      if (other) {
        throw new Error(
          `TRIAL_CONFIG: this database belongs to trial ${other.protocolId}, but the trial file is for ${this.trial.protocolId}`,
        );
      }
      const mine = existing[0];
      if (mine) {
        const list = await this.randomization.listOf(manager, this.trial.protocolId);
        if (list && list.definitionHash !== definitionHash) {
          throw new Error(
            `TRIAL_CONFIG: the trial file ${this.trial.protocolId} differs from the one its randomization list ` +
              `was generated from (definition hash ${list.definitionHash}, now ${definitionHash}). ` +
              'Restore the original file; a trial file is frozen once its list exists.',
          );
        }
        if (mine.definitionHash !== definitionHash) {
          // Frozen at the first start, not at list generation: two processes with different
          // files could otherwise judge eligibility differently before the list exists.
          throw new Error(
            `TRIAL_CONFIG: the trial file ${this.trial.protocolId} differs from the one this database was set up with ` +
              `(definition hash ${mine.definitionHash}, now ${definitionHash}). ` +
              'Start with the original file; a trial file is frozen at the first start.',
          );
        }
        const problem = trainingMismatch(
          this.config.training,
          { training: mine.training, source: `the database ${this.config.databasePath}` },
          this.config.dataDir,
        );
        if (problem) throw new DatabaseFileRefused(problem);
        if (marker && mine.installationId !== marker.installationId) {
          throw new DatabaseFileRefused(
            `The database ${this.config.databasePath} is not this installation's: it carries installation id ` +
              `${mine.installationId ?? '(none)'}, ${markerPath} records ${marker.installationId}. ` +
              "It was replaced by another copy; restore this installation's database (docs/operations.md, " +
              '"A missing or replaced database").',
          );
        }
        if (mine.installationId === null) {
          // A database set up before installation ids existed gets one now.
          mine.installationId = newInstallationId();
          await this.trials.setInstallationId(manager, mine.protocolId, mine.installationId);
        }
        return mine;
      }
      const created = {
        protocolId: this.trial.protocolId,
        definitionHash,
        installationId: newInstallationId(),
        training: this.config.training,
        createdAt: new Date().toISOString(),
        lockedAt: null,
        lockedBy: null,
        lockReason: null,
      };
      await this.trials.create(manager, created);
      await this.audit.record(manager, {
        actor: SYSTEM_ACTOR,
        action: 'SYSTEM_INITIALIZED',
        outcome: 'SUCCESS',
        details: {
          protocolId: this.trial.protocolId,
          definitionHash,
          installationId: created.installationId,
          training: created.training,
        },
      });
      return created;
    });
    if (!inMemory && !marker) this.recordMarker(markerPath, installation);
  }

  /** Written after the set-up commits; a crash in between only means the next start writes it. */
  private recordMarker(path: string, trial: TrialEntity): void {
    const marker: InstallationMarker = {
      installationId: trial.installationId ?? '',
      protocolId: trial.protocolId,
      createdAt: trial.createdAt,
      databasePath: this.config.databasePath,
      training: trial.training,
    };
    try {
      writeInstallationMarker(path, marker);
    } catch (error) {
      // Another process starting on the same directory wrote it first: it must name this database.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const theirs = readInstallationMarker(path);
      if (theirs?.installationId !== marker.installationId) {
        throw new DatabaseFileRefused(
          `${path} names installation ${theirs?.installationId}, this database ${marker.installationId}`,
        );
      }
      return;
    }
    this.logger.log(`Installation ${marker.installationId} recorded in ${path}`);
  }
}
