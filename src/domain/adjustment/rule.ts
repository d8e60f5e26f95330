import type { Bp } from '../money/rate.js';
import type { Scheme } from '../policy/dimensions.js';

/**
 * The provincial adjustment fund rule (省级调剂金) as a compiled pack section: which style, which
 * scheme's fund it adjusts, and its dated parameters. A parameter the source does not state is
 * null here, and computing with it is refused with POLICY_GAP naming its path.
 */

/** What an allocation weight is built from (因素法: each factor's share of the provincial total). */
export type AllocationFactor = 'insuredCount' | 'collectionRate' | 'insuredCountTimesCollectionRate';
export const ALLOCATION_FACTORS: readonly AllocationFactor[] = [
  'insuredCount',
  'collectionRate',
  'insuredCountTimesCollectionRate',
];

/** One factor of the allocation and its weight; the weights of a rule sum to 100 %. */
export interface FactorWeight {
  factor: AllocationFactor;
  weight: Bp;
}

/** Who shares the year-end redistribution of the held-back money. */
export type RedistributionScope = 'net-recipients' | 'all-cities';

/** A dated parameter: each version runs until the next; a null value ends it. */
export interface Dated<T> {
  path: string;
  source: string;
  versions: { from: string; value: T | null }[];
}

/** A parameter in force: its value, its pack path and the quoted source sentence. */
export interface Param<T = number> {
  value: T;
  path: string;
  source: string;
}

export const ADJUSTMENT_PARAMS = {
  payInShare: 'adjustment.payInShareOfIncome',
  factors: 'adjustment.allocationFactors',
  netPaymentCap: 'adjustment.netPaymentCapShareOfIncome',
  netReceiptCap: 'adjustment.netReceiptCapShareOfIncome',
  holdBack: 'adjustment.holdBackShareOfAllocation',
  redistributionAmong: 'adjustment.redistributionAmong',
  deficitCover: 'adjustment.deficitCoverShare',
} as const;

export interface FujianRule {
  style: 'fujian';
  scheme: Scheme;
  source: string;
  payInShare: Dated<Bp> | null;
  factors: Dated<FactorWeight[]> | null;
  netPaymentCap: Dated<Bp> | null;
  netReceiptCap: Dated<Bp> | null;
  holdBack: Dated<Bp> | null;
  redistributionAmong: Dated<RedistributionScope> | null;
}

export interface ShanxiRule {
  style: 'shanxi';
  scheme: Scheme;
  source: string;
  payInShare: Dated<Bp> | null;
  deficitCover: Dated<Bp> | null;
}

export type AdjustmentRule = FujianRule | ShanxiRule;

export interface FujianParams {
  payInShare: Param<Bp>;
  factors: Param<FactorWeight[]>;
  netPaymentCap: Param<Bp>;
  netReceiptCap: Param<Bp>;
  holdBack: Param<Bp>;
  redistributionAmong: Param<RedistributionScope>;
}

export interface ShanxiParams {
  payInShare: Param<Bp>;
  deficitCover: Param<Bp>;
}

/** Why an adjustment cannot be computed: a parameter the pack does not state, or unusable inputs. */
export class AdjustmentRefusal extends Error {
  constructor(
    readonly code: 'POLICY_GAP' | 'INVALID_INPUT',
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'AdjustmentRefusal';
  }
}

/** The value of a dated parameter in force on a date, or null (not stated, or ended). */
export function datedAt<T>(dated: Dated<T> | null, date: string): Param<T> | null {
  if (!dated) return null;
  let value: T | null = null;
  for (const v of dated.versions) {
    if (v.from > date) break;
    value = v.value;
  }
  return value === null ? null : { value, path: dated.path, source: dated.source };
}

/** Every named parameter in force, or one POLICY_GAP naming all that are missing (the first as path). */
function require<K extends string>(
  entries: [K, Dated<unknown> | null, string][],
  date: string,
): Record<K, Param<unknown>> {
  const found = {} as Record<K, Param<unknown>>;
  const missing: string[] = [];
  for (const [name, dated, path] of entries) {
    const p = datedAt(dated, date);
    if (p) found[name] = p;
    else missing.push(path);
  }
  if (missing.length > 0) {
    const list = missing.join(', ');
    throw new AdjustmentRefusal(
      'POLICY_GAP',
      `the policy pack does not state ${list} on ${date}: the source gives no value, so the adjustment cannot be computed`,
      missing[0]!,
    );
  }
  return found;
}

/** The Fujian-style parameters in force on a date; any the pack does not state is a POLICY_GAP. */
export function fujianParamsAt(rule: FujianRule, date: string): FujianParams {
  const P = ADJUSTMENT_PARAMS;
  return require([
    ['payInShare', rule.payInShare, P.payInShare],
    ['factors', rule.factors, P.factors],
    ['netPaymentCap', rule.netPaymentCap, P.netPaymentCap],
    ['netReceiptCap', rule.netReceiptCap, P.netReceiptCap],
    ['holdBack', rule.holdBack, P.holdBack],
    ['redistributionAmong', rule.redistributionAmong, P.redistributionAmong],
  ], date) as unknown as FujianParams;
}

/** The Shanxi-style parameters in force on a date; any the pack does not state is a POLICY_GAP. */
export function shanxiParamsAt(rule: ShanxiRule, date: string): ShanxiParams {
  const P = ADJUSTMENT_PARAMS;
  return require([
    ['payInShare', rule.payInShare, P.payInShare],
    ['deficitCover', rule.deficitCover, P.deficitCover],
  ], date) as unknown as ShanxiParams;
}
