import {
  emptyForm,
  failedCriteria,
  failedIdsOf,
  prepareRegistration,
  type Eligibility,
  type RegistrationForm,
} from './registration';

const eligibility: Eligibility = {
  minAge: 18,
  maxAge: 70,
  inclusion: [
    { id: 'inc-a', text: 'Inclusion A' },
    { id: 'inc-b', text: 'Inclusion B' },
  ],
  exclusion: [{ id: 'exc-c', text: 'Exclusion C' }],
};
const strata = [
  { id: 'site', levels: ['north', 'south'] },
  { id: 'sex', levels: ['F', 'M'] },
];

const complete = (): RegistrationForm => ({
  screeningNumber: ' SCR-0001 ',
  age: '54',
  strata: { site: 'south', sex: 'F' },
  answers: { 'inc-a': true, 'inc-b': false, 'exc-c': false },
});

describe('prepareRegistration', () => {
  it('sends every answer as given, the age as a number, the trimmed screening number and the strata', () => {
    expect(prepareRegistration(complete(), eligibility, strata)).toEqual({
      ok: true,
      body: {
        screeningNumber: 'SCR-0001',
        age: 54,
        eligibility: { 'inc-a': true, 'inc-b': false, 'exc-c': false },
        strata: { site: 'south', sex: 'F' },
      },
    });
  });

  it('sends no strata for a trial without stratification', () => {
    const form = complete();
    const prepared = prepareRegistration(form, eligibility, []);
    expect(prepared.ok && 'strata' in prepared.body).toBe(false);
  });

  it('leaves eligibility to the server: an ineligible answer or an age out of range is still sent', () => {
    const form = {
      ...complete(),
      age: '90',
      answers: { 'inc-a': false, 'inc-b': false, 'exc-c': true },
    };
    const prepared = prepareRegistration(form, eligibility, strata);
    expect(prepared).toMatchObject({ ok: true, body: { age: 90, eligibility: { 'exc-c': true } } });
  });

  it('has no default answer: an empty form lacks every field, each criterion named with its text', () => {
    expect(prepareRegistration(emptyForm(), eligibility, strata)).toEqual({
      ok: false,
      missing: [
        { kind: 'screeningNumber' },
        { kind: 'age' },
        { kind: 'stratum', factor: 'site' },
        { kind: 'stratum', factor: 'sex' },
        { kind: 'criterion', id: 'inc-a', text: 'Inclusion A' },
        { kind: 'criterion', id: 'inc-b', text: 'Inclusion B' },
        { kind: 'criterion', id: 'exc-c', text: 'Exclusion C' },
      ],
    });
  });

  it('refuses a malformed screening number, an age that is not a whole number, an unknown level', () => {
    for (const [field, value] of [
      ['screeningNumber', '-SCR'],
      ['screeningNumber', 'SCR 1'],
      ['age', '54.5'],
      ['age', '-3'],
      ['age', 'fifty'],
      ['age', '1e2'],
    ] as const) {
      const prepared = prepareRegistration({ ...complete(), [field]: value }, eligibility, strata);
      expect({ value, prepared }).toEqual({
        value,
        prepared: { ok: false, missing: [{ kind: field }] },
      });
    }
    const form = { ...complete(), strata: { site: 'east', sex: 'F' } };
    expect(prepareRegistration(form, eligibility, strata)).toEqual({
      ok: false,
      missing: [{ kind: 'stratum', factor: 'site' }],
    });
  });

  it('counts an answered "no" as an answer, and only a missing one as missing', () => {
    const form = { ...complete(), answers: { 'inc-a': false, 'exc-c': false } };
    expect(prepareRegistration(form, eligibility, strata)).toEqual({
      ok: false,
      missing: [{ kind: 'criterion', id: 'inc-b', text: 'Inclusion B' }],
    });
  });
});

describe('failedCriteria', () => {
  it('names each failed criterion by its text and section, the age by its range, in form order', () => {
    expect(failedCriteria(eligibility, ['exc-c', 'inc-b', 'age'])).toEqual([
      { kind: 'age', minAge: 18, maxAge: 70 },
      { kind: 'inclusion', id: 'inc-b', text: 'Inclusion B' },
      { kind: 'exclusion', id: 'exc-c', text: 'Exclusion C' },
    ]);
  });

  it('keeps an id the trial does not list, and names a repeated id once', () => {
    expect(failedCriteria(eligibility, ['inc-a', 'inc-a', 'from-elsewhere'])).toEqual([
      { kind: 'inclusion', id: 'inc-a', text: 'Inclusion A' },
      { kind: 'unknown', id: 'from-elsewhere' },
    ]);
  });
});

describe('failedIdsOf', () => {
  it('reads the string ids of a 422 body and nothing else', () => {
    expect(failedIdsOf({ code: 'NOT_ELIGIBLE', failed: ['age', 'inc-a'] })).toEqual([
      'age',
      'inc-a',
    ]);
    expect(failedIdsOf({ failed: ['inc-a', 3, null] })).toEqual(['inc-a']);
    expect(failedIdsOf({ failed: 'inc-a' })).toEqual([]);
    expect(failedIdsOf(undefined)).toEqual([]);
    expect(failedIdsOf('text')).toEqual([]);
  });
});
