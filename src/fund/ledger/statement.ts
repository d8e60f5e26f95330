import { ServiceError, type ServiceErrorCode } from '../../common/service-error.js';
import { journalCtes, type JournalToWrite, type Statement } from './repository.js';
import { checkTransfers, hashOf, type JournalInput } from './service.js';

/**
 * A journal written by a statement of its caller's (a settlement's write) rather than by postJournal:
 * its CTEs, and the ledger's service errors for the database's own refusals of them.
 */

/** Turns the database's own refusals of a journal's CTEs into the ledger's service errors. */
export function journalError(input: JournalInput) {
  return (e: unknown): unknown => {
    const err = e as { code?: string; detail?: string; message?: string };
    // postgres names the constraint `constraint_name`, PGlite `constraint`.
    const constraint =
      (e as { constraint_name?: string; constraint?: string }).constraint_name ??
      (e as { constraint?: string }).constraint;
    if (err.code === 'TC001' && err.detail)
      return new ServiceError(err.detail as ServiceErrorCode, err.message ?? 'refused', 'date');
    if (err.code === '23514' && constraint === 'account_not_negative')
      return new ServiceError(
        'INSUFFICIENT_BALANCE',
        `journal ${input.key} would take an account below zero`,
        'transfers',
      );
    return e;
  };
}

/** A journal input as the ledger's one-statement form needs it (see journalCtes). */
export function journalToWrite(input: JournalInput): JournalToWrite {
  checkTransfers(input.transfers);
  const books = [...new Set(input.transfers.map((t) => t.debit.book))].sort();
  return {
    key: input.key,
    hash: hashOf(input),
    kind: input.kind,
    date: input.date,
    memo: input.memo ?? {},
    transfers: input.transfers,
    books,
    closedMessage: `period ${input.date.slice(0, 7)} is closed for one of ${books.join(', ')}`,
  };
}

/**
 * A journal as CTEs of a caller's statement (see journalCtes), written only when `gate` holds, its
 * parameters numbered from `first`; its id is `(SELECT id FROM jj)`. A refusal raises the whole
 * statement's error, which `journalError` turns into the ledger's service error.
 */
export function journalWriteCtes(input: JournalInput, first: number, gate: string): Statement {
  return journalCtes(journalToWrite(input), first, gate);
}
