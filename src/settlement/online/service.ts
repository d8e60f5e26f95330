import { randomHex } from '../../common/random.js';
import { inputHash } from '../../common/hash.js';
import { ServiceError } from '../../common/service-error.js';
import { joinTransaction, type Database } from '../../db/index.js';
import { settle as calculate } from '../../domain/settlement/calculator.js';
import type { Claim, Settlement, TraceEntry } from '../../domain/settlement/types.js';
import { poolBook } from '../../fund/ledger/accounts.js';
import { journalError, journalWriteCtes } from '../../fund/ledger/statement.js';
import { reverseJournal, type JournalInput } from '../../fund/ledger/service.js';
import { settlementTransfers } from './postings.js';
import { buildClaim, fromSlots, subtractDelta, toSlots, totalsDelta } from './claim.js';
import { loadContext, readContext, type ClaimContext } from './context.js';
import * as repo from './repository.js';
import { claimKey, replayKey, replayStored, saveKeyResult } from '../../db/idempotency.js';
import {
  parseInput,
  reverseRequestSchema,
  settleRequestSchema,
  type ReverseRequest,
  type SettleRequest,
  type ValidSettleRequest,
} from './request.js';

/** What a settlement answers: its id, the pack it used, the amounts in fen, and (asked for) the trace. */
export interface SettleResult {
  setlId: string;
  psnNo: string;
  mdtrtId: string;
  scheme: string;
  date: string;
  pack: string;
  settlement: Settlement;
  trace: TraceEntry[] | null;
}

export interface ReverseResult {
  setlId: string;
  psnNo: string;
  reversedOn: string;
}

/**
 * Options a caller may set; `checkTotals: false` (write the new totals without checking that they
 * are still the ones read) is only for the test that shows why the check is there.
 */
export interface SettleOptions {
  explain?: boolean;
  checkTotals?: boolean;
  alsoWrite?: AlsoWrite;
}

/**
 * A caller's own write, made in the settlement's write statement to spare a round trip: given the
 * result and the number of its first parameter, an `INSERT … SELECT … FROM k … RETURNING` (k has a
 * row only when the settlement is written now, not replayed), and what to do once it wrote a row.
 * `wrote()` is called only for the attempt whose result settle() returns, after its transaction
 * committed (inside a caller's transaction, joined, the commit is the caller's).
 */
export type AlsoWrite = (result: SettleResult, firstParam: number) => repo.Ctes & { wrote(): void };

interface Computed {
  request: ValidSettleRequest;
  result: Omit<SettleResult, 'setlId'>;
  before: repo.SettlementRow['delta'];
  after: repo.SettlementRow['delta'];
  row: Omit<repo.SettlementRow, 'setlId' | 'key' | 'hash' | 'settlement' | 'delta' | 'trace'>;
  /** The books closed in the claim's month. */
  closedBooks: string[];
}

/** Run the calculator on a claim's context. */
function compute(ctx: ClaimContext, request: ValidSettleRequest, opts: SettleOptions): Computed {
  const { person, enrolment, institution, items, pack, totals: before, accountBalance } = ctx;
  const claim = buildClaim({ request, person, enrolment, institution, items, accountBalance });
  const outcome = calculate(pack, claim, toSlots(pack, before), opts.explain ?? false);
  if (!outcome.ok) throw new ServiceError(outcome.error.code, outcome.error.message, outcome.error.path);
  return {
    request,
    before,
    after: fromSlots(pack, before, outcome.after),
    closedBooks: ctx.closedBooks,
    result: {
      psnNo: request.psnNo,
      mdtrtId: request.mdtrtId,
      scheme: enrolment.scheme,
      date: request.date,
      pack: pack.label,
      settlement: outcome.settlement,
      trace: outcome.trace,
    },
    row: rowOf(request, ctx, claim),
  };
}

function rowOf(request: ValidSettleRequest, ctx: ClaimContext, claim: Claim): Computed['row'] {
  const { enrolment, institution } = ctx;
  return {
    psnNo: request.psnNo,
    mdtrtId: request.mdtrtId,
    scheme: enrolment.scheme,
    personType: enrolment.personType,
    medType: request.medType,
    institution: institution.code,
    insuredArea: enrolment.areaCode,
    careArea: institution.areaCode,
    date: request.date,
    packHash: ctx.pack.hash,
    catalogueVersion: ctx.catalogueVersion,
    diseases: request.diseases,
    tags: request.tags,
    lines: claim.fees.map((f) => ({
      code: f.code,
      class: f.catalogClass,
      amount: f.amount,
      selfpayBp: f.selfPayRate,
      priceCapFen: f.priceCapTotal,
    })),
  };
}

/** Pre-settlement (2206/2303): the same computation as settlement, writing nothing. */
export async function preSettle(
  db: Database,
  input: SettleRequest,
  opts: SettleOptions = {},
): Promise<Omit<SettleResult, 'setlId'>> {
  const request = parseInput(settleRequestSchema, input);
  return compute(await readContext(db, request), request, opts).result;
}

function newSetlId(date: string): string {
  return `${date.replaceAll('-', '')}${randomHex(8)}`;
}

function refuseClosed(closedBooks: readonly string[], scheme: '310' | '390', date: string): void {
  const book = poolBook(scheme);
  if (closedBooks.includes(book))
    throw new ServiceError('PERIOD_CLOSED', `period ${date.slice(0, 7)} is closed for ${book}`, 'setl_time');
}

/** The settlement's ledger journal as CTEs of its write (none when no fund money moves). */
function journalOf(key: string, c: Computed) {
  const { request } = c;
  const transfers = settlementTransfers(c.result.settlement, {
    scheme: c.row.scheme as '310' | '390',
    area: c.row.insuredArea,
    institution: c.row.institution,
    psnNo: request.psnNo,
  });
  if (transfers.length === 0) return null;
  const input = {
    key: `settle:${key}`,
    kind: 'settlement',
    date: request.date,
    memo: { psnNo: request.psnNo, mdtrtId: request.mdtrtId },
    transfers,
  };
  return { ctes: journalWriteCtes(input, repo.SETTLEMENT_PARAMS + 1, 'EXISTS (SELECT 1 FROM t)'), input };
}

/** The attempts a settlement gets when what it read changed before it wrote. */
const MAX_ATTEMPTS = 4;

/**
 * Settlement (2207/2304) in two statements: one reads everything the claim needs, the calculator
 * runs, and one writes the settlement with its lines and fund rows, the person's totals, the
 * personal-account debit and the ledger postings, if the totals are still the ones read. When they
 * are not (a settlement of the same person came first), or the personal account no longer holds
 * what was read, it settles again from what is there now, queueing this time behind the person's
 * other settlements, so that a cap is never exceeded and a rush on one person still ends. The key
 * makes a retry or a concurrent copy return the first answer. Inside a caller's transaction
 * (joinTransaction) the write's refusal aborts it with a serialization failure, which the caller's
 * transaction retries whole.
 */
export async function settle(
  db: Database,
  input: SettleRequest,
  opts: SettleOptions = {},
): Promise<SettleResult> {
  const request = parseInput(settleRequestSchema, input);
  const hash = hashWithoutKey(request);
  for (let attempt = 1; ; attempt++) {
    try {
      const done =
        attempt === 1 || db.joined
          ? await settleOnce(db, request, hash, opts)
          : await db.transaction(async (tx) => {
              await repo.queueForPerson(tx, request.psnNo);
              return settleOnce(joinTransaction(tx, db.kind), request, hash, opts);
            });
      done.alsoWrote?.();
      return done.result;
    } catch (e) {
      if (db.joined || !readChanged(e)) throw e;
      if (attempt >= MAX_ATTEMPTS) {
        const message = `person ${request.psnNo} is being settled by other requests; send this one again`;
        throw new ServiceError('UNAVAILABLE', message, 'psn_no');
      }
    }
  }
}

/** The hash of a request's input, without the key it is sent under. */
function hashWithoutKey(request: ValidSettleRequest): string {
  const input: Partial<ValidSettleRequest> = { ...request };
  delete input.key;
  return inputHash(input);
}

/** What the write refuses when the totals or the personal account moved since they were read. */
function readChanged(e: unknown): boolean {
  return (e as { code?: string }).code === '40001';
}

/**
 * A refusal of the settlement's write as its caller should see it. The only account a settlement
 * can take down is the personal account, and it pays no more than the balance it read: an
 * overdraft means the balance moved since, so it is a serialization failure, to settle again.
 */
function settlementWriteError(e: unknown, journal: JournalInput): unknown {
  const mapped = journalError(journal)(e);
  if (mapped instanceof ServiceError && mapped.code === 'INSUFFICIENT_BALANCE')
    return Object.assign(new Error(`the personal account of ${journal.key} changed while it was settled`), {
      code: '40001',
    });
  return mapped;
}

/** One attempt: its result and, when the caller's own write (alsoWrite) wrote, what to call. */
interface Attempt {
  result: SettleResult;
  alsoWrote: (() => void) | null;
}

async function settleOnce(
  db: Database,
  request: ValidSettleRequest,
  hash: string,
  opts: SettleOptions,
): Promise<Attempt> {
  const { key } = request;
  const read = await loadContext(db, request, key);
  if (read.seen)
    return { result: replayStored<SettleResult>(read.seen, key, 'settle', hash), alsoWrote: null };
  const c = compute(read.ctx, request, opts);
  refuseClosed(c.closedBooks, c.row.scheme as '310' | '390', request.date);
  const journal = journalOf(key, c);
  const setlId = newSetlId(request.date);
  const result: SettleResult = { setlId, ...c.result };
  const row = {
    ...c.row,
    setlId,
    key,
    hash,
    settlement: c.result.settlement,
    delta: totalsDelta(c.before, c.after),
    trace: c.result.trace,
  };
  const year = Number(request.date.slice(0, 4));
  const totals = { year, after: c.after, before: (opts.checkTotals ?? true) ? c.before : null };
  const ctes = journal?.ctes ?? null;
  const also = opts.alsoWrite?.(result, repo.alsoParamsFrom(ctes)) ?? null;
  const written = await repo
    .recordSettlement(db, row, totals, result, { journal: ctes, also })
    .catch((e: unknown) => {
      throw journal ? settlementWriteError(e, journal.input) : e;
    });
  if (!written.claimed)
    return { result: await replayKey<SettleResult>(db, key, 'settle', hash), alsoWrote: null };
  return { result, alsoWrote: written.alsoWrote && also ? also.wrote : null };
}

/**
 * Reversal (2208/2305), exactly once: the settlement's journal reversed, its totals taken back out
 * of the person's running totals, and a reversal row. A second reversal is refused; a retry of
 * the same key returns the first answer.
 */
export async function reverse(db: Database, input: ReverseRequest): Promise<ReverseResult> {
  const request = parseInput(reverseRequestSchema, input);
  const { key, ...rest } = request;
  const hash = inputHash(rest);
  return db.transaction(async (tx) => {
    if (!(await claimKey(tx, key, 'reverse', hash)))
      return replayKey<ReverseResult>(tx, key, 'reverse', hash);
    const found = await repo.findSettlement(tx, request.psnNo, request.setlId);
    if (!found)
      throw new ServiceError(
        'NOT_FOUND',
        `no settlement ${request.setlId} of person ${request.psnNo}`,
        'setl_id',
      );
    if (request.date < found.setl_date) {
      throw new ServiceError(
        'INVALID_INPUT',
        `a reversal cannot be dated before its settlement (${found.setl_date})`,
        'date',
      );
    }
    const year = Number(found.setl_date.slice(0, 4));
    const current = await repo.lockTotals(tx, found.psn_no, year, found.scheme);
    // Another reversal may have committed while we waited for the person's row.
    if ((await repo.findSettlement(tx, found.psn_no, found.setl_id))?.reversed) {
      throw new ServiceError(
        'ALREADY_REVERSED',
        `settlement ${found.setl_id} has already been reversed`,
        'setl_id',
      );
    }
    const journal =
      found.journal_id === null
        ? null
        : await reverseJournal(tx, {
            key: `reverse:${key}`,
            journalId: found.journal_id,
            date: request.date,
            kind: 'settlement-reversal',
          });
    if (
      !(await repo.insertReversal(tx, {
        psnNo: found.psn_no,
        setlId: found.setl_id,
        key,
        journalId: journal?.journalId ?? null,
      }))
    ) {
      throw new ServiceError(
        'ALREADY_REVERSED',
        `settlement ${found.setl_id} has already been reversed`,
        'setl_id',
      );
    }
    await repo.writeTotals(tx, found.psn_no, year, found.scheme, subtractDelta(current, found.totals_delta));
    const result: ReverseResult = { setlId: found.setl_id, psnNo: found.psn_no, reversedOn: request.date };
    await saveKeyResult(tx, key, result);
    return result;
  });
}
