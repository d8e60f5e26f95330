import { describe, expect, it } from 'vitest';
import { addMonths, lastDayOf, monthCount, monthsThrough } from './months.js';
import { compareRatio, ratioHalfUp, reachesShare, shareBp } from './share.js';
import { MAX_BUDGET_FEN, parseBudgetYuan } from './yuan.js';

describe('shareBp (basis points, share-half-up)', () => {
  it.each([
    // part, whole, expected bp — worked by hand
    [1, 8, 1_250], // 12.5 % exactly
    [1, 3, 3_333], // 3333.33… rounds down
    [2, 3, 6_667], // 6666.66… rounds up
    [1, 20_000, 1], // 0.5 bp: half way, up
    [1, 20_001, 0], // 0.49997 bp: down
    [-1, 20_000, 0], // −0.5 bp: half way goes to the larger neighbour, 0
    [-3, 20_000, -1], // −1.5 bp → −1
    [0, 5, 0],
    [7, 5, 14_000], // over 100 %
  ])('%i / %i = %i bp', (part, whole, bp) => {
    expect(shareBp(part, whole)).toBe(bp);
  });

  it('is null for a whole of zero (a share of nothing)', () => {
    expect(shareBp(5, 0)).toBeNull();
  });

  it('stays exact beyond 2^53 (a trillion-yuan budget times 10^4)', () => {
    // 99,999,999,999,999 / 10^14 = 0.99999999999999 → 9999.9999999999 bp → 10000
    expect(shareBp(99_999_999_999_999, 100_000_000_000_000)).toBe(10_000);
    // 99,994,999,999,999 / 10^14 → 9999.4999999999 bp → 9999
    expect(shareBp(99_994_999_999_999, 100_000_000_000_000)).toBe(9_999);
    // 99,995,000,000,000 / 10^14 → 9999.5 exactly → 10000
    expect(shareBp(99_995_000_000_000, 100_000_000_000_000)).toBe(10_000);
  });
});

describe('reachesShare and compareRatio (exact)', () => {
  it('compares the amounts, not a rounded share', () => {
    // 7,999.99 of 10,000.00 is 79.9999 %: shown as 80.00 % (8000 bp) but it has not reached 80 %
    expect(shareBp(799_999, 1_000_000)).toBe(8_000);
    expect(reachesShare(799_999, 1_000_000, 8_000)).toBe(false);
    expect(reachesShare(800_000, 1_000_000, 8_000)).toBe(true);
    expect(reachesShare(79_999_999_999_999, 100_000_000_000_000, 8_000)).toBe(false);
  });

  it('orders a rational against a limit in hundredths', () => {
    expect(compareRatio(299, 100, 300, 100)).toBe(-1);
    expect(compareRatio(3, 1, 300, 100)).toBe(0);
    expect(compareRatio(301n, 100n, 300, 100)).toBe(1);
  });

  it('refuses a denominator that is not positive', () => {
    expect(() => ratioHalfUp(1, 0, 100)).toThrow(RangeError);
    expect(() => reachesShare(1, 0, 100)).toThrow(RangeError);
  });
});

describe('months', () => {
  it('adds months across years', () => {
    expect(addMonths('2025-12', 1)).toBe('2026-01');
    expect(addMonths('2025-03', -11)).toBe('2024-04');
    expect(addMonths('2025-01', -1)).toBe('2024-12');
  });
  it('counts months inclusively', () => {
    expect(monthCount('2025-01', '2025-12')).toBe(12);
    expect(monthCount('2024-12', '2025-01')).toBe(2);
    expect(monthCount('2025-02', '2025-01')).toBe(0);
  });
  it('lists the year to a month and finds the last day', () => {
    expect(monthsThrough('2025-03')).toEqual(['2025-01', '2025-02', '2025-03']);
    expect(lastDayOf('2024-02')).toBe('2024-02-29');
    expect(lastDayOf('2025-12')).toBe('2025-12-31');
  });
});

describe('parseBudgetYuan', () => {
  it.each([
    ['12000000', 1_200_000_000],
    ['0.5', 50],
    ['1200000.05', 120_000_005],
    ['1000000000000', MAX_BUDGET_FEN],
  ])('%s yuan = %i fen', (text, fen) => {
    expect(parseBudgetYuan(text)).toEqual({ ok: true, value: fen });
  });

  it.each(['12.345', '1e3', '-5', '1,000', '', '01', '1000000000000.01', 'abc', '.5'])(
    'refuses "%s" instead of rounding it',
    (text) => {
      expect(parseBudgetYuan(text).ok).toBe(false);
    },
  );
});
