import type { Sql } from '../../db/index.js';
import type { AreaAccount } from './ledger-plan.js';

/**
 * What the merge reads of the ledger (balances, posting history, closed months) and the one label it
 * changes there (a personal account's home area). Money moves only through the ledger's postJournal.
 */

const ACCOUNT = `id, book, code, kind, area_code AS area, owner, normal, no_negative AS "noNegative", debits, credits`;

/**
 * The accounts the areas own (all but personal accounts, which are the persons'), with their stored
 * totals, in (book, code) order, the order every writer of the ledger locks in; `lock` takes them FOR UPDATE so that the balances moved are the balances
 * left, whatever else is posted meanwhile.
 */
export function areaAccounts(tx: Sql, areas: readonly string[], lock = false): Promise<AreaAccount[]> {
  return tx.query<AreaAccount>(
    `SELECT ${ACCOUNT} FROM account WHERE area_code = ANY($1::bpchar[]) AND kind <> 'personal' ORDER BY book, code ${lock ? 'FOR UPDATE' : ''}`,
    [areas],
  );
}

/**
 * Per county and book, the month (YYYY-MM) of the earliest journal that touched one of its accounts.
 * Personal accounts are left out: every journal that moves one also moves an account of its area.
 */
export function firstJournalMonths(
  tx: Sql,
  counties: readonly string[],
): Promise<{ area: string; book: string; first: string }[]> {
  return tx.query(
    `WITH a AS (SELECT id, book, area_code FROM account WHERE area_code = ANY($1::bpchar[]) AND kind <> 'personal'),
     p AS (SELECT a.area_code, a.book, p.journal_id FROM a JOIN posting p ON p.debit_account = a.id
           UNION ALL
           SELECT a.area_code, a.book, p.journal_id FROM a JOIN posting p ON p.credit_account = a.id)
     SELECT p.area_code AS area, p.book, to_char(min(j.effective_date), 'YYYY-MM') AS first
     FROM p JOIN journal j ON j.id = p.journal_id GROUP BY 1, 2 ORDER BY 1, 2`,
    [counties],
  );
}

export function closedPeriods(
  tx: Sql,
  books: readonly string[],
): Promise<{ book: string; period: string }[]> {
  return tx.query(
    'SELECT book, period FROM closed_period WHERE book = ANY($1::text[]) ORDER BY book, period',
    [books],
  );
}

/**
 * Personal accounts belong to their person (named `personal:<psn_no>`) and follow them into the city
 * pool: only the area they are filed under changes, no balance. Returns how many were re-filed.
 */
export async function refilePersonalAccounts(
  tx: Sql,
  counties: readonly string[],
  city: string,
): Promise<number> {
  const [row] = await tx.query<{ n: number }>(
    `WITH u AS (UPDATE account SET area_code = $2 WHERE kind = 'personal' AND area_code = ANY($1::bpchar[]) RETURNING 1)
     SELECT count(*)::int AS n FROM u`,
    [counties, city],
  );
  return row!.n;
}

export async function recordJournal(
  tx: Sql,
  mergeId: number,
  book: string,
  journalId: number,
): Promise<void> {
  await tx.query(
    'INSERT INTO pool_merge_journal (merge_id, book, journal_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
    [mergeId, book, journalId],
  );
}
