import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The data-access rule (docs/operations.md, "Data access"): services call their aggregates'
 * repositories (`*.repository.ts`), which own the entities, the SQL of both dialects and the row
 * mapping. A service that spells SQL, runs a query or reaches for a TypeORM repository itself
 * breaks it, as four styles of data access and three spellings of the same columns once did.
 * The same holds for the key rotation's re-sealing, for the command line, which runs outside
 * the Nest container but constructs the same repositories, and for the metrics' reads and the
 * validation report, which read other modules' tables.
 */
const SRC = join(__dirname, '..');

/** Files besides the services that work on aggregates and so go through their repositories. */
const ALSO_CHECKED = ['randomization/list-resealing.ts'];

/**
 * Files allowed a pattern below, each with why. Empty is the goal for the services; the command
 * line keeps only maintenance SQL that no repository could run: on a file or image before or
 * without a data source (whose opening runs the migrations), or on a database that is not the
 * service's (the scratch copy a backup restores).
 */
const ALLOWED: Record<string, { pattern: string; why: string }[]> = {
  'cli/user-create.command.ts': [
    {
      pattern: 'raw SQL string',
      why: 'notSetUp reads the catalogue and row counts (a read-only SQLite handle, a plain pg client) before any data source opens the database: opening one runs the migrations, which would write into a database the server never set up',
    },
    {
      pattern: '.query(',
      why: 'the same check on PostgreSQL, through a plain pg client that is ended before the data source opens',
    },
  ],
  'cli/backup.command.ts': [
    {
      pattern: 'raw SQL string',
      why: "the copy's image is checked in memory (integrity_check, its catalogue, its audit count) through better-sqlite3: a copy, never the live database, seen by no data source",
    },
  ],
  'cli/backup-postgres.ts': [
    {
      pattern: '.query(',
      why: 'CREATE and DROP DATABASE of the scratch database, and reads of the restored copy through a plain pg client: a data source would migrate the copy under check',
    },
    {
      pattern: 'raw SQL string',
      why: "the restored copy's audit chain (its columns from the audit repository's SELECT_STORED) and the live head, read through the same plain pg client (pg_dump's side of the backup, no data source on either database)",
    },
  ],
};

const FORBIDDEN: { name: string; test: RegExp }[] = [
  // With or without type arguments: `manager.query<T[]>(...)` is a query too.
  { name: '.query(', test: /\.query\s*(?:<[^;()]*>)?\s*\(/ },
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

function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'migrations' ? [] : filesUnder(path, suffix);
    return entry.name.endsWith(suffix) ? [path] : [];
  });
}

const servicesUnder = (dir: string) => filesUnder(dir, '.service.ts');

/**
 * Folders checked whole, whatever their files are called: the command line (commands and their
 * helpers), the metrics (which read the outbox and the audit head at each scrape) and the
 * validation report (which reads the installation's trial and list).
 */
const CHECKED_FOLDERS = ['cli', 'observability', 'compliance'];

/** Every source file of a folder, tests aside; its repositories are held to OWNED_TABLES instead. */
function sourceFilesOf(folder: string): string[] {
  return filesUnder(join(SRC, folder), '.ts').filter(
    (path) => !path.endsWith('.spec.ts') && !path.endsWith('.repository.ts'),
  );
}

/** What the rule covers, relative to src/. */
function checkedFiles(): string[] {
  return [
    ...new Set(
      [
        ...servicesUnder(SRC),
        ...ALSO_CHECKED.map((file) => join(SRC, file)),
        ...CHECKED_FOLDERS.flatMap(sourceFilesOf),
      ].map((path) => relative(SRC, path)),
    ),
  ];
}

/**
 * The tables each repository owns (docs/operations.md, "Data access"): the only ones it may
 * write. Reading another aggregate's table in a condition (the list's NOT EXISTS on
 * downtime_envelopes) is allowed; an INSERT, UPDATE or DELETE of it is not.
 */
const OWNED_TABLES: Record<string, string[]> = {
  'allocation/idempotency-keys.repository.ts': ['idempotency_keys'],
  'audit/audit-entries.repository.ts': ['audit_entries'],
  'auth/password-failures.repository.ts': ['password_failures'],
  'auth/revoked-tokens.repository.ts': ['revoked_tokens'],
  'blinding-assessment/guesses.repository.ts': ['blinding_guesses'],
  // Read-only: the validation report's view of trials and randomization_lists, read without a
  // data source (its comment says why); it may write nothing at all.
  'compliance/installation-record.repository.ts': [],
  'crypto/key-checks.repository.ts': ['key_checks', 'key_rotation_in_progress'],
  'envelopes/envelopes.repository.ts': ['downtime_envelopes', 'envelope_code_failures'],
  'notifications/notifications.repository.ts': ['notifications'],
  'participants/participants.repository.ts': ['participants'],
  'randomization/randomization-list.repository.ts': ['randomization_lists', 'slots'],
  'trial/trial.repository.ts': ['trials'],
  'unblinding/unblinding-reviews.repository.ts': ['unblinding_reviews'],
  'users/users.repository.ts': ['users'],
};

/**
 * A module's repository is the module's own (docs/operations.md, "Data access"): the module
 * exports a service, whose intents delegate to its repository in the caller's transaction, and
 * other modules call that service. The files that still import another module's repository,
 * each with the repository and why.
 */
const CROSS_MODULE_REPOSITORY_IMPORTS: Record<string, { repository: string; why: string }[]> = {
  'randomization/randomization-list.repository.ts': [
    {
      repository: 'envelopes/envelopes.repository.ts',
      why: "the free-slot and reserved-slot statements embed the envelopes' reservation condition (NOT_RESERVED_BY_ENVELOPE, RESERVED_BY_ENVELOPE), a read of downtime_envelopes inside the one statement of the allocation path, spelled once by its owner; no write",
    },
  ],
  // The command line runs outside the Nest container, on a database it opens itself
  // (openMaintenanceDatabase): it is its own composition root and constructs the plain
  // repository classes, as a module's providers list does inside the container.
  'cli/key-rotate.command.ts': [
    {
      repository: 'crypto/key-checks.repository.ts',
      why: 'the key rotation records the new key check and holds the rotation row (whileRotating) on the maintenance database, without the container',
    },
    {
      repository: 'randomization/randomization-list.repository.ts',
      why: "handed to list-resealing.ts, the list module's own re-sealing, which runs in the rotation's one transaction without the container",
    },
  ],
  'cli/key-rotate-audit-signing.command.ts': [
    {
      repository: 'crypto/key-checks.repository.ts',
      why: 'registers the new audit signing key on the maintenance database, without the container',
    },
  ],
  'cli/maintenance-database.ts': [
    {
      repository: 'audit/audit-entries.repository.ts',
      why: "constructs the AuditService that the commands' audit entries go through (the chain's append), without the container",
    },
  ],
  'cli/user-create.command.ts': [
    {
      repository: 'users/users.repository.ts',
      why: 'creates the first administrator on a database the server may never have opened, without the container',
    },
  ],
  'cli/backup-postgres.ts': [
    {
      repository: 'audit/audit-entries.repository.ts',
      why: "SELECT_STORED only: the restored copy's chain is read through a plain pg client with the audit repository's own column list (no data source on the copy)",
    },
  ],
};

/** The first folder under src/ of a path relative to src/ ('' for src/ itself). */
const moduleOf = (file: string): string => (file.includes('/') ? file.split('/')[0] : '');

/**
 * The other modules' repositories a file imports (`from '...x.repository'`, type imports and
 * `import('...')` included), relative to src/.
 */
export function foreignRepositoryImports(file: string, text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(
    /(?:\bfrom|\bimport)\s*\(?\s*'(\.{1,2}\/[^']*\.repository)'/g,
  )) {
    const target = `${relative(SRC, resolve(SRC, dirname(file), match[1]))}.ts`;
    if (moduleOf(target) !== moduleOf(file)) found.add(target);
  }
  return [...found].sort();
}

/** What a module file exports (`exports: [...]`) that is a repository. */
export function exportedRepositories(text: string): string[] {
  const list = /\bexports\s*:\s*\[([^\]]*)\]/.exec(text)?.[1] ?? '';
  return list
    .split(',')
    .map((name) => name.trim())
    .filter((name) => /Repository$/.test(name));
}

/** Every entity class with its table, from the `@Entity('table')` decorators under src/. */
function entityTables(): Map<string, string> {
  const tables = new Map<string, string>();
  for (const path of filesUnder(SRC, '.entity.ts')) {
    const text = readFileSync(path, 'utf8');
    for (const match of text.matchAll(
      /@Entity\('(\w+)'\)(?:\s*@\w+\([^\n]*\))*\s*export class (\w+)/g,
    )) {
      tables.set(match[2], match[1]);
    }
  }
  return tables;
}

/**
 * The tables a repository's text writes: the table of every INSERT INTO, UPDATE ... SET and
 * DELETE FROM in its SQL, and of every entity it hands to TypeORM (getRepository, from, into),
 * reads included: a repository reaches another aggregate's entity through that one's repository.
 */
export function tablesWritten(text: string, tables: ReadonlyMap<string, string>): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(/\b(?:INSERT\s+INTO|DELETE\s+FROM)\s+(\w+)/g)) {
    found.add(match[1]);
  }
  for (const match of text.matchAll(/\bUPDATE\s+(\w+)\s+SET\b/g)) found.add(match[1]);
  for (const match of text.matchAll(
    /\.(?:getRepository|from|into|update|delete)\s*\(\s*(\w+Entity)\b/g,
  )) {
    found.add(tables.get(match[1]) ?? match[1]);
  }
  return [...found].sort();
}

/** Every forbidden pattern of a service's text, by name. */
export function dataAccessViolations(text: string): string[] {
  return FORBIDDEN.filter(({ test }) => test.test(text)).map(({ name }) => name);
}

describe('data access layout', () => {
  it('finds services, the re-sealing, the commands, the metrics and the report to check', () => {
    const files = checkedFiles();
    expect(servicesUnder(SRC).length).toBeGreaterThan(10);
    expect(files).toEqual(
      expect.arrayContaining([
        'randomization/list-resealing.ts',
        'cli/key-rotate.command.ts',
        'cli/key-rotate-audit-signing.command.ts',
        'cli/user-create.command.ts',
        'cli/backup.command.ts',
        'cli/backup-postgres.ts',
        'observability/operational-state.reader.ts',
        'observability/metrics.service.ts',
        'compliance/validation-report.ts',
        'compliance/traceability.ts',
      ]),
    );
    expect(files.filter((file) => file.endsWith('.repository.ts'))).toEqual([]);
    expect(files.filter((file) => file.endsWith('.command.ts')).length).toBeGreaterThan(8);
  });

  it('keeps SQL, queries and TypeORM repositories out of every service, the re-sealing, the command line, the metrics and the report', () => {
    const found = checkedFiles().flatMap((file) => {
      const allowed = new Set((ALLOWED[file] ?? []).map((a) => a.pattern));
      return dataAccessViolations(readFileSync(join(SRC, file), 'utf8'))
        .filter((name) => !allowed.has(name))
        .map((name) => `${file}: ${name}`);
    });
    expect(found).toEqual([]);
  });

  it('recognises each way a service or command used to reach the database', () => {
    // Taken from the services, the re-sealing and the key commands as they were before the
    // repositories.
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
      "const RESEAL_SLOT = 'UPDATE slots SET target_sealed = :sealed WHERE id = :id';",
      "const COUNT_SLOTS = 'SELECT COUNT(*) AS n FROM slots';",
      "import { execute, selectRows } from '../database/sql';",
      "const DELETE_ROTATION = 'DELETE FROM key_rotation_in_progress WHERE id = 1';",
      'const keys = manager.getRepository(KeyCheckEntity);',
      "const rows = await manager.query<{ n: string }[]>('SELECT 1');",
      // The metrics' outbox read and the validation report's, as they were.
      `'SELECT COUNT(*) AS pending, MIN(created_at) AS "oldestAt" FROM notifications ' +`,
      "import { selectRow } from '../database/sql';",
      `'SELECT method, commitment, generated_at AS "generatedAt" FROM randomization_lists';`,
      'const trials = (await client.query<TrialRow>(TRIAL_SQL)).rows;',
    ];
    for (const line of before) expect(dataAccessViolations(line)).not.toEqual([]);
    expect(dataAccessViolations("this.logger.log('Select a trial from the list');")).toEqual([]);
  });

  it('lets each repository write only the tables of its own aggregate', () => {
    const tables = entityTables();
    const repositories = filesUnder(SRC, '.repository.ts').map((path) => relative(SRC, path));
    // A new repository says which tables it owns before it may write any.
    expect(repositories.filter((file) => !(file in OWNED_TABLES))).toEqual([]);
    const found = repositories.flatMap((file) => {
      const owned = new Set(OWNED_TABLES[file]);
      return tablesWritten(readFileSync(join(SRC, file), 'utf8'), tables)
        .filter((table) => !owned.has(table))
        .map((table) => `${file}: ${table}`);
    });
    expect(found).toEqual([]);
  });

  it('keeps a repository that owns no table to reads: no DML, no DDL', () => {
    const readOnly = Object.keys(OWNED_TABLES).filter((file) => OWNED_TABLES[file].length === 0);
    expect(readOnly).toEqual(['compliance/installation-record.repository.ts']);
    const writes =
      /\b(?:INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|(?:CREATE|DROP|ALTER)\s+(?:TABLE|DATABASE|INDEX|TRIGGER|VIEW)|TRUNCATE)\b/;
    expect(readOnly.filter((file) => writes.test(readFileSync(join(SRC, file), 'utf8')))).toEqual(
      [],
    );
    expect(writes.test("'DROP TABLE trials'")).toBe(true);
  });

  it("spells the audit entry's columns in its repository only (AUDIT_COLUMNS)", () => {
    // The stored names that differ from the fields: a query that lists them spells the shape again.
    const spelled = /\b(?:participant_id|request_id|prev_hash)\s+AS\s+"/;
    const files = filesUnder(SRC, '.ts')
      .filter((path) => !path.endsWith('.spec.ts'))
      .map((path) => relative(SRC, path))
      .filter((file) => file !== 'audit/audit-entries.repository.ts');
    const found = files.filter((file) => {
      const text = readFileSync(join(SRC, file), 'utf8');
      return spelled.test(text) && /\baudit_entries\b/.test(text);
    });
    expect(found).toEqual([]);
    // The backup's read of the restored copy, as it was.
    expect(
      spelled.test(`'details, ip, request_id AS "requestId", prev_hash AS "prevHash", hash ' +`),
    ).toBe(true);
  });

  it("recognises a repository writing another aggregate's table", () => {
    const tables = entityTables();
    expect(tables.get('ParticipantEntity')).toBe('participants');
    // The offline allocation's writes as envelopes.repository.ts once made them itself.
    const before = [
      "'UPDATE slots SET participant_id = :participantId, allocated_at = :openedAt ' +",
      "'UPDATE participants SET allocated_at = :openedAt, allocated_by = :usedBy ' +",
      'await manager.getRepository(ParticipantEntity).update({ participantId }, changed);',
      'await manager.createQueryBuilder().delete().from(SlotEntity).execute();',
      "'INSERT INTO audit_entries (seq) VALUES (:seq)'",
      "'DELETE FROM password_failures WHERE failed_at <= :since'",
    ];
    expect(before.map((line) => tablesWritten(line, tables))).toEqual([
      ['slots'],
      ['participants'],
      ['participants'],
      ['slots'],
      ['audit_entries'],
      ['password_failures'],
    ]);
    // A read of another table inside a condition is no write.
    expect(
      tablesWritten(
        "'WHERE participant_id IS NULL AND NOT EXISTS (SELECT 1 FROM downtime_envelopes e)'",
        tables,
      ),
    ).toEqual([]);
  });

  it('allows only what a file still needs, each with a reason', () => {
    const checked = new Set(checkedFiles());
    for (const [file, allowances] of Object.entries(ALLOWED)) {
      expect(checked).toContain(file);
      const text = readFileSync(join(SRC, file), 'utf8');
      for (const { pattern, why } of allowances) {
        expect(why.length).toBeGreaterThan(20);
        expect(dataAccessViolations(text)).toContain(pattern);
      }
    }
  });

  it('allows no service anything: every allowance is maintenance SQL of the command line', () => {
    expect(Object.keys(ALLOWED).filter((file) => !file.startsWith('cli/'))).toEqual([]);
  });
  it("keeps each module's repository to that module: other modules call its service", () => {
    // Tests included; this file aside, whose examples above are the imports it refuses.
    const files = filesUnder(SRC, '.ts')
      .map((path) => relative(SRC, path))
      .filter((file) => file !== relative(SRC, __filename));
    const found = files.flatMap((file) => {
      const allowed = new Set(
        (CROSS_MODULE_REPOSITORY_IMPORTS[file] ?? []).map((a) => a.repository),
      );
      return foreignRepositoryImports(file, readFileSync(join(SRC, file), 'utf8'))
        .filter((repository) => !allowed.has(repository))
        .map((repository) => `${file}: ${repository}`);
    });
    expect(found).toEqual([]);
  });

  it('lets no module export its repository', () => {
    const found = filesUnder(SRC, '.module.ts').flatMap((path) =>
      exportedRepositories(readFileSync(path, 'utf8')).map(
        (name) => `${relative(SRC, path)}: ${name}`,
      ),
    );
    expect(found).toEqual([]);
  });

  it("recognises a module importing or exporting another module's repository", () => {
    // The imports as allocation, envelopes, the trial and the training reset made them.
    const before: [string, string][] = [
      [
        'allocation/allocation.service.ts',
        "import { AllocationState, ParticipantsRepository } from '../participants/participants.repository';",
      ],
      [
        'allocation/allocation-gate.ts',
        "import {\n  ListHeader,\n  RandomizationListRepository,\n} from '../randomization/randomization-list.repository';",
      ],
      ['envelopes/envelopes.service.ts', "import type { X } from '../trial/trial.repository';"],
      [
        'randomization/x.ts',
        "const m = await import('../allocation/idempotency-keys.repository');",
      ],
      ['allocation/dto/x.dto.ts', "import { X } from '../../audit/audit-entries.repository';"],
    ];
    expect(before.map(([file, line]) => foreignRepositoryImports(file, line))).toEqual([
      ['participants/participants.repository.ts'],
      ['randomization/randomization-list.repository.ts'],
      ['trial/trial.repository.ts'],
      ['allocation/idempotency-keys.repository.ts'],
      ['audit/audit-entries.repository.ts'],
    ]);
    // A module's own repository, from its folder or a subfolder, is its own.
    expect(
      foreignRepositoryImports('trial/trial.service.ts', "import { T } from './trial.repository';"),
    ).toEqual([]);
    expect(
      foreignRepositoryImports(
        'audit/dto/x.ts',
        "import { A } from '../audit-entries.repository';",
      ),
    ).toEqual([]);
    expect(
      exportedRepositories('exports: [ParticipantsService, ParticipantsRepository],\n})'),
    ).toEqual(['ParticipantsRepository']);
    expect(exportedRepositories('exports: [EnvelopesService],')).toEqual([]);
  });

  it("allows another module's repository only where a file still imports it, each with a reason", () => {
    for (const [file, allowances] of Object.entries(CROSS_MODULE_REPOSITORY_IMPORTS)) {
      const imported = foreignRepositoryImports(file, readFileSync(join(SRC, file), 'utf8'));
      for (const { repository, why } of allowances) {
        expect(why.length).toBeGreaterThan(20);
        expect(imported).toContain(repository);
      }
    }
    // Only the list's embedded envelope condition, and the command line outside the container.
    expect(
      Object.keys(CROSS_MODULE_REPOSITORY_IMPORTS).filter(
        (file) =>
          !file.startsWith('cli/') && file !== 'randomization/randomization-list.repository.ts',
      ),
    ).toEqual([]);
  });
});
