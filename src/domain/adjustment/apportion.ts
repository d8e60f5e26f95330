import type { Fen } from '../money/money.js';

/**
 * Exact splitting of a whole number of fen into parts proportional to integer weights, by the
 * largest-remainder method (Hamilton's method): every part first gets the floor of its exact quota
 * `total × w_i / Σw`; the fen left over — fewer than the number of parts, because the quotas sum to
 * the total exactly — go one each to the parts with the largest remainders. Ties between equal
 * remainders go to the earlier part (the callers list cities in area-code order), so the result is
 * deterministic. The parts always sum to the total, to the fen, and no part exceeds its quota
 * rounded up.
 *
 * Weights are bigints so that rational weights can be put on one common denominator without loss
 * (a weight built from three factors can pass 2^53 long before any amount does).
 */

/** One part of an apportionment, with its exact quota `quotaNum / den` for the trace. */
export interface Share {
  part: Fen;
  /** floor(quota): what the part got before the leftover fen were handed out. */
  floor: Fen;
  /** Whether the part received one of the leftover fen (a largest remainder). */
  plusOne: boolean;
  /** The exact quota is quotaNum / den fen. */
  quotaNum: bigint;
  den: bigint;
}

/** Split `total` fen by integer weights with the largest-remainder method; the parts sum to total. */
export function apportion(total: Fen, weights: readonly bigint[]): Share[] {
  if (!Number.isSafeInteger(total) || total < 0) throw new RangeError(`cannot apportion ${total} fen`);
  if (weights.some((w) => w < 0n)) throw new RangeError('weights must not be negative');
  const den = weights.reduce((s, w) => s + w, 0n);
  if (den === 0n) {
    if (total === 0) return weights.map(() => ({ part: 0, floor: 0, plusOne: false, quotaNum: 0n, den: 1n }));
    throw new RangeError(`cannot apportion ${total} fen: every weight is zero`);
  }
  const big = BigInt(total);
  const shares = weights.map((w) => {
    const quotaNum = big * w;
    const floor = Number(quotaNum / den);
    return { part: floor, floor, plusOne: false, quotaNum, den };
  });
  let left = total - shares.reduce((s, x) => s + x.floor, 0);
  const order = shares
    .map((s, i) => ({ i, rest: s.quotaNum % den }))
    .sort((a, b) => (a.rest === b.rest ? a.i - b.i : a.rest > b.rest ? -1 : 1));
  for (const { i } of order) {
    if (left === 0) break;
    const s = shares[i]!;
    s.part += 1;
    s.plusOne = true;
    left -= 1;
  }
  return shares;
}

/** A ratio as a decimal with `places` decimals, rounded half up (for display only, never for money). */
export function ratioText(num: bigint, den: bigint, places = 6): string {
  if (den === 0n) return 'undefined';
  const scale = 10n ** BigInt(places);
  const scaled = (num * scale * 2n + den) / (den * 2n);
  const whole = scaled / scale;
  const frac = (scaled % scale).toString().padStart(places, '0');
  return places > 0 ? `${whole}.${frac}` : `${whole}`;
}

/** The greatest common divisor of two non-negative bigints. */
export function gcd(a: bigint, b: bigint): bigint {
  let [x, y] = [a < 0n ? -a : a, b < 0n ? -b : b];
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/** A ratio in lowest terms, as "num/den" text (exact; for the trace). */
export function fractionText(num: bigint, den: bigint): string {
  const g = gcd(num, den) || 1n;
  return `${num / g}/${den / g}`;
}

/** What a fund pays against dues: each in full when it holds enough, else pro rata by largest remainder. */
export interface Payout {
  paid: Fen[];
  /** Whether the fund held less than the dues, so that they were paid pro rata. */
  short: boolean;
}

/** Pay `dues` from `available` fen: in full if it suffices; else split it by largest remainder in proportion to the dues (no part above its due). */
export function payDues(available: Fen, dues: readonly Fen[]): Payout {
  const total = dues.reduce((s, d) => s + d, 0);
  if (total <= available) return { paid: [...dues], short: false };
  const shares = apportion(
    available,
    dues.map((d) => BigInt(d)),
  );
  return { paid: shares.map((s) => s.part), short: true };
}
