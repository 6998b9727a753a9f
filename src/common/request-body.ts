import type { NextFunction, Request, Response } from 'express';
import { UnsupportedMediaType } from './domain-errors';

/** Methods whose body, if any, the server never reads. */
const BODILESS_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether a Content-Type names JSON: `application/json`, with parameters such as a charset. */
export function isJsonContentType(contentType: string): boolean {
  return contentType.split(';')[0].trim().toLowerCase() === 'application/json';
}

/**
 * Every request body is JSON, declared as such (SPEC section 4): anything else is a 415 before
 * any parser or route sees it. A form body (`curl -d seed=abc`) once generated the list, which
 * cannot be undone. A request that declares no Content-Type is accepted only with an empty body,
 * so a bodiless POST (allocation) still works without one; a chunked body of unknown length is
 * read up to its first byte to tell.
 */
export function jsonBodiesOnly(request: Request, _response: Response, next: NextFunction): void {
  if (BODILESS_METHODS.has(request.method)) return next();
  const contentType = request.headers['content-type'];
  if (contentType !== undefined) {
    return next(isJsonContentType(contentType) ? undefined : new UnsupportedMediaType());
  }
  const length = request.headers['content-length'];
  if (request.headers['transfer-encoding'] === undefined) {
    return next(
      length === undefined || Number(length) === 0 ? undefined : new UnsupportedMediaType(),
    );
  }
  let decided = false;
  const decide = (error?: unknown) => {
    if (decided) return;
    decided = true;
    request.off('data', onData);
    // The rest of a refused body is read and dropped, so the answer can be sent.
    request.resume();
    next(error);
  };
  const onData = (chunk: Buffer) => {
    if (chunk.length > 0) decide(new UnsupportedMediaType());
  };
  request.on('data', onData);
  request.once('end', () => decide());
  request.once('error', (error) => decide(error));
}
