import { policyGap } from './errors.js';
import { formatYuan, type Fen } from './money/money.js';
import { applyRate, formatRate } from './money/rate.js';
import type { CompiledPack } from './policy/model.js';

/**
 * The contribution calculator (DESIGN §5): an employee's monthly contribution and personal-account
 * credit, a retiree's monthly account credit, a resident's annual contribution. Pure: the caller
 * resolves the person, the pack and the statistics (average wages), which are inputs, not policy.
 */

/** A value in force: a rate in basis points or an amount in fen, with its path and quoted source. */
export interface Param {
  value: number;
  path: string;
  source: string;
}

/** One named step of a computation, so that a handler can explain every amount. */
export interface ContributionStep {
  step: string;
  amount: Fen;
  /** How the amount was reached, e.g. "6000.00 × 7% = 420.00, rounded half up once". */
  rule: string;
  param?: string;
  source?: string;
}

export const CONTRIBUTION_PARAMS = {
  baseFloorShare: 'contributions.employee.baseFloorShareOfAverageWage',
  baseCeilingShare: 'contributions.employee.baseCeilingShareOfAverageWage',
  employerRate: 'contributions.employee.employerRate',
  employeeRate: 'contributions.employee.employeeRate',
  accountRate: 'contributions.employee.accountCrediting.activeRateOfBase',
  accountFromEmployeeRate: 'contributions.employee.accountCrediting.activeFromEmployeeRateOfBase',
  retiredAccountRate: 'contributions.employee.accountCrediting.retiredRateOfProvincialAverageMonthlyWage',
  residentIndividual: 'contributions.resident.individualAmount',
  residentSubsidy: 'contributions.resident.fiscalSubsidyAmount',
} as const;

/** A contribution parameter of a pack in force on a date, or null when the pack states none then. */
export function paramAt(pack: Pick<CompiledPack, 'contributions'>, path: string, date: string): Param | null {
  const dated = pack.contributions.get(path);
  if (!dated) return null;
  let value: number | null = null;
  for (const v of dated.versions) {
    if (v.from > date) break;
    value = v.value;
  }
  return value === null ? null : { value, path, source: dated.source };
}

/** Like paramAt, but a parameter the pack does not state is a POLICY_GAP naming it. */
export function requireParam(pack: Pick<CompiledPack, 'contributions'>, path: string, date: string): Param {
  const p = paramAt(pack, path, date);
  if (!p) throw policyGap(path, `the policy pack does not state ${path} on ${date}`);
  return p;
}

export interface EmployeeRates {
  employer: Param;
  employee: Param;
  /** Share of the base credited to an active employee's personal account. */
  account: Param;
  /** The part of `account` that is the employee's own contribution; the rest is matched by the pool. */
  accountFromEmployee: Param;
}

/** The employee-scheme rates in force on a date; each one the pack does not state is a POLICY_GAP. */
export function employeeRatesAt(pack: Pick<CompiledPack, 'contributions'>, date: string): EmployeeRates {
  const P = CONTRIBUTION_PARAMS;
  return {
    employer: requireParam(pack, P.employerRate, date),
    employee: requireParam(pack, P.employeeRate, date),
    account: requireParam(pack, P.accountRate, date),
    accountFromEmployee: requireParam(pack, P.accountFromEmployeeRate, date),
  };
}

/** The base limits a pack states on a date, as shares of an average wage (either may be absent). */
export function baseLimitSharesAt(
  pack: Pick<CompiledPack, 'contributions'>,
  date: string,
): { floorShare: Param | null; ceilingShare: Param | null } {
  return {
    floorShare: paramAt(pack, CONTRIBUTION_PARAMS.baseFloorShare, date),
    ceilingShare: paramAt(pack, CONTRIBUTION_PARAMS.baseCeilingShare, date),
  };
}

export interface BaseLimits {
  /** The average monthly wage the shares apply to: a published statistic the caller supplies. */
  averageWage: Fen;
  floorShare: Param | null;
  ceilingShare: Param | null;
}

export interface EmployeeMonthly {
  /** The contribution base after the pack's floor and ceiling (unclamped when it states none). */
  base: Fen;
  employer: Fen;
  employee: Fen;
  accountCredit: Fen;
  accountFromEmployee: Fen;
  accountMatched: Fen;
  poolIncome: Fen;
  trace: ContributionStep[];
}

/** amount × rate rounded half up once, as a named step citing the rate. */
function product(step: string, amount: Fen, rate: Param, what: string): ContributionStep {
  const value = applyRate(amount, rate.value);
  return {
    step,
    amount: value,
    rule: `${what} ${formatYuan(amount)} × ${formatRate(rate.value)} = ${formatYuan(value)}, rounded half up once`,
    param: rate.path,
    source: rate.source,
  };
}

/** The base within the pack's limits; the trace says which limit applied, or that none is stated. */
function clampBase(base: Fen, limits: BaseLimits | null | undefined): ContributionStep[] {
  if (!limits || (!limits.floorShare && !limits.ceilingShare)) {
    const rule = `declared base ${formatYuan(base)}, unclamped: the pack states no base floor or ceiling`;
    return [{ step: 'base', amount: base, rule }];
  }
  const steps: ContributionStep[] = [];
  const share = (step: string, p: Param | null) => p && product(step, limits.averageWage, p, 'average wage');
  const floor = share('base-floor', limits.floorShare);
  const ceiling = share('base-ceiling', limits.ceilingShare);
  if (floor) steps.push(floor);
  if (ceiling) steps.push(ceiling);
  if (floor && ceiling && floor.amount > ceiling.amount) {
    throw policyGap(floor.param!, `the base floor ${formatYuan(floor.amount)} is above the ceiling`);
  }
  let value = base;
  let why = 'within the limits';
  if (floor && value < floor.amount) [value, why] = [floor.amount, 'raised to the floor'];
  if (ceiling && value > ceiling.amount) [value, why] = [ceiling.amount, 'lowered to the ceiling'];
  steps.push({ step: 'base', amount: value, rule: `declared base ${formatYuan(base)}, ${why}` });
  return steps;
}

/** The differences that close the identities, as named steps (no rounding: they are exact). */
function splitSteps(employer: Fen, employee: Fen, credit: Fen, fromEmployee: Fen): ContributionStep[] {
  const y = formatYuan;
  return [
    {
      step: 'account-matched',
      amount: credit - fromEmployee,
      rule: `account credit ${y(credit)} − employee part ${y(fromEmployee)}: matched by the pool`,
    },
    {
      step: 'pool-income',
      amount: employer + employee - credit,
      rule: `employer ${y(employer)} + employee ${y(employee)} − account credit ${y(credit)}`,
    },
  ];
}

/**
 * An active employee's monthly contribution: employer and employee shares of the base, the
 * personal-account credit (the employee's part plus the part matched by the pool) and what the pool
 * keeps. Each product is rounded once; matched and pool are differences, so employer + employee =
 * pool + account credit and account credit = employee part + matched part hold exactly.
 */
export function employeeMonthly(input: {
  base: Fen;
  rates: EmployeeRates;
  limits?: BaseLimits | null;
}): EmployeeMonthly {
  const { rates } = input;
  const trace = clampBase(input.base, input.limits);
  const base = trace[trace.length - 1]!.amount;
  const [r, e, c, f] = [
    product('employer', base, rates.employer, 'base'),
    product('employee', base, rates.employee, 'base'),
    product('account-credit', base, rates.account, 'base'),
    product('account-from-employee', base, rates.accountFromEmployee, 'base'),
  ];
  trace.push(r, e, c, f);
  const [matched, pool] = splitSteps(r.amount, e.amount, c.amount, f.amount);
  if (f.amount > e.amount || matched!.amount < 0 || pool!.amount < 0) {
    throw policyGap(
      rates.accountFromEmployee.path,
      `the pack's rates cannot be applied to base ${formatYuan(base)}: the account credit ${formatYuan(c.amount)} ` +
        `needs ${formatYuan(f.amount)} of the employee's ${formatYuan(e.amount)} and the rest from the employer's`,
    );
  }
  trace.push(matched!, pool!);
  return {
    base,
    employer: r.amount,
    employee: e.amount,
    accountCredit: c.amount,
    accountFromEmployee: f.amount,
    accountMatched: matched!.amount,
    poolIncome: pool!.amount,
    trace,
  };
}

/** A retiree's monthly personal-account credit: a share of last year's provincial average monthly wage, paid by the pool. */
export function retireeMonthly(input: { provincialAverageMonthlyWage: Fen; rate: Param }): {
  accountCredit: Fen;
  trace: ContributionStep[];
} {
  const wage = input.provincialAverageMonthlyWage;
  const credit = product('account-credit', wage, input.rate, 'provincial average monthly wage');
  const given: ContributionStep = {
    step: 'provincial-average-monthly-wage',
    amount: wage,
    rule: `last year's provincial average monthly wage of on-post employees, ${formatYuan(wage)}, given by the caller`,
  };
  return { accountCredit: credit.amount, trace: [given, credit] };
}

/** A resident's annual contribution: the individual share and the fiscal subsidy, both pool income. */
export function residentAnnual(input: { individual: Param; subsidy: Param }): {
  individual: Fen;
  subsidy: Fen;
  poolIncome: Fen;
  trace: ContributionStep[];
} {
  const { individual, subsidy } = input;
  const step = (name: string, p: Param): ContributionStep => ({
    step: name,
    amount: p.value,
    rule: formatYuan(p.value),
    param: p.path,
    source: p.source,
  });
  const pool = individual.value + subsidy.value;
  return {
    individual: individual.value,
    subsidy: subsidy.value,
    poolIncome: pool,
    trace: [
      step('individual', individual),
      step('subsidy', subsidy),
      {
        step: 'pool-income',
        amount: pool,
        rule: `individual ${formatYuan(individual.value)} + subsidy ${formatYuan(subsidy.value)}`,
      },
    ],
  };
}
