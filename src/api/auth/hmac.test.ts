import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkTimestamp, readSignedHeaders, signatureMatches, signedBytes, signRequest } from './hmac.js';

/**
 * The worked example of docs/api.md. Its signature was computed outside Node, with
 * `(printf '%s' "$TS$NONCE"; cat body.json) | openssl dgst -sha256 -hmac "$SECRET"`.
 */
const EXAMPLE = {
  secret: 'e1b0c4429a8f7d3b6c5e2f1a0d9c8b7a6e5f4d3c2b1a09f8e7d6c5b4a3928170',
  timestamp: '1741572000',
  nonce: 'a3f1c2d4e5b6978812345678',
  body:
    '{"infno":"9001","msgid":"H00220250310100000000001","mdtrtarea_admvs":"350400","insuplc_admdvs":"350400",' +
    '"recer_sys_code":"TC","opter":"OP01","opter_type":"1","fixmedins_code":"H002","sign_no":"",' +
    '"inf_time":"2025-03-10 10:00:00","input":{"signIn":{"opter_no":"OP01","mac":"00-16-3E-00-00-01","ip":"10.0.0.8"}}}',
  signature: '7c1aa53f3fca430efb2633c28ead2e02e26d9fd92406e655340d5a2a8dfb164b',
};

const headers = (over: Record<string, string | undefined> = {}) => ({
  'x-tc-institution': 'H002',
  'x-tc-timestamp': EXAMPLE.timestamp,
  'x-tc-nonce': EXAMPLE.nonce,
  'x-tc-signature': EXAMPLE.signature,
  ...over,
});

describe('request signing', () => {
  const body = Buffer.from(EXAMPLE.body, 'utf8');

  it('signs timestamp + nonce + raw body as the documented example (computed with openssl)', () => {
    expect(body.length).toBe(309);
    expect(signRequest(EXAMPLE.secret, EXAMPLE.timestamp, EXAMPLE.nonce, body)).toBe(EXAMPLE.signature);
    expect(signedBytes(EXAMPLE.timestamp, EXAMPLE.nonce, body).toString('utf8')).toBe(
      `${EXAMPLE.timestamp}${EXAMPLE.nonce}${EXAMPLE.body}`,
    );
  });

  it('verifies the right signature (in either hex case) and nothing else', () => {
    const h = readSignedHeaders(headers());
    expect(signatureMatches(EXAMPLE.secret, h, body)).toBe(true);
    expect(signatureMatches(EXAMPLE.secret, { ...h, signature: h.signature.toUpperCase() }, body)).toBe(true);
    const changed = Buffer.from(body);
    changed[changed.length - 3]! ^= 1;
    expect(signatureMatches(EXAMPLE.secret, h, changed)).toBe(false);
    expect(signatureMatches(`${EXAMPLE.secret.slice(0, -1)}1`, h, body)).toBe(false);
    expect(signatureMatches(EXAMPLE.secret, { ...h, nonce: `${h.nonce}x` }, body)).toBe(false);
    const other = createHmac('sha256', EXAMPLE.secret).update(body).digest('hex'); // body alone: not it
    expect(signatureMatches(EXAMPLE.secret, { ...h, signature: other }, body)).toBe(false);
  });

  it.each([
    ['x-tc-institution', undefined, /header x-tc-institution is required/],
    ['x-tc-timestamp', '1741572000.5', /whole seconds/],
    ['x-tc-nonce', 'short', /16–64 letters/],
    ['x-tc-nonce', 'x'.repeat(65), /16–64 letters/],
    ['x-tc-signature', 'abc', /64 hex digits/],
  ])('refuses header %s = %j by name', (name, value, message) => {
    expect(() => readSignedHeaders(headers({ [name]: value }))).toThrow(
      expect.objectContaining({ code: 'UNAUTHENTICATED', path: name }),
    );
    expect(() => readSignedHeaders(headers({ [name]: value }))).toThrow(message);
  });

  it('accepts a timestamp within the window either way and refuses one outside it', () => {
    const now = 1741572000_000;
    expect(checkTimestamp('1741572300', now, 300)).toBe(1741572300);
    expect(checkTimestamp('1741571700', now, 300)).toBe(1741571700);
    expect(() => checkTimestamp('1741571699', now, 300)).toThrow(/301 s behind the server's time/);
    expect(() => checkTimestamp('1741572301', now, 300)).toThrow(/301 s ahead of the server's time/);
  });
});
