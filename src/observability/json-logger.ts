import { ConsoleLogger, LogLevel } from '@nestjs/common';
import { currentRequestId } from '../common/request-context';

/** One line of LOG_FORMAT=json. */
export interface JsonLogRecord {
  level: LogLevel;
  /** ISO 8601, UTC, milliseconds. */
  time: string;
  /** The logger's name (Startup, Errors, Database...). */
  context: string;
  message: unknown;
  /** The request being handled when the line was written; absent outside a request. */
  requestId?: string;
  stack?: string;
}

/** The record of one log call; an Error given as the message becomes its text and stack. */
export function jsonLogRecord(
  level: LogLevel,
  message: unknown,
  context: string | undefined,
  at: Date,
  requestId: string | undefined,
  stack?: unknown,
): JsonLogRecord {
  const error = message instanceof Error ? message : undefined;
  const stackText = typeof stack === 'string' ? stack : error?.stack;
  return {
    level,
    time: at.toISOString(),
    context: context || 'App',
    message: error ? error.message : message,
    ...(requestId === undefined ? {} : { requestId }),
    ...(stackText === undefined ? {} : { stack: stackText }),
  };
}

/**
 * LOG_FORMAT=json: one JSON object per line, for a log collector. Nest's ConsoleLogger parses
 * the arguments of each call (context, stack) and filters levels; only the line is ours, with
 * the request id from the request context (common/request-context.ts).
 */
export class JsonLogger extends ConsoleLogger {
  constructor(logLevels: LogLevel[]) {
    super({ json: true, colors: false, compact: true, logLevels });
  }

  protected override printAsJson(
    message: unknown,
    options: {
      context: string;
      logLevel: LogLevel;
      writeStreamType?: 'stdout' | 'stderr';
      errorStack?: unknown;
    },
  ): void {
    const record = jsonLogRecord(
      options.logLevel,
      message,
      options.context,
      new Date(),
      currentRequestId(),
      options.errorStack,
    );
    process[options.writeStreamType ?? 'stdout'].write(
      `${this.stringifyJsonLogObject({ ...record })}\n`,
    );
  }
}
