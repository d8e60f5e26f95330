import { mulDivRoundHalfUp, type Fen } from '../money/money.js';
import type { Layer, LayerKind } from '../policy/model.js';
import { lookupOn, versionOn, type ClaimContext } from './plan.js';
import type { Counters } from './pool.js';
import { applyRateRule } from './rates.js';
import type { Claim } from './types.js';

export type LayerPays = Record<LayerKind, Fen>;

export interface PoolOutcome {
  inScope: Fen;
  /** In-scope amount after the deductible: what the pool's rate applied to. */
  base: Fen;
  pay: Fen;
  uncapped: Fen;
}

/** The national fund_pay_type of each layer. */
export const LAYER_FUND_TYPE: Record<LayerKind, string> = {
  largeAmount: '330100',
  criticalIllness: '390200',
  assistance: '610100',
};

/**
 * Step 4: the layers after the pool, in order. Each layer pays on a cumulative yearly base:
 * pay = f(base after) − f(base before), f(x) = rate × (x − threshold), so thresholds and segments
 * apply to the year's total and the year's payments add up exactly; then the layer's annual cap.
 */
export function payLayers(ctx: ClaimContext, acc: Counters, pool: PoolOutcome): LayerPays {
  const pays: LayerPays = { largeAmount: 0, criticalIllness: 0, assistance: 0 };
  for (const { layer, table } of ctx.plan.layers) {
    if (!layerApplies(layer, ctx.claim)) continue;
    const cells = versionOn(table, ctx);
    if (!cells) continue; // not in force on this date: as if the pack had no such layer
    const claimBase = layerBase(layer.kind, pool, pays);
    const rule = lookupOn(table, ctx);
    const before = acc[layer.baseSlot]!;
    const after = before + claimBase;
    const f = (x: Fen) => applyRateRule(rule.value.rate, Math.max(0, x - rule.value.threshold));
    let pay = Math.min(claimBase, f(after) - f(before));
    const paid = acc[layer.paidSlot]!;
    if (rule.value.cap !== null) pay = Math.min(pay, Math.max(0, rule.value.cap - paid));
    acc[layer.baseSlot] = after;
    acc[layer.paidSlot] = paid + pay;
    pays[layer.kind] = pay;
    ctx.trace?.push({
      step: layer.kind,
      param: rule.ref.path,
      value: pay / 100,
      source: rule.ref.source,
      pack: ctx.pack.label,
      note: `base this claim ${claimBase / 100}, year ${after / 100}; threshold ${rule.value.threshold / 100}; paid before ${paid / 100}`,
    });
  }
  return pays;
}

function layerApplies(layer: Layer, claim: Claim): boolean {
  if (!layer.schemes.includes(claim.scheme)) return false;
  if (layer.medTypes && !layer.medTypes.includes(claim.medType)) return false;
  if (layer.requiresTag === 'assistance') return claim.assistance;
  if (layer.requiresTag === 'family-doctor') return claim.familyDoctor;
  return true;
}

/** What each layer pays on for this claim. */
function layerBase(kind: LayerKind, pool: PoolOutcome, pays: LayerPays): Fen {
  if (kind === 'largeAmount') {
    // The part of the base the pool left unpaid because a cap was reached (rounded half up).
    if (pool.uncapped <= pool.pay) return 0;
    return mulDivRoundHalfUp(pool.base, pool.uncapped - pool.pay, pool.uncapped);
  }
  const outOfPocket = pool.inScope - pool.pay - pays.largeAmount;
  return kind === 'criticalIllness' ? outOfPocket : outOfPocket - pays.criticalIllness;
}
