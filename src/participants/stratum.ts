import { StratificationFactor, stratumKey } from '../config/trial-definition';

export type StratumKeyResult =
  { kind: 'ok'; stratum: string } | { kind: 'invalid'; problems: string[] };

/**
 * The stratum key of one participant, in the exact format of stratumKeys(): `factor=level` in the
 * trial's factor order joined by ';', or ALL_PARTICIPANTS_STRATUM for an unstratified trial.
 * Every factor must be given a known level and nothing else may be given; each problem is named
 * (missing factors in the trial's order, then unknown factors, then unknown levels).
 */
export function stratumKeyOf(
  factors: StratificationFactor[],
  values: Record<string, string> | undefined,
): StratumKeyResult {
  const given = values ?? {};
  const known = new Set(factors.map((factor) => factor.id));
  const problems = [
    ...factors
      .filter((factor) => !Object.hasOwn(given, factor.id))
      .map((factor) => `strata.${factor.id} is missing: give one of ${factor.levels.join(', ')}`),
    ...Object.keys(given)
      .filter((id) => !known.has(id))
      .map((id) =>
        factors.length === 0
          ? `strata.${id} is not a stratification factor: this trial is not stratified`
          : `strata.${id} is not a stratification factor of this trial`,
      ),
    ...factors
      .filter(
        (factor) => Object.hasOwn(given, factor.id) && !factor.levels.includes(given[factor.id]),
      )
      .map(
        (factor) =>
          `strata.${factor.id}: ${JSON.stringify(given[factor.id])} is not one of ${factor.levels.join(', ')}`,
      ),
  ];
  if (problems.length > 0) return { kind: 'invalid', problems };
  return {
    kind: 'ok',
    stratum: stratumKey(
      factors,
      factors.map((factor) => given[factor.id]),
    ),
  };
}
