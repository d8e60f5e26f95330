import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  divRoundHalfUp,
  fenToYuan,
  formatYuan,
  MAX_AMOUNT_FEN,
  mulDivRoundHalfUp,
  parseYuan,
} from './money.js';
import { applyRate, formatRate, parseRate } from './rate.js';

describe('parseYuan', () => {
  it.each([
    [0, 0],
    [10000, 1_000_000],
    [12.3, 1230],
    [12.34, 1234],
    ['12.34', 1234],
    ['0.05', 5],
    [100_000_000, MAX_AMOUNT_FEN],
  ])('accepts %p as %p fen', (input, fen) => {
    expect(parseYuan(input)).toEqual({ ok: true, value: fen });
  });

  it.each([
    [12.345, 'at most two decimals'],
    ['12.345', 'at most two decimals'],
    ['1e3', 'at most two decimals'],
    [1e21, 'above the limit'],
    [0.001, 'at most two decimals'],
    [123456.785, 'at most two decimals'],
    ['abc', 'at most two decimals'],
    ['', 'at most two decimals'],
    ['01', 'at most two decimals'],
    [-1, 'negative'],
    ['-0.01', 'negative'],
    [100_000_000.01, 'above the limit'],
    [Number.NaN, 'finite'],
    [Infinity, 'finite'],
    [null, 'got null'],
    [true, 'got boolean'],
    [[1], 'got an array'],
    [0.1 + 0.2, 'at most two decimals'],
  ])('refuses %p (%s)', (input, reason) => {
    const r = parseYuan(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });

  it('round-trips every fen amount through its yuan number', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_AMOUNT_FEN }), (fen) => {
        expect(parseYuan(fenToYuan(fen))).toEqual({ ok: true, value: fen });
        expect(parseYuan(formatYuan(fen))).toEqual({ ok: true, value: fen });
      }),
    );
  });
});

describe('divRoundHalfUp', () => {
  it('rounds half up', () => {
    expect(divRoundHalfUp(15, 10)).toBe(2);
    expect(divRoundHalfUp(14, 10)).toBe(1);
    expect(divRoundHalfUp(25, 10)).toBe(3);
    expect(divRoundHalfUp(0, 10)).toBe(0);
  });

  it('matches BigInt arithmetic over the whole safe range', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.integer({ min: 1, max: 1_000_000 }), (n, d) => {
        const bn = BigInt(n);
        const bd = BigInt(d);
        const expected = (bn * 2n + bd) / (bd * 2n);
        expect(BigInt(divRoundHalfUp(n, d))).toBe(expected);
      }),
    );
  });
});

describe('mulDivRoundHalfUp', () => {
  it('is exact when the product passes 2^53 (an amount × a share of another, b ≤ d)', () => {
    const bd = fc
      .tuple(fc.integer({ min: 0, max: MAX_AMOUNT_FEN }), fc.integer({ min: 1, max: MAX_AMOUNT_FEN }))
      .map(([x, y]): [number, number] => (x <= y ? [x, y] : [y, x]));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_AMOUNT_FEN }), bd, (a, [b, d]) => {
        const expected = (BigInt(a) * BigInt(b) * 2n + BigInt(d)) / (BigInt(d) * 2n);
        expect(BigInt(mulDivRoundHalfUp(a, b, d))).toBe(expected);
      }),
    );
  });
});

describe('rates', () => {
  it.each([
    ['75%', 7500],
    ['1.8%', 180],
    ['100%', 10000],
    [0.75, 7500],
    ['0.018', 180],
    [1, 10000],
    [0, 0],
  ])('parses %p as %p bp', (input, bp) => {
    expect(parseRate(input)).toEqual({ ok: true, value: bp });
  });

  it.each(['101%', 1.5, '0.00001', 'abc', '-5%', '75'])('refuses %p', (input) => {
    expect(parseRate(input).ok).toBe(false);
  });

  it('applies a rate with one half-up rounding', () => {
    expect(applyRate(960_000, 7500)).toBe(720_000);
    expect(applyRate(1, 5000)).toBe(1); // 0.5 fen rounds up
    expect(applyRate(1, 4999)).toBe(0);
  });

  it('formats rates for traces', () => {
    expect(formatRate(7500)).toBe('75%');
    expect(formatRate(180)).toBe('1.8%');
    expect(formatRate(8605)).toBe('86.05%');
  });
});
