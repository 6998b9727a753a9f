import { AsyncResource } from 'node:async_hooks';
import { Logger } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import { RequestWithContext, routeOf } from '../common/request-context';

const logger = new Logger('Http');

/** An unmatched path is the caller's text, of any length. */
const ROUTE_MAX_LENGTH = 256;

/**
 * At LOG_LEVEL=debug, one line per answered request: the route as matched (`:id`, never the id),
 * the status and the time taken. Placed after the request id middleware, and bound to the
 * request's context, so the line carries the request id in LOG_FORMAT=json.
 */
export function accessLogMiddleware(
  req: RequestWithContext,
  res: Response,
  next: NextFunction,
): void {
  const started = process.hrtime.bigint();
  res.once(
    'finish',
    AsyncResource.bind(() => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.debug(
        `${routeOf(req).slice(0, ROUTE_MAX_LENGTH)} ${res.statusCode} ${ms.toFixed(1)} ms`,
      );
    }),
  );
  next();
}
