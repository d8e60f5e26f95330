import type { Sql } from '../../db/index.js';

/** SQL of institution credentials and spent nonces (migrations/009_api.sql). */

export interface CredentialRow {
  keyId: string;
  institutionCode: string;
  createdAt: string;
  revokedAt: string | null;
}

const COLUMNS = `key_id AS "keyId", institution_code AS "institutionCode",
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "createdAt",
  to_char(revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "revokedAt"`;

/** Insert a credential for a registered institution; undefined when there is no such institution. */
export async function insertCredential(
  tx: Sql,
  c: { keyId: string; institutionCode: string; secret: string },
): Promise<CredentialRow | undefined> {
  const [row] = await tx.query<CredentialRow>(
    `INSERT INTO api_credential (key_id, institution_code, secret)
     SELECT $1, code, $3 FROM institution WHERE code = $2
     RETURNING ${COLUMNS}`,
    [c.keyId, c.institutionCode, c.secret],
  );
  return row;
}

/** Revoke a credential not yet revoked; undefined when there is none such. */
export async function revokeCredential(tx: Sql, keyId: string): Promise<CredentialRow | undefined> {
  const [row] = await tx.query<CredentialRow>(
    `UPDATE api_credential SET revoked_at = now() WHERE key_id = $1 AND revoked_at IS NULL RETURNING ${COLUMNS}`,
    [keyId],
  );
  return row;
}

export async function findCredential(tx: Sql, keyId: string): Promise<CredentialRow | undefined> {
  const [row] = await tx.query<CredentialRow>(`SELECT ${COLUMNS} FROM api_credential WHERE key_id = $1`, [
    keyId,
  ]);
  return row;
}

export function listCredentials(tx: Sql, institutionCode: string): Promise<CredentialRow[]> {
  return tx.query<CredentialRow>(
    `SELECT ${COLUMNS} FROM api_credential WHERE institution_code = $1 ORDER BY created_at, key_id`,
    [institutionCode],
  );
}

/** The secrets of an institution's credentials that are not revoked. */
export function activeSecrets(
  tx: Sql,
  institutionCode: string,
): Promise<{ keyId: string; secret: string }[]> {
  return tx.query(
    `SELECT key_id AS "keyId", secret FROM api_credential WHERE institution_code = $1 AND revoked_at IS NULL`,
    [institutionCode],
  );
}

/** Forget nonces whose timestamps have left the window: a replay of one is refused as stale. */
export async function purgeNonces(tx: Sql, nowMs: number): Promise<number> {
  const rows = await tx.query(
    `DELETE FROM api_nonce WHERE expires_at < to_timestamp($1::float8 / 1000) RETURNING nonce`,
    [nowMs],
  );
  return rows.length;
}
