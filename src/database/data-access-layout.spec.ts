import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The data-access rule (docs/operations.md, "Data access"): services call their aggregates'
 * repositories (`*.repository.ts`), which own the entities, the SQL of both dialects and the row
 * mapping. A service that spells SQL, runs a query or reaches for a TypeORM repository itself
 * breaks it, as four styles of data access and three spellings of the same columns once did.
 */
const SRC = join(__dirname, '..');

/** Services allowed a pattern below, each with why. Empty is the goal. */
const ALLOWED: Record<string, { pattern: string; why: string }[]> = {
  'crypto/key-check.service.ts': [
    {
      pattern: 'getRepository(',
      why: 'the key_checks table is read by the maintenance commands outside the container too; not one of the aggregates moved yet',
    },
  ],
};

const FORBIDDEN: { name: string; test: RegExp }[] = [
  { name: '.query(', test: /\.query\s*\(/ },
  { name: 'createQueryBuilder', test: /createQueryBuilder/ },
  { name: 'getRepository(', test: /getRepository\s*\(/ },
  { name: 'database/sql', test: /from '\.\.\/database\/sql'/ },
  {
    name: 'raw SQL string',
    // Within one string of each quote kind (SQL holds the other quotes: `AS "participantId"`).
    test: new RegExp(
      ["'", '"', '`']
        .map(
          (q) =>
            `${q}[^${q}]*\\b(SELECT\\s[^${q}]*\\bFROM|INSERT\\s+INTO|UPDATE\\s+\\w+\\s+SET|DELETE\\s+FROM)\\b`,
        )
        .join('|'),
    ),
  },
];

function servicesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'migrations' ? [] : servicesUnder(path);
    return entry.name.endsWith('.service.ts') ? [path] : [];
  });
}

/** Every forbidden pattern of a service's text, by name. */
export function dataAccessViolations(text: string): string[] {
  return FORBIDDEN.filter(({ test }) => test.test(text)).map(({ name }) => name);
}

describe('data access layout', () => {
  it('finds services to check', () => {
    expect(servicesUnder(SRC).length).toBeGreaterThan(10);
  });

  it('keeps SQL, queries and TypeORM repositories out of every service', () => {
    const found = servicesUnder(SRC).flatMap((path) => {
      const file = relative(SRC, path);
      const allowed = new Set((ALLOWED[file] ?? []).map((a) => a.pattern));
      return dataAccessViolations(readFileSync(path, 'utf8'))
        .filter((name) => !allowed.has(name))
        .map((name) => `${file}: ${name}`);
    });
    expect(found).toEqual([]);
  });

  it('recognises each way a service used to reach the database', () => {
    // Taken from the services as they were before the repositories.
    const before = [
      "const SELECT_FREE_SLOT = 'SELECT id, stratum FROM slots WHERE list_id = :listId';",
      "'UPDATE participants SET allocated_at = :allocatedAt WHERE participant_id = :id'",
      `'SELECT participant_id AS "participantId", stratum FROM participants'`,
      'await manager.getRepository(ParticipantEntity).count();',
      'await manager.createQueryBuilder().delete().from(SlotEntity).execute();',
      "await manager.query('SELECT 1');",
      "import { execute, selectRow } from '../database/sql';",
      "const INSERT_SQL = 'INSERT INTO audit_entries (seq) VALUES (:seq)';",
      "const SQL = 'DELETE FROM password_failures WHERE failed_at <= :since';",
    ];
    for (const line of before) expect(dataAccessViolations(line)).not.toEqual([]);
    expect(dataAccessViolations("this.logger.log('Select a trial from the list');")).toEqual([]);
  });

  it('allows only what a service still needs, each with a reason', () => {
    for (const [file, allowances] of Object.entries(ALLOWED)) {
      const text = readFileSync(join(SRC, file), 'utf8');
      for (const { pattern, why } of allowances) {
        expect(why.length).toBeGreaterThan(20);
        expect(dataAccessViolations(text)).toContain(pattern);
      }
    }
  });
});
