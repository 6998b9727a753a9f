import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AuditService } from '../audit/audit.service';
import { UnitOfWork } from '../database/unit-of-work';
import {
  DomainError,
  DomainErrorKind,
  ErrorCode,
  InvalidInput,
  StorageUnavailable,
} from './domain-errors';
import { participantIdOf, RequestWithContext, routeOf } from './request-context';

/** The one place where domain error kinds become HTTP status codes. */
export const HTTP_STATUS_OF: Record<DomainErrorKind, number> = {
  'invalid-input': HttpStatus.BAD_REQUEST,
  unauthenticated: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  'not-found': HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  'payload-too-large': HttpStatus.PAYLOAD_TOO_LARGE,
  'unsupported-media-type': HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  unprocessable: HttpStatus.UNPROCESSABLE_ENTITY,
  throttled: HttpStatus.TOO_MANY_REQUESTS,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

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

/**
 * Turns every error into `{statusCode, error, code, message}`; the cause of a 500 goes only to the log.
 * Input refused by validation on a request about one participant is audited here
 * (REQUEST_REJECTED): the guard audits refused access, the services their own refusals.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly audit: AuditService,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const request = context.getRequest<RequestWithContext>();
    const response = context.getResponse<Response>();
    const body = errorBodyOf(exception, request.requestId);
    if (body.statusCode === 503) {
      this.logger.error(
        `request ${request.requestId ?? '?'} ${request.method} ${request.path}: ${body.message}`,
      );
    } else if (body.statusCode >= 500) {
      this.logger.error(
        `request ${request.requestId ?? '?'} ${request.method} ${request.path}: ${(exception as Error)?.stack ?? String(exception)}`,
      );
    }
    const send = () => {
      if (response.headersSent) response.end();
      else {
        if (exception instanceof StorageUnavailable) {
          response.setHeader('Retry-After', String(exception.retryAfterSeconds));
        }
        response.status(body.statusCode).json(body);
      }
    };
    this.auditRejectedInput(exception, request, body).then(send, (error: unknown) => {
      this.logger.error(`Could not audit a rejected request: ${(error as Error).message}`);
      send();
    });
  }

  private async auditRejectedInput(
    exception: unknown,
    request: RequestWithContext,
    body: ErrorBody,
  ): Promise<void> {
    const participantId = participantIdOf(request);
    const actor = request.actor;
    if (!(exception instanceof HttpException) || body.statusCode >= 500) return;
    if (!actor || participantId === null) return;
    await this.uow.write((manager) =>
      this.audit.record(manager, {
        actor,
        action: 'REQUEST_REJECTED',
        outcome: 'REJECTED',
        participantId,
        reason: body.message,
        details: { route: routeOf(request) },
      }),
    );
  }
}
