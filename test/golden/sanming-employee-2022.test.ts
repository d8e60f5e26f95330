/**
 * Golden tests for sanming-employee-2022 (source: shared/seeds/002, 明医保函〔2023〕20号).
 * Every figure below is computed by hand from the quoted sentence; none is read back from the engine.
 *
 * M1 (rate):       "在职职工普通门诊在二级以上、一级及以下医疗机构报销比例分别为75%、85%，退休职工为80%、90%"
 * M2 (deductible): "普通门诊起付线由1000元降至700元" (annual: 年度 deductible, carried across visits)
 * M3 (cap):        "年度封顶线由3000元提至1.7万元"
 */
import { describe, expect, it } from 'vitest';
import { claimMaker, expectRefused, expectSettled, fee, run, runAll } from './helpers.js';

const PACK = 'sanming-employee-2022';

const claim = claimMaker({
  psn_no: 'SM-001',
  insutype: '310',
  psn_type: '1101',
  age: 42,
  med_type: '11',
  fixmedins_code: 'H350402001',
  fixmedins_lv: '2',
  insuplc_admdvs: '350402',
  mdtrtarea_admvs: '350403',
  setl_date: '2023-03-01',
});

describe('specs/calc.md worked example 3 (verbatim)', () => {
  it('first general-outpatient visit of an active employee at a level-2 hospital, in scope 900', () => {
    // "sanming-employee-2022, an active employee's first general-outpatient visit of the year at a
    //  level-2 hospital, in scope 900.00: deductible 700.00; pool (900 − 700) × 75% = 150.00."
    // person 900 − 150 = 750.00
    const [r] = runAll(PACK, [claim({ fees: [fee(900)] })]);
    expectSettled(r!, {
      medfee_sumamt: 900,
      inscp_scp_amt: 900,
      act_pay_dedc: 700,
      hifp_pay: 150,
      pool_prop_selfpay: 0.75,
      fund_pay_sumamt: 150,
      psn_part_amt: 750,
      psn_cash_pay: 750,
    });
    expect(r!.setldetail).toEqual([{ fund_pay_type: '310100', fund_payamt: 150 }]);
  });
});

describe('M1 + M2: rate by person type and level, first visit of the year, in scope 1,700', () => {
  it.each([
    // active, 二级以上 (level 3): (1,700 − 700) × 75% = 750.00; cash 950.00
    { who: 'active', psn_type: '1101', lv: '3', rate: 0.75, pool: 750, cash: 950 },
    // active, 一级及以下 (level 1): (1,700 − 700) × 85% = 850.00; cash 850.00
    { who: 'active', psn_type: '1101', lv: '1', rate: 0.85, pool: 850, cash: 850 },
    // active, 一级及以下 (grassroots, level 0): 85% → 850.00
    { who: 'active', psn_type: '1101', lv: '0', rate: 0.85, pool: 850, cash: 850 },
    // retired, 二级以上 (level 2): (1,700 − 700) × 80% = 800.00; cash 900.00
    { who: 'retired', psn_type: '1201', lv: '2', rate: 0.8, pool: 800, cash: 900 },
    // retired, 二级以上 (level 3): 80% → 800.00
    { who: 'retired', psn_type: '1201', lv: '3', rate: 0.8, pool: 800, cash: 900 },
    // retired, 一级及以下 (level 1): (1,700 − 700) × 90% = 900.00; cash 800.00
    { who: 'retired', psn_type: '1201', lv: '1', rate: 0.9, pool: 900, cash: 800 },
    // retired, 一级及以下 (level 0): 90% → 900.00
    { who: 'retired', psn_type: '1201', lv: '0', rate: 0.9, pool: 900, cash: 800 },
  ])('$who at level $lv: $rate', (t) => {
    const [r] = runAll(PACK, [
      claim({
        psn_type: t.psn_type,
        age: t.who === 'retired' ? 66 : 42,
        fixmedins_lv: t.lv,
        fees: [fee(1700)],
      }),
    ]);
    expectSettled(r!, {
      act_pay_dedc: 700,
      hifp_pay: t.pool,
      pool_prop_selfpay: t.rate,
      fund_pay_sumamt: t.pool,
      psn_cash_pay: t.cash,
    });
  });
});

describe('M2: the 700 deductible is annual, carried across visits, and reset on 1 January', () => {
  it('four visits use up the 700, then a visit in the new year takes it again', () => {
    // active, level 2 (75%):
    // visit 1, 300: deductible 300 (used 300), pool 0, cash 300.00
    // visit 2, 300: deductible 300 (used 600), pool 0, cash 300.00
    // visit 3, 500: deductible 700 − 600 = 100, pool (500 − 100) × 75% = 300.00, cash 200.00
    // visit 4, 200: deductible 0 (700 used), pool 200 × 75% = 150.00, cash 50.00
    // 2024-01-02, 900: a new year → deductible 700 again; pool (900 − 700) × 75% = 150.00, cash 750.00
    const results = runAll(PACK, [
      claim({ setl_date: '2023-02-01', fees: [fee(300)] }),
      claim({ setl_date: '2023-05-01', fees: [fee(300)] }),
      claim({ setl_date: '2023-08-01', fees: [fee(500)] }),
      claim({ setl_date: '2023-12-31', fees: [fee(200)] }),
      claim({ setl_date: '2024-01-02', fees: [fee(900)] }),
    ]);
    const expected = [
      { act_pay_dedc: 300, hifp_pay: 0, psn_cash_pay: 300 },
      { act_pay_dedc: 300, hifp_pay: 0, psn_cash_pay: 300 },
      { act_pay_dedc: 100, hifp_pay: 300, psn_cash_pay: 200 },
      { act_pay_dedc: 0, hifp_pay: 150, psn_cash_pay: 50 },
      { act_pay_dedc: 700, hifp_pay: 150, psn_cash_pay: 750 },
    ];
    results.forEach((r, i) => expectSettled(r, expected[i]!));
  });

  it('prior deductible_used 650 leaves 50 of the 700', () => {
    // level 2 active, 1,000: deductible 700 − 650 = 50; pool (1,000 − 50) × 75% = 712.50; cash 287.50
    const [r] = runAll(PACK, [claim({ fees: [fee(1000)], prior: { deductible_used: 650 } })]);
    expectSettled(r!, { act_pay_dedc: 50, hifp_pay: 712.5, psn_cash_pay: 287.5 });
  });

  it('two persons keep separate totals', () => {
    // person A visit 900 → deductible 700, pool 150; person B's first visit 900 → deductible 700 too
    // person A again, 900 → deductible 0; pool 900 × 75% = 675.00; cash 225.00
    const [a1, b1, a2] = runAll(PACK, [
      claim({ fees: [fee(900)] }),
      claim({ psn_no: 'SM-002', fees: [fee(900)] }),
      claim({ fees: [fee(900)] }),
    ]);
    expectSettled(a1!, { act_pay_dedc: 700, hifp_pay: 150 });
    expectSettled(b1!, { act_pay_dedc: 700, hifp_pay: 150 });
    expectSettled(a2!, { act_pay_dedc: 0, hifp_pay: 675, psn_cash_pay: 225 });
  });
});

describe('M3: the annual cap of 17,000 carries over across the visits of one person', () => {
  it('reached on the second visit; nothing on the third; a new year starts afresh', () => {
    // active, level 1 (85%):
    // visit 1, 10,700: deductible 700; pool 10,000 × 85% = 8,500.00 (paid 8,500); cash 2,200.00
    // visit 2, 12,000: uncapped 12,000 × 85% = 10,200.00 → limited to 17,000 − 8,500 = 8,500.00; cash 3,500.00
    // visit 3, 1,000: cap reached → pool 0; cash 1,000.00
    // 2024-01-10, 1,700: new year → deductible 700, pool 1,000 × 85% = 850.00
    const c = (d: string, amount: number) => claim({ fixmedins_lv: '1', setl_date: d, fees: [fee(amount)] });
    const [v1, v2, v3, v4] = runAll(PACK, [
      c('2023-03-01', 10700),
      c('2023-06-01', 12000),
      c('2023-09-01', 1000),
      c('2024-01-10', 1700),
    ]);
    expectSettled(v1!, { act_pay_dedc: 700, hifp_pay: 8500, psn_cash_pay: 2200 });
    expectSettled(v2!, { act_pay_dedc: 0, hifp_pay: 8500, fund_pay_sumamt: 8500, psn_cash_pay: 3500 });
    expectSettled(v3!, { act_pay_dedc: 0, hifp_pay: 0, fund_pay_sumamt: 0, psn_cash_pay: 1000 });
    expectSettled(v4!, { act_pay_dedc: 700, hifp_pay: 850, psn_cash_pay: 850 });
  });

  it('prior pool_paid 16,900 leaves 100', () => {
    // deductible already used (prior 700); level 2 active, 1,000: uncapped 1,000 × 75% = 750.00
    // → limited to 17,000 − 16,900 = 100.00; cash 900.00
    const [r] = runAll(PACK, [
      claim({ fees: [fee(1000)], prior: { deductible_used: 700, pool_paid: 16900 } }),
    ]);
    expectSettled(r!, { act_pay_dedc: 0, hifp_pay: 100, psn_cash_pay: 900 });
  });
});

describe('the employee personal account (acct_used_flag "1", up to acct_balc)', () => {
  it.each([
    // spec example 3 amounts: person part 750.00. Balance 500 → account 500.00, cash 250.00, balance after 0
    { flag: '1', balc: 500, acct: 500, cash: 250, after: 0 },
    // balance 2,000 → account pays the whole 750.00, cash 0, balance after 1,250.00
    { flag: '1', balc: 2000, acct: 750, cash: 0, after: 1250 },
    // flag "0": the account is not used; cash 750.00; balance unchanged 2,000.00
    { flag: '0', balc: 2000, acct: 0, cash: 750, after: 2000 },
  ])('flag $flag, balance $balc', (t) => {
    const [r] = runAll(PACK, [claim({ fees: [fee(900)], acct_used_flag: t.flag, acct_balc: t.balc })]);
    expectSettled(r!, {
      act_pay_dedc: 700,
      hifp_pay: 150,
      psn_part_amt: 750,
      acct_pay: t.acct,
      psn_cash_pay: t.cash,
      balc: t.after,
    });
  });
});

describe('rounding: each rate application is rounded once, half up, to the fen', () => {
  it.each([
    // active level 2: (900.02 − 700) × 75% = 200.02 × 0.75 = 150.015 → 150.02; cash 900.02 − 150.02 = 750.00
    { psn_type: '1101', lv: '2', amount: 900.02, pool: 150.02, cash: 750 },
    // active level 1: (800.10 − 700) × 85% = 100.10 × 0.85 = 85.085 → 85.09; cash 800.10 − 85.09 = 715.01
    { psn_type: '1101', lv: '1', amount: 800.1, pool: 85.09, cash: 715.01 },
    // retired level 0: (1,000.05 − 700) × 90% = 300.05 × 0.9 = 270.045 → 270.05; cash 1,000.05 − 270.05 = 730.00
    { psn_type: '1201', lv: '0', amount: 1000.05, pool: 270.05, cash: 730 },
  ])('$psn_type at level $lv: $amount → pool $pool', (t) => {
    const [r] = runAll(PACK, [claim({ psn_type: t.psn_type, fixmedins_lv: t.lv, fees: [fee(t.amount)] })]);
    expectSettled(r!, { act_pay_dedc: 700, hifp_pay: t.pool, psn_cash_pay: t.cash });
  });
});

describe('fee lines', () => {
  it('class 03 is own pay, class 02 pre-self-pay, over the price cap is over-limit; the rest meets the 700', () => {
    // class 01 1,000.00 → in scope 1,000.00
    // class 02 500.00 × selfpay_prop 0.3 → pre-self-pay 150.00, in scope 350.00
    // class 03 200.00 → own pay
    // class 01 300.00 for 2 units at a cap of 100.00 → over-limit 100.00, in scope 200.00
    // medfee 2,000.00; in scope 1,550.00; deductible 700; pool 850 × 75% = 637.50; person 1,362.50
    const fees = [
      fee(1000),
      fee(500, { chrgitm_lv: '02', selfpay_prop: 0.3 }),
      fee(200, { chrgitm_lv: '03' }),
      fee(300, { cnt: 2, pric: 150, pric_uplmt_amt: 100 }),
    ];
    const [r] = runAll(PACK, [claim({ fees })]);
    expectSettled(r!, {
      medfee_sumamt: 2000,
      fulamt_ownpay_amt: 200,
      overlmt_selfpay: 100,
      preselfpay_amt: 150,
      inscp_scp_amt: 1550,
      act_pay_dedc: 700,
      hifp_pay: 637.5,
      psn_part_amt: 1362.5,
      psn_cash_pay: 1362.5,
    });
  });
});

describe('refusals', () => {
  it('a visit dated before 2022-01-01 is POLICY_GAP validFrom; 1 January 2022 settles', () => {
    // 002: "2022年根据省政府工作部署 … 建立健全职工基本医疗保险门诊共济保障机制"; the pack starts 2022-01-01.
    const next = run(PACK);
    expectRefused(next(claim({ setl_date: '2021-12-31', fees: [fee(900)] })), 'POLICY_GAP', 'validFrom');
    // 2022-01-01, as example 3: deductible 700, pool 150.00
    expectSettled(next(claim({ setl_date: '2022-01-01', fees: [fee(900)] })), {
      act_pay_dedc: 700,
      hifp_pay: 150,
    });
  });

  it.each([
    { what: 'employee inpatient', insutype: '310', psn_type: '1101', med_type: '21' },
    { what: 'employee chronic-special outpatient', insutype: '310', psn_type: '1101', med_type: '14' },
    { what: 'resident general outpatient', insutype: '390', psn_type: '1501', med_type: '11' },
  ])('$what is not covered: POLICY_GAP benefits', (t) => {
    const [r] = runAll(PACK, [claim({ ...t, fees: [fee(900)] })]);
    expectRefused(r!, 'POLICY_GAP', 'benefits');
  });
});
