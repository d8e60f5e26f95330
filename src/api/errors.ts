import { ServiceError, type ServiceErrorCode } from '../common/service-error.js';
import { JsonSyntaxError } from './national/exact-json.js';

/**
 * The one mapping of refusals to HTTP: a ServiceError's code to a status, and Fastify's own
 * errors (body too large, wrong content type, bad JSON, schema validation) to ServiceErrors, so
 * that every refusal has the same shape. Anything else is an internal error: a 500 that names the
 * request id and says nothing of the cause (the log has it).
 */

/** The HTTP status of each code; a code added later without one is a business refusal, 422. */
const STATUS: Partial<Record<ServiceErrorCode, number>> = {
  INVALID_INPUT: 400,
  INVALID_CLAIM: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  IDEMPOTENCY_CONFLICT: 409,
  ALREADY_REVERSED: 409,
  ALREADY_POSTED: 409,
  PERIOD_CLOSED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INSUFFICIENT_BALANCE: 422,
  ENROLMENT_NOT_ACTIVE: 422,
  INSTITUTION_NOT_ACTIVE: 422,
  UNKNOWN_CATALOGUE_CODE: 422,
  POLICY_GAP: 422,
  MERGE_REFUSED: 422,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  TIMEOUT: 503,
};

export function httpStatusOf(code: ServiceErrorCode): number {
  return STATUS[code] ?? 422;
}

/** The body of a REST refusal. */
export interface RestError {
  error: { code: string; message: string; path: string; requestId: string };
}

/** A refusal as answered: a ServiceError's code, or INTERNAL for a fault of ours. */
export interface RefusalFields {
  code: string;
  message: string;
  path: string;
}

export function restErrorBody(e: RefusalFields, requestId: string): RestError {
  return { error: { code: e.code, message: e.message, path: e.path, requestId } };
}

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message?: string;
  validation?: { instancePath?: string; message?: string; params?: Record<string, unknown> }[];
  validationContext?: string;
}

function validationRefusal(e: FastifyLikeError): ServiceError {
  const first = e.validation![0]!;
  const where = e.validationContext ?? 'body';
  let path = (first.instancePath ?? '')
    .replace(/^\//, '')
    .replaceAll('/', '.')
    .replace(/\.(\d+)(?=\.|$)/g, '[$1]');
  const missing = first.params?.missingProperty;
  if (typeof missing === 'string') path = path ? `${path}.${missing}` : missing;
  return new ServiceError(
    'INVALID_INPUT',
    `${where} ${path || 'value'} ${first.message ?? 'is not valid'}`.trim(),
    path,
  );
}

/**
 * The refusal an error stands for, or null when it is not a refusal of the request (a fault of
 * ours: the caller answers 500 and logs it).
 */
export function refusalOf(error: unknown, limits: { bodyLimitBytes: number }): ServiceError | null {
  if (error instanceof ServiceError) return error;
  if (error instanceof JsonSyntaxError)
    return new ServiceError('INVALID_INPUT', `the body is not valid JSON: ${error.message}`, '');
  const e = (error ?? {}) as FastifyLikeError;
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ServiceError(
        'PAYLOAD_TOO_LARGE',
        `the body is larger than ${limits.bodyLimitBytes} bytes`,
        '',
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ServiceError('UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json', 'content-type');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ServiceError('INVALID_INPUT', 'the body is empty; send a JSON object', '');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ServiceError('INVALID_INPUT', 'the body is not valid JSON', '');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ServiceError(
        'INVALID_INPUT',
        'the Content-Length header does not match the body',
        'content-length',
      );
  }
  if (e.validation && e.validation.length > 0) return validationRefusal(e);
  // Any other error Fastify marks as the client's (4xx) is a refusal too, never a 500.
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new ServiceError('INVALID_INPUT', e.message ?? 'the request is not valid', '');
  }
  return null;
}

/** The message of an internal error: no cause, only what to quote when reporting it. */
export function internalMessage(requestId: string): string {
  return `an internal error occurred; quote request id ${requestId} when reporting it`;
}
