import type { Fen } from '../money/money.js';
import { formatRate } from '../money/rate.js';
import { apportion, fractionText, gcd, ratioText, type Share } from './apportion.js';
import { applyCaps, holdBack, payReturns, redistribute, settle } from './fujian-caps.js';
import type {
  FujianCity,
  FujianCityInput,
  FujianInput,
  FujianResult,
  FujianTotals,
  Position,
  Working,
} from './fujian-types.js';
import { checkCities, checkFen, checkWhole, cityOrder } from './inputs.js';
import {
  AdjustmentRefusal,
  type AllocationFactor,
  type FactorWeight,
  type FujianParams,
  type Param,
} from './rule.js';
import { named, sum, Trace, y } from './trace.js';

export type * from './fujian-types.js';

/**
 * The Fujian-style provincial adjustment fund (福建省职工医保省级调剂金, seed 002), for one year:
 *   1. pay-in: each city pays `payInShare` of its fund income (rounded half up once);
 *   2. allocation: the total paid in is split by weights built from the allocation factors
 *      (insured count, collection rate, …), by largest remainder, so the parts sum to the total;
 *   3. net: allocation − pay-in; a city is a net contributor (净上缴) when it is negative, a net
 *      recipient (净拨付) when positive;
 *   4. caps: a net contributor's net payment above `netPaymentCap` (9 %) of its fund income is due
 *      back (予以返还), paid from the provincial risk fund; a net recipient's net receipt above
 *      `netReceiptCap` (20 %) of its fund income is kept for the risk fund (予以留存);
 *   5. hold-back: `holdBack` (5 %) of what each net recipient obtains of its allocation (after the
 *      keep) is held back (按5%集中);
 *   6. year-end: the money held back is redistributed in proportion to the assessment scores
 *      (根据各地医改考核结果进行二次分配), by largest remainder, among `redistributionAmong`.
 * Returns are paid from the risk fund (its opening balance plus this year's keep); what it cannot
 * pay is split pro rata by largest remainder and the rest reported as a shortfall, never hidden.
 * docs/adjustment-fund.md gives the reading of each sentence.
 */

function factorValue(c: FujianCityInput, factor: AllocationFactor): bigint {
  if (factor === 'insuredCount') return BigInt(c.insuredCount);
  if (factor === 'collectionRate') return BigInt(c.collectionRate);
  return BigInt(c.insuredCount) * BigInt(c.collectionRate);
}

/**
 * Integer weights W_i = Σ_f w_f × x_if × (L / X_f), where X_f is the factor's provincial total and
 * L the least common multiple of the totals: W_i / ΣW = Σ_f w_f/100% × x_if/X_f exactly.
 */
function weightsOf(cities: FujianCityInput[], factors: Param<FactorWeight[]>, trace: Trace): bigint[] {
  const used = factors.value.filter((f) => f.weight > 0);
  const totals = used.map((f) => {
    const total = cities.reduce((s, c) => s + factorValue(c, f.factor), 0n);
    if (total === 0n) {
      const message = `the allocation factor ${f.factor} is 0 in every city, so no weight can be built from it`;
      throw new AdjustmentRefusal('INVALID_INPUT', message, f.factor);
    }
    return total;
  });
  const lcm = totals.reduce((l, t) => (l / gcd(l, t)) * t, 1n);
  const weights = cities.map((c) =>
    used.reduce((s, f, k) => s + BigInt(f.weight) * factorValue(c, f.factor) * (lcm / totals[k]!), 0n),
  );
  const den = weights.reduce((s, w) => s + w, 0n);
  cities.forEach((c, i) => {
    const parts = used.map((f, k) => `${formatRate(f.weight)} × ${factorValue(c, f.factor)}/${totals[k]}`);
    trace.note({
      area: c.area,
      figure: 'weight',
      value: fractionText(weights[i]!, den),
      rule: `${parts.join(' + ')} = ${fractionText(weights[i]!, den)} ≈ ${ratioText(weights[i]!, den)} (exact)`,
      inputs: used.map((f) => named(c.area, f.factor)),
      param: factors.path,
      source: factors.source,
    });
  });
  return weights;
}

function allocationRule(total: Fen, s: Share): string {
  const quota = `${y(total)} × weight = ${fractionText(s.quotaNum, s.den)} fen`;
  const extra = s.plusOne ? ' + 1 fen of the leftover (largest remainder)' : '';
  return `${quota}; floor ${y(s.floor)}${extra} = ${y(s.part)} (largest-remainder apportionment)`;
}

/** Steps 1–2: pay-ins and the allocation of their total by the factor weights. */
function payInAndAllocate(input: FujianInput, p: FujianParams, trace: Trace): Working[] {
  const cities = cityOrder(input.cities);
  const paidIn = cities.map((c) =>
    trace.rate(
      c.area,
      'paidIn',
      { amount: c.fundIncome, name: named(c.area, 'fundIncome') },
      p.payInShare,
      'pay-in',
    ),
  );
  const total = sum(paidIn);
  trace.exact(
    null,
    'paidIn',
    total,
    `Σ paidIn = ${y(total)}`,
    cities.map((c) => named(c.area, 'paidIn')),
  );
  const weights = weightsOf(cities, p.factors, trace);
  const den = weights.reduce((s, w) => s + w, 0n);
  const shares = apportion(total, weights);
  return cities.map((c, i) => {
    const s = shares[i]!;
    trace.add({
      area: c.area,
      figure: 'allocation',
      amount: s.part,
      rule: allocationRule(total, s),
      inputs: ['paidIn', named(c.area, 'weight')],
      rounding: 'allocation: largest remainder',
    });
    return blankCity(c, paidIn[i]!, fractionText(weights[i]!, den), ratioText(weights[i]!, den), s.part);
  });
}

function blankCity(c: FujianCityInput, paidIn: Fen, weight: string, weightDecimal: string, allocation: Fen) {
  return {
    ...{ area: c.area, fundIncome: c.fundIncome, paidIn, weight, weightDecimal, allocation },
    ...{
      position: 'even' as Position,
      netPayment: 0,
      netReceipt: 0,
      netPaymentCap: null,
      netReceiptCap: null,
    },
    ...{ returnDue: 0, returned: 0, returnShortfall: 0, kept: 0, heldBack: 0 },
    ...{ allocationPaid: 0, redistributed: 0, received: 0, assessmentScore: c.assessmentScore },
  };
}

function totalsOf(cities: FujianCity[]): FujianTotals {
  const t = (k: keyof FujianTotals) => sum(cities.map((c) => c[k]));
  return {
    ...{ paidIn: t('paidIn'), allocation: t('allocation'), allocationPaid: t('allocationPaid') },
    ...{ kept: t('kept'), heldBack: t('heldBack'), redistributed: t('redistributed') },
    ...{ returnDue: t('returnDue'), returned: t('returned'), returnShortfall: t('returnShortfall') },
    received: t('received'),
  };
}

function checkInput(input: FujianInput): void {
  checkCities(input.cities);
  checkFen(input.riskFundOpening, 'riskFundOpening');
  for (const c of input.cities) {
    checkFen(c.fundIncome, named(c.area, 'fundIncome'));
    checkWhole(c.insuredCount, named(c.area, 'insuredCount'));
    checkWhole(c.collectionRate, named(c.area, 'collectionRate'));
    checkWhole(c.assessmentScore, named(c.area, 'assessmentScore'));
  }
}

/** Compute a year of the Fujian-style adjustment fund exactly, with a trace of every figure. */
export function computeFujian(params: FujianParams, input: FujianInput): FujianResult {
  checkInput(input);
  const trace = new Trace();
  const cities = payInAndAllocate(input, params, trace);
  for (const c of cities) applyCaps(c, params, trace);
  const riskFund = payReturns(cities, input.riskFundOpening, trace);
  for (const c of cities) holdBack(c, params, trace);
  redistribute(cities, params, trace);
  const settled = cities.map((c) => settle(c, trace));
  return { style: 'fujian', cities: settled, totals: totalsOf(settled), riskFund, trace: trace.steps };
}
