import type { Sql } from '../../db/index.js';

/** One broken invariant, naming what is wrong and where. */
export interface LedgerProblem {
  invariant:
    | 'book-balanced'
    | 'stored-balance'
    | 'posting-book'
    | 'posting-references'
    | 'not-negative'
    | 'journal-has-postings'
    | 'reversal-mirrors';
  where: string;
  detail: string;
}

export interface LedgerReport {
  books: { book: string; debits: number; credits: number }[];
  accounts: number;
  journals: number;
  postings: number;
  problems: LedgerProblem[];
}

const QUERIES: { invariant: LedgerProblem['invariant']; sql: string }[] = [
  {
    invariant: 'stored-balance',
    sql: `WITH d AS (SELECT debit_account AS id, sum(amount) AS s FROM posting GROUP BY 1),
               c AS (SELECT credit_account AS id, sum(amount) AS s FROM posting GROUP BY 1)
          SELECT a.book || '/' || a.code AS where,
                 'stored debits ' || a.debits || ' credits ' || a.credits || ', postings debits '
                   || coalesce(d.s, 0) || ' credits ' || coalesce(c.s, 0) AS detail
          FROM account a LEFT JOIN d ON d.id = a.id LEFT JOIN c ON c.id = a.id
          WHERE a.debits <> coalesce(d.s, 0) OR a.credits <> coalesce(c.s, 0)`,
  },
  {
    invariant: 'posting-book',
    sql: `SELECT 'journal ' || p.journal_id || ' posting ' || p.seq AS where,
                 'posting in ' || p.book || ' moves accounts of ' || da.book || ' and ' || ca.book AS detail
          FROM posting p JOIN account da ON da.id = p.debit_account JOIN account ca ON ca.id = p.credit_account
          WHERE da.book <> p.book OR ca.book <> p.book`,
  },
  {
    // Postings carry no foreign keys (migration 013): the journal and both accounts must exist.
    invariant: 'posting-references',
    sql: `SELECT 'journal ' || p.journal_id || ' posting ' || p.seq AS where,
                 concat_ws(', ', CASE WHEN j.id IS NULL THEN 'its journal does not exist' END,
                   CASE WHEN da.id IS NULL THEN 'debit account ' || p.debit_account || ' does not exist' END,
                   CASE WHEN ca.id IS NULL THEN 'credit account ' || p.credit_account || ' does not exist' END) AS detail
          FROM posting p LEFT JOIN journal j ON j.id = p.journal_id
            LEFT JOIN account da ON da.id = p.debit_account LEFT JOIN account ca ON ca.id = p.credit_account
          WHERE j.id IS NULL OR da.id IS NULL OR ca.id IS NULL`,
  },
  {
    invariant: 'not-negative',
    sql: `SELECT book || '/' || code AS where, 'balance ' ||
                 CASE normal WHEN 'C' THEN credits - debits ELSE debits - credits END || ' fen' AS detail
          FROM account WHERE no_negative AND CASE normal WHEN 'C' THEN credits - debits ELSE debits - credits END < 0`,
  },
  {
    invariant: 'journal-has-postings',
    sql: `SELECT 'journal ' || j.id || ' (' || j.idem_key || ')' AS where, 'has no postings' AS detail
          FROM journal j WHERE NOT EXISTS (SELECT 1 FROM posting p WHERE p.journal_id = j.id)`,
  },
  {
    invariant: 'reversal-mirrors',
    sql: `SELECT 'journal ' || r.id || ' reversing ' || r.reverses AS where,
                 'its postings are not the original''s with sides swapped' AS detail
          FROM journal r WHERE r.reverses IS NOT NULL AND EXISTS (
            (SELECT book, credit_account, debit_account, amount, seq FROM posting WHERE journal_id = r.reverses
             EXCEPT ALL SELECT book, debit_account, credit_account, amount, seq FROM posting WHERE journal_id = r.id)
            UNION ALL
            (SELECT book, debit_account, credit_account, amount, seq FROM posting WHERE journal_id = r.id
             EXCEPT ALL SELECT book, credit_account, debit_account, amount, seq FROM posting WHERE journal_id = r.reverses))`,
  },
];

/**
 * Verify every ledger invariant of DESIGN §7 over the whole database: each book's stored debits
 * equal its credits, each account's stored totals equal the sum of its postings, every posting
 * stays in its book and names a journal and accounts that exist, no guarded account is below
 * zero, every journal has postings, and every reversal mirrors its original exactly.
 */
export async function checkLedger(db: Sql): Promise<LedgerReport> {
  const books = await db.query<{ book: string; debits: number; credits: number }>(
    `SELECT b.code AS book, coalesce(sum(a.debits), 0)::bigint AS debits, coalesce(sum(a.credits), 0)::bigint AS credits
     FROM book b LEFT JOIN account a ON a.book = b.code GROUP BY b.code ORDER BY b.code`,
  );
  const problems: LedgerProblem[] = books
    .filter((b) => b.debits !== b.credits)
    .map((b) => ({
      invariant: 'book-balanced',
      where: b.book,
      detail: `debits ${b.debits} ≠ credits ${b.credits}`,
    }));
  for (const q of QUERIES) {
    const rows = await db.query<{ where: string; detail: string }>(q.sql);
    for (const r of rows) problems.push({ invariant: q.invariant, where: r.where, detail: r.detail });
  }
  const [counts] = await db.query<{ accounts: number; journals: number; postings: number }>(
    `SELECT (SELECT count(*) FROM account)::bigint AS accounts, (SELECT count(*) FROM journal)::bigint AS journals,
            (SELECT count(*) FROM posting)::bigint AS postings`,
  );
  return { books, ...counts!, problems };
}
