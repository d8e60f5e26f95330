import { createHmac, timingSafeEqual } from 'node:crypto';
import { ServiceError } from '../../common/service-error.js';

/**
 * Request signing of institutions (pure). A caller sends four headers: its institution code, the
 * Unix time in seconds, a fresh nonce, and the hex HMAC-SHA256, under its secret, of the bytes of
 * timestamp + nonce followed by the raw body bytes exactly as sent.
 */

export const SIGNATURE_HEADERS = {
  institution: 'x-tc-institution',
  timestamp: 'x-tc-timestamp',
  nonce: 'x-tc-nonce',
  signature: 'x-tc-signature',
} as const;

export interface SignedHeaders {
  institution: string;
  timestamp: string;
  nonce: string;
  signature: string;
}

const HEADER_RULES: Record<keyof SignedHeaders, { pattern: RegExp; what: string }> = {
  institution: { pattern: /^[\x21-\x7e]{1,30}$/, what: 'the institution code (fixmedins_code)' },
  timestamp: { pattern: /^\d{1,12}$/, what: 'the Unix time in whole seconds' },
  nonce: { pattern: /^[A-Za-z0-9_-]{16,64}$/, what: 'a fresh random text of 16–64 letters, digits, _ or -' },
  signature: { pattern: /^[0-9a-fA-F]{64}$/, what: 'the hex HMAC-SHA256 (64 hex digits)' },
};

function refuse(path: string, message: string): never {
  throw new ServiceError('UNAUTHENTICATED', message, path);
}

/** The four signing headers, each checked for form; a missing or malformed one is refused by name. */
export function readSignedHeaders(headers: Record<string, string | string[] | undefined>): SignedHeaders {
  const out = {} as SignedHeaders;
  for (const key of Object.keys(HEADER_RULES) as (keyof SignedHeaders)[]) {
    const name = SIGNATURE_HEADERS[key];
    const value = headers[name];
    const rule = HEADER_RULES[key];
    if (value === undefined) refuse(name, `header ${name} is required: ${rule.what}`);
    if (typeof value !== 'string' || !rule.pattern.test(value))
      refuse(name, `header ${name} must be ${rule.what}`);
    out[key] = value;
  }
  return out;
}

/** The bytes an institution signs: timestamp and nonce as UTF-8, then the body as received. */
export function signedBytes(timestamp: string, nonce: string, body: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(timestamp + nonce, 'utf8'), body]);
}

/** The hex HMAC-SHA256 of a request under a secret (the secret's text as the key). */
export function signRequest(secret: string, timestamp: string, nonce: string, body: Uint8Array): string {
  return createHmac('sha256', secret)
    .update(signedBytes(timestamp, nonce, body))
    .digest('hex');
}

/** Whether a signature is the request's HMAC under the secret, compared in constant time. */
export function signatureMatches(secret: string, h: SignedHeaders, body: Uint8Array): boolean {
  const expected = Buffer.from(signRequest(secret, h.timestamp, h.nonce, body), 'hex');
  const given = Buffer.from(h.signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Refuse a timestamp further than windowS seconds from now (either way): a stale or early request. */
export function checkTimestamp(timestamp: string, nowMs: number, windowS: number): number {
  const seconds = Number(timestamp);
  const skew = Math.round(seconds - nowMs / 1000);
  if (Math.abs(skew) > windowS) {
    refuse(
      SIGNATURE_HEADERS.timestamp,
      `header ${SIGNATURE_HEADERS.timestamp} is ${Math.abs(skew)} s ${skew < 0 ? 'behind' : 'ahead of'} the server's time; ` +
        `requests are accepted within ${windowS} s: sign each request when it is sent, with a synchronised clock`,
    );
  }
  return seconds;
}
