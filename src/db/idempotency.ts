import { ServiceError } from '../common/service-error.js';
import type { Sql } from './database.js';

/**
 * The idempotency of every service write (table `idempotency`). A service claims its key first in
 * the writing transaction, so a concurrent copy of the request waits for it and then replays the
 * stored answer; the same key with another input is refused.
 */

/** Claim a key for an operation; false when it is taken (after waiting for a concurrent claim). */
export async function claimKey(tx: Sql, key: string, operation: string, hash: string): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO idempotency (idem_key, operation, input_hash) VALUES ($1, $2, $3)
     ON CONFLICT (idem_key) DO NOTHING RETURNING idem_key`,
    [key, operation, hash],
  );
  return rows.length === 1;
}

/** Store the answer given under a key (JSON text cast in SQL, so both drivers store an object). */
export async function saveKeyResult(tx: Sql, key: string, result: unknown): Promise<void> {
  await tx.query('UPDATE idempotency SET result = $2::text::jsonb WHERE idem_key = $1', [
    key,
    JSON.stringify(result),
  ]);
}

/** What a key was first used for, as stored. */
export interface StoredKey {
  operation: string;
  inputHash: string;
  result: unknown;
}

/** The first answer given under a key, when the input is the same; IDEMPOTENCY_CONFLICT otherwise. */
export function replayStored<T>(
  seen: StoredKey | undefined,
  key: string,
  operation: string,
  hash: string,
): T {
  if (!seen || seen.operation !== operation || seen.inputHash !== hash || seen.result === null) {
    throw new ServiceError(
      'IDEMPOTENCY_CONFLICT',
      `key ${key} was already used for a different request`,
      'key',
    );
  }
  return seen.result as T;
}

/** The first answer given under a key, read from the database (see replayStored). */
export async function replayKey<T>(tx: Sql, key: string, operation: string, hash: string): Promise<T> {
  const [seen] = await tx.query<StoredKey>(
    'SELECT operation, input_hash AS "inputHash", result FROM idempotency WHERE idem_key = $1',
    [key],
  );
  return replayStored<T>(seen, key, operation, hash);
}
