import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { DomainError, InvalidInput } from '../common/domain-errors';
import {
  parseRandomizationVariant,
  RandomizationDesign,
  TrialDefinition,
  TrialDefinitionError,
} from '../config/trial-definition';
import { UnitOfWork } from '../database/unit-of-work';
import { TRIAL_DEFINITION } from '../runtime';
import {
  ListSimulationDto,
  MAX_SIMULATED_ALLOCATIONS_PER_REQUEST,
  MAX_SIMULATED_SLOTS,
  MAX_SIMULATION_RUNS,
  SimulateListDto,
} from './dto/list-simulation.dto';
import { ListDesignError, newListSeed } from './list-generator';
import {
  SimulationJobResult,
  SimulationThread,
  SimulationWorkerStopped,
} from './list-simulation-thread';

/**
 * The runs a request gets: those asked for, or by default as many as the bound allows (up to
 * MAX_SIMULATION_RUNS); a request beyond the bound is refused, never quietly cut.
 */
export function simulationRuns(requested: number | undefined, slots: number): number {
  if (slots > MAX_SIMULATED_SLOTS) {
    throw new InvalidInput(
      `design.slotsPerStratum ${slots} is more than the ${MAX_SIMULATED_SLOTS} slots a simulation on the server may take; use the command line (list simulate) for longer lists`,
      'SIMULATION_TOO_LARGE',
    );
  }
  const allowed = Math.min(
    MAX_SIMULATION_RUNS,
    Math.floor(MAX_SIMULATED_ALLOCATIONS_PER_REQUEST / slots),
  );
  if (requested === undefined) return allowed;
  if (requested > allowed) {
    throw new InvalidInput(
      `runs ${requested} of ${slots} slots exceed the ${MAX_SIMULATED_ALLOCATIONS_PER_REQUEST} simulated allocations of one request; ask for at most ${allowed} runs`,
      'SIMULATION_TOO_LARGE',
    );
  }
  return requested;
}

/**
 * `list simulate` on the server: balance and predictability of the trial's list design, or of a
 * variant, over freshly drawn seeds. It reads nothing of the stored list, so its figures say
 * nothing about the list that was generated; each run is recorded as LIST_SIMULATED.
 */
@Injectable()
export class ListSimulationService {
  constructor(
    @Inject(TRIAL_DEFINITION) private readonly trial: TrialDefinition,
    private readonly uow: UnitOfWork,
    private readonly audit: AuditService,
    private readonly thread: SimulationThread,
  ) {}

  async simulate(actor: Actor, dto: SimulateListDto): Promise<ListSimulationDto> {
    const variant = dto.design !== undefined;
    const design = variant ? this.variantOf(dto.design) : this.trial.randomization;
    const runs = simulationRuns(dto.runs, design.slotsPerStratum);
    const seed = newListSeed();
    let result: SimulationJobResult;
    try {
      // On the worker thread: the event loop goes on answering every other request meanwhile.
      result = await this.thread.run({
        allocation: this.trial.allocation,
        design,
        runs,
        seed,
        comparedAllocations: MAX_SIMULATED_ALLOCATIONS_PER_REQUEST,
      });
    } catch (error) {
      if (error instanceof ListDesignError) throw new InvalidInput(error.message, 'INVALID_DESIGN');
      // The worker crashed or ran out of memory: nothing was computed or stored, and the next
      // request starts a new worker, so the client may simply ask again.
      if (error instanceof SimulationWorkerStopped) {
        throw new DomainError('unavailable', `${error.message}; nothing was stored, retry`, {
          code: 'SIMULATION_UNAVAILABLE',
          retryAfterSeconds: 5,
        });
      }
      throw error;
    }
    const { simulation, comparison } = result;
    await this.uow.write((manager) =>
      this.audit.record(manager, {
        actor,
        action: 'LIST_SIMULATED',
        outcome: 'SUCCESS',
        // The simulation's seed stays out of the log, as every seed does (SPEC section 6).
        details: {
          source: variant ? 'variant' : 'trial',
          runs,
          ...(variant ? { design: { ...design } } : {}),
        },
      }),
    );
    return {
      source: variant ? 'variant' : 'trial',
      design: { ...design, blockSizes: [...design.blockSizes] },
      targets: this.trial.allocation.targets.map(({ id, ratio }) => ({ id, ratio })),
      runs: simulation.runs,
      seed: simulation.seed,
      slots: simulation.slots,
      enrolments: simulation.enrolments,
      expectedCorrectGuesses: simulation.expectedCorrectGuesses,
      correctGuessShare: simulation.correctGuessShare,
      chanceShare: simulation.chanceShare,
      meanBlocksPerList: simulation.meanBlocksPerList,
      perList: simulation.perList,
      comparison: comparison.map((row) => ({
        ...row,
        design: { ...row.design, blockSizes: [...row.design.blockSizes] },
      })),
    };
  }

  /** The variant checked by the trial file's own rules; the message names the field as `design.…`. */
  private variantOf(raw: unknown): RandomizationDesign {
    try {
      return parseRandomizationVariant(raw, this.trial, 'request', '$.design');
    } catch (error) {
      if (!(error instanceof TrialDefinitionError)) throw error;
      throw new InvalidInput(
        `${error.path.replace(/^\$\./, '')} ${error.problem}`,
        'INVALID_DESIGN',
      );
    }
  }
}
