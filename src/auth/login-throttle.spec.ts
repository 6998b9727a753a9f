import { LoginThrottle } from './login-throttle';

const config = { windowSeconds: 60, maxFailuresPerAccount: 3, maxFailuresPerAddress: 5 };

function throttleAt(start = 1_000_000) {
  let now = start;
  const throttle = new LoginThrottle(config, () => now);
  return { throttle, advance: (ms: number) => (now += ms) };
}

describe(LoginThrottle.name, () => {
  it('blocks an account after its limit of failures, whatever the address', () => {
    const { throttle } = throttleAt();
    for (let i = 0; i < 3; i += 1) throttle.recordFailure('Alice', `10.0.0.${i}`);
    expect(throttle.blockedBy('alice', '10.0.0.9')).toBe('account');
    expect(throttle.blockedBy('bob', '10.0.0.9')).toBeUndefined();
  });

  it('blocks an address after its limit of failures, whatever the accounts', () => {
    const { throttle } = throttleAt();
    for (let i = 0; i < 5; i += 1) throttle.recordFailure(`user${i}`, '10.0.0.1');
    expect(throttle.blockedBy('someone-else', '10.0.0.1')).toBe('address');
    expect(throttle.blockedBy('someone-else', '10.0.0.2')).toBeUndefined();
  });

  it('forgets failures once they leave the window', () => {
    const { throttle, advance } = throttleAt();
    for (let i = 0; i < 3; i += 1) throttle.recordFailure('alice', '10.0.0.1');
    advance(60_001);
    expect(throttle.blockedBy('alice', '10.0.0.1')).toBeUndefined();
  });

  it('counts attempts still being checked, so parallel guesses cannot all pass under the limit', () => {
    const { throttle } = throttleAt();
    const admitted: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      if (!throttle.blockedBy('alice', '10.0.0.1'))
        admitted.push(throttle.recordFailure('alice', '10.0.0.1'));
    }
    expect(admitted).toHaveLength(3);
  });

  it('withdraws the attempt counted in advance when the password was right', () => {
    const { throttle } = throttleAt();
    throttle.recordFailure('alice', '10.0.0.1');
    throttle.recordFailure('alice', '10.0.0.1');
    const attempt = throttle.recordFailure('alice', '10.0.0.1');
    throttle.recordSuccess('alice', '10.0.0.1', attempt);
    expect(throttle.blockedBy('alice', '10.0.0.1')).toBeUndefined();
    // The address keeps its two real failures: three more would block it.
    for (let i = 0; i < 3; i += 1) throttle.recordFailure(`other${i}`, '10.0.0.1');
    expect(throttle.blockedBy('nobody', '10.0.0.1')).toBe('address');
  });

  it('keeps no expired keys once many distinct usernames have been tried', () => {
    const { throttle, advance } = throttleAt();
    for (let i = 0; i < 10_001; i += 1) throttle.recordFailure(`spray${i}`, `10.1.${i % 250}.1`);
    advance(60_001);
    throttle.recordFailure('late', '10.9.9.9');
    expect((throttle as unknown as { failures: Map<string, number[]> }).failures.size).toBeLessThan(
      10,
    );
  });
});
