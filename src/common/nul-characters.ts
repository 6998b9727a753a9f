import type { NextFunction, Request, Response } from 'express';
import { InvalidInput } from './domain-errors';

/** How deep a body is walked: deeper than any body of this API, and bounded by the 64 kB limit. */
const MAX_DEPTH = 64;

/** Whether a parsed JSON value holds U+0000 in any string, key or value. */
export function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > MAX_DEPTH || typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some((item) => containsNul(item, depth + 1));
  return Object.entries(value).some(
    ([key, item]) => key.includes('\u0000') || containsNul(item, depth + 1),
  );
}

/**
 * No field of this API needs the character U+0000, and PostgreSQL's text cannot store it (SQLite's
 * can): a request that carries one in its path, query or body is refused with a 400 before any
 * route sees it, the same answer on both databases, instead of a 500 from the driver.
 */
export function refuseNulCharacters(
  request: Request,
  _response: Response,
  next: NextFunction,
): void {
  const url = request.originalUrl;
  if (/%00/i.test(url) || url.includes('\u0000') || containsNul(request.body)) {
    next(new InvalidInput('The request holds the character U+0000 (NUL), which no field accepts'));
    return;
  }
  next();
}
