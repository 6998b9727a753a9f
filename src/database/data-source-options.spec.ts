import { loadAppConfig, postgresConfigOf } from '../config/app-config';
import { dataSourceOptions, postgresDataSourceOptions } from './data-source-options';

/**
 * TypeORM hands `extra` to the pg pool as its options, over its own (PostgresDriver.createPool),
 * so `extra.max` is the pool's size. test/postgres-concurrency.e2e-spec.ts reads it back from the
 * live pool.
 */
function poolOptionsOf(env: Record<string, string>): Record<string, unknown> {
  const options = dataSourceOptions(loadAppConfig(env));
  expect(options.type).toBe('postgres');
  return (options as { extra?: Record<string, unknown> }).extra ?? {};
}

describe(postgresDataSourceOptions.name, () => {
  const DATABASE_URL = 'postgres://trial:secret@db.example:5432/trial';

  it('gives the pg pool DATABASE_POOL_SIZE connections as its max', () => {
    expect(poolOptionsOf({ DATABASE_URL, DATABASE_POOL_SIZE: '25' })).toMatchObject({ max: 25 });
    expect(poolOptionsOf({ DATABASE_URL, DATABASE_POOL_SIZE: '1' })).toMatchObject({ max: 1 });
    expect(poolOptionsOf({ DATABASE_URL, DATABASE_POOL_SIZE: '1000' })).toMatchObject({
      max: 1000,
    });
  });

  it('gives it 10 when DATABASE_POOL_SIZE is unset, written out rather than left to pg', () => {
    expect(poolOptionsOf({ DATABASE_URL })).toMatchObject({ max: 10 });
  });

  it('passes the size through unchanged, with the connect timeout and the application name', () => {
    const options = postgresDataSourceOptions(postgresConfigOf(DATABASE_URL, 7));
    expect(options).toMatchObject({
      type: 'postgres',
      url: DATABASE_URL,
      extra: {
        max: 7,
        connectionTimeoutMillis: 10_000,
        application_name: 'trial-blinding-service',
      },
      synchronize: false,
      migrationsRun: true,
    });
    // TypeORM's own poolSize would be overridden by extra.max anyway; none is set to confuse.
    expect(options).not.toHaveProperty('poolSize');
  });
});
