import { Injectable, Param, PipeTransform } from '@nestjs/common';
import { InvalidInput } from './domain-errors';

/**
 * The longest participant id a route takes: a trial file's prefix (at most 16) and number fit
 * well within it, and so does every id the audit log records (audit-query.dto.ts, audit.service.ts).
 */
export const PARTICIPANT_ID_MAX_LENGTH = 64;

/**
 * The `:id` of a participant route, bounded before any service sees it. An unknown id of any
 * length was answered 404 "No participant <id>", so a 5,000-character path came back whole in
 * the body and in the audit entry's reason; a longer id is now a 400 VALIDATION_FAILED whose
 * message says how long it was, never what it was (the filter audits it, as REQUEST_REJECTED,
 * with at most the first 64 characters in details.requestedParticipantId).
 */
@Injectable()
export class ParticipantIdPipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    if (typeof value !== 'string') throw new InvalidInput('The participant id is missing');
    if (value.length > PARTICIPANT_ID_MAX_LENGTH) {
      throw new InvalidInput(
        `The participant id in the path has ${value.length} characters; a participant id has at most ${PARTICIPANT_ID_MAX_LENGTH}`,
      );
    }
    return value;
  }
}

/** The participant id of the route, bounded: every participant route takes its `:id` so. */
export const ParticipantIdParam = (): ParameterDecorator => Param('id', ParticipantIdPipe);
