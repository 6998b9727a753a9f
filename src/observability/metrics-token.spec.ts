import { presentsMetricsToken } from './metrics-token';

const TOKEN = 'metrics-token-0123456789-abcdefghijklmnop';

describe(presentsMetricsToken.name, () => {
  it('admits the configured token as a bearer token, whatever the case of "Bearer"', () => {
    expect(presentsMetricsToken(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(presentsMetricsToken(`bearer ${TOKEN}`, TOKEN)).toBe(true);
  });

  it('refuses another token, a prefix of it, a longer one, another scheme and no header', () => {
    expect(presentsMetricsToken(`Bearer ${TOKEN.slice(0, -1)}`, TOKEN)).toBe(false);
    expect(presentsMetricsToken(`Bearer ${TOKEN}x`, TOKEN)).toBe(false);
    expect(presentsMetricsToken(`Basic ${TOKEN}`, TOKEN)).toBe(false);
    expect(presentsMetricsToken(TOKEN, TOKEN)).toBe(false);
    expect(presentsMetricsToken(undefined, TOKEN)).toBe(false);
  });

  it('admits nothing when no token is configured', () => {
    expect(presentsMetricsToken('Bearer ', undefined)).toBe(false);
    expect(presentsMetricsToken(`Bearer ${TOKEN}`, undefined)).toBe(false);
  });
});
