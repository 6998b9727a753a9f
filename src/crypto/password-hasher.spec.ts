import { decoyPasswordHash, hashPassword, verifyPassword } from './password-hasher';

const PASSWORD = 'correct horse battery';

describe(hashPassword.name, () => {
  let hash: string;
  beforeAll(async () => {
    hash = await hashPassword(PASSWORD);
  });

  it('writes an argon2id hash with 19 MiB of memory, 2 passes and 1 lane', () => {
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
  });

  it('salts each hash: the same password hashes differently twice', async () => {
    expect(await hashPassword(PASSWORD)).not.toBe(hash);
  });

  it('does not contain the password', () => {
    expect(hash).not.toContain(PASSWORD);
  });

  describe(verifyPassword.name, () => {
    it('accepts the password', async () => {
      expect(await verifyPassword(hash, PASSWORD)).toBe(true);
    });

    it.each([
      ['another password', 'correct horse battery!'],
      ['a different case', PASSWORD.toUpperCase()],
      ['an empty password', ''],
      ['a trailing space', `${PASSWORD} `],
    ])('refuses %s', async (_what, attempt) => {
      expect(await verifyPassword(hash, attempt)).toBe(false);
    });

    it.each([
      ['garbage', 'not a hash'],
      ['an empty hash', ''],
      ['a truncated hash', '$argon2id$v=19$m=19456,t=2,p=1$'],
      ['a bcrypt hash', '$2b$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234'],
    ])('answers false, without throwing, for %s as the stored hash', async (_what, stored) => {
      await expect(verifyPassword(stored, PASSWORD)).resolves.toBe(false);
    });
  });
});

describe(decoyPasswordHash.name, () => {
  it('is a hash with the same parameters as a real one, so it costs the same time', async () => {
    expect(await decoyPasswordHash()).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('is computed once and reused', async () => {
    expect(await decoyPasswordHash()).toBe(await decoyPasswordHash());
  });

  it.each(['', 'decoy', 'decoy-0.5-0', PASSWORD, 'admin'])(
    'verifies no password: %j',
    async (attempt) => {
      expect(await verifyPassword(await decoyPasswordHash(), attempt)).toBe(false);
    },
  );
});
