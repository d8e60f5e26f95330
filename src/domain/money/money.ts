/**
 * Money is an integer number of fen (分). A JS number holding whole fen is exact up to 9×10^15;
 * we keep every single amount far below that so that amount × rate (in basis points) stays exact.
 */
export type Fen = number;

/** Largest amount accepted on one line or one claim: 100,000,000.00 yuan. */
export const MAX_AMOUNT_FEN: Fen = 10_000_000_000;

const YUAN_TEXT = /^(0|[1-9]\d{0,9})(\.\d{1,2})?$/;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Parse a yuan amount (JSON number or decimal text) into fen, strictly: at most two decimals,
 * no exponent, not negative, not above MAX_AMOUNT_FEN.
 */
export function parseYuan(input: unknown): ParseResult<Fen> {
  let text: string;
  if (typeof input === 'number') return parseYuanNumber(input);
  if (typeof input === 'string') {
    text = input.trim();
  } else {
    return { ok: false, reason: `must be an amount in yuan, got ${describe(input)}` };
  }
  if (text.startsWith('-')) return { ok: false, reason: `must not be negative (got ${text})` };
  const m = YUAN_TEXT.exec(text);
  if (!m) return { ok: false, reason: `must be yuan with at most two decimals (got ${clip(text)})` };
  const whole = Number(m[1]);
  const decimals = (m[2] ?? '').slice(1).padEnd(2, '0');
  const fen = whole * 100 + Number(decimals);
  if (fen > MAX_AMOUNT_FEN) return { ok: false, reason: `is above the limit of 100,000,000.00 yuan` };
  return { ok: true, value: fen };
}

/**
 * A JSON number as fen. It has at most two decimals exactly when the double nearest fen/100 is the
 * number itself: below 10^15 fen each two-decimal value has its own double, so 12.345 or
 * 0.30000000000000004 cannot pass, and no string conversion is needed on the hot path.
 */
function parseYuanNumber(input: number): ParseResult<Fen> {
  if (!Number.isFinite(input)) return { ok: false, reason: 'is not a finite number' };
  if (input < 0) return { ok: false, reason: `must not be negative (got ${String(input)})` };
  if (input > MAX_AMOUNT_FEN / 100) return { ok: false, reason: `is above the limit of 100,000,000.00 yuan` };
  const fen = Math.round(input * 100);
  if (fen / 100 !== input) {
    return { ok: false, reason: `must be yuan with at most two decimals (got ${clip(String(input))})` };
  }
  return { ok: true, value: fen + 0 }; // + 0 turns -0 into 0
}

/**
 * Yuan as a JSON number for output. Exact: for a whole number of fen below 10^15 the double nearest
 * fen/100 prints as the two-decimal value itself, so no float noise can appear.
 */
export function fenToYuan(fen: Fen): number {
  return fen / 100;
}

/** Yuan as text with two decimals, e.g. 720000 → "7200.00". */
export function formatYuan(fen: Fen): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const cents = abs % 100;
  return `${sign}${(abs - cents) / 100}.${cents < 10 ? '0' : ''}${cents}`;
}

/** n / d rounded half up, exact for non-negative integers n < 2^53 and positive integer d. */
export function divRoundHalfUp(n: number, d: number): number {
  let q = Math.floor(n / d);
  // Float division can be one off near the top of the range; correct it in integers.
  if (q * d > n) q -= 1;
  else if ((q + 1) * d <= n) q += 1;
  const rest = n - q * d;
  return rest * 2 >= d ? q + 1 : q;
}

/** a × b / d rounded half up, exact for non-negative integers: BigInt only when a × b passes 2^53. */
export function mulDivRoundHalfUp(a: number, b: number, d: number): number {
  const product = a * b;
  if (Number.isSafeInteger(product)) return divRoundHalfUp(product, d);
  const big = BigInt(a) * BigInt(b);
  const bd = BigInt(d);
  return Number((big * 2n + bd) / (bd * 2n));
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'string' ? `"${clip(v)}"` : typeof v;
}

function clip(s: string): string {
  return s.length > 24 ? `${s.slice(0, 24)}…` : s;
}
