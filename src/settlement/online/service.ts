import { randomBytes } from 'node:crypto';
import { inputHash } from '../../common/hash.js';
import { ServiceError } from '../../common/service-error.js';
import type { Database, Sql, Tx } from '../../db/index.js';
import { settle as calculate } from '../../domain/settlement/calculator.js';
import type { Claim, Settlement, TraceEntry } from '../../domain/settlement/types.js';
import { poolBook } from '../../fund/ledger/accounts.js';
import { deferJournal } from '../../fund/ledger/deferred.js';
import { reverseJournal } from '../../fund/ledger/service.js';
import { settlementTransfers } from './postings.js';
import { buildClaim, fromSlots, subtractDelta, toSlots, totalsDelta } from './claim.js';
import { loadContext, type ClaimContext, type ContextRead } from './context.js';
import * as repo from './repository.js';
import { claimKey, replayKey, saveKeyResult } from '../../db/idempotency.js';
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

/** Options a caller may set; `lockTotals: false` is only for the test that shows why the lock is there. */
export interface SettleOptions {
  explain?: boolean;
  lockTotals?: boolean;
}

interface Computed {
  request: ValidSettleRequest;
  result: Omit<SettleResult, 'setlId'>;
  before: repo.SettlementRow['delta'];
  after: repo.SettlementRow['delta'];
  row: Omit<repo.SettlementRow, 'setlId' | 'key' | 'hash' | 'journalKey' | 'settlement' | 'delta' | 'trace'>;
  /** The books closed in the claim's month. */
  closedBooks: string[];
}

/**
 * Look up everything the claim needs and run the calculator, writing nothing but the key's claim
 * and the totals row's lock when `read` asks for them; null when the key was taken already.
 */
async function compute(
  tx: Sql,
  request: ValidSettleRequest,
  opts: SettleOptions,
  read: ContextRead,
): Promise<Computed | null> {
  const ctx = await loadContext(tx, request, read);
  if (!ctx) return null;
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
  return (await compute(db, request, opts, { totals: 'read' }))!.result;
}

function newSetlId(date: string): string {
  return `${date.replaceAll('-', '')}${randomBytes(8).toString('hex')}`;
}

function refuseClosed(closedBooks: readonly string[], scheme: '310' | '390', date: string): void {
  const book = poolBook(scheme);
  if (closedBooks.includes(book))
    throw new ServiceError('PERIOD_CLOSED', `period ${date.slice(0, 7)} is closed for ${book}`, 'setl_time');
}

/**
 * The settlement's ledger journal (none when no fund money moves), under the key `settle:<key>`,
 * deferred to the commit; answers the journal's key, by which the settlement row finds its id.
 */
function deferSettlementJournal(tx: Tx, key: string, c: Computed): string | null {
  const { request } = c;
  const transfers = settlementTransfers(c.result.settlement, {
    scheme: c.row.scheme as '310' | '390',
    area: c.row.insuredArea,
    institution: c.row.institution,
    psnNo: request.psnNo,
  });
  if (transfers.length === 0) return null;
  // Our idempotency row for `key` is new in this transaction, so `settle:key` is too.
  deferJournal(tx, {
    key: `settle:${key}`,
    kind: 'settlement',
    date: request.date,
    memo: { psnNo: request.psnNo, mdtrtId: request.mdtrtId },
    transfers,
  });
  return `settle:${key}`;
}

/**
 * Settlement (2207/2304), in one transaction: the settlement with its lines and fund rows, the
 * person's totals, the personal-account debit and the ledger postings. The key makes a retry or a
 * concurrent copy return the first answer; the person's totals row is locked, so concurrent
 * settlements of one person queue and a cap is never exceeded.
 */
export async function settle(
  db: Database,
  input: SettleRequest,
  opts: SettleOptions = {},
): Promise<SettleResult> {
  const request = parseInput(settleRequestSchema, input);
  const { key, ...rest } = request;
  const hash = inputHash(rest);
  return db.transaction(async (tx) => {
    const totals = (opts.lockTotals ?? true) ? 'lock' : 'read';
    const c = await compute(tx, request, opts, { totals, claim: { key, operation: 'settle', hash } });
    if (!c) return replayKey<SettleResult>(tx, key, 'settle', hash);
    refuseClosed(c.closedBooks, c.row.scheme as '310' | '390', request.date);
    const journalKey = deferSettlementJournal(tx, key, c);
    const setlId = newSetlId(request.date);
    const result: SettleResult = { setlId, ...c.result };
    const row = {
      ...c.row,
      setlId,
      key,
      hash,
      settlement: c.result.settlement,
      delta: totalsDelta(c.before, c.after),
      journalKey,
      trace: c.result.trace,
    };
    repo.deferRecordSettlement(tx, row, Number(request.date.slice(0, 4)), c.after, result);
    return result;
  });
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
