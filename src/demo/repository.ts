import type { ContributionRow } from '../fund/contribution-repository.js';
import type { Sql } from '../db/index.js';

/** The demo's own SQL: whether the city is there, and what the summary reads of the ledger. */

/** The demo area codes already registered (any one means the demo city, or part of it, exists). */
export async function existingAreas(db: Sql, codes: readonly string[]): Promise<string[]> {
  const rows = await db.query<{ code: string }>(
    'SELECT code FROM pooling_area WHERE code = ANY($1::text[]) ORDER BY code',
    [codes],
  );
  return rows.map((r) => r.code);
}

/** One account kind's net balance on its normal side, per book and area. */
export interface KindBalance {
  book: string;
  area: string;
  kind: string;
  balance: number;
}

/** Net balances on the normal side, summed by book, area and account kind, over the given areas. */
export async function balancesByKind(db: Sql, areas: readonly string[]): Promise<KindBalance[]> {
  return db.query<KindBalance>(
    `SELECT book, area_code AS area, kind,
            sum(CASE normal WHEN 'C' THEN credits - debits ELSE debits - credits END)::bigint AS balance
     FROM account WHERE area_code = ANY($1::text[]) GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    [areas],
  );
}

export interface SettlementCounts {
  scheme: string;
  medType: string;
  settled: number;
  reversed: number;
}

/** Settlements and reversals of persons insured in the given areas, by scheme and medical type. */
export async function settlementCounts(db: Sql, areas: readonly string[]): Promise<SettlementCounts[]> {
  return db.query<SettlementCounts>(
    `SELECT s.scheme, s.med_type AS "medType", count(*)::bigint AS settled, count(r.setl_id)::bigint AS reversed
     FROM settlement s LEFT JOIN settlement_reversal r ON r.psn_no = s.psn_no AND r.setl_id = s.setl_id
     WHERE s.insured_area = ANY($1::text[]) GROUP BY 1, 2 ORDER BY 1, 2`,
    [areas],
  );
}

export interface ContributionCounts {
  kind: string;
  count: number;
}

/** Contribution rows of the given areas, by kind. */
export async function contributionCounts(db: Sql, areas: readonly string[]): Promise<ContributionCounts[]> {
  return db.query<ContributionCounts>(
    `SELECT kind, count(*)::bigint AS count FROM contribution WHERE area_code = ANY($1::text[])
     GROUP BY 1 ORDER BY 1`,
    [areas],
  );
}

/** The ledger's books with their Chinese names. */
export async function bookNames(db: Sql): Promise<Map<string, string>> {
  const rows = await db.query<{ code: string; name: string }>('SELECT code, name FROM book ORDER BY code');
  return new Map(rows.map((r) => [r.code, r.name]));
}

/** A contribution row as the contribution table holds it, before its journal is known. */
/** A contribution row before its journal is posted. */
export type ContributionInsert = Omit<ContributionRow, 'journalId'>;
