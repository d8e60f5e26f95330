/**
 * The stable codes a service refuses with. Every refusal writes nothing; the API and the CLI turn
 * it into a message with the code and the field path, never a stack trace.
 */
export type ServiceErrorCode =
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'IDEMPOTENCY_CONFLICT'
  | 'ALREADY_REVERSED'
  | 'PERIOD_CLOSED'
  | 'INSUFFICIENT_BALANCE'
  | 'ENROLMENT_NOT_ACTIVE'
  | 'INSTITUTION_NOT_ACTIVE'
  | 'UNKNOWN_CATALOGUE_CODE'
  | 'POLICY_GAP'
  | 'INVALID_CLAIM'
  | 'ALREADY_POSTED'
  | 'MERGE_REFUSED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'TIMEOUT'
  | 'VISIT_SETTLED'
  | 'UNAVAILABLE';

/** A refusal by a service function: a code, a message a person can act on, the field path. */
export class ServiceError extends Error {
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    readonly path = '',
  ) {
    super(message);
    this.name = 'ServiceError';
  }

  toJSON(): { code: ServiceErrorCode; message: string; path: string } {
    return { code: this.code, message: this.message, path: this.path };
  }
}

/** The first field path and message of a zod error, as a ServiceError. */
export function invalidInput(path: string, message: string): ServiceError {
  return new ServiceError('INVALID_INPUT', message, path);
}
