/** What a command-line command needs from the outside world, so tests can capture it. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** Exit codes: 0 valid, 1 invalid, 2 usage or input error. */
export const EXIT_VALID = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;

export interface CliCommand {
  /** Words that select it, e.g. ['list', 'verify']. */
  words: string[];
  usage: string;
  summary: string;
  run(args: string[], io: CliIo): Promise<number>;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Splits `--name value` options and bare `--flag` switches from positional arguments; unknown
 * options are a usage error.
 */
export function parseOptions(
  args: string[],
  known: string[],
  knownFlags: string[] = [],
): { positional: string[]; options: Map<string, string>; flags: Set<string> } {
  const positional: string[] = [];
  const options = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const name = arg.slice(2);
    if (knownFlags.includes(name)) {
      flags.add(name);
      continue;
    }
    if (!known.includes(name)) throw new UsageError(`unknown option --${name}`);
    const value = args[i + 1];
    if (value === undefined || value.startsWith('--'))
      throw new UsageError(`--${name} needs a value`);
    options.set(name, value);
    i += 1;
  }
  return { positional, options, flags };
}
