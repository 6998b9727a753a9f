import { PipeTransform } from '@nestjs/common';
import { AuditAction } from '../audit/audit-actions';
import { InvalidInput } from '../common/domain-errors';
import { auditRefusalAs } from '../common/refusal-audit';
import { ENVELOPE_LABEL, parseEnvelopeLabel } from './opening-code';

/** How much of a refused envelope number a message quotes: enough to recognise a typing slip. */
export const QUOTED_PREFIX = 16;

/** A refused value as a message quotes it: a bounded prefix, and its length past that. */
export function quotedPrefix(value: string): string {
  if (value.length <= QUOTED_PREFIX) return JSON.stringify(value);
  return `${JSON.stringify(value.slice(0, QUOTED_PREFIX))}… (${value.length} characters)`;
}

/**
 * The envelope number of a route (`ENV-0001`: ENV- and 4 to 6 digits, from 1). Anything else is
 * a 400 VALIDATION_FAILED before any transaction, recorded by the exception filter (the one
 * refusal path) as the route's refusal action, and neither the answer nor the entry quotes more than a short prefix
 * of what was sent (a path can be kilobytes long).
 */
export class EnvelopeNumberPipe implements PipeTransform<unknown, string> {
  constructor(private readonly refusedAs: AuditAction) {}

  transform(value: unknown): string {
    const text = typeof value === 'string' ? value : '';
    // Exactly the label: no white space around it, none of the forms trim() would forgive.
    if (ENVELOPE_LABEL.test(text) && parseEnvelopeLabel(text) !== undefined) return text;
    const message = `The envelope number must read like ENV-0001 (ENV- and 4 to 6 digits, from 0001): ${quotedPrefix(text)} is not one`;
    throw auditRefusalAs(new InvalidInput(message), {
      action: this.refusedAs,
      reason: message,
    });
  }
}
