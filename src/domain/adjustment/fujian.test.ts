import { describe, expect, it } from 'vitest';
import { computeFujian } from './fujian.js';
import type { FujianCityInput, FujianResult } from './fujian-types.js';
import type { FujianParams, RedistributionScope } from './rule.js';

/**
 * Golden tests of the Fujian-style adjustment fund (seed 002, 三明市医疗保障局 明医保函〔2023〕20号):
 *   "调剂基金的分配以各地参保人数和基金征收率等几个因素进行计算分配"
 *   "对净上缴金额较大地区,其净上缴金额占其当年职工医保基金收入比例超过9%的部分,予以返还"
 *   "对净拨付金额较大地区,净拨付金额超过其当年职工医保基金收入20%部分,予以留存用于全省风险调节金"
 *   "对净拨付地区所得调剂基金总额按5%集中,年终根据各地医改考核结果进行二次分配"
 * 9 %, 20 % and 5 % are the source's; the pay-in share (15 %), the factor weights (80 % insured count,
 * 20 % collection rate) and who shares the redistribution are the fixture's, because the source
 * does not give them. Every figure below is worked by hand, in fen.
 */

const src = (path: string) => ({ path: `adjustment.${path}`, source: `fixture: ${path}` });

function params(among: RedistributionScope): FujianParams {
  return {
    payInShare: { value: 1500, ...src('payInShareOfIncome') },
    factors: {
      value: [
        { factor: 'insuredCount', weight: 8000 },
        { factor: 'collectionRate', weight: 2000 },
      ],
      ...src('allocationFactors'),
    },
    netPaymentCap: { value: 900, ...src('netPaymentCapShareOfIncome') },
    netReceiptCap: { value: 2000, ...src('netReceiptCapShareOfIncome') },
    holdBack: { value: 500, ...src('holdBackShareOfAllocation') },
    redistributionAmong: { value: among, ...src('redistributionAmong') },
  };
}

const city = (area: string, yuan: number, insuredCount: number, collectionRate: number, score: number) =>
  ({
    area,
    fundIncome: yuan * 100,
    insuredCount,
    collectionRate,
    assessmentScore: score * 100,
  }) satisfies FujianCityInput;

function byArea(r: FujianResult) {
  return Object.fromEntries(r.cities.map((c) => [c.area, c]));
}

describe('Fujian-style adjustment: golden', () => {
  /*
   * Four cities, fund income 10,000,000.00 in all; insured 100,000; collection rates sum 380 %.
   *   area    income         insured  rate   score
   *   350100  2,500,000.00   20,000   95 %   95
   *   350200  5,000,000.00   10,000  100 %   85
   *   350400  2,000,000.00   40,000   95 %   92.5
   *   350700    500,000.00   30,000   90 %   80
   *
   * 1. Pay-in, 15 % of income: 375,000.00 / 750,000.00 / 300,000.00 / 75,000.00; total P = 1,500,000.00.
   * 2. Weights = 80 % × insured/100,000 + 20 % × rate/380 %:
   *      350100: .16 + .05          = 21/100
   *      350200: .08 + 1/19         = 63/475
   *      350400: .32 + .05          = 37/100
   *      350700: .24 + 9/190        = 273/950        (sum 1)
   *    Quotas of P = 150,000,000 fen: 31,500,000 | 19,894,736.84… | 55,500,000 | 43,105,263.15…
   *    Floors sum to 149,999,999; the 1 fen left goes to the largest remainder (350200, .84):
   *    allocation 31,500,000 | 19,894,737 | 55,500,000 | 43,105,263 (sum 150,000,000).
   * 3. Net = allocation − pay-in:
   *      350100 pays net 6,000,000    (9 % cap 22,500,000: under, nothing returned)
   *      350200 pays net 55,105,263   (9 % cap 45,000,000: 10,105,263 is due back)
   *      350400 receives 25,500,000   (20 % cap 40,000,000: under, nothing kept)
   *      350700 receives 35,605,263   (20 % cap 10,000,000: 25,605,263 kept for the risk fund)
   * 4. Risk fund: opening 0 + kept 25,605,263 ≥ 10,105,263 due: 350200 gets it all back; the risk
   *    fund closes at 15,500,000.
   * 5. Hold-back, 5 % of allocation after the keep (net recipients only):
   *      350400: 55,500,000 × 5 %              = 2,775,000
   *      350700: (43,105,263 − 25,605,263) × 5 % = 875,000         held back 3,650,000
   * 6. Redistribution among the net recipients by score (92.5 : 80, of 172.5):
   *      350400: 3,650,000 × 92.5/172.5 = 1,957,246.37…  → 1,957,246
   *      350700: 3,650,000 × 80/172.5   = 1,692,753.62…  → 1,692,753 + the 1 fen left = 1,692,754
   * Paid out by the allocation: 31,500,000 | 19,894,737 | 52,725,000 | 16,625,000 = 120,744,737,
   * and 120,744,737 + kept 25,605,263 + held back 3,650,000 = 150,000,000 paid in.
   * Received in all: 31,500,000 | 30,000,000 | 54,682,246 | 18,317,754. 350200 ends up paying net
   * exactly 75,000,000 − 30,000,000 = 45,000,000 = its 9 % cap.
   */
  const cities = [
    city('350100', 2_500_000, 20_000, 9500, 95),
    city('350200', 5_000_000, 10_000, 10_000, 85),
    city('350400', 2_000_000, 40_000, 9500, 92.5),
    city('350700', 500_000, 30_000, 9000, 80),
  ];
  const result = computeFujian(params('net-recipients'), { cities, riskFundOpening: 0 });
  const c = byArea(result);

  it('pays in 15 % and allocates the total by weight, the leftover fen to the largest remainder', () => {
    expect(result.cities.map((x) => x.paidIn)).toEqual([37_500_000, 75_000_000, 30_000_000, 7_500_000]);
    expect(result.cities.map((x) => x.weight)).toEqual(['21/100', '63/475', '37/100', '273/950']);
    expect(result.cities.map((x) => x.allocation)).toEqual([31_500_000, 19_894_737, 55_500_000, 43_105_263]);
  });

  it('returns what a net contributor pays above 9 % and keeps what a recipient gets above 20 %', () => {
    expect(c['350100']).toMatchObject({ position: 'contributor', netPayment: 6_000_000, returnDue: 0 });
    expect(c['350200']).toMatchObject({
      position: 'contributor',
      netPayment: 55_105_263,
      netPaymentCap: 45_000_000,
      returnDue: 10_105_263,
      returned: 10_105_263,
      returnShortfall: 0,
    });
    expect(c['350400']).toMatchObject({ position: 'recipient', netReceipt: 25_500_000, kept: 0 });
    expect(c['350700']).toMatchObject({
      netReceipt: 35_605_263,
      netReceiptCap: 10_000_000,
      kept: 25_605_263,
    });
    expect(result.riskFund).toEqual({
      opening: 0,
      kept: 25_605_263,
      returned: 10_105_263,
      closing: 15_500_000,
      shortfall: 0,
    });
  });

  it('holds back 5 % of each net recipient’s allocation after the keep and redistributes it by score', () => {
    expect(result.cities.map((x) => x.heldBack)).toEqual([0, 0, 2_775_000, 875_000]);
    expect(result.cities.map((x) => x.redistributed)).toEqual([0, 0, 1_957_246, 1_692_754]);
    expect(result.cities.map((x) => x.allocationPaid)).toEqual([
      31_500_000, 19_894_737, 52_725_000, 16_625_000,
    ]);
    expect(result.cities.map((x) => x.received)).toEqual([31_500_000, 30_000_000, 54_682_246, 18_317_754]);
    expect(result.totals).toMatchObject({
      paidIn: 150_000_000,
      allocationPaid: 120_744_737,
      kept: 25_605_263,
      heldBack: 3_650_000,
      redistributed: 3_650_000,
    });
  });

  it('traces every figure to its parameter path and inputs, naming each rounding', () => {
    const step = (area: string, figure: string) =>
      result.trace.find((s) => s.area === area && s.figure === figure)!;
    expect(step('350200', 'paidIn')).toMatchObject({
      amount: 75_000_000,
      param: 'adjustment.payInShareOfIncome',
      inputs: ['350200.fundIncome'],
      rounding: 'pay-in',
    });
    expect(step('350200', 'allocation')).toMatchObject({ rounding: 'allocation: largest remainder' });
    expect(step('350200', 'allocation').rule).toContain('+ 1 fen of the leftover');
    expect(step('350700', 'kept')).toMatchObject({
      param: 'adjustment.netReceiptCapShareOfIncome',
      inputs: ['350700.netReceipt', '350700.netReceiptCap'],
    });
    expect(step('350700', 'heldBack')).toMatchObject({ amount: 875_000, rounding: 'hold-back' });
    expect(step('350400', 'weight')).toMatchObject({
      value: '37/100',
      param: 'adjustment.allocationFactors',
    });
  });

  /*
   * A short risk fund, and a redistribution among all cities. The same factor weights and rates:
   *   area    income         insured  rate   score
   *   350100  3,000,000.00    5,000  100 %   90
   *   350200  4,000,000.00   10,000  100 %   85
   *   350400  2,000,000.00   40,000   90 %   80
   *   350700  2,000,000.00   45,000   90 %   95
   * 1. Pay-in 15 %: 45,000,000 | 60,000,000 | 30,000,000 | 30,000,000 fen; P = 165,000,000.
   * 2. Weights: .04 + 1/19 = 44/475 | .08 + 1/19 = 63/475 | .32 + 9/190 = 349/950 | .36 + 9/190 = 387/950.
   *    Quotas: 15,284,210.526 | 21,884,210.526 | 60,615,789.473 | 67,215,789.473 (remainders 10/19,
   *    10/19, 9/19, 9/19); floors sum to 164,999,998, so 350100 and 350200 get one fen more:
   *    allocation 15,284,211 | 21,884,211 | 60,615,789 | 67,215,789.
   * 3. 350100 pays net 29,715,789, cap 27,000,000 → 2,715,789 due back;
   *    350200 pays net 38,115,789, cap 36,000,000 → 2,115,789 due back;
   *    350400 and 350700 receive net 30,615,789 and 37,215,789, under their 40,000,000 caps.
   * 4. Risk fund: opening 3,000,000 + kept 0 < 4,831,578 due → pro rata by largest remainder:
   *      350100: 3,000,000 × 2,715,789/4,831,578 = 1,686,274.55 → 1,686,274 + 1 = 1,686,275
   *      350200: 3,000,000 × 2,115,789/4,831,578 = 1,313,725.45 → 1,313,725
   *    shortfall 1,029,514 + 802,064 = 1,831,578, reported; the risk fund closes at 0.
   * 5. Hold-back: 60,615,789 × 5 % = 3,030,789.45 → 3,030,789; 67,215,789 × 5 % = 3,360,789.45 →
   *    3,360,789 (half up: .45 goes down); held back 6,391,578.
   * 6. Among all cities by score 90 : 85 : 80 : 95 (of 350):
   *      1,643,548.63 | 1,552,240.37 | 1,460,932.11 | 1,734,856.89; floors sum to 6,391,576, the
   *      2 fen left go to 350700 (.89) and 350100 (.63): 1,643,549 | 1,552,240 | 1,460,932 | 1,734,857.
   */
  it('pays returns pro rata from a short risk fund and reports the shortfall', () => {
    const short = computeFujian(params('all-cities'), {
      cities: [
        city('350100', 3_000_000, 5_000, 10_000, 90),
        city('350200', 4_000_000, 10_000, 10_000, 85),
        city('350400', 2_000_000, 40_000, 9000, 80),
        city('350700', 2_000_000, 45_000, 9000, 95),
      ],
      riskFundOpening: 3_000_000,
    });
    expect(short.cities.map((x) => x.allocation)).toEqual([15_284_211, 21_884_211, 60_615_789, 67_215_789]);
    expect(short.cities.map((x) => x.returnDue)).toEqual([2_715_789, 2_115_789, 0, 0]);
    expect(short.cities.map((x) => x.returned)).toEqual([1_686_275, 1_313_725, 0, 0]);
    expect(short.cities.map((x) => x.returnShortfall)).toEqual([1_029_514, 802_064, 0, 0]);
    expect(short.riskFund).toEqual({
      opening: 3_000_000,
      kept: 0,
      returned: 3_000_000,
      closing: 0,
      shortfall: 1_831_578,
    });
    expect(short.cities.map((x) => x.heldBack)).toEqual([0, 0, 3_030_789, 3_360_789]);
    expect(short.cities.map((x) => x.redistributed)).toEqual([1_643_549, 1_552_240, 1_460_932, 1_734_857]);
  });

  it('refuses to redistribute money held back when every sharing city scores 0', () => {
    const zero = cities.map((x) => ({ ...x, assessmentScore: 0 }));
    expect(() => computeFujian(params('net-recipients'), { cities: zero, riskFundOpening: 0 })).toThrow(
      /every city that shares it \(net-recipients\) has an assessment score of 0/,
    );
  });

  it('refuses a factor that is 0 in every city', () => {
    const none = cities.map((x) => ({ ...x, insuredCount: 0 }));
    expect(() => computeFujian(params('net-recipients'), { cities: none, riskFundOpening: 0 })).toThrow(
      /insuredCount is 0 in every city/,
    );
  });
});
