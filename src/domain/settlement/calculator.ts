import { policyGap, Refusal } from '../errors.js';
import { classifyArea } from '../policy/dimensions.js';
import type { Benefit, CompiledPack } from '../policy/model.js';
import { dimIndex, type DimIndex } from '../policy/table.js';
import { splitFees } from './fees.js';
import { LAYER_FUND_TYPE, payLayers } from './layers.js';
import { payFromPool, resolveRate, takeDeductible, type ClaimContext } from './pool.js';
import { topRate } from './rates.js';
import type { Accumulators, Claim, Settlement, SettleOutcome, TraceEntry } from './types.js';

const POOL_FUND_TYPE = { '310': '310100', '390': '390100' } as const;
const LAYER_KINDS = ['largeAmount', 'criticalIllness', 'assistance'] as const;
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
    const benefit = findBenefit(pack, claim);
    const acc = startingAccumulators(pack, before, claim, benefit);
    const ctx: ClaimContext = { pack, claim, idx: claimIndex(pack, claim), trace };
    trace?.push({
      step: 'benefit',
      param: benefit.path,
      value: 0,
      pack: pack.label,
      note: `${benefit.id}: ${benefit.name}`,
    });
    const settlement = compute(ctx, benefit, acc);
    if (claim.medType === '21') acc.admissions += 1;
    if (trace) for (const entry of trace) entry.pack ??= pack.label;
    return { ok: true, settlement, after: acc, trace };
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, error: e };
    throw e;
  }
}

function compute(ctx: ClaimContext, benefit: Benefit, acc: Accumulators): Settlement {
  const { claim } = ctx;
  const fees = splitFees(claim.fees, ctx.trace);
  const deductible = takeDeductible(ctx, benefit, acc, fees.inScope);
  const base = fees.inScope - deductible;
  const rule = resolveRate(ctx, benefit);
  const pool = payFromPool(ctx, benefit, acc, base, rule);
  const layers =
    ctx.pack.layers.length === 0
      ? NO_LAYER_PAYS
      : payLayers(ctx, acc, { inScope: fees.inScope, base, ...pool });
  const fundPaySum = pool.pay + layers.largeAmount + layers.criticalIllness + layers.assistance;
  const personPart = fees.total - fundPaySum;
  const accountPay =
    claim.scheme === '310' && claim.useAccount ? Math.min(claim.accountBalance, personPart) : 0;
  const details: Settlement['details'] = [{ fundPayType: POOL_FUND_TYPE[claim.scheme], amount: pool.pay }];
  for (const kind of LAYER_KINDS) {
    if (layers[kind] > 0) details.push({ fundPayType: LAYER_FUND_TYPE[kind], amount: layers[kind] });
  }
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
    poolPay: pool.pay,
    poolRate: topRate(rule, base),
    largeAmountPay: layers.largeAmount,
    criticalIllnessPay: layers.criticalIllness,
    assistancePay: layers.assistance,
    fundPaySum,
    personPart,
    accountPay,
    cashPay: personPart - accountPay,
    balance: claim.accountBalance - accountPay,
    details,
  };
}

function findBenefit(pack: CompiledPack, claim: Claim): Benefit {
  if (claim.date < pack.validFrom) {
    throw policyGap(
      'validFrom',
      `pack ${pack.id} starts on ${pack.validFrom}; the claim is dated ${claim.date}`,
    );
  }
  if (pack.validUntil !== null && claim.date >= pack.validUntil) {
    throw policyGap(
      'validUntil',
      `pack ${pack.id} ended on ${pack.validUntil}; the claim is dated ${claim.date}`,
    );
  }
  const benefit = pack.benefits.find(
    (b) => b.schemes.includes(claim.scheme) && b.medTypes.includes(claim.medType),
  );
  if (!benefit) {
    throw policyGap(
      'benefits',
      `pack ${pack.id} states no benefit for scheme ${claim.scheme} and medical type ${claim.medType}`,
    );
  }
  return benefit;
}

/** A copy of the accumulators to work on; a claim's `prior` replaces those of its benefit. */
function startingAccumulators(
  pack: CompiledPack,
  before: Accumulators,
  claim: Claim,
  benefit: Benefit,
): Accumulators {
  const hasLayers = pack.layers.length > 0;
  const acc: Accumulators = {
    deductibleUsed: { ...before.deductibleUsed },
    poolPaid: { ...before.poolPaid },
    admissions: before.admissions,
    // Only layers write these: without layers the (never mutated) records can be shared.
    layerBase: hasLayers ? { ...before.layerBase } : before.layerBase,
    layerPaid: hasLayers ? { ...before.layerPaid } : before.layerPaid,
  };
  if (claim.prior) {
    if (benefit.deductible) acc.deductibleUsed[benefit.deductible.group] = claim.prior.deductibleUsed;
    for (const capId of benefit.caps ?? []) acc.poolPaid[capId] = claim.prior.poolPaid;
    acc.admissions = claim.prior.admissions;
  }
  return acc;
}

function claimIndex(pack: CompiledPack, claim: Claim): DimIndex {
  return {
    scheme: dimIndex('scheme', claim.scheme),
    personType: dimIndex('personType', claim.personType),
    medType: dimIndex('medType', claim.medType),
    level: dimIndex('level', claim.level),
    priceClass: dimIndex('priceClass', claim.priceClass),
    area: dimIndex('area', classifyArea(pack.poolingLevel, claim.personArea, claim.careArea)),
    familyDoctor: claim.familyDoctor ? 0 : 1,
    assistance: claim.assistance ? 0 : 1,
  };
}
