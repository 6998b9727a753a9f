import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  Inject,
  Logger,
  OnModuleDestroy,
  Optional,
} from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AuditAction } from '../audit/audit-actions';
import { AuditEvent, AuditService } from '../audit/audit.service';
import { BearerCheckService } from '../auth/bearer-check.service';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../runtime';
import { anonymousActor } from './actor';
import { UnitOfWork } from '../database/unit-of-work';
import { MetricsService } from '../observability/metrics.service';
import { DomainError, ErrorCode, HTTP_STATUS_OF, InvalidInput } from './domain-errors';
import { isAlreadyAudited, refusalAuditOf } from './refusal-audit';
import { RefusalRateLimiter, SuppressedRefusals } from './refusal-rate';
import { actorOf, participantIdOf, RequestWithContext, routeOf } from './request-context';

/** The code of a 4xx that Nest raised itself (validation pipe, unknown route). */
const CODE_OF_STATUS: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'ROUTE_NOT_FOUND',
  409: 'CONFLICT',
  413: 'BODY_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'THROTTLED',
};

const REASON_PHRASES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export interface ErrorBody {
  statusCode: number;
  error: string;
  code: ErrorCode;
  message: string;
  [extra: string]: unknown;
}

/** Errors thrown by Express's body parser (malformed JSON, too large) carry a status of their own. */
interface ParserError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
}

function messageOf(response: unknown, fallback: string): string {
  if (typeof response === 'string') return response;
  if (typeof response === 'object' && response !== null && 'message' in response) {
    const message = response.message;
    if (Array.isArray(message)) return message.map(String).join('; ');
    if (typeof message === 'string') return message;
  }
  return fallback;
}

/**
 * Express error middleware, placed right after the body parsers. Nest turns body-parser's
 * SyntaxError into a 400 carrying JSON.parse's message, which quotes the body around the error
 * (the start of a password in a malformed sign-in); handed on as a plain error, the filter below
 * answers with its own message instead.
 */
export function hideBodyParseDetails(
  error: unknown,
  _request: Request,
  _response: Response,
  next: NextFunction,
): void {
  if (error instanceof SyntaxError && (error as ParserError).type === 'entity.parse.failed') {
    // JSON.parse's own message quotes the body around the error: it could hold a password.
    next(new InvalidInput('The request body is not valid JSON', 'INVALID_JSON'));
    return;
  }
  next(error);
}

export function errorBodyOf(exception: unknown, requestId: string | undefined): ErrorBody {
  if (exception instanceof DomainError) {
    const statusCode = HTTP_STATUS_OF[exception.kind];
    return {
      ...exception.body,
      statusCode,
      error: REASON_PHRASES[statusCode],
      code: exception.code,
      message: exception.message,
    };
  }
  if (exception instanceof HttpException) {
    const statusCode = exception.getStatus();
    if (statusCode < 500) {
      return {
        statusCode,
        error: REASON_PHRASES[statusCode] ?? 'Error',
        code: CODE_OF_STATUS[statusCode] ?? 'VALIDATION_FAILED',
        message: messageOf(exception.getResponse(), exception.message),
      };
    }
  }
  const parser = exception as ParserError | null;
  const parserStatus = parser?.status ?? parser?.statusCode;
  if (
    parser?.expose &&
    typeof parserStatus === 'number' &&
    parserStatus >= 400 &&
    parserStatus < 500
  ) {
    const message =
      parser.type === 'entity.too.large'
        ? 'The request body is too large'
        : 'The request could not be read';
    return {
      statusCode: parserStatus,
      error: REASON_PHRASES[parserStatus] ?? 'Error',
      code: CODE_OF_STATUS[parserStatus] ?? 'VALIDATION_FAILED',
      message,
    };
  }
  return {
    statusCode: 500,
    error: REASON_PHRASES[500],
    code: 'INTERNAL_ERROR',
    message: `An unexpected error occurred. Quote request id ${requestId ?? 'unknown'} to the administrator.`,
    requestId,
  };
}

/** The clock of the refusal rate limit (milliseconds); tests inject their own. */
export const REFUSAL_CLOCK = 'REFUSAL_CLOCK';

/** A route in the log is cut: an unknown path is the caller's text, of any length. */
const ROUTE_MAX_LENGTH = 256;

const SIGN_IN_ROUTE = 'POST /api/auth/login';

/** The action a refusal is recorded as, unless the code that refused named one. */
function refusalAction(route: string, statusCode: number): AuditAction {
  if (route === SIGN_IN_ROUTE) return 'LOGIN_FAILED';
  return statusCode === 401 || statusCode === 403 ? 'ACCESS_DENIED' : 'REQUEST_REJECTED';
}

/**
 * Turns every error into `{statusCode, error, code, message}`; the cause of a 500 goes only to the log.
 * It is also the one place that audits a refusal (SPEC: every 4xx answer writes exactly one
 * entry), except one that a service audited in its own transaction and marked so
 * (common/refusal-audit.ts). The actor is the request's authenticated user, or, for a request
 * refused before the guard ran (a body the parser refused, an unknown route), the holder of a
 * valid bearer token, else anonymous. Anonymous refusals beyond AUDIT_ANONYMOUS_REFUSALS_PER_MINUTE per
 * address and minute are counted, and summed up in one REFUSALS_SUPPRESSED entry.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter, OnModuleDestroy {
  private readonly logger = new Logger('Errors');
  private readonly limiter: RefusalRateLimiter;
  private readonly clock: () => number;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly audit: AuditService,
    private readonly bearer: BearerCheckService,
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'anonymousRefusalsPerMinute'>,
    private readonly metrics: MetricsService,
    @Optional() @Inject(REFUSAL_CLOCK) clock?: () => number,
  ) {
    this.limiter = new RefusalRateLimiter(config.anonymousRefusalsPerMinute);
    this.clock = clock ?? Date.now;
    // Summaries of a minute whose address sent nothing after it are written by this timer.
    this.timer = setInterval(() => void this.flushSuppressed(), 60_000);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const request = context.getRequest<RequestWithContext>();
    const response = context.getResponse<Response>();
    const body = errorBodyOf(exception, request.requestId);
    // Every error answer, audited here or by a service, counted by kind and code.
    this.metrics.countRefusal(body.statusCode, body.code);
    // The path is the caller's text (a participant id of any length): cut, like the route below.
    const path = request.path.slice(0, ROUTE_MAX_LENGTH);
    if (body.statusCode === 503) {
      this.logger.error(
        `request ${request.requestId ?? '?'} ${request.method} ${path}: ${body.message}`,
      );
    } else if (body.statusCode >= 500) {
      this.logger.error(
        `request ${request.requestId ?? '?'} ${request.method} ${path}: ${(exception as Error)?.stack ?? String(exception)}`,
      );
    }
    const send = () => {
      if (response.headersSent) response.end();
      else {
        if (exception instanceof DomainError && exception.retryAfterSeconds !== undefined) {
          response.setHeader('Retry-After', String(exception.retryAfterSeconds));
        }
        // Set here: a route that declares another type (the HTML sheet) would otherwise keep it.
        response.setHeader('Content-Type', 'application/json; charset=utf-8');
        response.status(body.statusCode).json(body);
      }
    };
    this.auditRefusal(exception, request, body).then(send, (error: unknown) => {
      this.logger.error(`Could not audit a refused request: ${(error as Error).message}`);
      send();
    });
  }

  private async auditRefusal(
    exception: unknown,
    request: RequestWithContext,
    body: ErrorBody,
  ): Promise<void> {
    if (body.statusCode < 400 || body.statusCode >= 500 || isAlreadyAudited(exception)) return;
    const described = refusalAuditOf(exception);
    // A refusal the guard described was judged on the token already: it names the actor itself.
    const actor =
      described || request.actor ? actorOf(request) : await this.bearer.actorOf(request);
    const admitted =
      actor.username === 'anonymous'
        ? this.limiter.admit(actor.ip ?? 'unknown', this.clock())
        : { write: true, due: [] };
    if (!admitted.write && admitted.due.length === 0) return;
    const route = routeOf(request).slice(0, ROUTE_MAX_LENGTH);
    const status = body.statusCode;
    await this.uow.write(async (manager) => {
      for (const summary of admitted.due)
        await this.audit.record(manager, summaryEvent(summary, this.limiter.perMinute));
      if (!admitted.write) return;
      await this.audit.record(manager, {
        actor,
        action: described?.action ?? refusalAction(route, status),
        outcome: status === 401 || status === 403 || status === 429 ? 'DENIED' : 'REJECTED',
        participantId: participantIdOf(request),
        reason: described?.reason ?? body.message,
        details: { ...described?.details, route, status, code: body.code },
      });
    });
  }

  /** Writes the summaries of minutes that have ended; run by the timer. */
  async flushSuppressed(): Promise<void> {
    const due = this.limiter.flush(this.clock());
    if (due.length === 0) return;
    try {
      await this.uow.write(async (manager) => {
        for (const summary of due)
          await this.audit.record(manager, summaryEvent(summary, this.limiter.perMinute));
      });
    } catch (error) {
      this.logger.error(`Could not record suppressed refusals: ${(error as Error).message}`);
    }
  }
}

function summaryEvent(summary: SuppressedRefusals, limit: number): AuditEvent {
  return {
    actor: anonymousActor(summary.address, null),
    action: 'REFUSALS_SUPPRESSED',
    outcome: 'DENIED',
    reason: `${summary.count} anonymous refusals from this address in the minute from ${summary.minute} were counted, not written (limit ${limit} a minute)`,
    details: { count: summary.count, minute: summary.minute, limit },
  };
}
