import { jsonLogRecord, JsonLogger } from './json-logger';
import {
  currentRequestId,
  requestIdMiddleware,
  RequestWithContext,
} from '../common/request-context';
import type { Response } from 'express';

const AT = new Date(Date.UTC(2026, 0, 1, 9, 30, 0, 5));

describe(jsonLogRecord.name, () => {
  it('has level, time, context and message, and the request id where there is one', () => {
    expect(jsonLogRecord('warn', 'disk nearly full', 'Database', AT, 'req-12345678')).toEqual({
      level: 'warn',
      time: '2026-01-01T09:30:00.005Z',
      context: 'Database',
      message: 'disk nearly full',
      requestId: 'req-12345678',
    });
    expect(jsonLogRecord('log', 'started', 'Startup', AT, undefined)).not.toHaveProperty(
      'requestId',
    );
  });

  it('turns an Error into its message and stack, and names a logger without context App', () => {
    const error = new Error('boom');
    const record = jsonLogRecord('error', error, '', AT, undefined);
    expect(record).toMatchObject({ context: 'App', message: 'boom' });
    expect(record.stack).toContain('Error: boom');
    expect(jsonLogRecord('error', 'x', 'Errors', AT, undefined, 'given stack').stack).toBe(
      'given stack',
    );
  });
});

describe(JsonLogger.name, () => {
  let written: string[];
  let stdout: jest.SpyInstance;
  let stderr: jest.SpyInstance;
  beforeEach(() => {
    written = [];
    const capture = (chunk: string | Uint8Array) => (written.push(String(chunk)), true);
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  });
  afterEach(() => {
    stdout.mockRestore();
    stderr.mockRestore();
  });

  it('writes one JSON object per line, a multi-line message included, within its levels', () => {
    const logger = new JsonLogger(['error', 'warn', 'log']);
    logger.log('first\nsecond line', 'Startup');
    logger.error('failed', 'Error: failed\n    at somewhere', 'Errors');
    logger.debug('not at this level', 'Http');
    const lines = written.join('').split('\n').filter(Boolean);
    expect(lines).toHaveLength(2);
    const [log, error] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(log).toMatchObject({ level: 'log', context: 'Startup', message: 'first\nsecond line' });
    expect(error).toMatchObject({
      level: 'error',
      context: 'Errors',
      message: 'failed',
      stack: 'Error: failed\n    at somewhere',
    });
  });

  it('carries the id of the request being handled', () => {
    const logger = new JsonLogger(['log']);
    const req = { header: () => 'caller-request-id-1' } as unknown as RequestWithContext;
    const res = { setHeader: () => undefined } as unknown as Response;
    requestIdMiddleware({ logLinesCarryId: true })(req, res, () => logger.log('inside', 'Http'));
    logger.log('outside', 'Http');
    const [inside, outside] = written.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(inside.requestId).toBe('caller-request-id-1');
    expect(outside).not.toHaveProperty('requestId');
  });

  it('keeps no request context when log lines do not carry the id (the text format), yet names the request', () => {
    const headers: Record<string, string> = {};
    const req = { header: () => 'caller-request-id-2' } as unknown as RequestWithContext;
    const res = {
      setHeader: (name: string, value: string) => (headers[name] = value),
    } as unknown as Response;
    let inside: string | undefined = 'not called';
    requestIdMiddleware({ logLinesCarryId: false })(req, res, () => (inside = currentRequestId()));
    expect(inside).toBeUndefined();
    expect(req.requestId).toBe('caller-request-id-2');
    expect(headers['X-Request-Id']).toBe('caller-request-id-2');
  });
});
