import { join } from 'node:path';
import {
  ALL_PARTICIPANTS_STRATUM,
  StratificationFactor,
  stratumKeys,
} from '../config/trial-definition';
import { loadTrialFile } from '../config/trial-file.loader';
import { stratumKeyOf } from './stratum';

const TRIALS_DIR = join(__dirname, '..', '..', 'config', 'trials');
const example = loadTrialFile(join(TRIALS_DIR, 'example-stratified-2to1.json')).stratification;
const nct = loadTrialFile(join(TRIALS_DIR, 'nct02286011.json')).stratification;

describe(stratumKeyOf.name, () => {
  describe('with an unstratified trial (NCT02286011)', () => {
    it('puts everyone in the one stratum, whether strata are absent or empty', () => {
      expect(stratumKeyOf(nct, undefined)).toEqual({
        kind: 'ok',
        stratum: ALL_PARTICIPANTS_STRATUM,
      });
      expect(stratumKeyOf(nct, {})).toEqual({ kind: 'ok', stratum: ALL_PARTICIPANTS_STRATUM });
      expect(stratumKeys(nct)).toEqual([ALL_PARTICIPANTS_STRATUM]);
    });

    it('refuses strata values, naming each one', () => {
      const result = stratumKeyOf(nct, { site: 'north', sex: 'F' });
      expect(result.kind).toBe('invalid');
      expect(result.kind === 'invalid' && result.problems).toEqual([
        expect.stringMatching(/^strata\.site is not a stratification factor.*not stratified/),
        expect.stringMatching(/^strata\.sex is not a stratification factor.*not stratified/),
      ]);
    });
  });

  describe('with the example trial stratified by site and sex', () => {
    it.each([
      [{ site: 'north', sex: 'F' }, 'site=north;sex=F'],
      [{ site: 'north', sex: 'M' }, 'site=north;sex=M'],
      [{ site: 'south', sex: 'F' }, 'site=south;sex=F'],
      [{ sex: 'M', site: 'south' }, 'site=south;sex=M'],
    ])('keys %j as %s, in the trial order of factors', (values, key) => {
      expect(stratumKeyOf(example, values)).toEqual({ kind: 'ok', stratum: key });
    });

    it('builds exactly the keys stratumKeys() lists, one per combination of levels', () => {
      const built = example[0].levels.flatMap((site) =>
        example[1].levels.map((sex) => {
          const result = stratumKeyOf(example, { sex, site });
          return result.kind === 'ok' ? result.stratum : result.problems.join('; ');
        }),
      );
      expect(built).toEqual(stratumKeys(example));
    });

    it('names an unknown level and the levels allowed', () => {
      expect(stratumKeyOf(example, { site: 'east', sex: 'F' })).toEqual({
        kind: 'invalid',
        problems: ['strata.site: "east" is not one of north, south'],
      });
    });

    it('matches levels exactly: no case folding or trimming', () => {
      expect(stratumKeyOf(example, { site: 'North', sex: 'f ' })).toEqual({
        kind: 'invalid',
        problems: [
          'strata.site: "North" is not one of north, south',
          'strata.sex: "f " is not one of F, M',
        ],
      });
    });

    it('names each missing factor with its levels', () => {
      expect(stratumKeyOf(example, undefined)).toEqual({
        kind: 'invalid',
        problems: [
          'strata.site is missing: give one of north, south',
          'strata.sex is missing: give one of F, M',
        ],
      });
    });

    it('names missing, unknown factor and unknown level together', () => {
      expect(stratumKeyOf(example, { sex: 'X', arm: 'left' })).toEqual({
        kind: 'invalid',
        problems: [
          'strata.site is missing: give one of north, south',
          'strata.arm is not a stratification factor of this trial',
          'strata.sex: "X" is not one of F, M',
        ],
      });
    });

    it('does not take an inherited property for a given value', () => {
      const values = Object.create({ site: 'north' }) as Record<string, string>;
      values.sex = 'F';
      expect(stratumKeyOf(example, values)).toEqual({
        kind: 'invalid',
        problems: ['strata.site is missing: give one of north, south'],
      });
    });
  });

  it('matches stratumKeys() for a three-factor design, in factor then level order', () => {
    const factors: StratificationFactor[] = [
      { id: 'b', levels: ['2', '1'] },
      { id: 'a', levels: ['x'] },
      { id: 'c', levels: ['q', 'p', 'r'] },
    ];
    const built = factors[0].levels.flatMap((b) =>
      factors[2].levels.map((c) => {
        const result = stratumKeyOf(factors, { c, a: 'x', b });
        return result.kind === 'ok' ? result.stratum : 'invalid';
      }),
    );
    expect(built).toEqual(stratumKeys(factors));
    expect(built[0]).toBe('b=2;a=x;c=q');
  });
});
