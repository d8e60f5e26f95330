import { describe, expect, it } from 'vitest';
import type { ShanxiParams } from './rule.js';
import { computeShanxi, type ShanxiCityInput } from './shanxi.js';

/**
 * Golden tests of the Shanxi-style adjustment fund (seed 003, 太原日报 2024-12-25):
 *   "居民醫保省級統籌調劑金按一定比例計提，納入省財政專戶管理，實行單獨核算，主要用於調劑各市基金收支"
 *   "省級統籌調劑金每年按比例分擔各市基金收支缺口，差額部分由各市累計結余承擔。累計結余基金不足的，
 *    按照社會保險基金財務制度有關規定保障基金支付"
 * The source gives neither proportion, so the fixture's are 3 % of fund income paid in and 60 % of each
 * deficit covered. Every figure below is worked by hand, in fen.
 */

const params: ShanxiParams = {
  payInShare: { value: 300, path: 'adjustment.payInShareOfIncome', source: 'fixture: 3 %' },
  deficitCover: { value: 6000, path: 'adjustment.deficitCoverShare', source: 'fixture: 60 %' },
};

const city = (area: string, income: number, expenditure: number, balance: number): ShanxiCityInput => ({
  area,
  fundIncome: income,
  expenditure,
  balance,
});

/*
 *   area    income          expenditure     balance at 1 Jan
 *   140100  1,000,000.00    900,000.00      500,000.00
 *   140200    500,000.00    600,000.00      100,000.00
 *   140300    300,000.00    400,000.00       20,000.00
 *   140400    200,000.00    210,100.00       50,000.00
 * 1. Pay-in 3 %: 3,000,000 | 1,500,000 | 900,000 | 600,000 fen; P = 6,000,000 (60,000.00).
 * 2. Deficit = expenditure − (income − pay-in), when positive:
 *      140100: 90,000,000 − 97,000,000 < 0  → 0
 *      140200: 60,000,000 − 48,500,000      = 11,500,000
 *      140300: 40,000,000 − 29,100,000      = 10,900,000
 *      140400: 21,010,000 − 19,400,000      =  1,610,000
 * 3. Cover due, 60 %: 0 | 6,900,000 | 6,540,000 | 966,000; 14,406,000 in all.
 */
const cities = [
  city('140100', 100_000_000, 90_000_000, 50_000_000),
  city('140200', 50_000_000, 60_000_000, 10_000_000),
  city('140300', 30_000_000, 40_000_000, 2_000_000),
  city('140400', 20_000_000, 21_010_000, 5_000_000),
];

describe('Shanxi-style adjustment: golden', () => {
  /*
   * 4. The fund holds its opening 10,000,000 + P 6,000,000 = 16,000,000 ≥ 14,406,000: every cover is
   *    paid in full; the fund closes at 1,594,000.
   * 5. The rest from the city's balance:
   *      140200: 11,500,000 − 6,900,000 = 4,600,000 ≤ 10,000,000 → all from the balance
   *      140300: 10,900,000 − 6,540,000 = 4,360,000 > 2,000,000 → 2,000,000 from the balance,
   *              2,360,000 short (the source leaves it to the fund's financial rules)
   *      140400:  1,610,000 −   966,000 =   644,000 → from the balance
   */
  it('covers every deficit’s share when the fund suffices; a balance too small leaves a shortfall', () => {
    const r = computeShanxi(params, { cities, fundOpening: 10_000_000 });
    expect(r.cities.map((c) => c.paidIn)).toEqual([3_000_000, 1_500_000, 900_000, 600_000]);
    expect(r.cities.map((c) => c.deficit)).toEqual([0, 11_500_000, 10_900_000, 1_610_000]);
    expect(r.cities.map((c) => c.coverDue)).toEqual([0, 6_900_000, 6_540_000, 966_000]);
    expect(r.cities.map((c) => c.covered)).toEqual([0, 6_900_000, 6_540_000, 966_000]);
    expect(r.cities.map((c) => c.fromBalance)).toEqual([0, 4_600_000, 2_000_000, 644_000]);
    expect(r.cities.map((c) => c.shortfall)).toEqual([0, 0, 2_360_000, 0]);
    expect(r.fund).toEqual({
      opening: 10_000_000,
      paidIn: 6_000_000,
      covered: 14_406_000,
      closing: 1_594_000,
    });
  });

  /*
   * 4. With no opening balance the fund holds 6,000,000 < 14,406,000: pro rata by largest remainder,
   *      140200: 6,000,000 × 6,900,000/14,406,000 = 2,873,802.58 → 2,873,802 + 1 = 2,873,803
   *      140300: 6,000,000 × 6,540,000/14,406,000 = 2,723,865.06 → 2,723,865
   *      140400: 6,000,000 ×   966,000/14,406,000 =   402,332.36 →   402,332   (floors 5,999,999)
   *    the fund pays out exactly what it holds and closes at 0.
   * 5. 140200: 11,500,000 − 2,873,803 = 8,626,197 from its balance of 10,000,000;
   *    140300: 10,900,000 − 2,723,865 = 8,176,135, of which 2,000,000 from its balance, 6,176,135 short;
   *    140400:  1,610,000 −   402,332 = 1,207,668 from its balance.
   */
  it('pays the covers pro rata when the fund is short, to the fen', () => {
    const r = computeShanxi(params, { cities, fundOpening: 0 });
    expect(r.cities.map((c) => c.covered)).toEqual([0, 2_873_803, 2_723_865, 402_332]);
    expect(r.cities.map((c) => c.coverShortfall)).toEqual([0, 4_026_197, 3_816_135, 563_668]);
    expect(r.cities.map((c) => c.fromBalance)).toEqual([0, 8_626_197, 2_000_000, 1_207_668]);
    expect(r.cities.map((c) => c.shortfall)).toEqual([0, 0, 6_176_135, 0]);
    expect(r.fund.closing).toBe(0);
    expect(r.totals).toMatchObject({ covered: 6_000_000, shortfall: 6_176_135 });
    const step = r.trace.find((s) => s.area === '140200' && s.figure === 'covered')!;
    expect(step).toMatchObject({ rounding: 'deficit cover: largest remainder' });
  });

  /*
   * An overdrawn city (balance −1,000.00) has nothing to bear its rest with. Deficit 16,100.01
   * (expenditure 210,100.01 − (200,000.00 − 6,000.00)) × 60 % = 9,660.006 → 9,660.01 half up. The fund
   * holds only this city's own pay-in of 6,000.00 (600,000 fen), which it pays against the 966,001
   * due; the rest, 1,610,001 − 600,000 = 1,010,001, is short.
   */
  it('rounds the cover due half up once and uses no negative balance', () => {
    const r = computeShanxi(params, {
      cities: [city('140400', 20_000_000, 21_010_001, -100_000)],
      fundOpening: 0,
    });
    const [c] = r.cities;
    expect(c).toMatchObject({ paidIn: 600_000, deficit: 1_610_001, coverDue: 966_001, covered: 600_000 });
    expect(c).toMatchObject({ fromBalance: 0, shortfall: 1_010_001 });
    const due = r.trace.find((s) => s.figure === 'coverDue')!;
    expect(due).toMatchObject({ param: 'adjustment.deficitCoverShare', rounding: 'deficit cover' });
  });
});
