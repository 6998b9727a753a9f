import type { NextFunction, Request, Response } from 'express';
import { TRAINING_HEADER } from './training';

/**
 * Installed only in a practice instance: every response, exports and printed sheets included,
 * says `X-Training: true`, so that a client or a proxy log can tell practice data from clinical
 * data without reading a body (the audit export's formats stay as they are).
 */
export function markTrainingResponses(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader(TRAINING_HEADER, 'true');
  next();
}
