import { describe, expect, it } from 'vitest';
import { ServiceError } from '../common/service-error.js';
import { httpStatusOf, refusalOf, restErrorBody } from './errors.js';
import { JsonSyntaxError } from './national/exact-json.js';

const limits = { bodyLimitBytes: 1024 };

describe(httpStatusOf.name, () => {
  it.each([
    ['INVALID_INPUT', 400],
    ['UNAUTHENTICATED', 401],
    ['FORBIDDEN', 403],
    ['NOT_FOUND', 404],
    ['IDEMPOTENCY_CONFLICT', 409],
    ['ALREADY_REVERSED', 409],
    ['PAYLOAD_TOO_LARGE', 413],
    ['UNSUPPORTED_MEDIA_TYPE', 415],
    ['POLICY_GAP', 422],
    ['RATE_LIMITED', 429],
    ['UNAVAILABLE', 503],
  ] as const)('%s → %d', (code, status) => expect(httpStatusOf(code)).toBe(status));
});

describe(refusalOf.name, () => {
  it('keeps a ServiceError as it is', () => {
    const e = new ServiceError('NOT_FOUND', 'no such', 'psn_no');
    expect(refusalOf(e, limits)).toBe(e);
  });

  it.each([
    [
      { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 },
      'PAYLOAD_TOO_LARGE',
      '',
      /larger than 1024 bytes/,
    ],
    [
      { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 },
      'UNSUPPORTED_MEDIA_TYPE',
      'content-type',
      /application\/json/,
    ],
    [{ code: 'FST_ERR_CTP_EMPTY_JSON_BODY', statusCode: 400 }, 'INVALID_INPUT', '', /empty/],
    [{ code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400 }, 'INVALID_INPUT', '', /not valid JSON/],
    [
      new JsonSyntaxError('duplicate key "a"', 7),
      'INVALID_INPUT',
      '',
      /not valid JSON: duplicate key "a" at character 7/,
    ],
    [{ statusCode: 400, message: 'Bad Request' }, 'INVALID_INPUT', '', /Bad Request/],
  ])('turns Fastify error %j into %s', (error, code, path, message) => {
    const r = refusalOf(error, limits)!;
    expect(r).toMatchObject({ code, path });
    expect(r.message).toMatch(message);
  });

  it('names the field of a schema validation error', () => {
    const missing = {
      statusCode: 400,
      validationContext: 'body',
      validation: [
        {
          instancePath: '/lines/0',
          message: "must have required property 'code'",
          params: { missingProperty: 'code' },
        },
      ],
    };
    expect(refusalOf(missing, limits)).toMatchObject({ code: 'INVALID_INPUT', path: 'lines[0].code' });
    const wrong = {
      statusCode: 400,
      validation: [{ instancePath: '/amount', message: 'must be integer', params: {} }],
    };
    expect(refusalOf(wrong, limits)).toMatchObject({
      path: 'amount',
      message: 'body amount must be integer',
    });
  });

  it('answers null for a fault of ours (a 500, logged)', () => {
    expect(refusalOf(new TypeError('x is undefined'), limits)).toBeNull();
    expect(refusalOf({ statusCode: 500 }, limits)).toBeNull();
    expect(refusalOf(undefined, limits)).toBeNull();
  });
});

describe(restErrorBody.name, () => {
  it('carries code, message, path and request id', () => {
    expect(restErrorBody(new ServiceError('NOT_FOUND', 'no person P9', 'psn_no'), 'r-1')).toEqual({
      error: { code: 'NOT_FOUND', message: 'no person P9', path: 'psn_no', requestId: 'r-1' },
    });
  });
});
