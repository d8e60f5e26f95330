import type { Sql } from '../../db/index.js';
import type { Scheme } from '../../domain/policy/dimensions.js';
import type { Book } from '../ledger/accounts.js';

/**
 * SQL of the adjustment service: the province's cities, their year from the ledger and the registry,
 * the provincial funds' opening balances, and the posted years (table adjustment_run).
 *
 * A "city" here is an area directly under the province (a 设区市, or a county the province runs
 * directly); its figures sum its own accounts and those of every area under it.
 */

export interface AreaRow {
  code: string;
  name: string;
  level: string;
}

export interface UnitYear {
  unit: string;
  income: number;
  expenditure: number;
  balance: number;
}

export interface RunRow {
  style: string;
  pack_hash: string;
  input_hash: string;
  journal_id: number | null;
  result: unknown;
}

export async function findArea(tx: Sql, code: string): Promise<AreaRow | undefined> {
  const rows = await tx.query<AreaRow>('SELECT code, name, level FROM pooling_area WHERE code = $1', [code]);
  return rows[0];
}

export function provinces(tx: Sql): Promise<AreaRow[]> {
  return tx.query<AreaRow>(
    `SELECT code, name, level FROM pooling_area WHERE level = 'province' ORDER BY code`,
  );
}

/** The areas directly under a province, in code order. */
export function citiesOf(tx: Sql, province: string): Promise<AreaRow[]> {
  return tx.query<AreaRow>(
    'SELECT code, name, level FROM pooling_area WHERE parent_code = $1 ORDER BY code',
    [province],
  );
}

/** Every area under the province, with the city (direct child) it belongs to. */
const UNITS = `WITH RECURSIVE unit AS (
    SELECT code, code AS city FROM pooling_area WHERE parent_code = $1
    UNION ALL
    SELECT a.code, u.city FROM pooling_area a JOIN unit u ON a.parent_code = u.code)`;

/**
 * Per city, in one pool book: the fund income of the year (contributions: income:AREA), the
 * expenditure of the year (benefits and account credits: expense:AREA:…), by journal date, and the
 * accumulated balance of its fund accounts (fund:AREA) before the year began.
 */
export function unitYears(
  tx: Sql,
  province: string,
  book: Book,
  from: string,
  to: string,
): Promise<UnitYear[]> {
  return tx.query<UnitYear>(
    `${UNITS},
     acc AS (
       SELECT a.id, u.city,
              CASE WHEN a.code = 'income:' || a.area_code THEN 'income'
                   WHEN a.kind = 'expense' AND a.code LIKE 'expense:%' THEN 'expense'
                   WHEN a.code = 'fund:' || a.area_code THEN 'fund' END AS role
       FROM account a JOIN unit u ON u.code = a.area_code WHERE a.book = $2),
     used AS (SELECT id, city, role FROM acc WHERE role IS NOT NULL),
     moves AS (
       SELECT p.debit_account AS id, p.amount AS signed, j.effective_date AS d
         FROM posting p JOIN journal j ON j.id = p.journal_id
        WHERE p.debit_account IN (SELECT id FROM used) AND j.effective_date <= $4
       UNION ALL
       SELECT p.credit_account, -p.amount, j.effective_date
         FROM posting p JOIN journal j ON j.id = p.journal_id
        WHERE p.credit_account IN (SELECT id FROM used) AND j.effective_date <= $4)
     SELECT used.city AS unit,
            coalesce(-sum(signed) FILTER (WHERE role = 'income' AND d >= $3), 0)::bigint AS income,
            coalesce(sum(signed) FILTER (WHERE role = 'expense' AND d >= $3), 0)::bigint AS expenditure,
            coalesce(sum(signed) FILTER (WHERE role = 'fund' AND d < $3), 0)::bigint AS balance
     FROM moves JOIN used USING (id) GROUP BY used.city`,
    [province, book, from, to],
  );
}

/** Per city, the persons enrolled in the scheme, active, on the date. */
export function insuredCounts(
  tx: Sql,
  province: string,
  scheme: Scheme,
  on: string,
): Promise<{ unit: string; insured: number }[]> {
  return tx.query(
    `${UNITS}
     SELECT u.city AS unit, count(DISTINCT e.psn_no)::bigint AS insured
     FROM enrolment e JOIN unit u ON u.code = e.area_code
     WHERE e.scheme = $2 AND e.status = 'active' AND e.begin_date <= $3 AND (e.end_date IS NULL OR e.end_date >= $3)
     GROUP BY u.city`,
    [province, scheme, on],
  );
}

/** The balance (debits − credits) of an adjustment-book account from the journals dated before a day. */
export async function balanceBefore(tx: Sql, code: string, before: string): Promise<number> {
  const [row] = await tx.query<{ balance: number }>(
    `WITH a AS (SELECT id FROM account WHERE book = 'adjustment' AND code = $1)
     SELECT (coalesce((SELECT sum(p.amount) FROM posting p JOIN journal j ON j.id = p.journal_id
                       WHERE p.debit_account = (SELECT id FROM a) AND j.effective_date < $2), 0)
           - coalesce((SELECT sum(p.amount) FROM posting p JOIN journal j ON j.id = p.journal_id
                       WHERE p.credit_account = (SELECT id FROM a) AND j.effective_date < $2), 0))::bigint AS balance`,
    [code, before],
  );
  return row?.balance ?? 0;
}

export async function findRun(
  tx: Sql,
  province: string,
  scheme: Scheme,
  year: number,
): Promise<RunRow | undefined> {
  const rows = await tx.query<RunRow>(
    `SELECT style, pack_hash, input_hash, journal_id, result FROM adjustment_run
     WHERE province_code = $1 AND scheme = $2 AND year = $3`,
    [province, scheme, year],
  );
  return rows[0];
}

/** The latest year posted after `year`, if any. */
export async function laterRun(
  tx: Sql,
  province: string,
  scheme: Scheme,
  year: number,
): Promise<number | null> {
  const [row] = await tx.query<{ year: number | null }>(
    'SELECT max(year) AS year FROM adjustment_run WHERE province_code = $1 AND scheme = $2 AND year > $3',
    [province, scheme, year],
  );
  return row?.year ?? null;
}

/** Record a posted year; false when a concurrent run recorded it first (after waiting for it). */
export async function insertRun(
  tx: Sql,
  r: {
    province: string;
    scheme: Scheme;
    year: number;
    style: string;
    packHash: string;
    inputHash: string;
    journalId: number | null;
    result: unknown;
  },
): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO adjustment_run (province_code, scheme, year, style, pack_hash, input_hash, journal_id, result)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text::jsonb) ON CONFLICT DO NOTHING RETURNING year`,
    [r.province, r.scheme, r.year, r.style, r.packHash, r.inputHash, r.journalId, JSON.stringify(r.result)],
  );
  return rows.length === 1;
}
