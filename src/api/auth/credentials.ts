import { randomBytes } from 'node:crypto';
import { ServiceError } from '../../common/service-error.js';
import type { Database, Sql } from '../../db/index.js';
import { checkTimestamp, readSignedHeaders, signatureMatches, SIGNATURE_HEADERS } from './hmac.js';
import * as repo from './repository.js';

/**
 * Institution credentials: issued, listed and revoked by staff (the CLI for now), and checked on
 * every signed request. A credential's secret is shown once, when it is issued.
 */

export type CredentialRecord = repo.CredentialRow;

export interface IssuedCredential extends CredentialRecord {
  /** The secret to sign with: 64 hex digits, shown only now. */
  secret: string;
}

const INSTITUTION_CODE = /^[\x21-\x7e]{1,30}$/;

function requireCode(code: string): string {
  if (!INSTITUTION_CODE.test(code))
    throw new ServiceError(
      'INVALID_INPUT',
      'must be an institution code of 1–30 visible ASCII characters',
      'institution',
    );
  return code;
}

/** Issue a credential (key id and secret) to a designated institution. */
export async function createInstitutionCredential(
  db: Database,
  institutionCode: string,
): Promise<IssuedCredential> {
  const code = requireCode(institutionCode);
  const keyId = `tck_${randomBytes(8).toString('hex')}`;
  const secret = randomBytes(32).toString('hex');
  const row = await db.transaction((tx) =>
    repo.insertCredential(tx, { keyId, institutionCode: code, secret }),
  );
  if (!row) throw new ServiceError('NOT_FOUND', `no designated institution ${code}`, 'institution');
  return { ...row, secret };
}

/** Revoke a credential: requests signed with its secret are refused from now on. */
export async function revokeInstitutionCredential(db: Database, keyId: string): Promise<CredentialRecord> {
  return db.transaction(async (tx) => {
    const row = await repo.revokeCredential(tx, keyId);
    if (row) return row;
    const found = await repo.findCredential(tx, keyId);
    if (!found) throw new ServiceError('NOT_FOUND', `no credential ${keyId}`, 'keyId');
    throw new ServiceError(
      'ALREADY_EXISTS',
      `credential ${keyId} was already revoked at ${found.revokedAt}`,
      'keyId',
    );
  });
}

/** An institution's credentials, revoked ones included (never their secrets). */
export async function listInstitutionCredentials(
  db: Sql,
  institutionCode: string,
): Promise<CredentialRecord[]> {
  return repo.listCredentials(db, requireCode(institutionCode));
}

export interface SignedRequest {
  headers: Record<string, string | string[] | undefined>;
  /** The raw body bytes, exactly as received (empty when there is none). */
  body: Uint8Array;
}

/** A request's nonce, to be spent before the request acts. */
export interface PendingNonce {
  institution: string;
  nonce: string;
  /** When its timestamp leaves the window: after that a replay is refused as stale instead. */
  expiresAtMs: number;
}

export interface Authenticated {
  institution: string;
  keyId: string;
  nonce: PendingNonce;
}

/**
 * Check a signed request: the headers' form, the timestamp within ±windowS of now, and a signature
 * made with a credential of the institution that is not revoked. Writes nothing: the caller spends
 * the nonce before the request acts (the national interface does so with the message's first read,
 * national/repository.ts messageState), so a request refused before then writes nothing.
 */
export async function authenticate(
  db: Database,
  request: SignedRequest,
  nowMs: number,
  windowS: number,
): Promise<Authenticated> {
  const h = readSignedHeaders(request.headers);
  const seconds = checkTimestamp(h.timestamp, nowMs, windowS);
  const secrets = await repo.activeSecrets(db, h.institution);
  // Every active secret is tried, so the time taken does not tell which one (or whether any) exists.
  let keyId: string | null = null;
  for (const s of secrets) if (signatureMatches(s.secret, h, request.body) && keyId === null) keyId = s.keyId;
  if (keyId === null) {
    throw new ServiceError(
      'UNAUTHENTICATED',
      `the signature is not that of an active credential of institution ${h.institution}: sign timestamp + nonce + ` +
        'the raw body with HMAC-SHA256 under your secret and send it in hex',
      SIGNATURE_HEADERS.signature,
    );
  }
  const nonce = { institution: h.institution, nonce: h.nonce, expiresAtMs: (seconds + windowS) * 1000 };
  return { institution: h.institution, keyId, nonce };
}

/** The refusal of a nonce the institution has spent already. */
export function replayedNonce(n: PendingNonce): ServiceError {
  return new ServiceError(
    'UNAUTHENTICATED',
    `nonce ${n.nonce} was already used: send every request with a new nonce`,
    SIGNATURE_HEADERS.nonce,
  );
}

/** Delete the nonces that can no longer be replayed (their timestamps are stale); returns how many. */
export function purgeExpiredNonces(db: Sql, nowMs: number): Promise<number> {
  return repo.purgeNonces(db, nowMs);
}
