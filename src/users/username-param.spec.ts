import { DomainError } from '../common/domain-errors';
import { USERNAME_MAX_LENGTH } from './dto/user.dto';
import { UsernamePipe } from './username-param';

function refusalOf(value: unknown): DomainError {
  try {
    new UsernamePipe().transform(value);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error(`${JSON.stringify(value)} was accepted`);
}

describe(UsernamePipe.name, () => {
  const pipe = new UsernamePipe();

  it('hands on every name a user can have as it came', () => {
    for (const name of ['admin', 'pharmacist1', 'a.b-c_d', 'x'.repeat(USERNAME_MAX_LENGTH)]) {
      expect(pipe.transform(name)).toBe(name);
    }
  });

  it('refuses a longer name with 400 VALIDATION_FAILED, saying its length and never its text', () => {
    const refusal = refusalOf('x'.repeat(5000));
    expect(refusal).toMatchObject({
      kind: 'invalid-input',
      code: 'VALIDATION_FAILED',
      message: 'The username in the path has 5000 characters; a username has at most 64',
    });
    expect(refusalOf('a'.repeat(USERNAME_MAX_LENGTH + 1)).message).toContain('has 65 characters');
  });

  it('refuses a name no user can have, giving the rule and never the text', () => {
    for (const name of ['<script>alert(1)</script>', 'Admin', 'a', 'ad\nmin', "x' OR '1'='1", '']) {
      const refusal = refusalOf(name);
      expect(refusal).toMatchObject({
        code: 'VALIDATION_FAILED',
        message:
          'The username in the path is not one a user can have: a username is 2 to 64 lower-case letters, digits, dots, dashes or underscores',
      });
    }
  });

  it('refuses a value that is not one string (no :username in the route)', () => {
    expect(refusalOf(undefined).message).toBe('The username is missing');
    expect(refusalOf(['admin'])).toBeInstanceOf(DomainError);
  });
});
