import { divRoundHalfUp, type Fen } from '../money/money.js';
import { FULL_RATE, type Bp } from '../money/rate.js';
import type { RateRule } from '../policy/model.js';

/** amount × rule (flat, or marginal segments summed exactly), rounded once, half up. */
export function applyRateRule(rule: RateRule, amount: Fen): Fen {
  if (amount <= 0) return 0;
  if (rule.kind === 'flat') return divRoundHalfUp(amount * rule.rate, FULL_RATE);
  let sum = 0;
  let lower = 0;
  for (const seg of rule.segments) {
    const upper = seg.upTo === null ? amount : Math.min(amount, seg.upTo);
    if (upper > lower) sum += (upper - lower) * seg.rate;
    if (seg.upTo === null || amount <= seg.upTo) break;
    lower = seg.upTo;
  }
  return divRoundHalfUp(sum, FULL_RATE);
}

/** The rate of the segment the amount ends in (the national interface's pool_prop_selfpay). */
export function topRate(rule: RateRule, amount: Fen): Bp {
  if (rule.kind === 'flat') return rule.rate;
  for (const seg of rule.segments) if (seg.upTo === null || amount <= seg.upTo) return seg.rate;
  return rule.segments[rule.segments.length - 1]?.rate ?? 0;
}

/** Add points to every rate of a rule, never past 100 %. */
export function addToRule(rule: RateRule, points: Bp): RateRule {
  const add = (r: Bp) => Math.min(FULL_RATE, r + points);
  if (rule.kind === 'flat') return { kind: 'flat', rate: add(rule.rate) };
  return { kind: 'segments', segments: rule.segments.map((s) => ({ upTo: s.upTo, rate: add(s.rate) })) };
}
