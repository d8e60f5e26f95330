import { inputHash } from '../common/hash.js';
import { ServiceError } from '../common/service-error.js';
import type { Database, Sql } from '../db/index.js';
import { claimKey, replayKey, saveKeyResult } from '../db/idempotency.js';
import {
  baseLimitSharesAt,
  CONTRIBUTION_PARAMS,
  employeeMonthly,
  employeeRatesAt,
  paramAt,
  requireParam,
  residentAnnual,
  retireeMonthly,
  type BaseLimits,
  type ContributionStep,
  type Param,
} from '../domain/contribution.js';
import { Refusal } from '../domain/errors.js';
import { formatYuan, type Fen } from '../domain/money/money.js';
import type { PersonType } from '../domain/policy/dimensions.js';
import type { CompiledPack } from '../domain/policy/model.js';
import { enrolmentOn, findPerson, type EnrolmentRecord } from '../registry/lookup.js';
import { packFor } from '../registry/packs.js';
import {
  employeeContributionSchema,
  parseInput,
  residentContributionSchema,
  retireeCreditSchema,
  type EmployeeContributionInput,
  type ResidentContributionInput,
  type RetireeCreditInput,
} from './contribution-input.js';
import * as repo from './contribution-repository.js';
import {
  accountCreditExpenseAccount,
  clearingAccount,
  fundAccount,
  incomeAccount,
  personalAccount,
} from './ledger/accounts.js';
import { postJournal, type Transfer } from './ledger/service.js';

/**
 * Contributions (DESIGN §5, §7): an employee's monthly contribution, a retiree's monthly
 * personal-account credit and a resident's annual contribution. Each is computed by the pure
 * calculator of domain/contribution.ts and recorded in one transaction with its ledger journal,
 * under one idempotency key.
 *
 * The rules of a contribution are those of its period, not of the day it is booked: a month's
 * contribution uses the pack, rates and enrolment in force on the month's first day, a resident's
 * annual one those on 1 January, so arrears keep their own month's rates. `date` is the accounting
 * date of the journal, and its month must be open.
 */

export type ContributionKind = repo.ContributionRow['kind'];

export interface RecordedContribution {
  psnNo: string;
  kind: ContributionKind;
  /** "YYYY-MM" for monthly kinds, "YYYY" for a resident's year. */
  period: string;
  scheme: '310' | '390';
  areaCode: string;
  empNo: string | null;
  /** The base the amounts were computed on (the provincial average wage for a retiree). */
  baseFen: Fen | null;
  employerFen: Fen;
  employeeFen: Fen;
  subsidyFen: Fen;
  poolFen: Fen;
  accountFen: Fen;
  /** The pack the amounts come from: "id@version#hash". */
  pack: string;
  journalId: number;
  date: string;
  trace: ContributionStep[];
  /** True when the key had been used with this input already and nothing new was written. */
  replay: boolean;
}

type Row = Omit<repo.ContributionRow, 'idemKey' | 'journalId' | 'packHash'>;
interface Prepared {
  row: Row;
  pack: CompiledPack;
  transfers: Transfer[];
  trace: ContributionStep[];
}

/** The calculator refuses with a domain Refusal; the service speaks ServiceError. */
function asServiceError(e: unknown): never {
  if (e instanceof Refusal) {
    throw new ServiceError(e.code === 'POLICY_GAP' ? 'POLICY_GAP' : 'INVALID_INPUT', e.message, e.path);
  }
  throw e;
}

/** The person's enrolment on the rule date, which must be of one of the person types the kind needs. */
async function enrolmentAs(
  tx: Sql,
  psnNo: string,
  on: string,
  scheme: '310' | '390',
  types: readonly PersonType[],
): Promise<EnrolmentRecord> {
  try {
    await findPerson(tx, psnNo);
    const e = await enrolmentOn(tx, psnNo, on, scheme);
    if (!types.includes(e.personType)) {
      throw new ServiceError(
        'ENROLMENT_NOT_ACTIVE',
        `person ${psnNo} is enrolled in ${scheme} as ${e.personType} on ${on}, not as ${types.join(' or ')}`,
        'psnNo',
      );
    }
    return e;
  } catch (e) {
    // The registry names its own field; the caller of this service gave psnNo.
    if (e instanceof ServiceError && e.path === 'psn_no') throw new ServiceError(e.code, e.message, 'psnNo');
    throw e;
  }
}

function rowOf(kind: ContributionKind, period: string, e: EnrolmentRecord): Row {
  return {
    psnNo: e.psnNo,
    kind,
    period,
    scheme: e.scheme,
    areaCode: e.areaCode,
    empNo: e.empNo,
    baseFen: null,
    employerFen: 0,
    employeeFen: 0,
    subsidyFen: 0,
    poolFen: 0,
    accountFen: 0,
  };
}

/** A journal moves only positive amounts: a part that rounds to nothing is not posted. */
function positive(transfers: Transfer[]): Transfer[] {
  return transfers.filter((t) => t.amount > 0);
}

function alreadyRecorded(psnNo: string, kind: ContributionKind, period: string): ServiceError {
  return new ServiceError('ALREADY_EXISTS', `person ${psnNo} already has a ${kind} for ${period}`, 'period');
}

/** Answer a key already used: the first result for the same input; a refusal for another. */
async function replay(tx: Sql, key: string, operation: string, hash: string): Promise<RecordedContribution> {
  return { ...(await replayKey<RecordedContribution>(tx, key, operation, hash)), replay: true };
}

/**
 * The common write: claim the key, compute, refuse a second contribution for the period, post the
 * journal under the same key and insert the row, all in one transaction, so a refusal writes nothing.
 */
async function record(
  db: Database,
  request: { key: string; psnNo: string; date: string },
  kind: ContributionKind,
  period: string,
  prepare: (tx: Sql) => Promise<Prepared>,
): Promise<RecordedContribution> {
  const { key, ...rest } = request;
  const operation = `contribution:${kind}`;
  const hash = inputHash(rest);
  return db.transaction(async (tx) => {
    if (!(await claimKey(tx, key, operation, hash))) return replay(tx, key, operation, hash);
    const p = await prepare(tx).catch(asServiceError);
    const { psnNo, date } = request;
    if (await repo.contributionExists(tx, psnNo, kind, period)) throw alreadyRecorded(psnNo, kind, period);
    const memo = { psnNo, period, pack: p.pack.label };
    // Our claim on the key makes it new to the ledger too, so the journal need not look it up.
    const journal = { key, kind: operation, date, memo, transfers: p.transfers };
    const posted = await postJournal(tx, journal, { keyClaimed: true });
    // The key was taken in the ledger by a journal that is no contribution of ours.
    if (posted.replay)
      throw new ServiceError('IDEMPOTENCY_CONFLICT', `key ${key} was already used for a journal`, 'key');
    const stored = { ...p.row, packHash: p.pack.hash, idemKey: key, journalId: posted.journalId };
    // A concurrent request for the same period may have inserted its row while we computed.
    if (!(await repo.insertContribution(tx, stored))) throw alreadyRecorded(psnNo, kind, period);
    const result = { ...p.row, pack: p.pack.label, journalId: posted.journalId, date, trace: p.trace };
    await saveKeyResult(tx, key, result);
    return { ...result, replay: false };
  });
}

/** The base limits to apply: none unless the pack states them, and then the average wage is needed. */
function limitsFor(pack: CompiledPack, on: string, averageWage: Fen | undefined): BaseLimits | null {
  const shares = baseLimitSharesAt(pack, on);
  if (!shares.floorShare && !shares.ceilingShare) return null;
  if (averageWage === undefined) {
    const path = (shares.floorShare ?? shares.ceilingShare)!.path;
    throw new ServiceError(
      'INVALID_INPUT',
      `the policy pack limits the base to shares of the average wage (${path}); give averageMonthlyWageFen`,
      'averageMonthlyWageFen',
    );
  }
  return { averageWage, ...shares };
}

/**
 * Record an active employee's monthly contribution. The money is split when it is collected: the
 * account credit (the employee's own part and the part the pool matches) goes straight into the
 * personal-account book and the pool keeps the rest, so no move between books is needed.
 *   employee-pool     Dr fund:AREA  Cr income:AREA    pool income
 *   personal-account  Dr fund:AREA  Cr personal:PSN   account credit
 */
export async function recordEmployeeContribution(
  db: Database,
  input: EmployeeContributionInput,
): Promise<RecordedContribution> {
  const r = parseInput(employeeContributionSchema, input);
  return record(db, r, 'employee-monthly', r.period, async (tx) => {
    const on = `${r.period}-01`;
    const e = await enrolmentAs(tx, r.psnNo, on, '310', ['active']);
    const pack = await packFor(tx, e.areaCode, '310', on);
    const limits = limitsFor(pack, on, r.averageMonthlyWageFen);
    const c = employeeMonthly({ base: r.baseFen, rates: employeeRatesAt(pack, on), limits });
    const a = e.areaCode;
    const transfers = positive([
      {
        debit: fundAccount('employee-pool', a),
        credit: incomeAccount('employee-pool', a),
        amount: c.poolIncome,
      },
      {
        debit: fundAccount('personal-account', a),
        credit: personalAccount(r.psnNo, a),
        amount: c.accountCredit,
      },
    ]);
    if (transfers.length === 0)
      throw new ServiceError(
        'INVALID_INPUT',
        'the base is so small that every part rounds to 0.00',
        'baseFen',
      );
    const row = {
      ...rowOf('employee-monthly', r.period, e),
      ...{ baseFen: c.base, employerFen: c.employer, employeeFen: c.employee },
      ...{ poolFen: c.poolIncome, accountFen: c.accountCredit },
    };
    return { row, pack, transfers, trace: c.trace };
  });
}

/**
 * A retiree's credit is paid by the pool into the personal-account book, so it crosses books
 * through the clearing account of each, in one journal. Each book balances and each clearing
 * account nets to zero within the journal (a balance left on one would mean half a move), and the
 * pool records the credit as its expenditure (统筹基金划入个人账户), as it does a benefit:
 *   employee-pool     Dr expense:AREA:personal-accounts  Cr clearing:AREA
 *   employee-pool     Dr clearing:AREA                   Cr fund:AREA      paid out of the pool's fund
 *   personal-account  Dr fund:AREA                       Cr clearing:AREA  received by the account fund
 *   personal-account  Dr clearing:AREA                   Cr personal:PSN   credited to the retiree
 */
function retireeTransfers(psnNo: string, area: string, amount: Fen): Transfer[] {
  const pool = clearingAccount('employee-pool', area);
  const accounts = clearingAccount('personal-account', area);
  return [
    { debit: accountCreditExpenseAccount('employee-pool', area), credit: pool, amount },
    { debit: pool, credit: fundAccount('employee-pool', area), amount },
    { debit: fundAccount('personal-account', area), credit: accounts, amount },
    { debit: accounts, credit: personalAccount(psnNo, area), amount },
  ];
}

/** Record a retiree's monthly personal-account credit, paid by the pool (retirees contribute nothing). */
export async function recordRetireeCredit(
  db: Database,
  input: RetireeCreditInput,
): Promise<RecordedContribution> {
  const r = parseInput(retireeCreditSchema, input);
  return record(db, r, 'retiree-account', r.period, async (tx) => {
    const on = `${r.period}-01`;
    const e = await enrolmentAs(tx, r.psnNo, on, '310', ['retired']);
    const pack = await packFor(tx, e.areaCode, '310', on);
    const rate = requireParam(pack, CONTRIBUTION_PARAMS.retiredAccountRate, on);
    const c = retireeMonthly({ provincialAverageMonthlyWage: r.provincialAverageMonthlyWageFen, rate });
    if (c.accountCredit === 0) {
      const message = 'the wage is so small that the credit rounds to 0.00';
      throw new ServiceError('INVALID_INPUT', message, 'provincialAverageMonthlyWageFen');
    }
    const row = {
      ...rowOf('retiree-account', r.period, e),
      ...{ baseFen: r.provincialAverageMonthlyWageFen, accountFen: c.accountCredit },
    };
    return { row, pack, transfers: retireeTransfers(r.psnNo, e.areaCode, c.accountCredit), trace: c.trace };
  });
}

/**
 * A resident amount: the pack's when it states one (the caller's, if given, must agree); else the
 * amount the caller says was collected; with neither it is a POLICY_GAP naming the parameter.
 */
function residentAmount(
  pack: CompiledPack,
  path: string,
  on: string,
  given: Fen | undefined,
  field: string,
): Param {
  const stated = paramAt(pack, path, on);
  if (stated && given !== undefined && given !== stated.value) {
    const message = `${field} ${formatYuan(given)} differs from the ${formatYuan(stated.value)} the policy pack states (${path})`;
    throw new ServiceError('INVALID_INPUT', message, field);
  }
  if (stated) return stated;
  if (given !== undefined)
    return { value: given, path: field, source: `given by the caller: the pack states no ${path}` };
  throw new ServiceError('POLICY_GAP', `the policy pack states no ${path} on ${on}; give ${field}`, path);
}

/**
 * Record a resident's annual contribution: the individual share and the fiscal subsidy are both
 * income of the resident pool (residents have no personal account), posted apart so that each can be
 * traced:   resident-pool  Dr fund:AREA  Cr income:AREA   (individual, then subsidy)
 */
export async function recordResidentContribution(
  db: Database,
  input: ResidentContributionInput,
): Promise<RecordedContribution> {
  const r = parseInput(residentContributionSchema, input);
  const period = String(r.year);
  return record(db, r, 'resident-annual', period, async (tx) => {
    const on = `${period}-01-01`;
    const e = await enrolmentAs(tx, r.psnNo, on, '390', ['resident', 'minor']);
    const pack = await packFor(tx, e.areaCode, '390', on);
    const P = CONTRIBUTION_PARAMS;
    const c = residentAnnual({
      individual: residentAmount(pack, P.residentIndividual, on, r.individualFen, 'individualFen'),
      subsidy: residentAmount(pack, P.residentSubsidy, on, r.subsidyFen, 'subsidyFen'),
    });
    if (c.poolIncome === 0)
      throw new ServiceError(
        'INVALID_INPUT',
        'a contribution of 0.00 has nothing to record',
        'individualFen',
      );
    const a = e.areaCode;
    const income = (amount: Fen) => ({
      debit: fundAccount('resident-pool', a),
      credit: incomeAccount('resident-pool', a),
      amount,
    });
    const row = {
      ...rowOf('resident-annual', period, e),
      ...{ employeeFen: c.individual, subsidyFen: c.subsidy, poolFen: c.poolIncome },
    };
    return { row, pack, transfers: positive([income(c.individual), income(c.subsidy)]), trace: c.trace };
  });
}
