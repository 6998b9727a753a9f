import {
  exportFileName,
  parseBlockSizes,
  parseProbability,
  seedProblem,
  simulationRequest,
  type SimulationForm,
} from './randomization-list-form';

const form = (changes: Partial<SimulationForm> = {}): SimulationForm => ({
  runs: '',
  source: 'trial',
  method: 'permuted-blocks',
  blockSizes: '2, 4',
  slotsPerStratum: '',
  p: '',
  maxImbalance: '',
  ...changes,
});

describe('randomization list forms', () => {
  describe(parseBlockSizes.name, () => {
    it('reads a comma-separated list of whole numbers, spaces and empty entries aside', () => {
      expect(parseBlockSizes('4, 6')).toEqual([4, 6]);
      expect(parseBlockSizes(' 2,4 ,')).toEqual([2, 4]);
      expect(parseBlockSizes('3')).toEqual([3]);
    });

    it.each(['', ' , ', '4; 6', '4, six', '2.5', '-2', '4 6', '1e3'])('refuses %p', (text) => {
      expect(parseBlockSizes(text)).toBeUndefined();
    });
  });

  describe(parseProbability.name, () => {
    it('reads a decimal (point or comma) or a fraction; empty is the default', () => {
      expect(parseProbability('2/3')).toBe(2 / 3);
      expect(parseProbability(' 0.75 ')).toBe(0.75);
      expect(parseProbability('0,75')).toBe(0.75);
      expect(parseProbability('1')).toBe(1);
      expect(parseProbability('')).toBeUndefined();
      for (const junk of ['2/0', 'two thirds', '0.7.5', '-0.7']) {
        expect(parseProbability(junk)).toBeNaN();
      }
    });
  });

  describe(simulationRequest.name, () => {
    it("sends Efron's p and the big stick's b for a variant, and names a bad one", () => {
      expect(
        simulationRequest(form({ source: 'variant', method: 'efron-biased-coin', p: '3/4' })),
      ).toEqual({ ok: true, request: { design: { method: 'efron-biased-coin', p: 0.75 } } });
      expect(
        simulationRequest(form({ source: 'variant', method: 'big-stick', maxImbalance: '2' })),
      ).toEqual({ ok: true, request: { design: { method: 'big-stick', maxImbalance: 2 } } });
      expect(
        simulationRequest(form({ source: 'variant', method: 'big-stick', maxImbalance: '2.5' })),
      ).toEqual({ ok: false, field: 'maxImbalance' });
      expect(
        simulationRequest(form({ source: 'variant', method: 'efron-biased-coin', p: 'x' })),
      ).toEqual({ ok: false, field: 'p' });
    });

    it('sends nothing for the trial’s design with the default runs', () => {
      expect(simulationRequest(form())).toEqual({ ok: true, request: {} });
      expect(simulationRequest(form({ runs: ' 500 ' }))).toEqual({
        ok: true,
        request: { runs: 500 },
      });
    });

    it('ignores the variant fields while the trial’s design is chosen', () => {
      expect(simulationRequest(form({ blockSizes: 'junk', slotsPerStratum: 'x' }))).toEqual({
        ok: true,
        request: {},
      });
    });

    it('sends a permuted-blocks variant with its block sizes and, if given, its slots', () => {
      expect(
        simulationRequest(form({ source: 'variant', blockSizes: '4,6', slotsPerStratum: '24' })),
      ).toEqual({
        ok: true,
        request: { design: { method: 'permuted-blocks', blockSizes: [4, 6], slotsPerStratum: 24 } },
      });
      expect(simulationRequest(form({ source: 'variant', runs: '100' }))).toEqual({
        ok: true,
        request: { runs: 100, design: { method: 'permuted-blocks', blockSizes: [2, 4] } },
      });
    });

    it('sends no block sizes for simple randomization, whatever the field holds', () => {
      expect(
        simulationRequest(form({ source: 'variant', method: 'simple', blockSizes: 'junk' })),
      ).toEqual({ ok: true, request: { design: { method: 'simple' } } });
    });

    it('names the field that is not a whole number', () => {
      expect(simulationRequest(form({ runs: '1.5' }))).toEqual({ ok: false, field: 'runs' });
      expect(simulationRequest(form({ runs: '-3' }))).toEqual({ ok: false, field: 'runs' });
      expect(simulationRequest(form({ source: 'variant', blockSizes: '4,x' }))).toEqual({
        ok: false,
        field: 'blockSizes',
      });
      expect(
        simulationRequest(form({ source: 'variant', method: 'simple', slotsPerStratum: 'ten' })),
      ).toEqual({ ok: false, field: 'slotsPerStratum' });
    });

    it('leaves the ranges to the server, which names them (runs 0, a block of 3 for 1:1)', () => {
      expect(simulationRequest(form({ runs: '0' }))).toEqual({ ok: true, request: { runs: 0 } });
      expect(simulationRequest(form({ source: 'variant', blockSizes: '3' }))).toEqual({
        ok: true,
        request: { design: { method: 'permuted-blocks', blockSizes: [3] } },
      });
    });
  });

  describe(seedProblem.name, () => {
    it('accepts an empty seed (one is drawn) and 16 to 256 printable ASCII characters', () => {
      expect(seedProblem('')).toBeUndefined();
      expect(seedProblem('a'.repeat(16))).toBeUndefined();
      expect(seedProblem('correct horse battery staple')).toBeUndefined();
      expect(seedProblem('~'.repeat(256))).toBeUndefined();
    });

    it('names a short, a long and a non-printable seed', () => {
      expect(seedProblem('a'.repeat(15))).toBe('short');
      expect(seedProblem('a'.repeat(257))).toBe('long');
      expect(seedProblem('sixteen-chars-ñññ')).toBe('notPrintable');
      expect(seedProblem('tab\there-is-long-enough')).toBe('notPrintable');
    });
  });

  describe(exportFileName.name, () => {
    it('names the file by the protocol only, safe for any file system', () => {
      expect(exportFileName('NCT02286011')).toBe('NCT02286011-randomization-list-export.json');
      expect(exportFileName('A/B ../c')).toBe('A-B-..-c-randomization-list-export.json');
      expect(exportFileName('///')).toBe('trial-randomization-list-export.json');
    });
    it('names the CSV and the report the same way, by their kind', () => {
      expect(exportFileName('NCT02286011', 'csv')).toBe('NCT02286011-randomization-list.csv');
      expect(exportFileName('A/B', 'report')).toBe('A-B-randomization-list-report.html');
    });
  });
});
