import { inputHash } from '../../common/hash.js';
import { ServiceError } from '../../common/service-error.js';
import type { Sql } from '../../db/index.js';
import type { AccountRef } from './accounts.js';
import * as repo from './repository.js';

/** Move `amount` fen from the credit account to the debit account; both in one book. */
export interface Transfer {
  debit: AccountRef;
  credit: AccountRef;
  amount: number;
}

export interface JournalInput {
  /** The idempotency key: the same key and input return the first journal; another input is refused. */
  key: string;
  kind: string;
  /** The accounting date (YYYY-MM-DD); its month must not be closed in any book touched. */
  date: string;
  memo?: Record<string, unknown>;
  transfers: readonly Transfer[];
}

export interface Posted {
  journalId: number;
  /** True when the key had been used already with this input and nothing new was written. */
  replay: boolean;
}

export function checkTransfers(transfers: readonly Transfer[]): void {
  if (transfers.length === 0)
    throw new ServiceError('INVALID_INPUT', 'a journal needs at least one transfer', 'transfers');
  transfers.forEach((t, i) => {
    if (!Number.isSafeInteger(t.amount) || t.amount <= 0) {
      throw new ServiceError(
        'INVALID_INPUT',
        `amount must be a positive whole number of fen, not ${t.amount}`,
        `transfers[${i}].amount`,
      );
    }
    if (t.debit.book !== t.credit.book) {
      throw new ServiceError(
        'INVALID_INPUT',
        'a transfer stays in one book; move between books through clearing accounts',
        `transfers[${i}]`,
      );
    }
    if (t.debit.code === t.credit.code) {
      throw new ServiceError('INVALID_INPUT', 'a transfer needs two different accounts', `transfers[${i}]`);
    }
  });
}

function refuseClosed(closed: readonly string[], date: string): void {
  if (closed.length > 0) {
    throw new ServiceError(
      'PERIOD_CLOSED',
      `period ${date.slice(0, 7)} is closed for ${closed.join(', ')}`,
      'date',
    );
  }
}

async function refuseClosedPeriod(tx: Sql, books: readonly string[], date: string): Promise<void> {
  refuseClosed(await repo.closedBooks(tx, books, date.slice(0, 7)), date);
}

/** The same key must come with the same input; a replay returns the first journal. */
function replayOf(existing: repo.StoredJournal, hash: string, key: string): Posted {
  if (existing.input_hash !== hash) {
    throw new ServiceError(
      'IDEMPOTENCY_CONFLICT',
      `key ${key} was already used for a different journal`,
      'key',
    );
  }
  return { journalId: existing.id, replay: true };
}

/** Refuse before writing when a move would take a no-negative account below zero. */
function refuseOverdraft(
  accounts: Iterable<repo.LockedAccount>,
  moves: Map<number, { debit: number; credit: number }>,
) {
  for (const a of accounts) {
    const m = moves.get(a.id);
    if (!m || !a.no_negative) continue;
    const debits = a.debits + m.debit;
    const credits = a.credits + m.credit;
    const balance = a.normal === 'C' ? credits - debits : debits - credits;
    if (balance < 0) {
      throw new ServiceError(
        'INSUFFICIENT_BALANCE',
        `account ${a.book}/${a.code} would go ${-balance} fen below zero`,
        'transfers',
      );
    }
  }
}

function movesOf(postings: readonly Omit<repo.StoredPosting, 'seq'>[]) {
  const moves = new Map<number, { debit: number; credit: number }>();
  const add = (id: number, debit: number, credit: number) => {
    const m = moves.get(id) ?? { debit: 0, credit: 0 };
    m.debit += debit;
    m.credit += credit;
    moves.set(id, m);
  };
  for (const p of postings) {
    add(p.debit_account, p.amount, 0);
    add(p.credit_account, 0, p.amount);
  }
  return moves;
}

export interface PostOptions {
  /**
   * The caller's transaction holds a claim that makes the journal's key new — its own idempotency
   * key for the request the journal belongs to, inserted first — so no copy of this journal can
   * exist or commit meanwhile, and the key is not looked up before posting. Should a journal with
   * the key exist all the same, the insert still finds it: the first is replayed or the input refused.
   */
  keyClaimed?: boolean;
}

/** The journal's key looked up: a replay (or a refusal) when it is taken, undefined when it is free. */
async function replayIfTaken(tx: Sql, key: string, hash: string): Promise<Posted | undefined> {
  const existing = await repo.findJournalByKey(tx, key);
  return existing ? replayOf(existing, hash, key) : undefined;
}

export function hashOf(input: JournalInput): string {
  return inputHash({
    kind: input.kind,
    date: input.date,
    memo: input.memo ?? {},
    transfers: input.transfers,
  });
}

/**
 * Post a balanced journal inside the caller's transaction: accounts are opened on first use and
 * locked in (book, code) order, the month must be open, no guarded account may go below zero, and the key
 * makes a retry return the first journal instead of posting twice.
 */
export async function postJournal(tx: Sql, input: JournalInput, opts: PostOptions = {}): Promise<Posted> {
  checkTransfers(input.transfers);
  const hash = hashOf(input);
  const early = opts.keyClaimed ? undefined : await replayIfTaken(tx, input.key, hash);
  if (early) return early;
  const refs = input.transfers.flatMap((t) => [t.debit, t.credit]);
  const books = [...new Set(refs.map((r) => r.book))];
  const { accounts, closed } = await repo.lockAccountsIn(tx, refs, books, input.date.slice(0, 7));
  refuseClosed(closed, input.date);
  // A copy of this request may have committed while we waited for the locks.
  const committed = opts.keyClaimed ? undefined : await replayIfTaken(tx, input.key, hash);
  if (committed) return committed;
  const id = (r: AccountRef) => accounts.get(`${r.book}|${r.code}`)!.id;
  const postings = input.transfers.map((t) => ({
    book: t.debit.book,
    debit_account: id(t.debit),
    credit_account: id(t.credit),
    amount: t.amount,
  }));
  const moves = movesOf(postings);
  refuseOverdraft(accounts.values(), moves);
  const journal = {
    key: input.key,
    hash,
    kind: input.kind,
    date: input.date,
    reverses: null,
    memo: input.memo ?? {},
  };
  const journalId = await repo.insertJournalWithPostings(tx, journal, postings, moves);
  if (journalId === undefined)
    return replayOf((await repo.findJournalByKey(tx, input.key))!, hash, input.key);
  return { journalId, replay: false };
}

/**
 * Reverse a journal once: a new journal referencing it, each posting with its sides swapped. A
 * second reversal of the same journal is refused (`ALREADY_REVERSED`); the same key is a replay.
 */
export async function reverseJournal(
  tx: Sql,
  input: { key: string; journalId: number; date: string; kind?: string; memo?: Record<string, unknown> },
): Promise<Posted> {
  const hash = inputHash({ reverses: input.journalId, date: input.date, memo: input.memo ?? {} });
  const existing = await repo.findJournalByKey(tx, input.key);
  if (existing) return replayOf(existing, hash, input.key);
  const original = await repo.findJournal(tx, input.journalId);
  if (!original)
    throw new ServiceError('NOT_FOUND', `journal ${input.journalId} does not exist`, 'journalId');
  if (original.reverses !== null)
    throw new ServiceError('INVALID_INPUT', `journal ${original.id} is itself a reversal`, 'journalId');
  const postings = (await repo.journalPostings(tx, original.id)).map((p) => ({
    book: p.book,
    debit_account: p.credit_account,
    credit_account: p.debit_account,
    amount: p.amount,
  }));
  await refuseClosedPeriod(tx, [...new Set(postings.map((p) => p.book))], input.date);
  const accounts = await repo.lockAccountsById(tx, [
    ...new Set(postings.flatMap((p) => [p.debit_account, p.credit_account])),
  ]);
  const reversed = await repo.findReversalOf(tx, original.id);
  if (reversed?.idem_key === input.key) return replayOf(reversed, hash, input.key);
  if (reversed)
    throw new ServiceError(
      'ALREADY_REVERSED',
      `journal ${original.id} has already been reversed`,
      'journalId',
    );
  const moves = movesOf(postings);
  refuseOverdraft(accounts, moves);
  const journal = {
    key: input.key,
    hash,
    kind: input.kind ?? 'reversal',
    date: input.date,
    reverses: original.id,
    memo: input.memo ?? {},
  };
  const journalId = await repo.insertJournalWithPostings(tx, journal, postings, moves);
  if (journalId === undefined) {
    const again = await repo.findJournalByKey(tx, input.key);
    if (again) return replayOf(again, hash, input.key);
    throw new ServiceError(
      'ALREADY_REVERSED',
      `journal ${original.id} has already been reversed`,
      'journalId',
    );
  }
  return { journalId, replay: false };
}
