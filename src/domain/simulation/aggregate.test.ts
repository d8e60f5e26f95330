import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addPersonYear,
  addSettled,
  averageChange,
  burdenThreshold,
  changeClass,
  emptyTotals,
  mergeTotals,
  shareBp,
  SIM_DIMENSION_COUNT,
  type PersonYearClaims,
} from './aggregate.js';
import { bandLabel, bandOf, DEFAULT_BAND_BOUNDS, parseBandBounds } from './bands.js';

function personYear(claims: { b: number; r: number; groups: number[] }[], threshold = -1): PersonYearClaims {
  const n = claims.length;
  const py: PersonYearClaims = {
    count: n,
    baseline: new Float64Array(n),
    reform: new Float64Array(n),
    group: new Int32Array(n * SIM_DIMENSION_COUNT),
    threshold,
  };
  claims.forEach((c, i) => {
    py.baseline[i] = c.b;
    py.reform[i] = c.r;
    c.groups.forEach((v, d) => (py.group[i * SIM_DIMENSION_COUNT + d] = v));
  });
  return py;
}

describe('simulation arithmetic', () => {
  it('unchanged means within ±1 yuan inclusive; a gainer pays less', () => {
    expect(changeClass(-101)).toBe(-1);
    expect(changeClass(-100)).toBe(0);
    expect(changeClass(0)).toBe(0);
    expect(changeClass(100)).toBe(0);
    expect(changeClass(101)).toBe(1);
  });

  it('averages round once, half away from zero; shares half up in basis points', () => {
    expect(averageChange(-3, 2)).toBe(-2); // −1.5 fen
    expect(averageChange(3, 2)).toBe(2);
    expect(averageChange(-598_050, 4)).toBe(-149_513); // −1,495.125 yuan
    expect(averageChange(-5, 3)).toBe(-2); // −1.67
    expect(averageChange(-4, 3)).toBe(-1); // −1.33
    expect(Object.is(averageChange(-1, 3), 0)).toBe(true); // −0.33 → 0, not −0
    expect(averageChange(7, 0)).toBe(0);
    expect(shareBp(1, 3)).toBe(3333);
    expect(shareBp(2, 3)).toBe(6667);
    expect(shareBp(1, 8)).toBe(1250);
    expect(shareBp(0, 0)).toBeNull();
    expect(burdenThreshold(30_000_00, 4000)).toBe(12_000_00);
    expect(burdenThreshold(1_23, 4000)).toBe(49); // 49.2 fen → 49
    expect(burdenThreshold(1_24, 4000)).toBe(50); // 49.6 fen → 50
  });

  it('a person-year counts once per group it has claims in, with the change on those claims', () => {
    const totals = emptyTotals();
    // Two claims at level 1 (−300 and +250: −50 together, unchanged) and one at level 3 (+500, loser).
    const out = addPersonYear(
      totals,
      personYear(
        [
          { b: 1000, r: 700, groups: [0, 1, 2, 0] },
          { b: 1000, r: 1250, groups: [0, 1, 2, 1] },
          { b: 2000, r: 2500, groups: [0, 3, 2, 1] },
        ],
        4000,
      ),
    );
    expect(out).toEqual({ baseline: 4000, reform: 4450, known: true, overBaseline: false, overReform: true });
    expect(totals.overall).toMatchObject({ claims: 3, persons: 1, losers: 1, baseline: 4000, reform: 4450 });
    expect(totals.overall).toMatchObject({
      incomeKnown: 1,
      overThresholdBaseline: 0,
      overThresholdReform: 1,
    });
    const level = totals.groups[1]!;
    expect(level[1]).toMatchObject({ claims: 2, persons: 1, unchanged: 1, baseline: 2000, reform: 1950 });
    expect(level[3]).toMatchObject({ claims: 1, persons: 1, losers: 1 });
    // Whether the person is over the threshold is read on the whole year, in every group.
    expect(level[1]).toMatchObject({ overThresholdReform: 1 });
    const band = totals.groups[3]!;
    expect(band[0]).toMatchObject({ gainers: 1, baseline: 1000, reform: 700 });
    expect(band[1]).toMatchObject({ losers: 1, claims: 2, baseline: 3000, reform: 3750 });
  });

  it('exactly at the threshold is not over it', () => {
    const totals = emptyTotals();
    const out = addPersonYear(totals, personYear([{ b: 4000, r: 4001, groups: [0, 0, 0, 0] }], 4000));
    expect(out).toMatchObject({ overBaseline: false, overReform: true });
  });

  it('fund sums add each fund_pay_type to its own column', () => {
    const totals = emptyTotals();
    addSettled(totals.compared.reform, 10_000, 3_000, [
      { fundPayType: '390100', amount: 6_000 },
      { fundPayType: '390200', amount: 1_000 },
    ]);
    expect(totals.compared.reform).toEqual({
      claims: 1,
      medfee: 10_000,
      burden: 3_000,
      funds: [0, 6_000, 0, 1_000, 0],
    });
    expect(() => addSettled(totals.compared.reform, 1, 1, [{ fundPayType: '999999', amount: 1 }])).toThrow(
      /999999/,
    );
  });

  it('adding the persons in two parts and merging gives the totals of one pass (property)', () => {
    const claim = fc.record({
      b: fc.integer({ min: 0, max: 1e7 }),
      r: fc.integer({ min: 0, max: 1e7 }),
      groups: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 4, maxLength: 4 }),
    });
    const persons = fc.array(
      fc.tuple(fc.array(claim, { minLength: 1, maxLength: 5 }), fc.integer({ min: -1, max: 1e7 })),
      {
        maxLength: 20,
      },
    );
    fc.assert(
      fc.property(persons, fc.nat(), (ps, cut) => {
        const whole = emptyTotals();
        const a = emptyTotals();
        const b = emptyTotals();
        const at = ps.length === 0 ? 0 : cut % ps.length;
        ps.forEach(([claims, threshold], i) => {
          addPersonYear(whole, personYear(claims, threshold));
          addPersonYear(i < at ? a : b, personYear(claims, threshold));
        });
        mergeTotals(a, b);
        expect(a).toEqual(whole);
      }),
    );
  });
});

describe('bill-size bands', () => {
  it('a bill falls in the band from the lower bound (included) to the upper (excluded)', () => {
    expect(bandOf(DEFAULT_BAND_BOUNDS, 0)).toBe(0);
    expect(bandOf(DEFAULT_BAND_BOUNDS, 199_99)).toBe(0);
    expect(bandOf(DEFAULT_BAND_BOUNDS, 200_00)).toBe(1);
    expect(bandOf(DEFAULT_BAND_BOUNDS, 99_999_99)).toBe(5);
    expect(bandOf(DEFAULT_BAND_BOUNDS, 100_000_00)).toBe(6);
    expect([0, 1, 6].map((b) => bandLabel(DEFAULT_BAND_BOUNDS, b))).toEqual([
      '< 200',
      '200 – 1,000',
      '≥ 100,000',
    ]);
    expect(bandLabel([150_50], 1)).toBe('≥ 150.50');
  });

  it('bounds are yuan, positive, ascending', () => {
    expect(parseBandBounds('500, 3000,10000.5')).toEqual({ ok: true, bounds: [500_00, 3000_00, 10000_50] });
    expect(parseBandBounds('1000,500')).toMatchObject({ ok: false, reason: expect.stringMatching(/ascend/) });
    expect(parseBandBounds('0,5')).toMatchObject({ ok: false, reason: expect.stringMatching(/above 0/) });
    expect(parseBandBounds('1.234')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/two decimals/),
    });
    expect(parseBandBounds('1,,2')).toMatchObject({ ok: false });
  });
});
