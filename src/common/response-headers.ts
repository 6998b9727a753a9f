import type { NextFunction, Request, Response } from 'express';

/**
 * Headers a response must never carry (SPEC section 4): an ETag is a hash of the body, and both
 * are validators that make a cache or a conditional request tell one body from another. For an
 * answer whose only secret is the limb, either gives the limb to whoever sees the headers.
 */
export const BODY_DERIVED_HEADERS: readonly string[] = ['etag', 'last-modified'];

/**
 * Drops those headers whoever sets them. Express's own ETag is switched off in app.factory.ts;
 * this also covers the static middleware that SwaggerModule mounts for the UI's files, whose
 * options the application cannot reach. The conditional request headers are dropped too: with no
 * validator to compare, Express would still answer `If-None-Match: *` with an empty 304, and a
 * limb-bearing GET is audited as read whether or not its body was sent.
 */
export function withoutBodyDerivedHeaders(
  request: Request,
  response: Response,
  next: NextFunction,
): void {
  delete request.headers['if-none-match'];
  delete request.headers['if-modified-since'];
  const setHeader = response.setHeader.bind(response);
  response.setHeader = (name: string, value: number | string | readonly string[]) =>
    BODY_DERIVED_HEADERS.includes(name.toLowerCase()) ? response : setHeader(name, value);
  next();
}
