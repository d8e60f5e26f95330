import { z } from 'zod';
import {
  ALLOCATION_FACTORS,
  type AdjustmentRule,
  type Dated,
  type FactorWeight,
  type RedistributionScope,
} from '../domain/adjustment/rule.js';
import { isCalendarDate } from '../domain/dates.js';
import type { Bp } from '../domain/money/rate.js';
import { FULL_RATE } from '../domain/money/rate.js';
import { DIMENSIONS } from '../domain/policy/dimensions.js';
import type { Ctx } from './benefits.js';
import { checkDates, type PackProblem } from './tables.js';
import { rateAt } from './values.js';

/**
 * The pack section `adjustment`: the provincial adjustment fund (省级调剂金) of a provincial pack.
 * Two styles, each with its own dated parameters; a parameter the source does not state is left out,
 * and `tongchou adjust` refuses with POLICY_GAP naming it. docs/adjustment-fund.md has the reading.
 *
 *   adjustment:
 *     style: fujian                      # or shanxi
 *     scheme: "310"                      # the scheme whose city funds are adjusted
 *     source: "…the sentence that sets up the fund…"
 *     payInShareOfIncome:         { source: "…", values: { "2019-01-01": "3%" } }
 *     allocationFactors:          { source: "…", values: { "2019-01-01": [{ factor: insuredCount, weight: "70%" }, …] } }
 *     netPaymentCapShareOfIncome: { source: "…", values: { "2019-01-01": "9%" } }    # fujian
 *     netReceiptCapShareOfIncome: { source: "…", values: { "2019-01-01": "20%" } }   # fujian
 *     holdBackShareOfAllocation:  { source: "…", values: { "2019-01-01": "5%" } }    # fujian
 *     redistributionAmong:        { source: "…", values: { "2019-01-01": net-recipients } }  # or all-cities
 *     deficitCoverShare:          { source: "…", values: { "2025-01-01": "60%" } }   # shanxi
 *
 * Factor weights must sum to exactly 100 %, each factor once. A date with `null` ends a parameter.
 * This file does not import schema.ts, which imports it.
 */

const date = z.string().refine(isCalendarDate, { message: 'must be a calendar date YYYY-MM-DD' });
const source = z.string().trim().min(8, 'must quote the source sentence');
const rate = z.union([z.number(), z.string()], { error: 'must be a rate such as "9%" or 0.09' });

function dated<T extends z.ZodType>(value: T) {
  return z.strictObject({ source, values: z.record(date, value.nullable()) });
}

const factor = z.strictObject({
  factor: z.enum(ALLOCATION_FACTORS as [string, ...string[]], {
    error: `must be one of ${ALLOCATION_FACTORS.join(', ')}`,
  }),
  weight: rate,
});

const common = {
  scheme: z.enum(DIMENSIONS.scheme, { error: 'must be "310" (employees) or "390" (residents)' }),
  source,
  payInShareOfIncome: dated(rate).optional(),
};

const fujian = z.strictObject({
  style: z.literal('fujian'),
  ...common,
  allocationFactors: dated(z.array(factor).min(1)).optional(),
  netPaymentCapShareOfIncome: dated(rate).optional(),
  netReceiptCapShareOfIncome: dated(rate).optional(),
  holdBackShareOfAllocation: dated(rate).optional(),
  redistributionAmong: dated(z.enum(['net-recipients', 'all-cities'])).optional(),
});

const shanxi = z.strictObject({
  style: z.literal('shanxi'),
  ...common,
  deficitCoverShare: dated(rate).optional(),
});

export const adjustmentSchema = z.discriminatedUnion('style', [fujian, shanxi], {
  error: 'style must be fujian or shanxi',
});

export type AdjustmentInput = z.infer<typeof adjustmentSchema>;
type DatedInput<T> = { source: string; values: Record<string, T | null> };

/** A dated parameter checked (dates ascending, from validFrom) and converted by `convert`. */
function compileDated<I, T>(
  raw: DatedInput<I> | undefined,
  name: string,
  ctx: Ctx,
  convert: (value: I, at: string) => T,
): Dated<T> | null {
  if (!raw) return null;
  const path = `adjustment.${name}`;
  const dates = Object.keys(raw.values);
  checkDates(dates, path, ctx.validFrom, ctx.problems);
  const versions = [...dates].sort().map((from) => {
    const v = raw.values[from];
    const at = `${path}.values.${from}`;
    return { from, value: v === null || v === undefined ? null : convert(v, at) };
  });
  return { path, source: raw.source, versions };
}

/** Factor weights: each factor once, weights summing to exactly 100 %. */
function factorWeights(
  list: { factor: string; weight: number | string }[],
  at: string,
  problems: PackProblem[],
) {
  const out: FactorWeight[] = [];
  list.forEach((f, i) => {
    if (out.some((o) => o.factor === f.factor))
      problems.push({ path: `${at}[${i}].factor`, message: `factor ${f.factor} is listed twice` });
    const weight = rateAt(f.weight, `${at}[${i}].weight`, problems);
    out.push({ factor: f.factor as FactorWeight['factor'], weight });
  });
  const total = out.reduce((s, f) => s + f.weight, 0);
  if (total !== FULL_RATE) {
    problems.push({ path: at, message: `the factor weights must sum to 100% (they sum to ${total / 100}%)` });
  }
  return out;
}

/**
 * The adjustment section, checked and converted: rates to basis points, factor weights checked to
 * sum to 100 %. Problems go to ctx.problems with their paths; null when the pack has no section.
 */
export function compileAdjustment(raw: AdjustmentInput | undefined, ctx: Ctx): AdjustmentRule | null {
  if (!raw) return null;
  const problems = ctx.problems;
  const asRate = (v: number | string, at: string): Bp => rateAt(v, at, problems);
  const payInShare = compileDated(raw.payInShareOfIncome, 'payInShareOfIncome', ctx, asRate);
  const base = { scheme: raw.scheme, source: raw.source, payInShare };
  if (ctx.poolingLevel !== 'province') {
    problems.push({
      path: 'adjustment',
      message: 'an adjustment fund belongs to a provincial pack (poolingLevel: province)',
    });
  }
  if (raw.style === 'shanxi') {
    return {
      style: 'shanxi',
      ...base,
      deficitCover: compileDated(raw.deficitCoverShare, 'deficitCoverShare', ctx, asRate),
    };
  }
  return {
    style: 'fujian',
    ...base,
    factors: compileDated(raw.allocationFactors, 'allocationFactors', ctx, (v, at) =>
      factorWeights(v, at, problems),
    ),
    netPaymentCap: compileDated(raw.netPaymentCapShareOfIncome, 'netPaymentCapShareOfIncome', ctx, asRate),
    netReceiptCap: compileDated(raw.netReceiptCapShareOfIncome, 'netReceiptCapShareOfIncome', ctx, asRate),
    holdBack: compileDated(raw.holdBackShareOfAllocation, 'holdBackShareOfAllocation', ctx, asRate),
    redistributionAmong: compileDated(
      raw.redistributionAmong,
      'redistributionAmong',
      ctx,
      (v) => v as RedistributionScope,
    ),
  };
}
