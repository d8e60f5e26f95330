import type { Sql } from '../db/index.js';

/** The SQL of contributions: the contribution rows and the idempotency keys of their requests. */

export interface ContributionRow {
  psnNo: string;
  kind: 'employee-monthly' | 'retiree-account' | 'resident-annual';
  period: string;
  scheme: '310' | '390';
  areaCode: string;
  empNo: string | null;
  baseFen: number | null;
  employerFen: number;
  employeeFen: number;
  subsidyFen: number;
  poolFen: number;
  accountFen: number;
  packHash: string;
  idemKey: string;
  journalId: number;
}

/**
 * Claim an idempotency key for an operation, first thing in the writing transaction: a concurrent
 * claim of the same key waits for ours to commit or roll back. False when the key is taken.
 */
export async function claimKey(tx: Sql, key: string, operation: string, hash: string): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO idempotency (idem_key, operation, input_hash) VALUES ($1, $2, $3)
     ON CONFLICT (idem_key) DO NOTHING RETURNING idem_key`,
    [key, operation, hash],
  );
  return rows.length === 1;
}

export async function findKey(
  tx: Sql,
  key: string,
): Promise<{ operation: string; input_hash: string; result: unknown } | undefined> {
  const [row] = await tx.query<{ operation: string; input_hash: string; result: unknown }>(
    'SELECT operation, input_hash, result FROM idempotency WHERE idem_key = $1',
    [key],
  );
  return row;
}

/** The result as JSON text cast in SQL: a server driver would otherwise store the text as a JSON string. */
export async function saveKeyResult(tx: Sql, key: string, result: unknown): Promise<void> {
  await tx.query('UPDATE idempotency SET result = $2::text::jsonb WHERE idem_key = $1', [
    key,
    JSON.stringify(result),
  ]);
}

export async function contributionExists(
  tx: Sql,
  psnNo: string,
  kind: ContributionRow['kind'],
  period: string,
): Promise<boolean> {
  const rows = await tx.query('SELECT 1 FROM contribution WHERE psn_no = $1 AND kind = $2 AND period = $3', [
    psnNo,
    kind,
    period,
  ]);
  return rows.length > 0;
}

/** Insert a contribution; false when the person already has one of this kind for the period. */
export async function insertContribution(tx: Sql, r: ContributionRow): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO contribution (psn_no, kind, period, scheme, area_code, emp_no, base_fen, employer_fen,
       employee_fen, subsidy_fen, pool_fen, account_fen, pack_hash, idem_key, journal_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
     ON CONFLICT (psn_no, kind, period) DO NOTHING RETURNING psn_no`,
    [
      r.psnNo,
      r.kind,
      r.period,
      r.scheme,
      r.areaCode,
      r.empNo,
      r.baseFen,
      r.employerFen,
      r.employeeFen,
      r.subsidyFen,
      r.poolFen,
      r.accountFen,
      r.packHash,
      r.idemKey,
      r.journalId,
    ],
  );
  return rows.length === 1;
}
