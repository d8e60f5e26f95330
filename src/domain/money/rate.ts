import { divRoundHalfUp, type Fen, type ParseResult } from './money.js';

/** A rate in basis points: 10000 = 100 %. Every rate in a pack is a whole number of basis points. */
export type Bp = number;
export const FULL_RATE: Bp = 10_000;

const PERCENT_TEXT = /^(\d{1,4})(\.\d{1,2})?%$/;
const FRACTION_TEXT = /^(0|1)(\.\d{1,4})?$/;

/**
 * Parse a rate written as a percentage ("75%", "1.8%") or a fraction (0.75, "0.018") into basis
 * points, exactly; refuses anything finer than one basis point or outside 0–100 %.
 */
export function parseRate(input: unknown, max: Bp = FULL_RATE): ParseResult<Bp> {
  if (typeof input === 'number' && input >= 0 && input <= max / FULL_RATE) {
    // Same exactness test as for yuan: a fraction with at most 4 decimals is its own nearest double.
    const bp = Math.round(input * FULL_RATE);
    if (bp / FULL_RATE === input) return { ok: true, value: bp };
  }
  const text = typeof input === 'number' ? String(input) : typeof input === 'string' ? input.trim() : null;
  if (text === null) return { ok: false, reason: 'must be a rate such as "75%" or 0.75' };
  let bp: number;
  const pct = PERCENT_TEXT.exec(text);
  const frac = pct ? null : FRACTION_TEXT.exec(text);
  if (pct) bp = Number(pct[1]) * 100 + Number((pct[2] ?? '').slice(1).padEnd(2, '0'));
  else if (frac) bp = Number(frac[1]) * 10_000 + Number((frac[2] ?? '').slice(1).padEnd(4, '0'));
  else
    return {
      ok: false,
      reason: `must be a rate such as "75%" or 0.75 with at most 4 decimals (got ${text})`,
    };
  if (bp > max) return { ok: false, reason: `must be between 0 and ${max / 100}% (got ${text})` };
  return { ok: true, value: bp };
}

/** amount × rate, rounded once, half up, to the fen. */
export function applyRate(amount: Fen, rate: Bp): Fen {
  return divRoundHalfUp(amount * rate, FULL_RATE);
}

/** A rate as a plain decimal for output, e.g. 7500 → 0.75 (exact: four decimals at most). */
export function bpToDecimal(rate: Bp): number {
  return rate / FULL_RATE;
}

/** A rate as text for traces, e.g. 7500 → "75%", 180 → "1.8%". */
export function formatRate(rate: Bp): string {
  const whole = Math.floor(rate / 100);
  const rest = rate % 100;
  if (rest === 0) return `${whole}%`;
  return `${whole}.${String(rest).padStart(2, '0').replace(/0$/, '')}%`;
}
