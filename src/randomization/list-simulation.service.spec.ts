import { DomainError } from '../common/domain-errors';
import { simulationRuns } from './list-simulation.service';

function refusal(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('not refused');
}

describe(simulationRuns.name, () => {
  it('gives the runs asked for within the bound', () => {
    expect(simulationRuns(10_000, 20)).toBe(10_000);
    expect(simulationRuns(1, 10_000)).toBe(1);
    expect(simulationRuns(100, 10_000)).toBe(100);
  });

  it('defaults to 10000 runs, or to as many as 1,000,000 simulated allocations allow', () => {
    expect(simulationRuns(undefined, 20)).toBe(10_000);
    expect(simulationRuns(undefined, 100)).toBe(10_000);
    expect(simulationRuns(undefined, 101)).toBe(9900);
    expect(simulationRuns(undefined, 10_000)).toBe(100);
  });

  it('refuses more runs than the bound allows, saying how many it would take', () => {
    expect(refusal(() => simulationRuns(5001, 200))).toEqual({
      code: 'SIMULATION_TOO_LARGE',
      message: expect.stringMatching(/ask for at most 5000 runs/) as string,
    });
  });

  it('refuses a list longer than 10000 slots whatever the runs', () => {
    expect(refusal(() => simulationRuns(1, 10_001)).code).toBe('SIMULATION_TOO_LARGE');
    expect(refusal(() => simulationRuns(undefined, 10_001)).code).toBe('SIMULATION_TOO_LARGE');
  });
});
