import { existsSync, statSync } from 'node:fs';
import { HttpException } from '@nestjs/common';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { DomainError, InvalidInput } from '../common/domain-errors';
import { createValidationPipe } from '../common/validation';
import { AppConfig, loadAppConfigFromEnvironment, PostgresConfig } from '../config/app-config';
import { POSTGRES_CONNECT_TIMEOUT_MS } from '../database/data-source-options';
import { CreateUserDto } from '../users/dto/user.dto';
import { refuseUsernameInPassword, UsersService } from '../users/users.service';
import { UsersRepository } from '../users/users.repository';
import {
  CliCommand,
  CliIo,
  EXIT_INVALID,
  EXIT_USAGE,
  EXIT_VALID,
  parseOptions,
  UsageError,
} from './cli-io';
import { cliActor, MaintenanceDatabase, openMaintenanceDatabase } from './maintenance-database';
import { ROLES } from '../users/role';

/** Reads the password from standard input (first line), so it never appears in a process list. */
async function passwordFromStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    throw new UsageError('pipe the password on standard input, e.g. printf %s "$PW" | …');
  }
  let text = '';
  for await (const chunk of process.stdin) text += (chunk as Buffer).toString('utf8');
  return text.split(/\r?\n/)[0];
}

export const START_THE_SERVER_ONCE =
  'start the server once (npm start) to set up the trial and its admin, then create users';

/**
 * `user create`: creates a user on the configured database with the server's own rules (the same
 * validation, password hashing and USER_CREATED audit entry, by the actor `cli:<os user>`). The
 * server may be running: the command is one more process on the same database.
 *
 * It opens the database alone (no HTTP server, no notification worker, no list check, no
 * bootstrap), so it never sets anything up: a database that was never set up is refused with
 * exit 2 before anything is written, and no hidden `admin` or key can appear.
 */
export function createUserCreateCommand(
  loadConfig: () => AppConfig,
  readPassword: () => Promise<string>,
): CliCommand {
  return {
    words: ['user', 'create'],
    usage:
      'user create <username> --role <role> [--role <role>…] [--display-name <name>]  (password on stdin; ' +
      `roles: ${ROLES.join(', ')})`,
    summary:
      'Create a user on a database the server has set up, as an admin would through the API.',
    run: (args, io) => runUserCreate(args, io, loadConfig, readPassword),
  };
}

export const userCreateCommand = createUserCreateCommand(
  loadAppConfigFromEnvironment,
  passwordFromStdin,
);

/**
 * Why the database is not one the server has set up, or undefined when it is: it holds the
 * trial record and at least one user. Read-only: a missing file or schema is not created.
 *
 * Maintenance SQL, not the repositories': this runs before any data source opens the database,
 * because opening one runs the migrations, which would write a schema into a database the server
 * never set up (the promise is that nothing is written). So it asks the catalogue and counts rows
 * through a read-only SQLite handle, or a plain pg client (data-access-layout.spec.ts allows it).
 */
export function notSetUp(config: AppConfig): Promise<string | undefined> {
  return config.postgres
    ? notSetUpOnPostgres(config.postgres)
    : Promise.resolve(notSetUpFile(config.databasePath));
}

function notSetUpFile(databasePath: string): string | undefined {
  if (databasePath === ':memory:') return 'an in-memory database is never set up';
  if (!existsSync(databasePath)) return `there is no database at ${databasePath}`;
  if (statSync(databasePath).size === 0) return `the database ${databasePath} is empty`;
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('trials', 'users')",
      )
      .all() as { name: string }[];
    if (tables.length < 2) return `the database ${databasePath} holds no trial`;
    const count = (table: string) =>
      (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    return setUpProblem(databasePath, count('trials'), count('users'));
  } finally {
    db.close();
  }
}

/** The same questions of the PostgreSQL database; a server that does not answer is the open's to name. */
async function notSetUpOnPostgres(postgres: PostgresConfig): Promise<string | undefined> {
  const client = new Client({
    connectionString: postgres.url,
    connectionTimeoutMillis: POSTGRES_CONNECT_TIMEOUT_MS,
    application_name: 'trial-user-create',
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch {
    // openMaintenanceDatabase then refuses with the cause, the host and no password.
    return undefined;
  }
  try {
    const { rows } = await client.query<{ tables: string }>(
      "SELECT count(*) AS tables FROM pg_tables WHERE schemaname = current_schema() AND tablename IN ('trials', 'users')",
    );
    if (Number(rows[0]?.tables) < 2) return `the database ${postgres.display} holds no trial`;
    const count = async (table: string) =>
      Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
    return setUpProblem(postgres.display, await count('trials'), await count('users'));
  } finally {
    await client.end().catch(() => undefined);
  }
}

function setUpProblem(database: string, trials: number, users: number): string | undefined {
  if (trials === 0) return `the database ${database} holds no trial record`;
  if (users === 0) return `the database ${database} holds no users`;
  return undefined;
}

async function runUserCreate(
  args: string[],
  io: CliIo,
  loadConfig: () => AppConfig,
  readPassword: () => Promise<string>,
): Promise<number> {
  const roles: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === '--role') {
      const role = args[i + 1];
      if (role === undefined || role.startsWith('--')) throw new UsageError('--role needs a value');
      roles.push(role);
      i += 1;
    } else {
      rest.push(args[i]);
    }
  }
  const { positional, options } = parseOptions(rest, ['display-name']);
  if (positional.length !== 1) throw new UsageError('name one user to create');
  if (roles.length === 0) throw new UsageError('give at least one --role');
  const password = await readPassword();

  const config = loadConfig();
  const problem = await notSetUp(config);
  if (problem) {
    io.err(`Cannot create a user: ${problem}; ${START_THE_SERVER_ONCE}. Nothing was written.`);
    return EXIT_USAGE;
  }
  const database = await openMaintenanceDatabase(config);
  try {
    return await createOn(database, io, {
      username: positional[0],
      password,
      roles,
      displayName: options.get('display-name'),
    });
  } finally {
    await database.close();
  }
}

async function createOn(
  database: MaintenanceDatabase,
  io: CliIo,
  body: Record<string, unknown>,
): Promise<number> {
  const actor = cliActor();
  let dto: CreateUserDto;
  try {
    dto = (await createValidationPipe().transform(body, {
      type: 'body',
      metatype: CreateUserDto,
    })) as CreateUserDto;
    refuseUsernameInPassword(dto.username, dto.password);
  } catch (error) {
    if (!(error instanceof DomainError || error instanceof HttpException)) throw error;
    // Refused before the service: audited here, as the server audits every refusal.
    const refusal = error instanceof DomainError ? error : new InvalidInput(messageOf(error));
    await database.uow.write((manager) =>
      database.audit.recordRefusal(manager, actor, 'USER_CHANGE_REFUSED', null, refusal),
    );
    io.err(`Refused: ${refusal.message}`);
    return EXIT_INVALID;
  }
  try {
    // The service audits its own refusals (a duplicate name) in a transaction of their own.
    const user = await new UsersService(database.uow, database.audit, new UsersRepository()).create(
      actor,
      dto,
    );
    io.out(`Created user ${user.username} with roles ${user.roles.join(', ')}`);
    return EXIT_VALID;
  } catch (error) {
    if (error instanceof DomainError) {
      io.err(`Refused: ${error.message}`);
      return EXIT_INVALID;
    }
    throw error;
  }
}

function messageOf(error: HttpException): string {
  const response = error.getResponse();
  const message =
    typeof response === 'object' && response !== null && 'message' in response
      ? response.message
      : response;
  return Array.isArray(message) ? message.join('; ') : String(message);
}
