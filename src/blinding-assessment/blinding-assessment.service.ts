import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { Conflict, Forbidden, InvalidInput, NotFound } from '../common/domain-errors';
import { Outcome, unwrap } from '../common/outcome';
import { TrialDefinition } from '../config/trial-definition';
import { canonicalJson } from '../crypto/canonical-json';
import { randomHex, sha256Hex } from '../crypto/hashing';
import { UnitOfWork } from '../database/unit-of-work';
import { ParticipantsService } from '../participants/participants.service';
import { RandomizationService } from '../randomization/randomization.service';
import { TRIAL_DEFINITION } from '../runtime';
import { TrialRecordService } from '../trial/trial-record.service';
import { UsersService } from '../users/users.service';
import { BlindingGuessEntity, GUESSER_GROUPS, GuesserGroup } from './blinding-guess.entity';
import { bangIndexByArm, DONT_KNOW, ScoredGuess } from './blinding-index';
import {
  BlindingAssessmentDto,
  GuesserGroupIndexDto,
  RecordedGuessDto,
  RecordGuessDto,
} from './dto/blinding-assessment.dto';
import { notBlindedReason } from './guesser-blinding';
import { GuessesRepository } from './guesses.repository';

export const ASSESSMENT_METHOD =
  'Bang, Ni & Davis 2004 blinding index per arm (arm: the target each participant got); Wald 95% interval bounded to [-1, 1]';

/**
 * The blinding assessment (issue 16 item 4; docs/blinding-assessment.md): guesses of which
 * target each participant got, recorded before the participant's seal is broken and before the
 * lock, never changed; after lock, Bang's index per guesser group and arm for the statistician.
 */
@Injectable()
export class BlindingAssessmentService {
  constructor(
    @Inject(TRIAL_DEFINITION) private readonly trial: TrialDefinition,
    private readonly uow: UnitOfWork,
    private readonly audit: AuditService,
    private readonly guesses: GuessesRepository,
    private readonly participants: ParticipantsService,
    private readonly randomization: RandomizationService,
    private readonly trials: TrialRecordService,
    private readonly users: UsersService,
  ) {}

  /**
   * Records one guess. ASSESSOR: the caller's own guess as an outcome assessor; PARTICIPANT: the
   * participant's guess, asked and entered by the caller. One per participant per guesser.
   */
  recordGuess(actor: Actor, participantId: string, dto: RecordGuessDto): Promise<RecordedGuessDto> {
    const answers = [...this.trial.allocation.targets.map((target) => target.id), DONT_KNOW];
    if (!answers.includes(dto.guess)) {
      throw new InvalidInput(`guess must be one of ${answers.join(', ')}`);
    }
    return unwrap(
      this.uow.write(async (manager): Promise<Outcome<RecordedGuessDto>> => {
        const refuse = (refusal: Error) =>
          this.audit.recordRefusal(
            manager,
            actor,
            'BLINDING_GUESS_REFUSED',
            participantId,
            refusal,
          );
        // Held now or ever: the current roles and the stored history of every role held.
        const notBlinded = notBlindedReason(
          actor.roles,
          await this.users.roleHistoryIn(manager, actor.username),
        );
        if (notBlinded !== undefined) {
          return refuse(new Forbidden(notBlinded, 'GUESSER_NOT_BLINDED'));
        }
        // PostgreSQL: a lock in flight commits first or waits for this guess.
        const record = await this.trials.record(manager, this.trial.protocolId, 'share');
        if (record.lockedAt) {
          return refuse(
            new Conflict(
              `The study was locked at ${record.lockedAt}: no more guesses are recorded`,
              'STUDY_LOCKED',
            ),
          );
        }
        const seal = await this.participants.sealForGuess(manager, participantId);
        if (!seal) return refuse(new NotFound(`No participant ${participantId}`));
        if (!seal.allocated) {
          return refuse(
            new Conflict(
              `Participant ${participantId} has not been allocated: there is nothing to guess yet`,
              'NOT_ALLOCATED',
            ),
          );
        }
        if (seal.unblindedAt) {
          return refuse(
            new Conflict(
              `Participant ${participantId} was unblinded at ${seal.unblindedAt}: a guess recorded now would not measure the blind`,
              'SEAL_BROKEN',
            ),
          );
        }
        const guesser = dto.guesser === 'ASSESSOR' ? actor.username : participantId;
        const existing = await this.guesses.findOne(manager, participantId, dto.guesser, guesser);
        if (existing) {
          return refuse(
            new Conflict(
              `${describeGuesser(dto.guesser, guesser)}'s guess for ${participantId} was recorded at ${existing.recordedAt} by ${existing.recordedBy}; a guess is never changed`,
              'ALREADY_GUESSED',
            ),
          );
        }
        const guess: Omit<BlindingGuessEntity, 'id'> = {
          participantId,
          guesserGroup: dto.guesser,
          guesser,
          guess: dto.guess,
          recordedAt: new Date().toISOString(),
          recordedBy: actor.username,
          recordSalt: randomHex(32),
        };
        await this.guesses.append(manager, guess);
        await this.audit.record(manager, {
          actor,
          action: 'BLINDING_GUESS_RECORDED',
          outcome: 'SUCCESS',
          participantId,
          // No target word in the log (SPEC section 6): the row's hash ties the stored guess to
          // this entry, so a guess edited behind the triggers' back no longer matches it; the
          // row's secret salt keeps a reader of the log from trying the three answers.
          details: { guesserGroup: guess.guesserGroup, guesser, recordSha256: guessHash(guess) },
        });
        return {
          ok: {
            participantId,
            guesserGroup: guess.guesserGroup,
            guesser,
            recordedAt: guess.recordedAt,
            recordedBy: guess.recordedBy,
          },
        };
      }),
    );
  }

  /** After lock: Bang's index per guesser group and arm, with the counts; each reading audited. */
  assessment(actor: Actor): Promise<BlindingAssessmentDto> {
    return unwrap(
      // A write: opening a slot that fails its integrity check records LIST_INTEGRITY_FAILED.
      this.uow.write(async (manager): Promise<Outcome<BlindingAssessmentDto>> => {
        const refuse = (refusal: Error) =>
          this.audit.recordRefusal(manager, actor, 'BLINDING_ASSESSMENT_REFUSED', null, refusal);
        const record = await this.trials.record(manager, this.trial.protocolId);
        if (!record.lockedAt) {
          return refuse(
            new Conflict(
              'The blinding index is given only after the study is locked: until then the guesses stay unanalysed',
              'NOT_LOCKED',
            ),
          );
        }
        const guesses = await this.guesses.all(manager);
        const truths = await this.truthsOf(manager, guesses);
        if ('refusal' in truths) return refuse(truths.refusal);
        const arms = this.trial.allocation.targets.map((target) => target.id);
        const groups: GuesserGroupIndexDto[] = GUESSER_GROUPS.map((group) => {
          const inGroup = guesses.filter((guess) => guess.guesserGroup === group);
          const scored: ScoredGuess[] = inGroup.map((guess) => ({
            truth: truths.ok.get(guess.participantId)!,
            guess: guess.guess,
          }));
          return {
            group,
            guesses: inGroup.length,
            guessers: new Set(inGroup.map((guess) => guess.guesser)).size,
            arms: bangIndexByArm(arms, scored),
          };
        });
        // A report built from every opened allocation, read like the list export: each reading
        // is recorded, with how much it covered and never an arm's figures.
        await this.audit.record(manager, {
          actor,
          action: 'BLINDING_ASSESSMENT_VIEWED',
          outcome: 'SUCCESS',
          details: { guesses: guesses.length, participants: truths.ok.size },
        });
        return {
          ok: {
            protocolId: this.trial.protocolId,
            lockedAt: record.lockedAt,
            method: ASSESSMENT_METHOD,
            groups,
          },
        };
      }),
    );
  }

  /** The target each guessed participant got, opened from its sealed slot. */
  private async truthsOf(
    manager: EntityManager,
    guesses: BlindingGuessEntity[],
  ): Promise<Outcome<Map<string, string>>> {
    const truths = new Map<string, string>();
    for (const participantId of new Set(guesses.map((guess) => guess.participantId))) {
      const opened = await this.randomization.openAllocation(manager, participantId);
      if ('refusal' in opened) return opened;
      truths.set(participantId, opened.ok.target);
    }
    return { ok: truths };
  }

  /** Training reset only: the guesses go with the participants they were about. */
  deleteAllForTrainingReset(manager: EntityManager): Promise<void> {
    return this.guesses.deleteAll(manager);
  }
}

function describeGuesser(group: GuesserGroup, guesser: string): string {
  return group === 'ASSESSOR' ? `Assessor ${guesser}` : `Participant ${guesser}`;
}

/**
 * SHA-256 of the canonical JSON of a guess row, recorded in its audit entry. The row's salt is in
 * it (a row from before the salt, with none, was hashed without one): without a secret, the
 * other fields all being in the entry, the hash of each of the three answers could be tried.
 */
export function guessHash(guess: Omit<BlindingGuessEntity, 'id'>): string {
  return sha256Hex(
    canonicalJson({
      participantId: guess.participantId,
      guesserGroup: guess.guesserGroup,
      guesser: guess.guesser,
      guess: guess.guess,
      recordedAt: guess.recordedAt,
      recordedBy: guess.recordedBy,
      ...(guess.recordSalt === null ? {} : { salt: guess.recordSalt }),
    }),
  );
}
