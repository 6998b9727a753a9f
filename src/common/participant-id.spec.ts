import { DomainError } from './domain-errors';
import { PARTICIPANT_ID_MAX_LENGTH, ParticipantIdPipe } from './participant-id';

describe(ParticipantIdPipe.name, () => {
  const pipe = new ParticipantIdPipe();

  it('hands on an id of up to 64 characters as it came, whatever it holds', () => {
    for (const id of ['ELA-001', 'x;=1+1;', 'a'.repeat(PARTICIPANT_ID_MAX_LENGTH)]) {
      expect(pipe.transform(id)).toBe(id);
    }
  });

  it('refuses a longer id with 400 VALIDATION_FAILED, saying its length and never its text', () => {
    const id = `ELA-${'9'.repeat(4996)}`;
    let refusal: unknown;
    try {
      pipe.transform(id);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(DomainError);
    expect(refusal).toMatchObject({
      kind: 'invalid-input',
      code: 'VALIDATION_FAILED',
      message:
        'The participant id in the path has 5000 characters; a participant id has at most 64',
    });
    expect(() => pipe.transform('a'.repeat(PARTICIPANT_ID_MAX_LENGTH + 1))).toThrow(
      'has 65 characters',
    );
  });

  it('refuses a value that is not one string (no :id in the route)', () => {
    expect(() => pipe.transform(undefined)).toThrow('The participant id is missing');
    expect(() => pipe.transform(['ELA-001'])).toThrow(DomainError);
  });
});
