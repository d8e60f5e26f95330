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
const CONTRIBUTION_COLUMNS = [
  'psn_no',
  'kind',
  'period',
  'scheme',
  'area_code',
  'emp_no',
  'base_fen',
  'employer_fen',
  'employee_fen',
  'subsidy_fen',
  'pool_fen',
  'account_fen',
  'pack_hash',
  'idem_key',
  'journal_id',
] as const;

/** A row's values in the order of CONTRIBUTION_COLUMNS. */
function contributionValues(r: ContributionRow): unknown[] {
  return [
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
  ];
}

export async function insertContribution(tx: Sql, r: ContributionRow): Promise<boolean> {
  const placeholders = CONTRIBUTION_COLUMNS.map((_, i) => `$${i + 1}`).join(', ');
  const rows = await tx.query(
    `INSERT INTO contribution (${CONTRIBUTION_COLUMNS.join(', ')}) VALUES (${placeholders})
     ON CONFLICT (psn_no, kind, period) DO NOTHING RETURNING psn_no`,
    contributionValues(r),
  );
  return rows.length === 1;
}

/** Load many contribution rows with COPY; a person's second row of a kind and period fails the whole load. */
export async function copyContributions(tx: Sql, rows: readonly ContributionRow[]): Promise<number> {
  return tx.copyRows('contribution', CONTRIBUTION_COLUMNS, rows.map(contributionValues));
}
