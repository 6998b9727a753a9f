import { ApiError, NetworkError } from '../api/client';
import type { BlindedParticipant } from '../api/types';
import {
  DONT_KNOW,
  formatIndex,
  groupKey,
  GUESSER_GROUPS,
  guessableParticipants,
  guessChoices,
  notEstimableKey,
  refusesEveryGuess,
} from './blinding-assessment';

const participant = (
  participantId: string,
  allocatedAt: string | null,
  unblinded = false,
): BlindedParticipant => ({
  participantId,
  screeningNumber: `SCR-${participantId}`,
  status: unblinded ? 'UNBLINDED' : allocatedAt ? 'ALLOCATED' : 'REGISTERED',
  stratum: 'all',
  registeredAt: '2026-01-01T00:00:00.000Z',
  registeredBy: 'inv',
  allocatedAt,
  seal: { unblinded, at: null, by: null, reason: null },
  withdrawal: { withdrawn: false, at: null, by: null, reason: null },
});

describe('blinding assessment screens', () => {
  it('offers only allocated participants whose seal is intact', () => {
    expect(
      guessableParticipants([
        participant('ELA-001', '2026-01-02T00:00:00.000Z'),
        participant('ELA-002', null),
        participant('ELA-003', '2026-01-02T00:00:00.000Z', true),
        participant('ELA-004', '2026-01-03T00:00:00.000Z'),
      ]),
    ).toEqual(['ELA-001', 'ELA-004']);
  });

  it('offers each target in the trial file’s order, then don’t know', () => {
    expect(guessChoices([{ id: 'LEFT' }, { id: 'RIGHT' }])).toEqual(['LEFT', 'RIGHT', DONT_KNOW]);
  });

  it('words both guesser groups and both reasons for "not estimable"', () => {
    expect(GUESSER_GROUPS).toEqual(['PARTICIPANT', 'ASSESSOR']);
    expect(GUESSER_GROUPS.map(groupKey)).toEqual([
      'guesses.group.PARTICIPANT',
      'guesses.group.ASSESSOR',
    ]);
    expect(notEstimableKey('ZERO_VARIANCE')).toBe('bindex.notEstimable.ZERO_VARIANCE');
  });

  it('writes an index with three decimals in each language', () => {
    expect(formatIndex('en', 0.5)).toBe('0.500');
    expect(formatIndex('es', 0.5)).toBe('0,500');
    expect(formatIndex('en', -0.1)).toBe('-0.100');
  });

  it('takes only GUESSER_NOT_BLINDED for a refusal of every guess (the form is then not offered again)', () => {
    const refusal = (status: number, code: string) =>
      new ApiError(status, code, 'You held the pharmacist role from … until …', {}, undefined);
    expect(refusesEveryGuess(refusal(403, 'GUESSER_NOT_BLINDED'))).toBe(true);
    for (const other of [
      refusal(403, 'FORBIDDEN'),
      refusal(409, 'ALREADY_GUESSED'),
      refusal(409, 'SEAL_BROKEN'),
      refusal(409, 'STUDY_LOCKED'),
      new NetworkError('down'),
      new Error('GUESSER_NOT_BLINDED'),
      undefined,
    ]) {
      expect(refusesEveryGuess(other)).toBe(false);
    }
  });
});
