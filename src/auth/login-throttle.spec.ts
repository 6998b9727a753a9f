import { describeWait, LoginThrottle } from './login-throttle';

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

  it('says how long to wait: until the oldest counted failure leaves the window', () => {
    const { throttle, advance } = throttleAt();
    throttle.recordFailure('alice', '10.0.0.1');
    advance(20_000);
    throttle.recordFailure('alice', '10.0.0.1');
    throttle.recordFailure('alice', '10.0.0.1');
    expect(throttle.block('alice', '10.0.0.9')).toEqual({ by: 'account', retryAfterSeconds: 40 });
    advance(39_500);
    expect(throttle.block('alice', '10.0.0.9')).toEqual({ by: 'account', retryAfterSeconds: 1 });
    advance(501);
    expect(throttle.block('alice', '10.0.0.9')).toBeUndefined();
  });

  describe('with its default clock', () => {
    afterEach(() => jest.restoreAllMocks());

    /** Wall clock and monotonic clock driven apart, as after an NTP step or a resumed VM. */
    function clocks() {
      let wall = Date.parse('2026-03-01T10:00:00Z');
      let monotonic = 5_000;
      jest.spyOn(Date, 'now').mockImplementation(() => wall);
      jest.spyOn(performance, 'now').mockImplementation(() => monotonic);
      return {
        stepWall: (ms: number) => (wall += ms),
        elapse: (ms: number) => {
          wall += ms;
          monotonic += ms;
        },
      };
    }

    it('frees a throttled account once the window has passed, though the wall clock stepped back an hour', () => {
      const { stepWall, elapse } = clocks();
      const throttle = new LoginThrottle(config);
      for (let i = 0; i < 3; i += 1) throttle.recordFailure('alice', '10.0.0.1');
      expect(throttle.blockedBy('alice', '10.0.0.1')).toBe('account');
      stepWall(-3_600_000);
      elapse(60_001);
      expect(throttle.blockedBy('alice', '10.0.0.1')).toBeUndefined();
    });

    it('keeps a throttled account throttled through a forward step of the wall clock', () => {
      const { stepWall } = clocks();
      const throttle = new LoginThrottle(config);
      for (let i = 0; i < 3; i += 1) throttle.recordFailure('alice', '10.0.0.1');
      stepWall(3_600_000);
      expect(throttle.block('alice', '10.0.0.1')).toEqual({ by: 'account', retryAfterSeconds: 60 });
    });
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
