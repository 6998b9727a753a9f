import {
  emptyCorrection,
  prepareCorrection,
  reasonProblems,
  REASON_MAX_LENGTH,
  rowActions,
} from './overview-corrections';

const REASON = 'Screening number mistyped at registration';

describe('prepareCorrection', () => {
  it('sends only what changed, with the reason trimmed', () => {
    expect(
      prepareCorrection(
        { ...emptyCorrection('SCR-1'), reason: `  ${REASON} `, screeningNumber: ' SCR-2 ' },
        'SCR-1',
        [],
      ),
    ).toEqual({ ok: true, body: { reason: REASON, screeningNumber: 'SCR-2' } });
  });

  it('sends the age, the corrected answers and a level for every factor', () => {
    expect(
      prepareCorrection(
        {
          reason: REASON,
          screeningNumber: 'SCR-1',
          age: '61',
          answers: { 'inc-a': 'unchanged', 'exc-b': 'met', 'inc-c': 'notMet' },
          strata: { site: 'south', sex: 'F' },
        },
        'SCR-1',
        ['site', 'sex'],
      ),
    ).toEqual({
      ok: true,
      body: {
        reason: REASON,
        age: 61,
        eligibility: { 'exc-b': true, 'inc-c': false },
        strata: { site: 'south', sex: 'F' },
      },
    });
  });

  it('names every problem: short reason, bad age, empty screening number, partial strata', () => {
    expect(
      prepareCorrection(
        {
          reason: 'typo',
          screeningNumber: ' ',
          age: '6.5',
          answers: {},
          strata: { site: 'north' },
        },
        'SCR-1',
        ['site', 'sex'],
      ),
    ).toEqual({
      ok: false,
      problems: ['reasonTooShort', 'screeningEmpty', 'ageNotWhole', 'strataIncomplete'],
    });
  });

  it('says when nothing would be corrected', () => {
    expect(
      prepareCorrection(
        { ...emptyCorrection('SCR-1'), reason: REASON, answers: { 'inc-a': 'unchanged' } },
        'SCR-1',
        ['site'],
      ),
    ).toEqual({ ok: false, problems: ['nothingToCorrect'] });
  });

  it('refuses a negative or non-numeric age rather than sending it', () => {
    for (const age of ['-3', 'forty', '1e2', '1000'])
      expect(prepareCorrection({ ...emptyCorrection('S'), reason: REASON, age }, 'S', [])).toEqual({
        ok: false,
        problems: ['ageNotWhole'],
      });
  });
});

describe('reasonProblems', () => {
  it('counts code points of the trimmed reason, within the API bounds', () => {
    expect(reasonProblems('  123456789  ')).toEqual(['reasonTooShort']);
    expect(reasonProblems('ñññññññññn')).toEqual([]);
    expect(reasonProblems('x'.repeat(REASON_MAX_LENGTH + 1))).toEqual(['reasonTooLong']);
  });
});

describe('rowActions', () => {
  const open = { withdrawal: { withdrawn: false } };
  const withdrawn = { withdrawal: { withdrawn: true } };
  it('offers both to a pharmacist or investigator while the study is open', () => {
    expect(rowActions(open, { locked: false, mayChange: true })).toEqual({
      correct: true,
      withdraw: true,
    });
    expect(rowActions(withdrawn, { locked: false, mayChange: true })).toEqual({
      correct: true,
      withdraw: false,
    });
  });
  it('offers nothing after lock or to other roles', () => {
    expect(rowActions(open, { locked: true, mayChange: true })).toEqual({
      correct: false,
      withdraw: false,
    });
    expect(rowActions(open, { locked: false, mayChange: false })).toEqual({
      correct: false,
      withdraw: false,
    });
  });
});
