import type { Fen } from '../money/money.js';

/**
 * Shares and ratios, exact. Amounts of a whole fund reach 10^14 fen, and a share multiplies them by
 * 10^4, beyond the 2^53 a number holds exactly: the arithmetic is done in BigInt, and the result
 * (a few digits) is returned as a number.
 */

/** ⌊a / b⌋ for b > 0, also for negative a (BigInt division truncates toward zero). */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

/**
 * num / den in units of 1/scale, rounded once, half up ("share-half-up": a value exactly half way
 * goes to the larger neighbour, also for a negative value): ⌊(2·num·scale + den) / (2·den)⌋. den > 0.
 */
export function ratioHalfUp(num: number | bigint, den: number | bigint, scale: number): number {
  if (!(den > 0)) throw new RangeError(`the denominator must be positive, not ${den}`);
  const twice = 2n * BigInt(num) * BigInt(scale) + BigInt(den);
  return Number(floorDiv(twice, 2n * BigInt(den)));
}

/**
 * `part` as a share of `whole` in basis points (10000 = 100 %), rounded half up ("share-half-up");
 * null when the whole is not positive, since a share of nothing means nothing.
 */
export function shareBp(part: Fen, whole: Fen): number | null {
  return whole > 0 ? ratioHalfUp(part, whole, 10_000) : null;
}

/** Whether part / whole ≥ bp / 10000, compared exactly (part × 10000 ≥ bp × whole); whole > 0. */
export function reachesShare(part: Fen, whole: Fen, bp: number): boolean {
  if (!(whole > 0)) throw new RangeError(`the whole must be positive, not ${whole}`);
  return BigInt(part) * 10_000n >= BigInt(bp) * BigInt(whole);
}

/** Compare the rational num / den (den > 0) with limit / scale exactly: -1, 0 or 1. */
export function compareRatio(
  num: number | bigint,
  den: number | bigint,
  limit: number,
  scale: number,
): -1 | 0 | 1 {
  if (!(den > 0)) throw new RangeError(`the denominator must be positive, not ${den}`);
  const left = BigInt(num) * BigInt(scale);
  const right = BigInt(limit) * BigInt(den);
  return left < right ? -1 : left > right ? 1 : 0;
}
