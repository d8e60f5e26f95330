import { policyGap, Refusal } from '../errors.js';
import { classifyArea, DIMENSIONS } from '../policy/dimensions.js';
import { ADMISSIONS_SLOT, type Benefit, type CompiledPack } from '../policy/model.js';
import type { Fen } from '../money/money.js';
import { splitFees } from './fees.js';
import { LAYER_FUND_TYPE, payLayers, type LayerPays } from './layers.js';
import {
  benefitFor,
  dayOf,
  indexIn,
  planOf,
  type BenefitPlan,
  type ClaimContext,
  type PackPlan,
} from './plan.js';
import { limitByCaps, poolBeforeCaps, resolveRate, takeDeductible, type Counters } from './pool.js';
import { topRate } from './rates.js';
import type { Accumulators, Claim, Settlement, SettleOutcome, TraceEntry } from './types.js';

const NO_LAYER_PAYS = Object.freeze({ largeAmount: 0, criticalIllness: 0, assistance: 0 });

/**
 * Settle one claim against a pack, given the person's accumulators for the claim's year and scheme.
 * Pure: returns the settlement, the new accumulators and (when explaining) the trace, or a refusal.
 */
export function settle(
  pack: CompiledPack,
  claim: Claim,
  before: Accumulators,
  explain = false,
): SettleOutcome {
  const trace: TraceEntry[] | null = explain ? [] : null;
  try {
    const plan = planOf(pack);
    const day = dayOf(claim.date);
    const found = findBenefit(pack, plan, claim, day);
    const benefit = found.benefit;
    const acc = startingCounters(pack, before, claim, benefit);
    const ctx = claimContext(pack, plan, claim, day, trace);
    trace?.push({
      step: 'benefit',
      param: benefit.path,
      value: 0,
      pack: pack.label,
      note: `${benefit.id}: ${benefit.name}`,
    });
    const settlement = compute(ctx, found, acc);
    if (claim.medType === '21') acc[ADMISSIONS_SLOT]! += 1;
    if (trace) for (const entry of trace) entry.pack ??= pack.label;
    return { ok: true, settlement, after: acc, trace };
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, error: e };
    throw e;
  }
}

function compute(ctx: ClaimContext, benefit: BenefitPlan, acc: Counters): Settlement {
  const { claim } = ctx;
  const fees = splitFees(claim.fees, ctx.trace);
  const deductible = takeDeductible(ctx, benefit, acc, fees.inScope);
  const base = fees.inScope - deductible;
  const rule = resolveRate(ctx, benefit);
  const uncapped = poolBeforeCaps(ctx, benefit, base, rule);
  const poolPay = limitByCaps(ctx, benefit, acc, uncapped);
  const layers =
    ctx.pack.layers.length === 0
      ? NO_LAYER_PAYS
      : payLayers(ctx, acc, { inScope: fees.inScope, base, pay: poolPay, uncapped });
  const fundPaySum = poolPay + layers.largeAmount + layers.criticalIllness + layers.assistance;
  const personPart = fees.total - fundPaySum;
  const accountPay =
    claim.scheme === '310' && claim.useAccount ? Math.min(claim.accountBalance, personPart) : 0;
  if (accountPay > 0) {
    ctx.trace?.push({
      step: 'account',
      param: 'acct_balc',
      value: accountPay / 100,
      note: `personal account pays up to its balance ${claim.accountBalance / 100}`,
    });
  }
  ctx.trace?.push({
    step: 'cash',
    param: 'psn_cash_pay',
    value: (personPart - accountPay) / 100,
    note: 'the rest',
  });
  return {
    medfeeSum: fees.total,
    ownPay: fees.ownPay,
    overLimit: fees.overLimit,
    preSelfPay: fees.preSelfPay,
    inScope: fees.inScope,
    deductible,
    poolPay: poolPay,
    poolRate: topRate(rule, base),
    largeAmountPay: layers.largeAmount,
    criticalIllnessPay: layers.criticalIllness,
    assistancePay: layers.assistance,
    fundPaySum,
    personPart,
    accountPay,
    cashPay: personPart - accountPay,
    balance: claim.accountBalance - accountPay,
    details: fundDetails(claim, poolPay, layers),
  };
}

/**
 * The payment of each fund: the pool's, then each layer that paid. Written out field by field:
 * reading an object by a varying key ("310", a layer kind) is a slow, megamorphic lookup.
 * The scheme is 310 or 390 here (no benefit is found for any other).
 */
function fundDetails(claim: Claim, poolPay: Fen, layers: LayerPays): Settlement['details'] {
  const pool = claim.scheme === '310' ? '310100' : '390100';
  const details: Settlement['details'] = [{ fundPayType: pool, amount: poolPay }];
  if (layers.largeAmount > 0)
    details.push({ fundPayType: LAYER_FUND_TYPE.largeAmount, amount: layers.largeAmount });
  if (layers.criticalIllness > 0)
    details.push({ fundPayType: LAYER_FUND_TYPE.criticalIllness, amount: layers.criticalIllness });
  if (layers.assistance > 0)
    details.push({ fundPayType: LAYER_FUND_TYPE.assistance, amount: layers.assistance });
  return details;
}

function findBenefit(pack: CompiledPack, plan: PackPlan, claim: Claim, day: number): BenefitPlan {
  if (isBefore(day, claim.date, plan.validFrom, pack.validFrom)) {
    throw policyGap(
      'validFrom',
      `pack ${pack.id} starts on ${pack.validFrom}; the claim is dated ${claim.date}`,
    );
  }
  if (pack.validUntil !== null && !isBefore(day, claim.date, plan.validUntil!, pack.validUntil)) {
    throw policyGap(
      'validUntil',
      `pack ${pack.id} ended on ${pack.validUntil}; the claim is dated ${claim.date}`,
    );
  }
  const benefit = benefitFor(plan, claim);
  if (!benefit) {
    throw policyGap(
      'benefits',
      `pack ${pack.id} states no benefit for scheme ${claim.scheme} and medical type ${claim.medType}`,
    );
  }
  return benefit;
}

/** date < other, as numbers (YYYYMMDD) when both are written YYYY-MM-DD, else as text. */
function isBefore(day: number, date: string, otherDay: number, other: string): boolean {
  return day > 0 && otherDay > 0 ? day < otherDay : date < other;
}

/** A copy of the totals to work on, laid out by the pack; a claim's `prior` replaces its benefit's. */
function startingCounters(
  pack: CompiledPack,
  before: Accumulators,
  claim: Claim,
  benefit: Benefit,
): Counters {
  const n = pack.slots.names.length;
  const acc = before.length === n ? before.slice() : new Array<number>(n).fill(0);
  if (before.length !== n) for (let i = 0; i < Math.min(n, before.length); i++) acc[i] = before[i]!;
  if (claim.prior) {
    if (benefit.deductible) acc[benefit.deductible.slot] = claim.prior.deductibleUsed;
    for (const slot of benefit.capSlots) acc[slot] = claim.prior.poolPaid;
    acc[ADMISSIONS_SLOT] = claim.prior.admissions;
  }
  return acc;
}

/**
 * The claim with its position on the dimensions the pack's tables use (the others stay -1, never
 * read): one object serves as context and index.
 */
function claimContext(
  pack: CompiledPack,
  plan: PackPlan,
  claim: Claim,
  day: number,
  trace: TraceEntry[] | null,
): ClaimContext {
  const uses = plan.uses;
  const area = uses.area ? classifyArea(pack.poolingLevel, claim.personArea, claim.careArea) : undefined;
  return {
    scheme: uses.scheme ? indexIn(DIMENSIONS.scheme, claim.scheme) : -1,
    personType: uses.personType ? indexIn(DIMENSIONS.personType, claim.personType) : -1,
    medType: uses.medType ? indexIn(DIMENSIONS.medType, claim.medType) : -1,
    level: uses.level ? indexIn(DIMENSIONS.level, claim.level) : -1,
    priceClass: uses.priceClass ? indexIn(DIMENSIONS.priceClass, claim.priceClass) : -1,
    area: area === undefined ? -1 : indexIn(DIMENSIONS.area, area),
    familyDoctor: claim.familyDoctor ? 0 : 1,
    assistance: claim.assistance ? 0 : 1,
    pack,
    plan,
    claim,
    day,
    trace,
  };
}
