import { userInfo } from 'node:os';
import { HttpException } from '@nestjs/common';
import { createApp } from '../app.factory';
import { Actor } from '../common/actor';
import { DomainError } from '../common/domain-errors';
import { createValidationPipe } from '../common/validation';
import { AppConfig, loadAppConfigFromEnvironment } from '../config/app-config';
import { CreateUserDto } from '../users/dto/user.dto';
import { UsersService } from '../users/users.service';
import { CliCommand, CliIo, EXIT_INVALID, EXIT_VALID, parseOptions, UsageError } from './cli-io';

/** Reads the password from standard input (first line), so it never appears in a process list. */
async function passwordFromStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    throw new UsageError('pipe the password on standard input, e.g. printf %s "$PW" | …');
  }
  let text = '';
  for await (const chunk of process.stdin) text += (chunk as Buffer).toString('utf8');
  return text.split(/\r?\n/)[0];
}

/**
 * `user create`: creates a user on the configured database with the server's own rules (the same
 * validation, password hashing and USER_CREATED audit entry, by the actor `cli:<os user>`). The
 * server may be running: the command is one more process on the same database.
 */
export function createUserCreateCommand(
  loadConfig: () => AppConfig,
  readPassword: () => Promise<string>,
): CliCommand {
  return {
    words: ['user', 'create'],
    usage:
      'user create <username> --role <role> [--role <role>…] [--display-name <name>]  (password on stdin)',
    summary: 'Create a user on the configured database, as an admin would through the API.',
    run: (args, io) => runUserCreate(args, io, loadConfig, readPassword),
  };
}

export const userCreateCommand = createUserCreateCommand(
  loadAppConfigFromEnvironment,
  passwordFromStdin,
);

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
  const app = await createApp({ ...config, logLevel: 'error' });
  try {
    const dto = (await createValidationPipe().transform(
      { username: positional[0], password, roles, displayName: options.get('display-name') },
      { type: 'body', metatype: CreateUserDto },
    )) as CreateUserDto;
    const actor: Actor = {
      username: `cli:${userInfo().username}`.slice(0, 64),
      roles: [],
      ip: null,
      requestId: null,
    };
    const user = await app.get(UsersService).create(actor, dto);
    io.out(`Created user ${user.username} with roles ${user.roles.join(', ')}`);
    return EXIT_VALID;
  } catch (error) {
    if (error instanceof DomainError || error instanceof HttpException) {
      io.err(`Refused: ${messageOf(error)}`);
      return EXIT_INVALID;
    }
    throw error;
  } finally {
    await app.close();
  }
}

function messageOf(error: DomainError | HttpException): string {
  if (error instanceof DomainError) return error.message;
  const response = error.getResponse();
  const message =
    typeof response === 'object' && response !== null && 'message' in response
      ? response.message
      : response;
  return Array.isArray(message) ? message.join('; ') : String(message);
}
