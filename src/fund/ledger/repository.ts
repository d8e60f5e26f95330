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
 * Lock the accounts (opening any that do not exist yet), in (book, code) order so that writers never deadlock;
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
    FROM account WHERE (book, code) IN (SELECT * FROM ${source.sql} AS r(book, code)) ORDER BY book, code FOR UPDATE`;
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

/** Lock the accounts (opening any that do not exist yet), in (book, code) order so that writers never deadlock. */
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

/** Lock accounts known by id, in (book, code) order like every writer of the ledger. */
export async function lockAccountsById(tx: Sql, ids: readonly number[]): Promise<LockedAccount[]> {
  return tx.query<LockedAccount>(
    `SELECT id, book, code, normal, no_negative, debits, credits FROM account
     WHERE id = ANY($1::bigint[]) ORDER BY book, code FOR UPDATE`,
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

/** A journal ready to be written by one statement (journalCtes): its key, hash and what it moves. */
export interface JournalToWrite {
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

type Move = AccountRef & { debit: number; credit: number };

/** What each account of the transfers gains on either side, in (book, code) order. */
function accountMoves(transfers: JournalToWrite['transfers']): Move[] {
  const moves = new Map<string, Move>();
  const add = (r: AccountRef, debit: number, credit: number) => {
    const key = `${r.book}|${r.code}`;
    const m = moves.get(key) ?? { ...r, debit: 0, credit: 0 };
    m.debit += debit;
    m.credit += credit;
    moves.set(key, m);
  };
  for (const t of transfers) {
    add(t.debit, t.amount, 0);
    add(t.credit, 0, t.amount);
  }
  return [...moves.values()].sort(byBookAndCode);
}

function byBookAndCode(a: { book: string; code: string }, b: { book: string; code: string }): number {
  if (a.book !== b.book) return a.book < b.book ? -1 : 1;
  return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
}

/** Parameters numbered from `first`, handed out in order. */
function numbering(first: number) {
  let next = first;
  return (rows: unknown[][], types: string[]) => {
    const r = rowSource(rows, types, next);
    next += r.params.length;
    return r;
  };
}

/**
 * A balanced journal as CTEs of the caller's statement, written only when `gate` (an SQL condition
 * on the caller's CTEs) holds, with parameters numbered from `first`:
 *  - `jl` locks the accounts that exist, in (book, code) order as every writer of the ledger does,
 *    so writers never deadlock, and `ju` moves their running totals (account_not_negative refuses
 *    an overdraft); `jo` opens the others with their first totals. An account opened by another
 *    transaction meanwhile is neither, and the statement is refused as a serialization failure;
 *  - `jj` inserts the journal (its id: `(SELECT id FROM jj)`) unless the month is closed for one of
 *    its books (tc_require: PERIOD_CLOSED);
 *  - `jp` inserts its postings against the accounts `jo` and `ju` returned.
 */
export function journalCtes(j: JournalToWrite, first: number, gate: string): Statement {
  const moves = accountMoves(j.transfers);
  const head = [
    j.key,
    j.hash,
    j.kind,
    j.date,
    JSON.stringify(j.memo),
    j.books,
    j.date.slice(0, 7),
    j.closedMessage,
  ];
  const $ = (i: number) => `$${first + i}`;
  const source = numbering(first + head.length);
  const m = source(
    moves.map((x) => [x.book, x.code, x.kind, x.area, x.owner, x.normal, x.noNegative, x.debit, x.credit]),
    ['text', 'text', 'text', 'text', 'text', 'text', 'boolean', 'bigint', 'bigint'],
  );
  const p = source(
    j.transfers.map((t, i) => [i, t.debit.book, t.debit.code, t.credit.code, t.amount]),
    ['smallint', 'text', 'text', 'text', 'bigint'],
  );
  const text = journalCteSql({ gate, $, moves: m.sql, postings: p.sql, accounts: moves.length });
  return { text, params: [...head, ...m.params, ...p.params] };
}

/**
 * The SQL of journalCtes: `$` names the journal's head parameters ($(0) key … $(7) closed message),
 * `moves` and `postings` are the row sources, `accounts` how many accounts the journal moves.
 */
function journalCteSql(q: {
  gate: string;
  $: (i: number) => string;
  moves: string;
  postings: string;
  accounts: number;
}): string {
  const { gate, $ } = q;
  return `jm AS (SELECT * FROM ${q.moves} AS m(book, code, kind, area_code, owner, normal, no_negative, debits, credits)),
     jl AS (
       SELECT a.id, a.book, a.code FROM account a JOIN jm USING (book, code) WHERE ${gate}
       ORDER BY a.book, a.code FOR UPDATE OF a),
     ju AS (
       UPDATE account SET debits = account.debits + jm.debits, credits = account.credits + jm.credits
       FROM jl JOIN jm USING (book, code) WHERE account.id = jl.id
       RETURNING account.id, account.book, account.code),
     jo AS (
       INSERT INTO account (book, code, kind, area_code, owner, normal, no_negative, debits, credits)
       SELECT * FROM jm WHERE ${gate} AND NOT EXISTS (SELECT 1 FROM account a WHERE a.book = jm.book AND a.code = jm.code)
       ORDER BY book, code
       ON CONFLICT (book, code) DO NOTHING RETURNING id, book, code),
     ja AS (SELECT * FROM ju UNION ALL SELECT * FROM jo),
     jj AS (
       INSERT INTO journal (idem_key, input_hash, kind, effective_date, reverses, memo)
       SELECT ${$(0)}, ${$(1)}, ${$(2)}, ${$(3)}::date, NULL, ${$(4)}::text::jsonb
       -- Both guards hold trivially when the gate is shut, whichever the planner evaluates first.
       WHERE ${gate}
         AND tc_require(NOT (${gate}) OR NOT EXISTS (SELECT 1 FROM closed_period c
           WHERE c.period = ${$(6)}::text AND c.book = ANY(${$(5)}::text[])), 'PERIOD_CLOSED', ${$(7)}::text)
         AND tc_retry_unless(NOT (${gate}) OR (SELECT count(*) FROM ja) = ${q.accounts},
           'an account of the journal was opened by another transaction meanwhile')
       RETURNING id),
     jp AS (
       INSERT INTO posting (journal_id, seq, book, debit_account, credit_account, amount)
       SELECT jj.id, x.seq, x.book, d.id, c.id, x.amount FROM jj, ${q.postings} AS x(seq, book, dcode, ccode, amount)
       JOIN ja d ON d.book = x.book AND d.code = x.dcode JOIN ja c ON c.book = x.book AND c.code = x.ccode)`;
}
