/**
 * Golden tests for shanxi-resident-2025 (source: shared/seeds/003, 太原日报 2024-12-25).
 * Every figure below is computed by hand from the quoted sentence; none is read back from the engine.
 *
 * S1 (deductible): "三類收費價格、二類收費價格縣級、二類收費價格省市級、一類收費價格醫療機構起付線分別為
 *     100元、400元、500元、1000元"
 * S2 (rate):       "……支付比例分別為85%、75%、70%、60%"
 * S3 (cap):        "統一居民醫保住院保障待遇標準……年度支付限額為7萬元"
 */
import { describe, expect, it } from 'vitest';
import { claimMaker, expectRefused, expectSettled, fee, run, runAll } from './helpers.js';

const PACK = 'shanxi-resident-2025';

const claim = claimMaker({
  psn_no: 'SX-001',
  insutype: '390',
  psn_type: '1501',
  age: 45,
  med_type: '21',
  fixmedins_code: 'H140105001',
  fixmedins_lv: '2',
  price_class: '2-county',
  insuplc_admdvs: '140105',
  mdtrtarea_admvs: '140121',
  setl_date: '2025-03-10',
});

describe('specs/calc.md worked examples (verbatim)', () => {
  it('1. class-2 county institution, one class-01 line of 10,000.00', () => {
    // "shanxi-resident-2025, inpatient at a class-2 county institution, one class-01 line of 10,000.00:
    //  deductible 400.00; pool (10,000 − 400) × 75% = 7,200.00; cash 2,800.00."
    const [r] = runAll(PACK, [claim({ fees: [fee(10000)] })]);
    expectSettled(r!, {
      medfee_sumamt: 10000,
      inscp_scp_amt: 10000,
      act_pay_dedc: 400,
      hifp_pay: 7200,
      pool_prop_selfpay: 0.75,
      fund_pay_sumamt: 7200,
      psn_part_amt: 2800,
      acct_pay: 0,
      psn_cash_pay: 2800,
    });
    expect(r!.setldetail).toEqual([{ fund_pay_type: '390100', fund_payamt: 7200 }]);
  });

  it('2. class-1, a class-02 line with selfpay_prop 0.1 and a class-03 line', () => {
    // "Same pack, class-1, a class-02 line of 2,000.00 with selfpay_prop 0.1 and a class-03 line of
    //  500.00: own pay 500.00, pre-self-pay 200.00, in scope 1,800.00; deductible 1,000.00; pool
    //  (1,800 − 1,000) × 60% = 480.00; person 2,020.00."
    const fees = [fee(2000, { chrgitm_lv: '02', selfpay_prop: 0.1 }), fee(500, { chrgitm_lv: '03' })];
    const [r] = runAll(PACK, [claim({ price_class: '1', fixmedins_lv: '3', fees })]);
    expectSettled(r!, {
      medfee_sumamt: 2500,
      fulamt_ownpay_amt: 500,
      overlmt_selfpay: 0,
      preselfpay_amt: 200,
      inscp_scp_amt: 1800,
      act_pay_dedc: 1000,
      hifp_pay: 480,
      pool_prop_selfpay: 0.6,
      fund_pay_sumamt: 480,
      psn_part_amt: 2020,
      psn_cash_pay: 2020,
    });
  });
});

describe('S1 + S2: deductible and rate per price class, one class-01 line of 10,000.00', () => {
  it.each([
    // class 3 (三類): deductible 100 (S1); pool (10,000 − 100) × 85% = 8,415.00; cash 1,585.00
    { price_class: '3', lv: '1', dedc: 100, rate: 0.85, pool: 8415, cash: 1585 },
    // class 2, county (二類縣級): deductible 400 (S1); pool (10,000 − 400) × 75% = 7,200.00; cash 2,800.00
    { price_class: '2-county', lv: '2', dedc: 400, rate: 0.75, pool: 7200, cash: 2800 },
    // class 2, city/province (二類省市級): deductible 500 (S1); pool (10,000 − 500) × 70% = 6,650.00; cash 3,350.00
    { price_class: '2-city', lv: '2', dedc: 500, rate: 0.7, pool: 6650, cash: 3350 },
    // class 1 (一類): deductible 1,000 (S1); pool (10,000 − 1,000) × 60% = 5,400.00; cash 4,600.00
    { price_class: '1', lv: '3', dedc: 1000, rate: 0.6, pool: 5400, cash: 4600 },
  ])('price class $price_class: deductible $dedc, rate $rate', (t) => {
    const [r] = runAll(PACK, [claim({ price_class: t.price_class, fixmedins_lv: t.lv, fees: [fee(10000)] })]);
    expectSettled(r!, {
      act_pay_dedc: t.dedc,
      hifp_pay: t.pool,
      pool_prop_selfpay: t.rate,
      fund_pay_sumamt: t.pool,
      psn_part_amt: t.cash,
      psn_cash_pay: t.cash,
    });
  });
});

describe('S1: the deductible is per admission (住院起付標準), taken again on each admission', () => {
  it('two admissions of one person in one year each take the full 400', () => {
    // S1 "二類收費價格縣級……起付線……400元", per admission:
    // admission 1: 5,000 in scope; deductible 400; pool (5,000 − 400) × 75% = 3,450.00; cash 1,550.00
    // admission 2: the same again (nothing of the first deductible carries over)
    const results = runAll(PACK, [
      claim({ fees: [fee(5000)], setl_date: '2025-02-01' }),
      claim({ fees: [fee(5000)], setl_date: '2025-05-01' }),
    ]);
    for (const r of results) expectSettled(r, { act_pay_dedc: 400, hifp_pay: 3450, psn_cash_pay: 1550 });
  });

  it('an admission below the deductible pays it all; the next admission takes the full 400 again', () => {
    // admission 1: in scope 300 < 400 → deductible 300.00, pool 0, cash 300.00
    // admission 2: 5,000 → deductible 400 (not the 100 "left" from admission 1); pool 4,600 × 75% = 3,450.00
    const [a, b] = runAll(PACK, [claim({ fees: [fee(300)] }), claim({ fees: [fee(5000)] })]);
    expectSettled(a!, { act_pay_dedc: 300, hifp_pay: 0, fund_pay_sumamt: 0, psn_cash_pay: 300 });
    expectSettled(b!, { act_pay_dedc: 400, hifp_pay: 3450, psn_cash_pay: 1550 });
  });
});

describe('S3: the annual cap of 70,000 carries over across the admissions of one person', () => {
  it('reached over three admissions: 34,000 + 34,000 + 2,000', () => {
    // Class 3 each time, in scope 40,100: uncapped pool (40,100 − 100) × 85% = 34,000.00 (S1, S2)
    // admission 1: 34,000.00 (paid 34,000)     cash 40,100 − 34,000 = 6,100.00
    // admission 2: 34,000.00 (paid 68,000)     cash 6,100.00
    // admission 3: 70,000 − 68,000 = 2,000.00  cash 40,100 − 2,000 = 38,100.00 (S3)
    const c = (d: string) => claim({ price_class: '3', fixmedins_lv: '1', setl_date: d, fees: [fee(40100)] });
    const [a, b, x] = runAll(PACK, [c('2025-01-15'), c('2025-04-15'), c('2025-09-15')]);
    expectSettled(a!, { act_pay_dedc: 100, hifp_pay: 34000, psn_cash_pay: 6100 });
    expectSettled(b!, { act_pay_dedc: 100, hifp_pay: 34000, psn_cash_pay: 6100 });
    expectSettled(x!, { act_pay_dedc: 100, hifp_pay: 2000, fund_pay_sumamt: 2000, psn_cash_pay: 38100 });
  });

  it('prior pool_paid 69,000 leaves 1,000; the next claim of the person finds the cap used up', () => {
    // claim 1, prior pool_paid 69,000: class 3, 10,000 → uncapped (10,000 − 100) × 85% = 8,415.00,
    //   limited to 70,000 − 69,000 = 1,000.00; cash 9,000.00
    // claim 2 (no prior): 70,000 already paid → pool 0; deductible still 100; cash 10,000.00
    const c = (extra = {}) => claim({ price_class: '3', fixmedins_lv: '1', fees: [fee(10000)], ...extra });
    const [a, b] = runAll(PACK, [c({ prior: { pool_paid: 69000, admissions: 2 } }), c()]);
    expectSettled(a!, { act_pay_dedc: 100, hifp_pay: 1000, psn_cash_pay: 9000 });
    expectSettled(b!, { act_pay_dedc: 100, hifp_pay: 0, fund_pay_sumamt: 0, psn_cash_pay: 10000 });
  });

  it('a new year resets the cap on 1 January; the old year keeps its own total', () => {
    // 2025-12-31, prior pool_paid 70,000 → pool 0 (S3), cash 10,000.00
    // 2026-01-01: a new policy year, nothing paid yet → (10,000 − 100) × 85% = 8,415.00
    // 2025-12-31 again (settled after the January claim): the 2025 total is still 70,000 → pool 0
    const c = (d: string, extra = {}) =>
      claim({ price_class: '3', fixmedins_lv: '1', setl_date: d, fees: [fee(10000)], ...extra });
    const [a, b, x] = runAll(PACK, [
      c('2025-12-31', { prior: { pool_paid: 70000 } }),
      c('2026-01-01'),
      c('2025-12-31'),
    ]);
    expectSettled(a!, { hifp_pay: 0, psn_cash_pay: 10000 });
    expectSettled(b!, { act_pay_dedc: 100, hifp_pay: 8415, psn_cash_pay: 1585 });
    expectSettled(x!, { hifp_pay: 0, psn_cash_pay: 10000 });
  });
});

describe('fee lines: class 03 own pay, class 02 pre-self-pay, price-cap over-limit', () => {
  it('splits each line before the deductible (DESIGN §6 step 1)', () => {
    // line 1: class 01, 10,000.00                                   → in scope 10,000.00
    // line 2: class 01, 1,200.00 for 10 units capped at 100.00/unit → cap 1,000; over-limit 200.00
    // line 3: class 02, 1,000.00, selfpay_prop 0.2                  → pre-self-pay 200.00, in scope 800.00
    // line 4: class 03, 300.00                                      → own pay 300.00
    // medfee 12,500.00; in scope 10,000 + 1,000 + 800 = 11,800.00
    // S1/S2 class 2 county: deductible 400; pool (11,800 − 400) × 75% = 8,550.00; person 12,500 − 8,550 = 3,950.00
    const fees = [
      fee(10000),
      fee(1200, { cnt: 10, pric: 120, pric_uplmt_amt: 100 }),
      fee(1000, { chrgitm_lv: '02', selfpay_prop: 0.2 }),
      fee(300, { chrgitm_lv: '03' }),
    ];
    const [r] = runAll(PACK, [claim({ fees })]);
    expectSettled(r!, {
      medfee_sumamt: 12500,
      fulamt_ownpay_amt: 300,
      overlmt_selfpay: 200,
      preselfpay_amt: 200,
      inscp_scp_amt: 11800,
      act_pay_dedc: 400,
      hifp_pay: 8550,
      fund_pay_sumamt: 8550,
      psn_part_amt: 3950,
      psn_cash_pay: 3950,
    });
  });

  it('a class-02 line above its price cap: over-limit first, then pre-self-pay on the rest', () => {
    // class 02, 1,200.00 for 10 units capped at 100.00 → over-limit 200.00; rest 1,000.00 × 0.1 = 100.00
    //   pre-self-pay; in scope 900.00. Plus class 01 9,100.00 → in scope 10,000.00.
    // deductible 400; pool (10,000 − 400) × 75% = 7,200.00; person 10,300 − 7,200 = 3,100.00
    const fees = [
      fee(1200, { chrgitm_lv: '02', selfpay_prop: 0.1, cnt: 10, pric_uplmt_amt: 100 }),
      fee(9100),
    ];
    const [r] = runAll(PACK, [claim({ fees })]);
    expectSettled(r!, {
      medfee_sumamt: 10300,
      overlmt_selfpay: 200,
      preselfpay_amt: 100,
      inscp_scp_amt: 10000,
      act_pay_dedc: 400,
      hifp_pay: 7200,
      psn_cash_pay: 3100,
    });
  });
});

describe('rounding: each rate application is rounded once, half up, to the fen', () => {
  it.each([
    // 2-county: in scope 1,000.02 − 400 = 600.02; × 75% = 450.015 → 450.02; cash 1,000.02 − 450.02 = 550.00
    { price_class: '2-county', amount: 1000.02, pool: 450.02, cash: 550 },
    // 3: in scope 1,000.10 − 100 = 900.10; × 85% = 765.085 → 765.09; cash 1,000.10 − 765.09 = 235.01
    { price_class: '3', amount: 1000.1, pool: 765.09, cash: 235.01 },
    // 2-city: in scope 1,000.05 − 500 = 500.05; × 70% = 350.035 → 350.04; cash 1,000.05 − 350.04 = 650.01
    { price_class: '2-city', amount: 1000.05, pool: 350.04, cash: 650.01 },
  ])('price class $price_class: pool share ends in half a fen → $pool', (t) => {
    const [r] = runAll(PACK, [claim({ price_class: t.price_class, fees: [fee(t.amount)] })]);
    expectSettled(r!, { hifp_pay: t.pool, psn_cash_pay: t.cash });
  });

  it('pre-self-pay of a class-02 line is rounded half up too', () => {
    // class 02, 100.01 × 0.5 = 50.005 → pre-self-pay 50.01, in scope 50.00; plus class 01 1,000.00
    // in scope 1,050.00; class 3: deductible 100; pool 950 × 85% = 807.50; cash 1,100.01 − 807.50 = 292.51
    const fees = [fee(100.01, { chrgitm_lv: '02', selfpay_prop: 0.5 }), fee(1000)];
    const [r] = runAll(PACK, [claim({ price_class: '3', fees })]);
    expectSettled(r!, {
      medfee_sumamt: 1100.01,
      preselfpay_amt: 50.01,
      inscp_scp_amt: 1050,
      act_pay_dedc: 100,
      hifp_pay: 807.5,
      psn_cash_pay: 292.51,
    });
  });
});

describe('refusals', () => {
  it('a claim without price_class is INVALID_CLAIM on price_class (S1 depends on it)', () => {
    const next = run(PACK);
    const noClass = claim({ fees: [fee(10000)] });
    delete noClass.price_class;
    expectRefused(next(noClass), 'INVALID_CLAIM', 'price_class');
  });

  it('a claim dated before 2025-01-01 is POLICY_GAP validFrom; 1 January itself settles', () => {
    // 003: "從2025年1月1日起" the province pools resident insurance; the pack starts on 2025-01-01.
    const next = run(PACK);
    expectRefused(next(claim({ setl_date: '2024-12-31', fees: [fee(10000)] })), 'POLICY_GAP', 'validFrom');
    // 2025-01-01: as worked example 1 → deductible 400, pool 7,200.00
    expectSettled(next(claim({ setl_date: '2025-01-01', fees: [fee(10000)] })), {
      act_pay_dedc: 400,
      hifp_pay: 7200,
    });
  });

  it.each([
    { what: 'resident general outpatient', insutype: '390', psn_type: '1501', med_type: '11' },
    { what: 'resident chronic-special outpatient', insutype: '390', psn_type: '1501', med_type: '14' },
    { what: 'employee inpatient', insutype: '310', psn_type: '1101', med_type: '21' },
  ])('$what is not covered by the pack: POLICY_GAP benefits', (t) => {
    // The source gives figures for resident inpatient care only (pack notes).
    const [r] = runAll(PACK, [claim({ ...t, fees: [fee(1000)] })]);
    expectRefused(r!, 'POLICY_GAP', 'benefits');
  });

  it('a refused claim leaves the person’s totals untouched', () => {
    // claim 1 refused (no price class); claim 2, prior pool_paid 65,000: uncapped 7,200 → limited to 5,000
    // claim 3: cap used up → 0; cash 10,000.00
    const next = run(PACK);
    const noClass = claim({ fees: [fee(10000)] });
    delete noClass.price_class;
    expectRefused(next(noClass), 'INVALID_CLAIM', 'price_class');
    expectSettled(next(claim({ fees: [fee(10000)], prior: { pool_paid: 65000 } })), { hifp_pay: 5000 });
    expectSettled(next(claim({ fees: [fee(10000)] })), { hifp_pay: 0, psn_cash_pay: 10000 });
  });
});
