import type { Sql } from '../db/index.js';
import {
  CONTRIBUTION_PARAMS,
  employeeMonthly,
  employeeRatesAt,
  requireParam,
  residentAnnual,
  retireeMonthly,
} from '../domain/contribution.js';
import type { CompiledPack } from '../domain/policy/model.js';
import {
  accountCreditExpenseAccount,
  clearingAccount,
  fundAccount,
  incomeAccount,
  personalAccount,
} from '../fund/ledger/accounts.js';
import { postJournal, type Transfer } from '../fund/ledger/service.js';
import { DEMO_PROVINCIAL_AVERAGE_MONTHLY_WAGE_FEN } from './city.js';
import type { DemoPerson } from './population.js';
import { copyContributions } from '../fund/contribution-repository.js';
import type { ContributionInsert } from './repository.js';

/**
 * A month's contributions of one area collected in bulk, as an employer's monthly collection is:
 * amounts from the same pure calculator the contribution service uses (domain/contribution.ts),
 * postings of the same shape as the service's but one journal per batch, posted through the ledger
 * service, and the rows loaded with COPY. The per-person service (fund/contributions.ts) is one
 * transaction per person-month: about 30 ms each on embedded PGlite, over half an hour for the
 * default demo's 71,000.
 */

export interface Batch {
  kind: ContributionInsert['kind'];
  area: string;
  period: string;
  persons: readonly DemoPerson[];
  /** Distinguishes the batches of one kind, area and period (journal keys must be unique). */
  part: number;
}

/** Per person, in the personal-account book: Dr `from` Cr personal:PSN for each account credit. */
function accountCredits(
  area: string,
  rows: readonly ContributionInsert[],
  from: Transfer['credit'],
): Transfer[] {
  return rows
    .filter((r) => r.accountFen > 0)
    .map((r) => ({ debit: from, credit: personalAccount(r.psnNo, area), amount: r.accountFen }));
}

function sum(rows: readonly ContributionInsert[], field: 'poolFen' | 'accountFen'): number {
  return rows.reduce((s, r) => s + r[field], 0);
}

/**
 * Active employees: the pool keeps its share and the account credit goes straight to the
 * personal-account book, as recordEmployeeContribution posts it.
 */
function activeRows(b: Batch, pack: CompiledPack): { rows: ContributionInsert[]; transfers: Transfer[] } {
  const rates = employeeRatesAt(pack, `${b.period}-01`);
  const rows = b.persons.map((p) => {
    const c = employeeMonthly({ base: p.baseFen, rates });
    const amounts = { baseFen: c.base, employerFen: c.employer, employeeFen: c.employee };
    return row(b, p, pack, { ...amounts, poolFen: c.poolIncome, accountFen: c.accountCredit });
  });
  const pool = sum(rows, 'poolFen');
  const transfers: Transfer[] = [
    {
      debit: fundAccount('employee-pool', b.area),
      credit: incomeAccount('employee-pool', b.area),
      amount: pool,
    },
    ...accountCredits(b.area, rows, fundAccount('personal-account', b.area)),
  ];
  return { rows, transfers };
}

/**
 * Retirees: the pool pays the credits into the personal-account book through each book's clearing
 * account, as recordRetireeCredit posts them, with the pool's side summed over the batch.
 */
function retireeRows(b: Batch, pack: CompiledPack): { rows: ContributionInsert[]; transfers: Transfer[] } {
  const rate = requireParam(pack, CONTRIBUTION_PARAMS.retiredAccountRate, `${b.period}-01`);
  const wage = DEMO_PROVINCIAL_AVERAGE_MONTHLY_WAGE_FEN;
  // The credit is the same for every retiree: a share of one statistic.
  const credit = retireeMonthly({ provincialAverageMonthlyWage: wage, rate }).accountCredit;
  const rows = b.persons.map((p) => row(b, p, pack, { baseFen: wage, accountFen: credit }));
  const total = sum(rows, 'accountFen');
  const poolClearing = clearingAccount('employee-pool', b.area);
  const accountClearing = clearingAccount('personal-account', b.area);
  const transfers: Transfer[] = [
    { debit: accountCreditExpenseAccount('employee-pool', b.area), credit: poolClearing, amount: total },
    { debit: poolClearing, credit: fundAccount('employee-pool', b.area), amount: total },
    { debit: fundAccount('personal-account', b.area), credit: accountClearing, amount: total },
    ...accountCredits(b.area, rows, accountClearing),
  ];
  return { rows, transfers };
}

function row(
  b: Batch,
  p: DemoPerson,
  pack: CompiledPack,
  amounts: Partial<
    Pick<
      ContributionInsert,
      'baseFen' | 'employerFen' | 'employeeFen' | 'subsidyFen' | 'poolFen' | 'accountFen'
    >
  >,
): ContributionInsert {
  return {
    psnNo: p.psnNo,
    kind: b.kind,
    period: b.period,
    scheme: b.kind === 'resident-annual' ? '390' : '310',
    areaCode: b.area,
    empNo: p.empNo,
    baseFen: null,
    employerFen: 0,
    employeeFen: 0,
    subsidyFen: 0,
    poolFen: 0,
    accountFen: 0,
    ...amounts,
    packHash: pack.hash,
    idemKey: `demo-contrib-${p.psnNo}-${b.period}`,
  };
}

/**
 * Residents: the individual share and the subsidy are both resident-pool income, as
 * recordResidentContribution posts them. A pack that states neither amount (the demo's) is a
 * POLICY_GAP for every resident: the demo does not make the amounts up.
 */
function residentRows(b: Batch, pack: CompiledPack): { rows: ContributionInsert[]; transfers: Transfer[] } {
  const on = `${b.period}-01-01`;
  const c = residentAnnual({
    individual: requireParam(pack, CONTRIBUTION_PARAMS.residentIndividual, on),
    subsidy: requireParam(pack, CONTRIBUTION_PARAMS.residentSubsidy, on),
  });
  const rows = b.persons.map((p) =>
    row(b, p, pack, { employeeFen: c.individual, subsidyFen: c.subsidy, poolFen: c.poolIncome }),
  );
  const income = (amount: number): Transfer => ({
    debit: fundAccount('resident-pool', b.area),
    credit: incomeAccount('resident-pool', b.area),
    amount,
  });
  return { rows, transfers: [income(c.individual * rows.length), income(c.subsidy * rows.length)] };
}

const ROWS = {
  'employee-monthly': activeRows,
  'retiree-account': retireeRows,
  'resident-annual': residentRows,
};

/** The accounting date of a batch: the 15th of its month, or 15 January of a resident's year. */
function dateOf(b: Batch): string {
  return b.kind === 'resident-annual' ? `${b.period}-01-15` : `${b.period}-15`;
}

/**
 * Compute, post and record one batch in the caller's transaction; returns the rows written. A
 * parameter the pack does not state throws the calculator's POLICY_GAP Refusal before anything is
 * written.
 */
export async function recordBatch(tx: Sql, b: Batch, pack: CompiledPack): Promise<number> {
  const { rows, transfers } = ROWS[b.kind](b, pack);
  const posted = await postJournal(tx, {
    key: `demo-contrib:${b.kind}:${b.area}:${b.period}:${b.part}`,
    kind: `contribution:${b.kind}`,
    date: dateOf(b),
    memo: { area: b.area, period: b.period, persons: rows.length, pack: pack.label },
    transfers: transfers.filter((t) => t.amount > 0),
  });
  return copyContributions(
    tx,
    rows.map((r) => ({ ...r, journalId: posted.journalId })),
  );
}
