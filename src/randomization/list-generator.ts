import seedrandom from 'seedrandom';
import { stratumKeys, TrialDefinition } from '../config/trial-definition';
import { randomHex } from '../crypto/hashing';

/**
 * Pure, seeded generation of the randomization list. No framework, no clock, no I/O: the same
 * (trial, seed) gives the same list on any machine. docs/randomization.md states the procedure
 * precisely enough to re-implement it in another language; keep the two in step, and never
 * change a draw without changing the golden vectors in list-generator.spec.ts on purpose.
 */

/** One slot of the list: the `slot`-th allocation (1-based) of its stratum goes to `target`. */
export interface GeneratedSlot {
  stratum: string;
  slot: number;
  target: string;
}

/**
 * One permuted block as drawn, for tests and the design simulation only. Block sizes and
 * boundaries are exactly what must never leave the server, so no API returns this.
 */
export interface GeneratedBlock {
  /** The sizes that were allowed when this block was drawn (see the ending rule). */
  eligibleSizes: number[];
  size: number;
  targets: string[];
}

/** The part of a trial definition that shapes one stratum's list. */
export type ListDesign = Pick<TrialDefinition, 'allocation' | 'randomization'>;

/** A design that cannot produce a list: names the configuration and says why. */
export class ListDesignError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ListDesignError';
  }
}

/** A random seed for a list: 256 bits as 64 lowercase hex characters. */
export function newListSeed(): string {
  return randomHex(32);
}

/** Each stratum's list is drawn from its own stream, seeded with `${seed}/${stratumKey}`. */
export function stratumSeed(seed: string, stratumKey: string): string {
  return `${seed}/${stratumKey}`;
}

/**
 * The whole list: every stratum in the order of stratumKeys(trial.stratification) (the single
 * stratum 'all' when the trial is not stratified), each with slotsPerStratum slots in order.
 */
export function generateList(trial: TrialDefinition, seed: string): GeneratedSlot[] {
  requireSeed(seed);
  const plan = planDesign(trial);
  return stratumKeys(trial.stratification).flatMap((stratum) =>
    drawStratum(plan, stratumSeed(seed, stratum)).map((target, index) => ({
      stratum,
      slot: index + 1,
      target,
    })),
  );
}

/**
 * A slot with its place in the permuted-block structure: `block` is the 1-based number of its
 * block within its stratum, `blockSize` that block's size; both null for the methods without
 * blocks (simple, Efron's biased coin, big stick).
 * Only the list report made after lock carries these (see GeneratedBlock on why).
 */
export interface BlockedSlot extends GeneratedSlot {
  block: number | null;
  blockSize: number | null;
}

/**
 * The same list as generateList (the same draws from the same streams, in the same order), each
 * slot with its block number and size. list-generator.spec.ts checks the two agree slot by slot.
 */
export function generateListWithBlocks(trial: TrialDefinition, seed: string): BlockedSlot[] {
  requireSeed(seed);
  const plan = planDesign(trial);
  return stratumKeys(trial.stratification).flatMap((stratum): BlockedSlot[] => {
    const streamSeed = stratumSeed(seed, stratum);
    if (plan.kind !== 'permuted-blocks') {
      return drawStratum(plan, streamSeed).map((target, index) => ({
        stratum,
        slot: index + 1,
        target,
        block: null,
        blockSize: null,
      }));
    }
    let slot = 0;
    return drawBlocks(plan, seedrandom(streamSeed)).flatMap((drawn, blockIndex) =>
      drawn.targets.map((target) => ({
        stratum,
        slot: (slot += 1),
        target,
        block: blockIndex + 1,
        blockSize: drawn.size,
      })),
    );
  });
}

/**
 * A slot of a sequential design (Efron's biased coin, big stick) with what shaped its draw:
 * `imbalanceBefore` is #first − #second among the stratum's earlier slots (targets in trial-file
 * order), `firstTargetChance` the probability the design gave the first target at this slot (1/2,
 * p, 1 − p, or 1 and 0 when the big stick forces it). Like block sizes, report-after-lock only.
 */
export interface SequentialSlot extends GeneratedSlot {
  imbalanceBefore: number;
  firstTargetChance: number;
}

/** True for the methods whose every slot depends on the imbalance of the slots before it. */
export function isSequentialMethod(
  method: TrialDefinition['randomization']['method'],
): method is SequentialPlan['kind'] {
  return method === 'efron-biased-coin' || method === 'big-stick';
}

/**
 * The same list as generateList for a sequential design, each slot with the imbalance before it
 * and the first target's chance there. list-generator.spec.ts checks the two agree.
 */
export function generateListWithImbalance(trial: TrialDefinition, seed: string): SequentialSlot[] {
  requireSeed(seed);
  const plan = planDesign(trial);
  if (plan.kind !== 'efron-biased-coin' && plan.kind !== 'big-stick') {
    throw new ListDesignError('Only a sequential design (efron-biased-coin, big-stick) has this');
  }
  return stratumKeys(trial.stratification).flatMap((stratum) =>
    drawSequential(plan, seedrandom(stratumSeed(seed, stratum))).map((drawn, index) => ({
      stratum,
      slot: index + 1,
      ...drawn,
    })),
  );
}

/** One stratum's targets in slot order, drawn from the stream seeded with `stratumSeedText`. */
export function generateStratumTargets(design: ListDesign, stratumSeedText: string): string[] {
  requireSeed(stratumSeedText);
  return drawStratum(planDesign(design), stratumSeedText);
}

/**
 * One stratum's permuted blocks, for tests and the simulation only. Concatenating the blocks'
 * targets gives exactly generateStratumTargets for the same design and seed.
 */
export function generateStratumBlocks(
  design: ListDesign,
  stratumSeedText: string,
): GeneratedBlock[] {
  requireSeed(stratumSeedText);
  const plan = planDesign(design);
  if (plan.kind !== 'permuted-blocks') {
    throw new ListDesignError('Only a permuted-blocks design has blocks');
  }
  return drawBlocks(plan, seedrandom(stratumSeedText));
}

/** The stream: seedrandom's default generator (ARC4), each call a double in [0, 1). */
type Uniform = () => number;

/** A uniform integer in [0, n): floor(u * n), u the next double of the stream. */
function uniformInt(next: Uniform, n: number): number {
  return Math.floor(next() * n);
}

/** Fisher–Yates (Durstenfeld), i from the last index down to 1, j uniform in [0, i]. */
function shuffleInPlace<T>(items: T[], next: Uniform): void {
  for (let i = items.length - 1; i >= 1; i -= 1) {
    const j = uniformInt(next, i + 1);
    const held = items[i];
    items[i] = items[j];
    items[j] = held;
  }
}

interface SimplePlan {
  kind: 'simple';
  slots: number;
  /** Target ids in trial-file order and the running sums of their ratios. */
  targets: string[];
  cumulativeRatios: number[];
}

interface BlocksPlan {
  kind: 'permuted-blocks';
  slots: number;
  /** Allowed sizes, ascending: the order in which an eligible size is picked by its index. */
  sizes: number[];
  /** Each size's unpermuted block content: targets in trial-file order, b*ratio/total of each. */
  contents: Map<number, string[]>;
  /** fillable[r]: r slots can be made of whole blocks. */
  fillable: Uint8Array;
}

/** Efron's biased coin or the big stick: two targets in 1:1, one draw per slot. */
interface SequentialPlan {
  kind: 'efron-biased-coin' | 'big-stick';
  slots: number;
  first: string;
  second: string;
  /** Efron: the chance of the arm behind. Big stick: unused (1/2 below the bound). */
  p: number;
  /** Big stick: the bound b on |#first − #second|. Efron: unbounded. */
  maxImbalance: number;
}

type Plan = SimplePlan | BlocksPlan | SequentialPlan;

function requireSeed(seed: string): void {
  // seedrandom(undefined) silently seeds itself from the OS: never let that through.
  if (typeof seed !== 'string' || seed.length === 0) {
    throw new ListDesignError('A list needs a non-empty seed string');
  }
}

function planDesign(design: ListDesign): Plan {
  const { targets } = design.allocation;
  const { method, blockSizes, slotsPerStratum } = design.randomization;
  if (targets.length < 2) throw new ListDesignError('A list needs at least two targets');
  for (const target of targets) {
    if (!Number.isInteger(target.ratio) || target.ratio < 1) {
      throw new ListDesignError(
        `Target ${target.id} has ratio ${target.ratio}; ratios must be positive integers`,
      );
    }
  }
  if (!Number.isInteger(slotsPerStratum) || slotsPerStratum < 1) {
    throw new ListDesignError(`slotsPerStratum must be a positive integer, not ${slotsPerStratum}`);
  }
  const ratioTotal = targets.reduce((sum, t) => sum + t.ratio, 0);
  switch (method) {
    case 'simple': {
      let running = 0;
      return {
        kind: 'simple',
        slots: slotsPerStratum,
        targets: targets.map((t) => t.id),
        cumulativeRatios: targets.map((t) => (running += t.ratio)),
      };
    }
    case 'permuted-blocks': {
      if (blockSizes.length === 0) {
        throw new ListDesignError('A permuted-blocks design needs at least one block size');
      }
      const sizes = [...new Set(blockSizes)].sort((a, b) => a - b);
      const contents = new Map<number, string[]>();
      for (const size of sizes) {
        if (!Number.isInteger(size) || size < 1 || size % ratioTotal !== 0) {
          throw new ListDesignError(
            `Block size ${size} is not a positive multiple of the ratio total ${ratioTotal}`,
          );
        }
        contents.set(
          size,
          targets.flatMap((t) => Array<string>((size / ratioTotal) * t.ratio).fill(t.id)),
        );
      }
      const fillable = fillableRemainders(sizes, slotsPerStratum);
      if (!fillable[slotsPerStratum]) {
        throw new ListDesignError(
          `Block sizes ${sizes.join(', ')} cannot make exactly ${slotsPerStratum} slots per stratum ` +
            'of whole blocks (no sum of these sizes equals it); choose another slot count or sizes',
        );
      }
      return { kind: 'permuted-blocks', slots: slotsPerStratum, sizes, contents, fillable };
    }
    case 'efron-biased-coin':
    case 'big-stick': {
      // The trial validator refuses anything but two targets in 1:1; a design built by hand too.
      if (targets.length !== 2 || targets[0].ratio !== targets[1].ratio) {
        throw new ListDesignError(`${method} needs exactly two targets in the ratio 1:1`);
      }
      const { p, maxImbalance } = design.randomization;
      if (method === 'efron-biased-coin' && !(typeof p === 'number' && p > 0.5 && p <= 1)) {
        throw new ListDesignError(`Efron's p must be greater than 0.5 and at most 1, not ${p}`);
      }
      if (
        method === 'big-stick' &&
        !(typeof maxImbalance === 'number' && Number.isInteger(maxImbalance) && maxImbalance >= 1)
      ) {
        throw new ListDesignError(
          `The big stick's maxImbalance must be a positive integer, not ${maxImbalance}`,
        );
      }
      return {
        kind: method,
        slots: slotsPerStratum,
        first: targets[0].id,
        second: targets[1].id,
        p: method === 'efron-biased-coin' ? (p as number) : 0.5,
        maxImbalance: method === 'big-stick' ? (maxImbalance as number) : Infinity,
      };
    }
    default: {
      const unknown: never = method;
      throw new ListDesignError(`Unknown randomization method ${String(unknown)}`);
    }
  }
}

/** fillable[r] is 1 when r is a sum of allowed sizes (0 is the empty sum). */
function fillableRemainders(sizes: number[], slots: number): Uint8Array {
  const fillable = new Uint8Array(slots + 1);
  fillable[0] = 1;
  for (let r = 1; r <= slots; r += 1) {
    fillable[r] = sizes.some((b) => b <= r && fillable[r - b] === 1) ? 1 : 0;
  }
  return fillable;
}

function drawStratum(plan: Plan, seed: string): string[] {
  const next: Uniform = seedrandom(seed);
  if (plan.kind === 'simple') {
    const total = plan.cumulativeRatios[plan.cumulativeRatios.length - 1];
    return Array.from({ length: plan.slots }, () => {
      const k = uniformInt(next, total);
      return plan.targets[plan.cumulativeRatios.findIndex((upTo) => k < upTo)];
    });
  }
  if (plan.kind === 'permuted-blocks') return drawBlocks(plan, next).flatMap((b) => b.targets);
  return drawSequential(plan, next).map((slot) => slot.target);
}

/**
 * The ending rule: with r slots still to fill, a size b is eligible when b <= r and r - b can
 * itself be made of whole blocks. r is fillable at the start (checked in planDesign) and stays
 * fillable after every eligible draw, and a fillable r > 0 always has an eligible size, so the
 * list ends on a whole block at exactly slotsPerStratum.
 */
function drawBlocks(plan: BlocksPlan, next: Uniform): GeneratedBlock[] {
  const blocks: GeneratedBlock[] = [];
  let remaining = plan.slots;
  while (remaining > 0) {
    const room = remaining;
    const eligibleSizes = plan.sizes.filter((b) => b <= room && plan.fillable[room - b] === 1);
    // A number is drawn even when one size is eligible, so every block costs one draw for its size.
    const size = eligibleSizes[uniformInt(next, eligibleSizes.length)];
    const targets = [...(plan.contents.get(size) ?? [])];
    shuffleInPlace(targets, next);
    blocks.push({ eligibleSizes, size, targets });
    remaining -= size;
  }
  return blocks;
}

/**
 * Efron's biased coin and the big stick, one draw u per slot whatever the state (so slot k always
 * consumes the k-th number of the stream), D = #first − #second before the slot:
 * - D = 0 (both designs), or 0 < |D| < b (big stick): the first target when floor(u * 2) = 0,
 *   exactly as simple randomization draws a 1:1 slot;
 * - Efron, D ≠ 0: the target behind when u < p, else the one ahead;
 * - big stick, |D| = b: the target behind, whatever u.
 */
function drawSequential(
  plan: SequentialPlan,
  next: Uniform,
): { target: string; imbalanceBefore: number; firstTargetChance: number }[] {
  const drawn: { target: string; imbalanceBefore: number; firstTargetChance: number }[] = [];
  let d = 0;
  for (let k = 0; k < plan.slots; k += 1) {
    const u = next();
    const firstBehind = d < 0;
    let first: boolean;
    let firstTargetChance: number;
    if (d === 0 || (plan.kind === 'big-stick' && Math.abs(d) < plan.maxImbalance)) {
      first = Math.floor(u * 2) === 0;
      firstTargetChance = 0.5;
    } else if (plan.kind === 'big-stick') {
      first = firstBehind;
      firstTargetChance = firstBehind ? 1 : 0;
    } else {
      const behind = u < plan.p;
      first = behind === firstBehind;
      firstTargetChance = firstBehind ? plan.p : 1 - plan.p;
    }
    drawn.push({ target: first ? plan.first : plan.second, imbalanceBefore: d, firstTargetChance });
    d += first ? 1 : -1;
  }
  return drawn;
}
