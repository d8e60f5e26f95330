import type { DatedValue } from '../domain/policy/model.js';
import type { Ctx } from './benefits.js';
import type { ContributionsInput } from './schema.js';
import { checkDates } from './tables.js';
import { amountAt, rateAt } from './values.js';

/** Shares of the average wage (base floor and ceiling) may exceed 100 %. */
const SHARE_MAX = 100_000;

type Param = { source: string; values: Record<string, number | string | null> };

/**
 * The contribution section, checked and converted: rates to basis points, amounts to fen, keyed
 * by path (e.g. "contributions.employee.employerRate"). The contribution calculator comes later.
 */
export function compileContributions(raw: ContributionsInput | undefined, ctx: Ctx): Map<string, DatedValue> {
  const out = new Map<string, DatedValue>();
  if (!raw) return out;
  const params: [string, Param | undefined, 'rate' | 'share' | 'amount'][] = [
    ['employee.baseFloorShareOfAverageWage', raw.employee?.baseFloorShareOfAverageWage, 'share'],
    ['employee.baseCeilingShareOfAverageWage', raw.employee?.baseCeilingShareOfAverageWage, 'share'],
    ['employee.employerRate', raw.employee?.employerRate, 'rate'],
    ['employee.employeeRate', raw.employee?.employeeRate, 'rate'],
    ['employee.accountCrediting.activeRateOfBase', raw.employee?.accountCrediting?.activeRateOfBase, 'rate'],
    [
      'employee.accountCrediting.activeFromEmployeeRateOfBase',
      raw.employee?.accountCrediting?.activeFromEmployeeRateOfBase,
      'rate',
    ],
    [
      'employee.accountCrediting.retiredRateOfProvincialAverageMonthlyWage',
      raw.employee?.accountCrediting?.retiredRateOfProvincialAverageMonthlyWage,
      'rate',
    ],
    ['resident.individualAmount', raw.resident?.individualAmount, 'amount'],
    ['resident.fiscalSubsidyAmount', raw.resident?.fiscalSubsidyAmount, 'amount'],
  ];
  for (const [name, param, kind] of params) {
    if (!param) continue;
    const path = `contributions.${name}`;
    const dates = Object.keys(param.values);
    checkDates(dates, path, ctx.validFrom, ctx.problems);
    const versions = dates.sort().map((from) => {
      const v = param.values[from];
      const at = `${path}.values.${from}`;
      if (v === null || v === undefined) return { from, value: null };
      const value =
        kind === 'amount'
          ? amountAt(v, at, ctx.problems)
          : rateAt(v, at, ctx.problems, kind === 'share' ? SHARE_MAX : undefined);
      return { from, value };
    });
    out.set(path, { path, source: param.source, versions });
  }
  return out;
}
