/**
 * Errors the business rules raise, each with a kind and a stable `code`; http-exception.filter.ts
 * maps kinds to HTTP status codes in one place. Messages are for the user: say what is wrong and
 * what to do. The code (UPPER_SNAKE, listed in ERROR_CODES) lets a client show its own words.
 */
export type DomainErrorKind =
  | 'invalid-input'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'payload-too-large'
  | 'unsupported-media-type'
  | 'unprocessable'
  | 'throttled'
  | 'unavailable';

/**
 * Every code a 4xx or 503 body can carry, with what it means. The OpenAPI document lists them;
 * a code not in this table is a bug (see http-exception.filter.spec.ts).
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: 'The request body, query or path failed validation',
  INVALID_JSON: 'The request body is not valid JSON',
  BODY_TOO_LARGE: 'The request body is larger than the limit',
  UNSUPPORTED_MEDIA_TYPE: 'A request body must be sent as application/json',
  UNAUTHENTICATED: 'No valid token, or a wrong username or password',
  ACCOUNT_DISABLED: 'The account is disabled (said only after the right password was given)',
  TOKEN_EXPIRED: 'The token has expired; refresh the session or sign in again',
  SESSION_EXPIRED: 'The session passed its idle or absolute limit; sign in again',
  TOKEN_REVOKED: 'The token was revoked (sign-out, refresh, new password or disabled account)',
  FORBIDDEN: 'None of your roles grants this action',
  NOT_FOUND: 'No such resource',
  ROUTE_NOT_FOUND: 'No such route',
  CONFLICT: 'The request conflicts with the current state',
  NOT_ELIGIBLE: 'The participant does not meet the eligibility criteria',
  ALREADY_ALLOCATED: 'The participant is already allocated',
  NOT_ALLOCATED: 'The participant has not been allocated yet',
  NO_LIST: 'The randomization list has not been generated',
  LIST_EXISTS: 'The randomization list has already been generated',
  LIST_EXHAUSTED: 'No free slot is left in the participant’s stratum',
  LIST_INTEGRITY_FAILED: 'The stored list failed its integrity check; allocation is blocked',
  NOT_LOCKED: 'The action is possible only after the study is locked',
  STUDY_LOCKED: 'The study is locked',
  TARGET_REACHED: 'Registration is closed: the target size is reached',
  DUPLICATE: 'A resource with this identity already exists',
  NO_CHANGE: 'The correction changes nothing: every value given equals the registered one',
  STRATUM_FIXED: 'The participant is allocated: the strata that chose its list cannot change',
  ALREADY_WITHDRAWN: 'The participant has already been withdrawn',
  WITHDRAWN: 'The participant has been withdrawn and cannot be allocated',
  LAST_ADMIN: 'The change would leave no active admin to manage users',
  SIGNATURE_FAILED: 'The re-entered password (electronic signature) is wrong',
  SELF_REVIEW: 'An unblinding cannot be reviewed by the user who did it',
  ALREADY_GUESSED:
    'This guesser’s guess for this participant is already recorded; a guess is never changed',
  GUESSER_NOT_BLINDED:
    'A user who holds or ever held a role that sees allocations (pharmacist, unblinder) cannot record a guess',
  SEAL_BROKEN:
    'The participant was unblinded: a guess of the allocation can no longer be recorded for them',
  INVALID_DESIGN: 'The list design breaks a rule of the trial file’s randomization section',
  SIMULATION_TOO_LARGE: 'The simulation asks for more runs or slots than one request may take',
  TRAINING_ONLY:
    'Possible only on a practice instance (TRAINING=true); a clinical list can never be reset',
  ENVELOPE_NOT_FOUND: 'No downtime envelope has this number',
  ENVELOPE_USED: 'The downtime envelope has already been used for a participant',
  ENVELOPE_VOIDED:
    'The downtime envelope was voided (on its own, lost or damaged, or at the study lock) and can no longer be printed or used',
  ENVELOPE_NOT_PRINTED: 'The downtime envelope was never printed, so it has no opening code',
  ENVELOPE_WRONG_STRATUM: 'The downtime envelope belongs to another stratum than the participant',
  ENVELOPE_CODE_WRONG: 'The opening code does not match the one printed inside the envelope',
  OPENING_TIME_INVALID: 'The time of opening is in the future, or before the envelope was printed',
  THROTTLED: 'Too many attempts; wait and try again',
  STORAGE_UNAVAILABLE: 'The database could not store the change; retry later',
  SIMULATION_UNAVAILABLE:
    'The simulation’s worker thread stopped before it answered; nothing was stored, retry later',
  BLINDING_KEY_ROTATED:
    'The blinding key was rotated: this server holds the old key and must be restarted with the new one',
  NOT_READY: 'A readiness check failed (GET /api/health/ready names it): do not route work here',
  INTERNAL_ERROR: 'An unexpected error; quote the request id to the administrator',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * The one place where domain error kinds become HTTP status codes (the filter answers with it;
 * a service's own refusal entry records it).
 */
export const HTTP_STATUS_OF: Record<DomainErrorKind, number> = {
  'invalid-input': 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  unprocessable: 422,
  throttled: 429,
  unavailable: 503,
};

/** The code of a kind when the error names none of its own. */
export const DEFAULT_CODE_OF: Record<DomainErrorKind, ErrorCode> = {
  'invalid-input': 'VALIDATION_FAILED',
  unauthenticated: 'UNAUTHENTICATED',
  forbidden: 'FORBIDDEN',
  'not-found': 'NOT_FOUND',
  conflict: 'CONFLICT',
  'payload-too-large': 'BODY_TOO_LARGE',
  'unsupported-media-type': 'UNSUPPORTED_MEDIA_TYPE',
  unprocessable: 'VALIDATION_FAILED',
  throttled: 'THROTTLED',
  unavailable: 'STORAGE_UNAVAILABLE',
};

export interface DomainErrorOptions {
  code?: ErrorCode;
  /** Extra fields merged into the error body, e.g. `failed` for an ineligible participant. */
  body?: Record<string, unknown>;
  /** A 503's Retry-After header, in seconds: the client may try again after that long. */
  retryAfterSeconds?: number;
}

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly body: Record<string, unknown>;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    options: DomainErrorOptions = {},
  ) {
    super(message);
    this.name = new.target.name;
    this.code = options.code ?? DEFAULT_CODE_OF[kind];
    this.body = options.body ?? {};
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export class InvalidInput extends DomainError {
  constructor(message: string, code: ErrorCode = 'VALIDATION_FAILED') {
    super('invalid-input', message, { code });
  }
}

export class NotFound extends DomainError {
  constructor(message: string, code: ErrorCode = 'NOT_FOUND') {
    super('not-found', message, { code });
  }
}

export class Conflict extends DomainError {
  constructor(message: string, code: ErrorCode = 'CONFLICT') {
    super('conflict', message, { code });
  }
}

export class Unauthenticated extends DomainError {
  constructor(message: string, code: ErrorCode = 'UNAUTHENTICATED') {
    super('unauthenticated', message, { code });
  }
}

export class Forbidden extends DomainError {
  constructor(message: string, code: ErrorCode = 'FORBIDDEN') {
    super('forbidden', message, { code });
  }
}

export class Throttled extends DomainError {
  constructor(message: string) {
    super('throttled', message);
  }
}

export class UnsupportedMediaType extends DomainError {
  constructor(message = 'A request body must be sent with Content-Type: application/json') {
    super('unsupported-media-type', message);
  }
}

/**
 * The database could not take the change (disk full, file unwritable, removed or replaced).
 * Answered 503 with Retry-After: nothing was stored, the client may retry.
 */
export class StorageUnavailable extends DomainError {
  constructor(cause: string, retryAfterSeconds = 30) {
    super('unavailable', `The database could not store the change: ${cause}`, {
      retryAfterSeconds,
    });
  }
}

/**
 * The sealed values are under a newer blinding key than this server holds (a `key rotate` ran
 * while it was up). Answered 503: nothing was stored, another server (restarted with the new key)
 * can take the request.
 */
export class BlindingKeyRotated extends DomainError {
  constructor(serverVersion: number, databaseVersion: number) {
    super(
      'unavailable',
      `The blinding key was rotated to version ${databaseVersion}; this server holds version ${serverVersion} ` +
        'and must be restarted with the new key',
      { code: 'BLINDING_KEY_ROTATED' },
    );
  }
}
