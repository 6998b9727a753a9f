import { DataSource } from 'typeorm';
import { sqliteDataSourceOptions } from '../database/data-source-options';
import { UnitOfWork } from '../database/unit-of-work';
import { describeWait, throttleBlock } from './login-throttle';
import {
  CountedAttempt,
  PasswordFailuresRepository,
  ThrottlePurpose,
} from './password-failures.repository';

const config = { windowSeconds: 60, maxFailuresPerAccount: 3, maxFailuresPerAddress: 5 };

describe(throttleBlock.name, () => {
  it('names the first limit reached and the wait until its oldest needed failure leaves the window', () => {
    const block = throttleBlock(
      [
        { by: 'account', times: [0, 20_000, 20_000], max: 3 },
        { by: 'address', times: [0], max: 5 },
      ],
      60,
      20_000,
    );
    expect(block).toEqual({ by: 'account', retryAfterSeconds: 40 });
    expect(throttleBlock([{ by: 'address', times: [1, 2, 3, 4], max: 5 }], 60, 10)).toBeUndefined();
    expect(
      throttleBlock([{ by: 'address', times: [0, 1, 2, 3, 4], max: 5 }], 60, 59_999.5),
    ).toEqual({
      by: 'address',
      retryAfterSeconds: 1,
    });
  });
});

/** The repository on a real (in-memory SQLite) database built by the migrations. */
describe(PasswordFailuresRepository.name, () => {
  let dataSource: DataSource;
  let uow: UnitOfWork;
  const repository = new PasswordFailuresRepository();
  let now: number;

  beforeEach(async () => {
    dataSource = new DataSource(sqliteDataSourceOptions(':memory:'));
    await dataSource.initialize();
    uow = new UnitOfWork(dataSource);
    now = Date.parse('2026-03-01T10:00:00Z');
  });
  afterEach(() => dataSource.destroy());

  const admit = (account: string, address: string, purpose: ThrottlePurpose = 'login') =>
    uow.write((manager) =>
      repository.admit(manager, purpose, account, address, config, new Date(now)),
    );
  const blockedBy = async (account: string, address: string, purpose?: ThrottlePurpose) => {
    const admitted = await admit(account, address, purpose);
    return 'block' in admitted ? admitted.block.by : undefined;
  };
  const fail = async (account: string, address: string): Promise<CountedAttempt> => {
    const admitted = await admit(account, address);
    if (!('attempt' in admitted)) throw new Error(`${account} at ${address} was throttled`);
    return admitted.attempt;
  };

  it('blocks an account after its limit of failures, whatever the address', async () => {
    for (let i = 0; i < 3; i += 1) await fail('Alice', `10.0.0.${i}`);
    expect(await blockedBy('alice', '10.0.0.9')).toBe('account');
    expect(await blockedBy('bob', '10.0.0.9')).toBeUndefined();
  });

  it('blocks an address after its limit of failures, whatever the accounts', async () => {
    for (let i = 0; i < 5; i += 1) await fail(`user${i}`, '10.0.0.1');
    expect(await blockedBy('someone-else', '10.0.0.1')).toBe('address');
    expect(await blockedBy('someone-else', '10.0.0.2')).toBeUndefined();
  });

  it('counts sign-ins and signatures apart', async () => {
    for (let i = 0; i < 3; i += 1) await fail('unblinder', '10.0.0.1');
    expect(await blockedBy('unblinder', '10.0.0.2', 'signature')).toBeUndefined();
  });

  it('forgets failures once they leave the window, and deletes them', async () => {
    for (let i = 0; i < 3; i += 1) await fail('alice', '10.0.0.1');
    now += 60_001;
    expect(await blockedBy('alice', '10.0.0.1')).toBeUndefined();
    // Only the attempt just admitted is left: the expired ones are gone, whoever they were.
    const rows = await dataSource.query<{ n: number }[]>(
      'SELECT COUNT(*) AS n FROM password_failures',
    );
    expect(rows[0].n).toBe(2);
  });

  it('counts attempts still being checked, so parallel guesses cannot all pass under the limit', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => admit('alice', '10.0.0.1')));
    expect(answers.filter((answer) => 'attempt' in answer)).toHaveLength(3);
  });

  it('withdraws the attempt counted in advance when the password was right', async () => {
    await fail('alice', '10.0.0.1');
    await fail('alice', '10.0.0.1');
    const attempt = await fail('alice', '10.0.0.1');
    await uow.write((manager) => repository.forgive(manager, 'login', 'alice', attempt));
    // The account's slate is clean (the check admits, and counts, one more attempt)...
    expect(await blockedBy('alice', '10.0.0.9')).toBeUndefined();
    // ...and the address keeps its two real failures: three more block it.
    for (let i = 0; i < 3; i += 1) await fail(`other${i}`, '10.0.0.1');
    expect(await blockedBy('nobody', '10.0.0.1')).toBe('address');
  });

  it('stores neither the username nor the address', async () => {
    await fail('alice', '10.0.0.1');
    const rows = await dataSource.query<Record<string, unknown>[]>(
      'SELECT * FROM password_failures',
    );
    expect(JSON.stringify(rows)).not.toMatch(/alice|10\.0\.0\.1/);
  });

  it('says how long to wait: until the oldest counted failure leaves the window', async () => {
    await fail('alice', '10.0.0.1');
    now += 20_000;
    await fail('alice', '10.0.0.2');
    await fail('alice', '10.0.0.3');
    expect(await admit('alice', '10.0.0.9')).toEqual({
      block: { by: 'account', retryAfterSeconds: 40 },
    });
    now += 39_500;
    expect(await admit('alice', '10.0.0.9')).toEqual({
      block: { by: 'account', retryAfterSeconds: 1 },
    });
    now += 501;
    expect(await blockedBy('alice', '10.0.0.9')).toBeUndefined();
  });
});

describe(describeWait.name, () => {
  it.each([
    [1, '1 second'],
    [45, '45 seconds'],
    [60, '1 minute'],
    [61, '2 minutes'],
    [900, '15 minutes'],
  ])('describes %i s as "%s"', (seconds, text) => {
    expect(describeWait(seconds)).toBe(text);
  });
});
