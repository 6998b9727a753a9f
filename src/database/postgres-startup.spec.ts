import { postgresConfigOf } from '../config/app-config';
import { withoutPassword } from './postgres-startup';

describe(withoutPassword.name, () => {
  it('takes the password out of a message, as written in the URL and decoded', () => {
    const postgres = postgresConfigOf('postgres://trial:s%40cret-pw@db.example/trial', 10);
    expect(withoutPassword('login s@cret-pw refused; s%40cret-pw', postgres)).toBe(
      'login *** refused; ***',
    );
  });

  it('leaves a message alone when the URL has no password', () => {
    const postgres = postgresConfigOf('postgres://trial@db.example/trial', 10);
    expect(withoutPassword('connect ECONNREFUSED 10.0.0.1:5432', postgres)).toBe(
      'connect ECONNREFUSED 10.0.0.1:5432',
    );
  });
});
