import type { Sql } from '../../db/index.js';

/**
 * The SQL of budgets and the fund report: versioned budget rows, and the ledger's flows by month of
 * their journal's effective date. The area tree and the institutions are read here too (reference
 * tables, read-only) so that a report is a handful of statements, not one per area.
 */

export interface BudgetStamp {
  version: number;
  setBy: string;
  setAt: string;
  note: string | null;
  idemKey: string;
}

export interface AreaBudgetRow extends BudgetStamp {
  book: string;
  areaCode: string;
  year: number;
  incomeFen: number;
  expenditureFen: number;
}

export interface InstitutionBudgetRow extends BudgetStamp {
  institutionCode: string;
  book: string;
  year: number;
  amountFen: number;
  warnSharesBp: number[];
}

const STAMP = `version, set_by AS "setBy", to_char(set_at AT TIME ZONE INTERVAL '+08:00', 'YYYY-MM-DD"T"HH24:MI:SS"+08:00"') AS "setAt",
  note, idem_key AS "idemKey"`;
const AREA_BUDGET = `book, area_code AS "areaCode", year, income_fen AS "incomeFen",
  expenditure_fen AS "expenditureFen", ${STAMP}`;
const INSTITUTION_BUDGET = `institution_code AS "institutionCode", book, year, amount_fen AS "amountFen",
  to_json(warn_shares_bp) AS "warnSharesBp", ${STAMP}`;

/** Serialise writers of one budget (book × area × year, or institution × book × year) in this transaction. */
export async function lockBudget(tx: Sql, name: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`tongchou.budget:${name}`]);
}

/** The books a budget may be set for: those with income and expense accounts. */
export async function budgetBooks(tx: Sql): Promise<Map<string, string>> {
  const rows = await tx.query<{ code: string; name: string }>(
    `SELECT code, name FROM book WHERE code <> 'personal-account' ORDER BY code`,
  );
  return new Map(rows.map((r) => [r.code, r.name]));
}

export async function currentAreaBudget(
  tx: Sql,
  k: { book: string; areaCode: string; year: number },
): Promise<AreaBudgetRow | undefined> {
  const [row] = await tx.query<AreaBudgetRow>(
    `SELECT ${AREA_BUDGET} FROM fund_budget WHERE book = $1 AND area_code = $2 AND year = $3
     ORDER BY version DESC LIMIT 1`,
    [k.book, k.areaCode, k.year],
  );
  return row;
}

export async function insertAreaBudget(tx: Sql, b: Omit<AreaBudgetRow, 'setAt'>): Promise<AreaBudgetRow> {
  const [row] = await tx.query<AreaBudgetRow>(
    `INSERT INTO fund_budget (book, area_code, year, version, income_fen, expenditure_fen, set_by, note, idem_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${AREA_BUDGET}`,
    [b.book, b.areaCode, b.year, b.version, b.incomeFen, b.expenditureFen, b.setBy, b.note, b.idemKey],
  );
  return row!;
}

export async function currentInstitutionBudget(
  tx: Sql,
  k: { institutionCode: string; book: string; year: number },
): Promise<InstitutionBudgetRow | undefined> {
  const [row] = await tx.query<InstitutionBudgetRow>(
    `SELECT ${INSTITUTION_BUDGET} FROM institution_budget WHERE institution_code = $1 AND book = $2 AND year = $3
     ORDER BY version DESC LIMIT 1`,
    [k.institutionCode, k.book, k.year],
  );
  return row;
}

export async function insertInstitutionBudget(
  tx: Sql,
  b: Omit<InstitutionBudgetRow, 'setAt'>,
): Promise<InstitutionBudgetRow> {
  const [row] = await tx.query<InstitutionBudgetRow>(
    `INSERT INTO institution_budget (institution_code, book, year, version, amount_fen, warn_shares_bp, set_by, note, idem_key)
     VALUES ($1, $2, $3, $4, $5, $6::integer[], $7, $8, $9) RETURNING ${INSTITUTION_BUDGET}`,
    [b.institutionCode, b.book, b.year, b.version, b.amountFen, b.warnSharesBp, b.setBy, b.note, b.idemKey],
  );
  return row!;
}

/** Every version of a book × area × year budget, oldest first. */
export function areaBudgetHistory(
  tx: Sql,
  k: { book: string; areaCode: string; year: number },
): Promise<AreaBudgetRow[]> {
  return tx.query<AreaBudgetRow>(
    `SELECT ${AREA_BUDGET} FROM fund_budget WHERE book = $1 AND area_code = $2 AND year = $3 ORDER BY version`,
    [k.book, k.areaCode, k.year],
  );
}

/** Every version of an institution × book × year budget, oldest first. */
export function institutionBudgetHistory(
  tx: Sql,
  k: { institutionCode: string; book: string; year: number },
): Promise<InstitutionBudgetRow[]> {
  return tx.query<InstitutionBudgetRow>(
    `SELECT ${INSTITUTION_BUDGET} FROM institution_budget WHERE institution_code = $1 AND book = $2 AND year = $3
     ORDER BY version`,
    [k.institutionCode, k.book, k.year],
  );
}

/** The current version of every area budget of a year for the given areas. */
export function currentAreaBudgets(
  tx: Sql,
  year: number,
  areas: readonly string[],
): Promise<AreaBudgetRow[]> {
  return tx.query<AreaBudgetRow>(
    `SELECT DISTINCT ON (book, area_code) ${AREA_BUDGET} FROM fund_budget
     WHERE year = $1 AND area_code = ANY($2::text[]) ORDER BY book, area_code, version DESC`,
    [year, areas],
  );
}

/** The current version of every institution budget of a year, for institutions of the given areas. */
export function currentInstitutionBudgets(
  tx: Sql,
  year: number,
  areas: readonly string[],
): Promise<(InstitutionBudgetRow & { name: string; areaCode: string })[]> {
  return tx.query(
    `SELECT cur.*, i.name, i.area_code AS "areaCode" FROM (
       SELECT DISTINCT ON (institution_code, book) ${INSTITUTION_BUDGET} FROM institution_budget
       WHERE year = $1 ORDER BY institution_code, book, version DESC) cur
     JOIN institution i ON i.code = cur."institutionCode"
     WHERE i.area_code = ANY($2::text[])
     ORDER BY cur."institutionCode", cur.book`,
    [year, areas],
  );
}

export interface AreaNode {
  code: string;
  name: string;
  level: string;
  parentCode: string | null;
}

/** The whole area tree (a province's areas are a few hundred rows at most). */
export function areaTree(tx: Sql): Promise<AreaNode[]> {
  return tx.query<AreaNode>(
    `SELECT code, name, level, parent_code AS "parentCode" FROM pooling_area ORDER BY code`,
  );
}

export async function institutionExists(tx: Sql, code: string): Promise<boolean> {
  const rows = await tx.query('SELECT 1 FROM institution WHERE code = $1', [code]);
  return rows.length === 1;
}

/** One account kind's movements in one month: debits and credits posted to it. */
export interface KindMonth {
  book: string;
  area: string;
  kind: 'income' | 'expense' | 'fund' | 'clearing' | 'payable';
  month: string;
  debits: number;
  credits: number;
}

/**
 * Debits and credits per book, area, account kind and month of the journal's effective date, for
 * every month up to `until` (a date), for the accounts of the given books and areas. Income and
 * expenditure are the `income:…` and `expense:…` accounts only (not, say, a pool's payments to and
 * from the adjustment fund, which have codes of their own); a posting between two income (or two
 * expense) accounts re-files a flow under another area — a county's under its city when the pool is
 * raised (层级上划) — and is no new income or expenditure, so it is left out of both.
 */
export function monthlyMovements(
  tx: Sql,
  books: readonly string[],
  areas: readonly string[],
  until: string,
): Promise<KindMonth[]> {
  return tx.query<KindMonth>(
    `WITH acc AS (
       SELECT id, book, area_code, kind FROM account
       WHERE book = ANY($1::text[]) AND area_code = ANY($2::text[])
         AND (kind IN ('fund', 'clearing', 'payable') OR (kind IN ('income', 'expense') AND code LIKE kind || ':%'))),
     mv AS (
       SELECT p.debit_account AS id, p.credit_account AS other, p.journal_id, p.amount AS dr, 0::bigint AS cr
       FROM posting p WHERE p.debit_account IN (SELECT id FROM acc)
       UNION ALL
       SELECT p.credit_account, p.debit_account, p.journal_id, 0::bigint, p.amount
       FROM posting p WHERE p.credit_account IN (SELECT id FROM acc))
     SELECT a.book, a.area_code AS area, a.kind, to_char(j.effective_date, 'YYYY-MM') AS month,
            sum(mv.dr)::bigint AS debits, sum(mv.cr)::bigint AS credits
     FROM mv JOIN acc a ON a.id = mv.id JOIN account o ON o.id = mv.other JOIN journal j ON j.id = mv.journal_id
     WHERE j.effective_date <= $3::date AND NOT (a.kind IN ('income', 'expense') AND o.kind = a.kind)
     GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
    [books, areas, until],
  );
}

/** Net expenditure (debits − credits of expense accounts) per institution, book and month, in a date range. */
export function institutionMonthlyUse(
  tx: Sql,
  institutions: readonly string[],
  from: string,
  until: string,
): Promise<{ institution: string; book: string; month: string; use: number }[]> {
  return tx.query(
    `WITH acc AS (SELECT id, book, owner FROM account
                  WHERE kind = 'expense' AND code LIKE 'expense:%' AND owner = ANY($1::text[])),
     mv AS (
       SELECT p.debit_account AS id, p.journal_id, p.amount AS net FROM posting p
       WHERE p.debit_account IN (SELECT id FROM acc)
       UNION ALL
       SELECT p.credit_account, p.journal_id, -p.amount FROM posting p
       WHERE p.credit_account IN (SELECT id FROM acc))
     SELECT a.owner AS institution, a.book, to_char(j.effective_date, 'YYYY-MM') AS month,
            sum(mv.net)::bigint AS use
     FROM mv JOIN acc a ON a.id = mv.id JOIN journal j ON j.id = mv.journal_id
     WHERE j.effective_date BETWEEN $2::date AND $3::date
     GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    [institutions, from, until],
  );
}
