import { ServiceError, type ServiceErrorCode } from '../../common/service-error.js';
import type { Tx } from '../../db/index.js';
import { deferJournalStatements } from './repository.js';
import { checkTransfers, hashOf, type JournalInput } from './service.js';

/** Turns the database's own refusals of a deferred journal into the ledger's service errors. */
function journalError(input: JournalInput) {
  return (e: unknown): unknown => {
    const err = e as { code?: string; detail?: string; message?: string };
    // postgres names the constraint `constraint_name`, PGlite `constraint`.
    const constraint =
      (e as { constraint_name?: string; constraint?: string }).constraint_name ??
      (e as { constraint?: string }).constraint;
    if (err.code === 'TC001' && err.detail === 'INTERNAL') return new Error(err.message);
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

/**
 * Post a balanced journal as deferred statements of the caller's transaction: they go out with
 * the transaction's next query or its COMMIT, and the database itself opens the accounts, locks
 * them in id order, refuses a closed month and an overdraft, and writes the journal and its
 * postings. Only for a caller that has claimed an idempotency key making the journal's key new
 * (as settlement does); its id is found afterwards by its key. Errors surface at commit.
 */
export function deferJournal(tx: Tx, input: JournalInput): void {
  checkTransfers(input.transfers);
  const books = [...new Set(input.transfers.map((t) => t.debit.book))].sort();
  const statements = deferJournalStatements({
    key: input.key,
    hash: hashOf(input),
    kind: input.kind,
    date: input.date,
    memo: input.memo ?? {},
    transfers: input.transfers,
    books,
    closedMessage: `period ${input.date.slice(0, 7)} is closed for one of ${books.join(', ')}`,
  });
  const mapError = journalError(input);
  for (const s of statements) tx.defer(s.text, s.params, mapError);
}
