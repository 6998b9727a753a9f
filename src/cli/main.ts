#!/usr/bin/env node
import { CliCommand, CliIo, EXIT_USAGE, UsageError } from './cli-io';
import { COMMANDS } from './commands';

function usage(io: CliIo): void {
  io.err('Usage: npm run cli -- <command> [arguments]');
  io.err('');
  for (const command of COMMANDS) io.err(`  ${command.usage}\n      ${command.summary}`);
  io.err('');
  io.err('Exit codes: 0 valid, 1 invalid, 2 usage or input error.');
}

function findCommand(args: string[]): { command: CliCommand; rest: string[] } | undefined {
  const matches = COMMANDS.filter((c) => c.words.every((word, i) => args[i] === word));
  const best = matches.sort((a, b) => b.words.length - a.words.length)[0];
  return best ? { command: best, rest: args.slice(best.words.length) } : undefined;
}

export async function runCli(args: string[], io: CliIo): Promise<number> {
  const found = findCommand(args);
  if (!found) {
    if (args.length > 0 && args[0] !== 'help' && args[0] !== '--help') {
      io.err(`Unknown command: ${args.join(' ')}`);
    }
    usage(io);
    return EXIT_USAGE;
  }
  try {
    return await found.command.run(found.rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\nUsage: ${found.command.usage}`);
      return EXIT_USAGE;
    }
    io.err(`Error: ${(error as Error).message}`);
    return EXIT_USAGE;
  }
}

if (require.main === module) {
  const io: CliIo = {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  };
  runCli(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exitCode = EXIT_USAGE;
    },
  );
}
