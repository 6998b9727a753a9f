import { ArgumentsHost } from '@nestjs/common';
import { AuditEvent, AuditService } from '../audit/audit.service';
import { BearerCheckService } from '../auth/bearer-check.service';
import { UnitOfWork } from '../database/unit-of-work';
import { MetricsService } from '../observability/metrics.service';
import { Actor } from './actor';
import { Forbidden, InvalidInput, NotFound } from './domain-errors';
import { HttpExceptionFilter } from './http-exception.filter';
import { alreadyAudited, auditRefusalAs } from './refusal-audit';
import { RequestWithContext } from './request-context';

const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);

/** The filter with fakes around it: what it records, and a clock the test moves. */
function harness(limit = 3, tokenHolder?: Actor) {
  const events: AuditEvent[] = [];
  let now = T0;
  const uow = {
    write: async <T>(work: (manager: unknown) => Promise<T>) => work({}),
  } as unknown as UnitOfWork;
  const audit = {
    record: (_manager: unknown, event: AuditEvent) => Promise.resolve(events.push(event)),
  } as unknown as AuditService;
  const bearer = {
    actorOf: (request: RequestWithContext) =>
      Promise.resolve(
        tokenHolder ?? {
          username: 'anonymous',
          roles: [],
          ip: request.ip ?? null,
          requestId: null,
        },
      ),
  } as unknown as BearerCheckService;
  const filter = new HttpExceptionFilter(
    uow,
    audit,
    bearer,
    { anonymousRefusalsPerMinute: limit },
    new MetricsService(),
    () => now,
  );
  filter.onModuleDestroy();

  /** Hands the filter one error for a request, and resolves once it has answered. */
  const refuse = (error: unknown, request: Partial<RequestWithContext> = {}) =>
    new Promise<number>((resolve) => {
      let status = 0;
      const response = {
        headersSent: false,
        setHeader: () => undefined,
        status: (code: number) => ((status = code), response),
        json: () => resolve(status),
        end: () => resolve(status),
      };
      const req = {
        method: 'POST',
        baseUrl: '',
        path: '/api/participants',
        ip: '10.0.0.9',
        params: {},
        header: () => undefined,
        ...request,
      };
      const host = {
        switchToHttp: () => ({ getRequest: () => req, getResponse: () => response }),
      } as unknown as ArgumentsHost;
      filter.catch(error, host);
    });
  return { events, filter, refuse, advance: (ms: number) => (now += ms) };
}

describe('HttpExceptionFilter: the one path that audits refusals', () => {
  it('writes exactly one entry for a refusal, with route, status, code and reason', async () => {
    const { events, refuse } = harness();
    expect(await refuse(new InvalidInput('age must be a number'))).toBe(400);
    expect(events).toEqual([
      expect.objectContaining({
        action: 'REQUEST_REJECTED',
        outcome: 'REJECTED',
        reason: 'age must be a number',
        details: { route: 'POST /api/participants', status: 400, code: 'VALIDATION_FAILED' },
      }),
    ]);
  });

  it('skips a refusal that a service audited in its own transaction', async () => {
    const { events, refuse } = harness();
    expect(await refuse(alreadyAudited(new NotFound('No participant ELA-404')))).toBe(404);
    expect(events).toEqual([]);
  });

  it("records the guard's refusal as it describes it", async () => {
    const { events, refuse } = harness();
    const error = auditRefusalAs(new Forbidden('needs pharmacist'), {
      action: 'ACCESS_DENIED',
      reason: 'role not granted',
      details: { route: 'POST /api/participants' },
    });
    await refuse(error, {
      actor: { username: 'inv', roles: ['investigator'], ip: null, requestId: null },
    });
    expect(events).toEqual([
      expect.objectContaining({
        actor: expect.objectContaining({ username: 'inv' }) as unknown,
        action: 'ACCESS_DENIED',
        outcome: 'DENIED',
        reason: 'role not granted',
        details: { route: 'POST /api/participants', status: 403, code: 'FORBIDDEN' },
      }),
    ]);
  });

  it('names the holder of a valid token when the request was refused before the guard', async () => {
    const holder: Actor = {
      username: 'inv',
      roles: ['investigator'],
      ip: '10.0.0.9',
      requestId: null,
    };
    const { events, refuse } = harness(3, holder);
    const parserError = Object.assign(new SyntaxError('bad'), {
      status: 413,
      expose: true,
      type: 'entity.too.large',
    });
    expect(await refuse(parserError)).toBe(413);
    expect(events[0]).toMatchObject({
      actor: { username: 'inv' },
      action: 'REQUEST_REJECTED',
      details: { status: 413, code: 'BODY_TOO_LARGE' },
    });
  });

  it('counts anonymous refusals beyond the limit, and sums them up in the next minute', async () => {
    const { events, refuse, advance } = harness(3);
    for (let i = 0; i < 10; i += 1) await refuse(new InvalidInput('bad'));
    expect(events).toHaveLength(3);
    advance(60_000);
    await refuse(new InvalidInput('bad'));
    expect(events.map((e) => e.action)).toEqual([
      'REQUEST_REJECTED',
      'REQUEST_REJECTED',
      'REQUEST_REJECTED',
      'REFUSALS_SUPPRESSED',
      'REQUEST_REJECTED',
    ]);
    expect(events[3]).toMatchObject({
      actor: { username: 'anonymous', ip: '10.0.0.9' },
      details: { count: 7, minute: '2026-01-01T09:00:00.000Z', limit: 3 },
    });
  });

  it('writes the summary from the timer when the address sends nothing more', async () => {
    const { events, filter, refuse, advance } = harness(1);
    for (let i = 0; i < 4; i += 1) await refuse(new InvalidInput('bad'));
    await filter.flushSuppressed();
    expect(events).toHaveLength(1);
    advance(60_000);
    await filter.flushSuppressed();
    expect(events[1]).toMatchObject({ action: 'REFUSALS_SUPPRESSED', details: { count: 3 } });
  });

  it('never suppresses the refusals of a signed-in user', async () => {
    const { events, refuse } = harness(1);
    const actor: Actor = {
      username: 'inv',
      roles: ['investigator'],
      ip: '10.0.0.9',
      requestId: null,
    };
    for (let i = 0; i < 5; i += 1) await refuse(new InvalidInput('bad'), { actor });
    expect(events).toHaveLength(5);
  });
});
