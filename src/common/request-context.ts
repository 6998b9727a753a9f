import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { Actor, anonymousActor } from './actor';

/** What the server attaches to a request: its id, and the actor once authenticated. */
export interface RequestWithContext extends Request {
  requestId?: string;
  actor?: Actor;
}

export const REQUEST_ID_HEADER = 'X-Request-Id';
const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** The id of the request being handled, for log lines written anywhere during it. */
const currentRequest = new AsyncLocalStorage<{ requestId: string }>();

export function currentRequestId(): string | undefined {
  return currentRequest.getStore()?.requestId;
}

/**
 * Gives every request an id (a caller's own safe id is kept) and echoes it in the response.
 *
 * With `logLinesCarryId` (LOG_FORMAT=json, whose lines have a `requestId` field) the rest of the
 * request runs inside the id, so a log line written anywhere while handling it carries it. Only
 * then: on Node 20 an AsyncLocalStorage in use hooks every promise of the process, which cost
 * about a seventh of an allocation's CPU (docs/performance.md, "SQLite allocations after the repository change"), and
 * the text format's lines do not show the id.
 */
export function requestIdMiddleware(options: {
  logLinesCarryId: boolean;
}): (req: RequestWithContext, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    const incoming = req.header(REQUEST_ID_HEADER);
    const requestId = incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    req.requestId = requestId;
    res.setHeader(REQUEST_ID_HEADER, requestId);
    if (options.logLinesCarryId) currentRequest.run({ requestId }, next);
    else next();
  };
}

export function actorOf(req: RequestWithContext): Actor {
  return req.actor ?? anonymousActor(req.ip ?? null, req.requestId ?? null);
}

/** The route a request matched, as the audit log names it: `POST /api/participants/:id/allocation`. */
export function routeOf(req: RequestWithContext): string {
  const path = (req.route as { path?: string } | undefined)?.path ?? req.path;
  return `${req.method} ${req.baseUrl}${path}`;
}

/** The participant a request is about (its `:id`), so a monitor can filter refusals by participant. */
export function participantIdOf(req: RequestWithContext): string | null {
  const id = (req.params as Record<string, unknown> | undefined)?.id;
  return typeof id === 'string' ? id : null;
}
