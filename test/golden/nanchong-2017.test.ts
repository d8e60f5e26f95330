/**
 * Golden tests for nanchong-2017 (source: shared/seeds/001, the Nanchong part, 2017).
 * Every figure below is computed by hand from the quoted sentence; none is read back from the engine.
 *
 * N1 (deductible + rate): "乡镇卫生院起付线为150元，政策范围内报销比例为85%" (township = level 0; per admission)
 * N2 (minors):            "未成年人治疗先天性心脏病和白血病医保基金报销比例为100%" (age < 18; Q20–Q24, C91–C95)
 * N3 (+5%):               "治疗精神分裂症、恶性肿瘤等13种疾病报销比例上浮5%" (F20, C)
 * N4 (employee cap):      "目前全市城镇职工医疗保险统筹基金年度最高支付限额调整至28万元"
 * N5 (resident cap):      "城乡居民医疗保险统筹基金年度最高支付限额整至16万元"
 */
import { describe, expect, it } from 'vitest';
import { claimMaker, expectRefused, expectSettled, fee, run, runAll } from './helpers.js';

const PACK = 'nanchong-2017';

const claim = claimMaker({
  psn_no: 'NC-001',
  insutype: '310',
  psn_type: '1101',
  age: 40,
  med_type: '21',
  fixmedins_code: 'H511321001',
  fixmedins_lv: '0',
  insuplc_admdvs: '511302',
  mdtrtarea_admvs: '511321',
  setl_date: '2017-06-01',
});
const resident = { insutype: '390', psn_type: '1501' };
const minor = (age: number) => ({ insutype: '390', psn_type: '1402', age });

describe('N1: township health centre (level 0), deductible 150, rate 85%', () => {
  it.each([
    // employee: in scope 10,150; deductible 150; pool (10,150 − 150) × 85% = 8,500.00; cash 1,650.00
    { who: 'employee', over: {}, fund: '310100' },
    // resident: the same sentence names no scheme → the same figures; pool paid by fund 390100
    { who: 'resident', over: resident, fund: '390100' },
  ])('$who inpatient, in scope 10,150', (t) => {
    const [r] = runAll(PACK, [claim({ ...t.over, fees: [fee(10150)] })]);
    expectSettled(r!, {
      medfee_sumamt: 10150,
      inscp_scp_amt: 10150,
      act_pay_dedc: 150,
      hifp_pay: 8500,
      pool_prop_selfpay: 0.85,
      fund_pay_sumamt: 8500,
      psn_part_amt: 1650,
      psn_cash_pay: 1650,
    });
    expect(r!.setldetail).toEqual([{ fund_pay_type: t.fund, fund_payamt: 8500 }]);
  });

  it('the deductible is taken again on the second admission', () => {
    // N1 起付线 per admission: both admissions of 1,150 take 150; pool 1,000 × 85% = 850.00; cash 300.00
    const results = runAll(PACK, [claim({ fees: [fee(1150)] }), claim({ fees: [fee(1150)] })]);
    for (const r of results) expectSettled(r, { act_pay_dedc: 150, hifp_pay: 850, psn_cash_pay: 300 });
  });

  it('fee lines: class 03, class 02 pre-self-pay and over-limit stay out of scope', () => {
    // class 01 2,000.00; class 02 1,000.00 × 0.15 → pre 150.00, in 850.00; class 03 400.00 own pay;
    // class 01 600.00 for 3 units capped at 150.00 → over-limit 150.00, in 450.00
    // in scope 2,000 + 850 + 450 = 3,300.00; deductible 150; pool 3,150 × 85% = 2,677.50
    // medfee 4,000.00; person 4,000 − 2,677.50 = 1,322.50
    const fees = [
      fee(2000),
      fee(1000, { chrgitm_lv: '02', selfpay_prop: 0.15 }),
      fee(400, { chrgitm_lv: '03' }),
      fee(600, { cnt: 3, pric_uplmt_amt: 150 }),
    ];
    const [r] = runAll(PACK, [claim({ fees })]);
    expectSettled(r!, {
      medfee_sumamt: 4000,
      fulamt_ownpay_amt: 400,
      overlmt_selfpay: 150,
      preselfpay_amt: 150,
      inscp_scp_amt: 3300,
      act_pay_dedc: 150,
      hifp_pay: 2677.5,
      psn_cash_pay: 1322.5,
    });
  });
});

describe('N1: level 1–3 deductible and rate are not stated → POLICY_GAP', () => {
  it.each([
    { lv: '1', scheme: {} },
    { lv: '2', scheme: {} },
    { lv: '3', scheme: {} },
    { lv: '1', scheme: resident },
    { lv: '2', scheme: resident },
    { lv: '3', scheme: resident },
  ])('level $lv ($scheme.insutype)', (t) => {
    // The source gives 150 / 85% only for 乡镇卫生院; the deductible is looked up first.
    const [r] = runAll(PACK, [claim({ ...t.scheme, fixmedins_lv: t.lv, fees: [fee(10150)] })]);
    expectRefused(r!, 'POLICY_GAP', 'benefits.inpatient.deductible');
  });

  it('even a minor with leukaemia at level 3 (the 100% rate does not supply a deductible)', () => {
    const [r] = runAll(PACK, [
      claim({ ...minor(8), dise_codes: ['C91.0'], fixmedins_lv: '3', fees: [fee(5000)] }),
    ]);
    expectRefused(r!, 'POLICY_GAP', 'benefits.inpatient.deductible');
  });
});

describe('N2 + N3: disease and age modifiers (in scope 10,150, deductible 150, base 10,000)', () => {
  // 100%: pool 10,000.00, cash 150.00 · 90%: pool 9,000.00, cash 1,150.00 · 85%: pool 8,500.00, cash 1,650.00
  const full = { rate: 1, pool: 10000, cash: 150 };
  const plus5 = { rate: 0.9, pool: 9000, cash: 1150 };
  const plain = { rate: 0.85, pool: 8500, cash: 1650 };
  it.each([
    // N2: a minor (10) with congenital heart disease Q21.0 → 100%
    { what: 'minor 10, Q21.0', over: { ...minor(10), dise_codes: ['Q21.0'] }, ...full },
    // N2: Q20 and Q24 are the ends of the heart range; 17 is still under 18
    { what: 'minor 3, Q20.1', over: { ...minor(3), dise_codes: ['Q20.1'] }, ...full },
    { what: 'minor 17, Q24.9', over: { ...minor(17), dise_codes: ['Q24.9'] }, ...full },
    // N2: leukaemia C91 and C95 (ends of the range) → 100%
    { what: 'minor 8, C91.0', over: { ...minor(8), dise_codes: ['C91.0'] }, ...full },
    { what: 'minor 12, C95.9', over: { ...minor(12), dise_codes: ['C95.9'] }, ...full },
    // N2 + N3: leukaemia C92.0 is also a malignant tumour (+5%), but "set 100%" wins → 100%
    { what: 'minor 6, C92.0', over: { ...minor(6), dise_codes: ['C92.0'] }, ...full },
    // N2 needs 未成年人: at 18, Q21.0 gets the plain 85%
    { what: 'age 18, Q21.0', over: { ...resident, age: 18, dise_codes: ['Q21.0'] }, ...plain },
    // Q25 (great arteries) is not one of Q20–Q24 → 85%
    { what: 'minor 10, Q25.0', over: { ...minor(10), dise_codes: ['Q25.0'] }, ...plain },
    // N3: schizophrenia F20.0 → 85% + 5% = 90%
    { what: 'F20.0', over: { dise_codes: ['F20.0'] }, ...plus5 },
    // N3: malignant tumour C34.1 (lung), listed second → 90%
    { what: 'C34.1', over: { ...resident, dise_codes: ['I10', 'C34.1'] }, ...plus5 },
    // N3: a minor's malignant tumour that is not leukaemia (C71.9, brain) → 90%, not 100%
    { what: 'minor 9, C71.9', over: { ...minor(9), dise_codes: ['C71.9'] }, ...plus5 },
    // N3: an adult's leukaemia C92.0 is a malignant tumour → 90% (N2 is for minors only)
    { what: 'adult C92.0', over: { dise_codes: ['C92.0'] }, ...plus5 },
    // F31 (bipolar) is not schizophrenia → 85%
    { what: 'F31.0', over: { dise_codes: ['F31.0'] }, ...plain },
  ])('$what → $rate', (t) => {
    const [r] = runAll(PACK, [claim({ ...t.over, fees: [fee(10150)] })]);
    expectSettled(r!, {
      act_pay_dedc: 150,
      hifp_pay: t.pool,
      pool_prop_selfpay: t.rate,
      fund_pay_sumamt: t.pool,
      psn_cash_pay: t.cash,
    });
  });
});

describe('N4 / N5: annual pool caps, 280,000 for employees and 160,000 for residents', () => {
  it('carry-over across three admissions: employee 127,500 + 127,500 + 25,000', () => {
    // in scope 150,150 each: uncapped (150,150 − 150) × 85% = 127,500.00
    // N4: 127,500 (paid 127,500); 127,500 (paid 255,000); 280,000 − 255,000 = 25,000.00, cash 125,150.00
    const [a, b, c] = runAll(
      PACK,
      [1, 2, 3].map(() => claim({ fees: [fee(150150)] })),
    );
    expectSettled(a!, { hifp_pay: 127500, psn_cash_pay: 22650 });
    expectSettled(b!, { hifp_pay: 127500, psn_cash_pay: 22650 });
    expectSettled(c!, { hifp_pay: 25000, fund_pay_sumamt: 25000, psn_cash_pay: 125150 });
  });

  it('carry-over across three admissions: resident 127,500 + 32,500 + 0', () => {
    // N5: 127,500 (paid 127,500); 160,000 − 127,500 = 32,500.00, cash 117,650.00; then 0, cash 150,150.00
    const [a, b, c] = runAll(
      PACK,
      [1, 2, 3].map(() => claim({ ...resident, fees: [fee(150150)] })),
    );
    expectSettled(a!, { hifp_pay: 127500, psn_cash_pay: 22650 });
    expectSettled(b!, { hifp_pay: 32500, psn_cash_pay: 117650 });
    expectSettled(c!, { act_pay_dedc: 150, hifp_pay: 0, fund_pay_sumamt: 0, psn_cash_pay: 150150 });
  });

  it.each([
    // employee, prior 279,000: uncapped 8,500 → 280,000 − 279,000 = 1,000.00; cash 9,150.00
    { who: 'employee 279,000', over: {}, paid: 279000, pool: 1000, cash: 9150 },
    // employee, prior 159,000: far below 280,000 → 8,500.00
    { who: 'employee 159,000', over: {}, paid: 159000, pool: 8500, cash: 1650 },
    // resident, prior 159,000: 160,000 − 159,000 = 1,000.00
    { who: 'resident 159,000', over: resident, paid: 159000, pool: 1000, cash: 9150 },
  ])('prior pool_paid: $who', (t) => {
    const [r] = runAll(PACK, [claim({ ...t.over, fees: [fee(10150)], prior: { pool_paid: t.paid } })]);
    expectSettled(r!, { act_pay_dedc: 150, hifp_pay: t.pool, psn_cash_pay: t.cash });
  });

  it('a new year resets the cap', () => {
    // 2017-12-31, resident with prior 160,000: pool 0, cash 10,150.00
    // 2018-01-01: new year → 8,500.00 again
    const [a, b] = runAll(PACK, [
      claim({ ...resident, setl_date: '2017-12-31', fees: [fee(10150)], prior: { pool_paid: 160000 } }),
      claim({ ...resident, setl_date: '2018-01-01', fees: [fee(10150)] }),
    ]);
    expectSettled(a!, { hifp_pay: 0, psn_cash_pay: 10150 });
    expectSettled(b!, { act_pay_dedc: 150, hifp_pay: 8500, psn_cash_pay: 1650 });
  });
});

describe('rounding half up and the personal account', () => {
  it.each([
    // 85%: (1,150.10 − 150) × 85% = 1,000.10 × 0.85 = 850.085 → 850.09; cash 1,150.10 − 850.09 = 300.01
    { dise: [], amount: 1150.1, pool: 850.09, cash: 300.01 },
    // 90% (F20): (250.05 − 150) × 90% = 100.05 × 0.9 = 90.045 → 90.05; cash 250.05 − 90.05 = 160.00
    { dise: ['F20.0'], amount: 250.05, pool: 90.05, cash: 160 },
  ])('$amount with $dise → $pool', (t) => {
    const [r] = runAll(PACK, [claim({ dise_codes: t.dise, fees: [fee(t.amount)] })]);
    expectSettled(r!, { act_pay_dedc: 150, hifp_pay: t.pool, psn_cash_pay: t.cash });
  });

  it('an employee’s account pays up to its balance; a resident has no account payment', () => {
    // employee 10,150: person part 1,650.00; balance 1,000 → account 1,000.00, cash 650.00, balance 0
    // resident 10,150 with acct_used_flag "1": account 0 (employee scheme only); cash 1,650.00
    const [e, r] = runAll(PACK, [
      claim({ fees: [fee(10150)], acct_used_flag: '1', acct_balc: 1000 }),
      claim({ ...resident, psn_no: 'NC-002', fees: [fee(10150)], acct_used_flag: '1', acct_balc: 1000 }),
    ]);
    expectSettled(e!, { hifp_pay: 8500, psn_part_amt: 1650, acct_pay: 1000, psn_cash_pay: 650, balc: 0 });
    expectSettled(r!, { hifp_pay: 8500, psn_part_amt: 1650, acct_pay: 0, psn_cash_pay: 1650 });
  });
});

describe('refusals', () => {
  it('a claim dated before 2017-01-01 is POLICY_GAP validFrom; 1 January 2017 settles', () => {
    const next = run(PACK);
    expectRefused(next(claim({ setl_date: '2016-12-31', fees: [fee(10150)] })), 'POLICY_GAP', 'validFrom');
    expectSettled(next(claim({ setl_date: '2017-01-01', fees: [fee(10150)] })), { hifp_pay: 8500 });
  });

  it.each([
    // 门诊统筹 is named without figures (pack notes) → no outpatient benefit
    { med_type: '11', over: {} },
    { med_type: '14', over: {} },
    { med_type: '11', over: resident },
  ])('medical type $med_type is not covered: POLICY_GAP benefits', (t) => {
    const [r] = runAll(PACK, [claim({ ...t.over, med_type: t.med_type, fees: [fee(500)] })]);
    expectRefused(r!, 'POLICY_GAP', 'benefits');
  });
});
