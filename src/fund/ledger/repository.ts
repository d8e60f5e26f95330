import type { Sql } from '../../db/index.js';
import type { AccountRef } from './accounts.js';
import { rowSource } from './row-source.js';

export interface LockedAccount {
  id: number;
  book: string;
  code: string;
  normal: 'D' | 'C';
  no_negative: boolean;
  debits: number;
  credits: number;
}

export interface StoredJournal {
  id: number;
  idem_key: string;
  input_hash: string;
  kind: string;
  effective_date: string;
  reverses: number | null;
}

export interface StoredPosting {
  seq: number;
  book: string;
  debit_account: number;
  credit_account: number;
  amount: number;
}

/**
 * Lock the accounts (opening any that do not exist yet), in id order so that writers never deadlock;
 * `closed` is what closedBooks(books, period) says, read in the same statement, and the accounts
 * are not opened when the period is closed for one of the books.
 */
export async function lockAccountsIn(
  tx: Sql,
  refs: readonly AccountRef[],
  books: readonly string[],
  period: string,
): Promise<{ accounts: Map<string, LockedAccount>; closed: string[] }> {
  const wanted = new Map(refs.map((r) => [`${r.book}|${r.code}`, [r.book, r.code]]));
  const source = rowSource([...wanted.values()], ['text', 'text'], 2);
  // By (book, code), so that the unique index finds each row (an expression on the columns would scan them all).
  const select = `SELECT id, book, code, normal, no_negative, debits, credits,
      (SELECT coalesce(json_agg(c.book ORDER BY c.book), '[]') FROM closed_period c WHERE c.period = $1) AS closed
    FROM account WHERE (book, code) IN (SELECT * FROM ${source.sql} AS r(book, code)) ORDER BY id FOR UPDATE`;
  const params = [period, ...source.params];
  let rows = await tx.query<LockedAccount & { closed: string[] }>(select, params);
  // With no account open yet the statement returns no row to carry the closed books.
  const closedNow = rows[0]?.closed ?? (books.length ? await closedBooks(tx, books, period) : []);
  const closed = closedNow.filter((b) => books.includes(b));
  if (closed.length === 0 && rows.length < wanted.size) {
    await openAccounts(tx, refs);
    rows = await tx.query<LockedAccount & { closed: string[] }>(select, params);
  }
  const accounts = new Map(
    rows.map(({ closed: _, ...a }) => [`${a.book}|${a.code}`, a as LockedAccount] as const),
  );
  return { accounts, closed };
}

/** A statement with its parameters. */
export interface Statement {
  text: string;
  params: unknown[];
}

/** Open the accounts that do not exist yet; those that do are left as they are. */
function openAccountsStatement(refs: readonly AccountRef[]): Statement {
  return {
    text: `INSERT INTO account (book, code, kind, area_code, owner, normal, no_negative)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[])
     ON CONFLICT (book, code) DO NOTHING`,
    params: [
      refs.map((r) => r.book),
      refs.map((r) => r.code),
      refs.map((r) => r.kind),
      refs.map((r) => r.area),
      refs.map((r) => r.owner),
      refs.map((r) => r.normal),
      refs.map((r) => r.noNegative),
    ],
  };
}

async function openAccounts(tx: Sql, refs: readonly AccountRef[]): Promise<void> {
  const { text, params } = openAccountsStatement(refs);
  await tx.query(text, params);
}

/** Lock the accounts (opening any that do not exist yet), in id order so that writers never deadlock. */
export async function lockAccounts(
  tx: Sql,
  refs: readonly AccountRef[],
): Promise<Map<string, LockedAccount>> {
  return (await lockAccountsIn(tx, refs, [], '0000-01')).accounts;
}

export async function findJournalByKey(tx: Sql, key: string): Promise<StoredJournal | undefined> {
  const rows = await tx.query<StoredJournal>(
    'SELECT id, idem_key, input_hash, kind, effective_date, reverses FROM journal WHERE idem_key = $1',
    [key],
  );
  return rows[0];
}

export async function findJournal(tx: Sql, id: number): Promise<StoredJournal | undefined> {
  const rows = await tx.query<StoredJournal>(
    'SELECT id, idem_key, input_hash, kind, effective_date, reverses FROM journal WHERE id = $1',
    [id],
  );
  return rows[0];
}

export async function findReversalOf(tx: Sql, id: number): Promise<StoredJournal | undefined> {
  const rows = await tx.query<StoredJournal>(
    'SELECT id, idem_key, input_hash, kind, effective_date, reverses FROM journal WHERE reverses = $1',
    [id],
  );
  return rows[0];
}

/**
 * Insert a journal unless its key, or a reversal of the same journal, exists; a concurrent insert of
 * either waits for the other transaction and then yields (undefined).
 */
export async function insertJournal(
  tx: Sql,
  j: { key: string; hash: string; kind: string; date: string; reverses: number | null; memo: object },
): Promise<number | undefined> {
  const rows = await tx.query<{ id: number }>(
    `INSERT INTO journal (idem_key, input_hash, kind, effective_date, reverses, memo)
     VALUES ($1, $2, $3, $4, $5, $6::text::jsonb) ON CONFLICT DO NOTHING RETURNING id`,
    [j.key, j.hash, j.kind, j.date, j.reverses, JSON.stringify(j.memo)],
  );
  return rows[0]?.id;
}

/** Write the postings and move the accounts' running totals, in two statements. */
export async function insertPostings(
  tx: Sql,
  journalId: number,
  postings: readonly Omit<StoredPosting, 'seq'>[],
  moves: ReadonlyMap<number, { debit: number; credit: number }>,
): Promise<void> {
  await tx.query(
    `INSERT INTO posting (journal_id, seq, book, debit_account, credit_account, amount)
     SELECT $1, s - 1, b, d, c, a FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::bigint[])
       WITH ORDINALITY AS p(b, d, c, a, s)`,
    [
      journalId,
      postings.map((p) => p.book),
      postings.map((p) => p.debit_account),
      postings.map((p) => p.credit_account),
      postings.map((p) => p.amount),
    ],
  );
  const ids = [...moves.keys()];
  await tx.query(
    `UPDATE account SET debits = account.debits + m.debit, credits = account.credits + m.credit
     FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS m(id, debit, credit) WHERE account.id = m.id`,
    [ids, ids.map((id) => moves.get(id)!.debit), ids.map((id) => moves.get(id)!.credit)],
  );
}

type JournalRow = {
  key: string;
  hash: string;
  kind: string;
  date: string;
  reverses: number | null;
  memo: object;
};

/**
 * insertJournal, then — only when the journal was inserted — insertPostings, in one statement;
 * undefined when the key or the reversal was taken (nothing written).
 */
export async function insertJournalWithPostings(
  tx: Sql,
  j: JournalRow,
  postings: readonly Omit<StoredPosting, 'seq'>[],
  moves: ReadonlyMap<number, { debit: number; credit: number }>,
): Promise<number | undefined> {
  const head = [j.key, j.hash, j.kind, j.date, j.reverses, JSON.stringify(j.memo)];
  const p = rowSource(
    postings.map((x, i) => [i, x.book, x.debit_account, x.credit_account, x.amount]),
    ['smallint', 'text', 'bigint', 'bigint', 'bigint'],
    head.length + 1,
  );
  const m = rowSource(
    [...moves].map(([id, x]) => [id, x.debit, x.credit]),
    ['bigint', 'bigint', 'bigint'],
    head.length + p.params.length + 1,
  );
  const rows = await tx.query<{ id: number }>(
    `WITH j AS (
       INSERT INTO journal (idem_key, input_hash, kind, effective_date, reverses, memo)
       VALUES ($1, $2, $3, $4, $5, $6::text::jsonb) ON CONFLICT DO NOTHING RETURNING id),
     p AS (
       INSERT INTO posting (journal_id, seq, book, debit_account, credit_account, amount)
       SELECT j.id, p.seq, p.b, p.d, p.c, p.a FROM j, ${p.sql} AS p(seq, b, d, c, a)),
     m AS (
       UPDATE account SET debits = account.debits + m.debit, credits = account.credits + m.credit
       FROM j, ${m.sql} AS m(id, debit, credit) WHERE account.id = m.id)
     SELECT id FROM j`,
    [...head, ...p.params, ...m.params],
  );
  return rows[0]?.id;
}

/** Lock accounts known by id, in id order. */
export async function lockAccountsById(tx: Sql, ids: readonly number[]): Promise<LockedAccount[]> {
  return tx.query<LockedAccount>(
    `SELECT id, book, code, normal, no_negative, debits, credits FROM account
     WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE`,
    [ids],
  );
}

export async function journalPostings(tx: Sql, journalId: number): Promise<StoredPosting[]> {
  return tx.query<StoredPosting>(
    'SELECT seq, book, debit_account, credit_account, amount FROM posting WHERE journal_id = $1 ORDER BY seq',
    [journalId],
  );
}

export async function closedBooks(tx: Sql, books: readonly string[], period: string): Promise<string[]> {
  const rows = await tx.query<{ book: string }>(
    'SELECT book FROM closed_period WHERE book = ANY($1::text[]) AND period = $2',
    [books, period],
  );
  return rows.map((r) => r.book);
}

export async function closePeriod(tx: Sql, book: string, period: string): Promise<void> {
  await tx.query('INSERT INTO closed_period (book, period) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
    book,
    period,
  ]);
}

/** An account row's name for messages. */
export async function accountCodes(tx: Sql, ids: readonly number[]): Promise<Map<number, string>> {
  const rows = await tx.query<{ id: number; book: string; code: string }>(
    'SELECT id, book, code FROM account WHERE id = ANY($1::bigint[])',
    [ids],
  );
  return new Map(rows.map((r) => [r.id, `${r.book}/${r.code}`]));
}

export interface DeferredJournal {
  key: string;
  hash: string;
  kind: string;
  date: string;
  memo: object;
  transfers: readonly { debit: AccountRef; credit: AccountRef; amount: number }[];
  /** The books the transfers touch, sorted. */
  books: readonly string[];
  closedMessage: string;
}

type Move = { book: string; code: string; debit: number; credit: number };

/** What each account of the transfers gains on either side. */
function accountMoves(transfers: DeferredJournal['transfers']): Move[] {
  const moves = new Map<string, Move>();
  const add = (r: AccountRef, debit: number, credit: number) => {
    const key = `${r.book}|${r.code}`;
    const m = moves.get(key) ?? { book: r.book, code: r.code, debit: 0, credit: 0 };
    m.debit += debit;
    m.credit += credit;
    moves.set(key, m);
  };
  for (const t of transfers) {
    add(t.debit, t.amount, 0);
    add(t.credit, 0, t.amount);
  }
  return [...moves.values()];
}

/** $1–$9 as deferJournalStatements binds them; a, p and m the row sources of accounts, postings, moves. */
function journalSql(a: string, p: string, m: string): string {
  return `WITH l AS (
       SELECT id, book, code FROM account WHERE (book, code) IN (SELECT * FROM ${a} AS r(book, code))
       ORDER BY id FOR UPDATE),
     j AS (
       INSERT INTO journal (idem_key, input_hash, kind, effective_date, reverses, memo)
       SELECT $1, $2, $3, $4, NULL, $5::text::jsonb
       WHERE tc_require((SELECT count(*) FROM l) = $9::int, 'INTERNAL', 'an account of the journal is not open')
         AND tc_require(NOT EXISTS (SELECT 1 FROM closed_period c WHERE c.period = $7 AND c.book = ANY($6::text[])),
                        'PERIOD_CLOSED', $8)
       RETURNING id),
     p AS (
       INSERT INTO posting (journal_id, seq, book, debit_account, credit_account, amount)
       SELECT j.id, x.seq, x.book, d.id, c.id, x.amount FROM j, ${p} AS x(seq, book, dcode, ccode, amount)
       JOIN l d ON d.book = x.book AND d.code = x.dcode JOIN l c ON c.book = x.book AND c.code = x.ccode)
     UPDATE account SET debits = account.debits + m.debit, credits = account.credits + m.credit
     FROM j, l, ${m} AS m(book, code, debit, credit)
     WHERE l.book = m.book AND l.code = m.code AND account.id = l.id`;
}

/**
 * A journal as two statements that need nothing read first: open its accounts, then — in one
 * statement — lock them in id order, refuse a closed month (tc_require), insert the journal and its
 * postings and move the running totals, where account_not_negative refuses an overdraft.
 */
export function deferJournalStatements(j: DeferredJournal): Statement[] {
  const refs = [
    ...new Map(
      j.transfers.flatMap((t) => [t.debit, t.credit]).map((r) => [`${r.book}|${r.code}`, r]),
    ).values(),
  ];
  const month = j.date.slice(0, 7);
  const head = [
    j.key,
    j.hash,
    j.kind,
    j.date,
    JSON.stringify(j.memo),
    j.books,
    month,
    j.closedMessage,
    refs.length,
  ];
  let next = head.length + 1;
  const source = (rows: unknown[][], types: string[]) => {
    const r = rowSource(rows, types, next);
    next += r.params.length;
    return r;
  };
  const a = source(
    refs.map((r) => [r.book, r.code]),
    ['text', 'text'],
  );
  const p = source(
    j.transfers.map((t, i) => [i, t.debit.book, t.debit.code, t.credit.code, t.amount]),
    ['smallint', 'text', 'text', 'text', 'bigint'],
  );
  const m = source(
    accountMoves(j.transfers).map((x) => [x.book, x.code, x.debit, x.credit]),
    ['text', 'text', 'bigint', 'bigint'],
  );
  return [
    openAccountsStatement(refs),
    { text: journalSql(a.sql, p.sql, m.sql), params: [...head, ...a.params, ...p.params, ...m.params] },
  ];
}
