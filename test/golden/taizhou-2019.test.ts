/**
 * Golden tests for taizhou-2019 (source: shared/seeds/001, the Taizhou part, from 2019-01-01).
 * Every figure below is computed by hand from the quoted sentence; none is read back from the engine.
 *
 * T1 (employee outpatient rate): "已参加公立医院改革的一级及以下基层卫生医疗机构、市内二级医疗机构、市内三级医疗机构
 *     及市(省)外一级医疗机构基本医疗保险统筹基金分别按86%、75%、70%和40%支付"
 * T2 (resident outpatient cap):  "城乡居民医保的普通门(急)诊医疗费基本医疗保险统筹基金年度最高支付限额为900元，
 *     与基层卫生医疗机构家庭医生签约的参保人员为1200元"
 * T3 (resident outpatient rate): "已参加公立医院改革的一级及以下基层卫生医疗机构按60%支付"
 * T4 (3rd-admission waiver):     "并取消第三次及以上住院时住院的起付标准"
 *
 * The source gives no outpatient deductible, and no inpatient deductible, rate or cap, so those claims on
 * the shipped pack are POLICY_GAP. To show T1–T4 by hand, FIXTURE packs below add the missing values,
 * each marked "test fixture: not from the source". They are test data, never policy.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { CompiledPack } from '../../src/domain/policy/model.js';
import { parsePackText, shippedPacks } from '../../src/policy/load.js';
import { claimMaker, expectRefused, expectSettled, fee, run, runAll } from './helpers.js';

const PACK = 'taizhou-2019';
const NOT_SOURCE = 'test fixture: not from the source';

type Doc = { id: string; benefits: Record<string, unknown>[] };

/** The shipped Taizhou YAML, changed by `edit`, compiled as a separate fixture pack. */
function fixture(
  name: string,
  edit: (benefit: (id: string) => Record<string, unknown>) => void,
): CompiledPack {
  const doc = parse(readFileSync(shippedPacks().get(PACK)!, 'utf8')) as Doc;
  doc.id = `taizhou-2019-fixture-${name}`;
  edit((id) => doc.benefits.find((b) => b.id === id)!);
  return parsePackText(stringify(doc), `${doc.id}.yaml`);
}

const zeroDeductible = { basis: 'annual', source: NOT_SOURCE, values: { '2019-01-01': [{ amount: 0 }] } };

/** Outpatient deductible 0 for both schemes; no cap for employees (the source states none). */
const OUTPATIENT = fixture('outpatient', (b) => {
  b('employee-general-outpatient').deductible = zeroDeductible;
  b('employee-general-outpatient').caps = [];
  b('resident-general-outpatient').deductible = zeroDeductible;
});

/** Resident inpatient: deductible 500, rate 50%, no cap — all fixture values; the T4 waiver is the pack's. */
const INPATIENT = fixture('inpatient', (b) => {
  const inpatient = b('resident-inpatient');
  const deductible = inpatient.deductible as Record<string, unknown>;
  deductible.source = NOT_SOURCE;
  deductible.values = { '2019-01-01': [{ amount: 500 }] };
  inpatient.rate = { source: NOT_SOURCE, values: { '2019-01-01': [{ rate: '50%' }] } };
  inpatient.caps = [];
});

const employee = claimMaker({
  psn_no: 'TZ-E01',
  insutype: '310',
  psn_type: '1101',
  age: 38,
  med_type: '11',
  fixmedins_code: 'H331002001',
  fixmedins_lv: '0',
  insuplc_admdvs: '331002',
  mdtrtarea_admvs: '331002',
  setl_date: '2019-05-01',
});
const resident = claimMaker({
  psn_no: 'TZ-R01',
  insutype: '390',
  psn_type: '1501',
  age: 55,
  med_type: '11',
  fixmedins_code: 'H331081001',
  fixmedins_lv: '0',
  insuplc_admdvs: '331081',
  mdtrtarea_admvs: '331081',
  setl_date: '2019-05-01',
});

describe('the shipped pack: what the source does not state is POLICY_GAP', () => {
  it.each(['0', '1', '2', '3'])('employee general outpatient at level %s: no deductible', (lv) => {
    const [r] = runAll(PACK, [employee({ fixmedins_lv: lv, fees: [fee(1000)] })]);
    expectRefused(r!, 'POLICY_GAP', 'benefits.employee-general-outpatient.deductible');
  });

  it.each([[[]], [['family-doctor']]])('resident general outpatient (tags %j): no deductible', (tags) => {
    const [r] = runAll(PACK, [resident({ psn_tags: tags, fees: [fee(1000)] })]);
    expectRefused(r!, 'POLICY_GAP', 'benefits.resident-general-outpatient.deductible');
  });

  it('resident inpatient, first admission: no deductible', () => {
    const [r] = runAll(PACK, [resident({ med_type: '21', fees: [fee(5000)] })]);
    expectRefused(r!, 'POLICY_GAP', 'benefits.resident-inpatient.deductible');
  });

  it('resident inpatient, third admission: T4 waives the deductible, then the rate is missing', () => {
    // prior admissions 2 → this is admission 3 → deductible 0 (T4); no rate is stated → POLICY_GAP rate
    const [r] = runAll(PACK, [resident({ med_type: '21', fees: [fee(5000)], prior: { admissions: 2 } })]);
    expectRefused(r!, 'POLICY_GAP', 'benefits.resident-inpatient.rate');
  });

  it.each([
    { what: 'employee inpatient', make: () => employee({ med_type: '21', fees: [fee(5000)] }) },
    { what: 'employee chronic outpatient', make: () => employee({ med_type: '14', fees: [fee(500)] }) },
    { what: 'resident chronic outpatient', make: () => resident({ med_type: '14', fees: [fee(500)] }) },
  ])('$what is not covered: POLICY_GAP benefits', (t) => {
    const [r] = runAll(PACK, [t.make()]);
    expectRefused(r!, 'POLICY_GAP', 'benefits');
  });

  it('a claim dated before 2019-01-01 is POLICY_GAP validFrom', () => {
    // 001: "从2019年1月1日起，全面实施全市统一的医疗保险制度"
    const [r] = runAll(PACK, [employee({ setl_date: '2018-12-31', fees: [fee(1000)] })]);
    expectRefused(r!, 'POLICY_GAP', 'validFrom');
  });

  it('the fixture with only a deductible added still lacks the employee outpatient cap', () => {
    const noCap = fixture('no-cap', (b) => {
      b('employee-general-outpatient').deductible = zeroDeductible;
    });
    const [r] = runAll(noCap, [employee({ fees: [fee(1000)] })]);
    expectRefused(r!, 'POLICY_GAP', 'benefits.employee-general-outpatient.caps');
  });
});

describe('FIXTURE (deductible 0): T1 employee outpatient rates by level and area', () => {
  it.each([
    // level 0 (grassroots), in the city: 1,000 × 86% = 860.00; cash 140.00
    { lv: '0', care: '331002', rate: 0.86, pool: 860, cash: 140 },
    // level 1 in another county of the city (331081 温岭 ← 331002 椒江): city pool → in-area, 86%
    { lv: '1', care: '331081', rate: 0.86, pool: 860, cash: 140 },
    // 市内二级: 1,000 × 75% = 750.00; cash 250.00
    { lv: '2', care: '331003', rate: 0.75, pool: 750, cash: 250 },
    // 市内三级: 1,000 × 70% = 700.00; cash 300.00
    { lv: '3', care: '331002', rate: 0.7, pool: 700, cash: 300 },
    // 市外一级 (Hangzhou 330106): 1,000 × 40% = 400.00; cash 600.00
    { lv: '1', care: '330106', rate: 0.4, pool: 400, cash: 600 },
    // 省外一级 (Shanghai 310101): 40% → 400.00
    { lv: '1', care: '310101', rate: 0.4, pool: 400, cash: 600 },
  ])('level $lv treated in $care: $rate', (t) => {
    const [r] = runAll(OUTPATIENT, [
      employee({ fixmedins_lv: t.lv, mdtrtarea_admvs: t.care, fees: [fee(1000)] }),
    ]);
    expectSettled(r!, {
      act_pay_dedc: 0,
      hifp_pay: t.pool,
      pool_prop_selfpay: t.rate,
      fund_pay_sumamt: t.pool,
      psn_cash_pay: t.cash,
    });
  });

  it.each([
    { lv: '0', care: '330106' },
    { lv: '2', care: '330106' },
    { lv: '3', care: '310101' },
  ])('level $lv out of the city ($care): rate absent → POLICY_GAP', (t) => {
    // T1 gives an out-of-city rate only for 一级医疗机构
    const [r] = runAll(OUTPATIENT, [
      employee({ fixmedins_lv: t.lv, mdtrtarea_admvs: t.care, fees: [fee(1000)] }),
    ]);
    expectRefused(r!, 'POLICY_GAP', 'benefits.employee-general-outpatient.rate');
  });

  it.each([
    // 86%: 100.25 × 0.86 = 86.215 → 86.22; cash 100.25 − 86.22 = 14.03
    { lv: '0', amount: 100.25, pool: 86.22, cash: 14.03 },
    // 75%: 100.02 × 0.75 = 75.015 → 75.02; cash 25.00
    { lv: '2', amount: 100.02, pool: 75.02, cash: 25 },
    // 70%: 100.05 × 0.7 = 70.035 → 70.04; cash 30.01
    { lv: '3', amount: 100.05, pool: 70.04, cash: 30.01 },
  ])('rounding half up at level $lv: $amount → $pool', (t) => {
    const [r] = runAll(OUTPATIENT, [employee({ fixmedins_lv: t.lv, fees: [fee(t.amount)] })]);
    expectSettled(r!, { hifp_pay: t.pool, psn_cash_pay: t.cash });
  });

  it('the personal account pays up to its balance', () => {
    // level 2: 1,000 × 75% = 750.00; person part 250.00; balance 100 → account 100.00, cash 150.00, balance 0
    const [r] = runAll(OUTPATIENT, [
      employee({ fixmedins_lv: '2', fees: [fee(1000)], acct_used_flag: '1', acct_balc: 100 }),
    ]);
    expectSettled(r!, { hifp_pay: 750, psn_part_amt: 250, acct_pay: 100, psn_cash_pay: 150, balc: 0 });
  });
});

describe('FIXTURE (deductible 0): T3 resident outpatient 60% and T2 caps 900 / 1,200', () => {
  it.each(['0', '1'])('level %s: 1,000 × 60% = 600.00', (lv) => {
    const [r] = runAll(OUTPATIENT, [resident({ fixmedins_lv: lv, fees: [fee(1000)] })]);
    expectSettled(r!, { hifp_pay: 600, pool_prop_selfpay: 0.6, psn_cash_pay: 400 });
  });

  it.each(['2', '3'])('level %s: rate absent → POLICY_GAP', (lv) => {
    const [r] = runAll(OUTPATIENT, [resident({ fixmedins_lv: lv, fees: [fee(1000)] })]);
    expectRefused(r!, 'POLICY_GAP', 'benefits.resident-general-outpatient.rate');
  });

  it('without a family-doctor contract the year’s pool stops at 900: 600 + 300 + 0', () => {
    // T2 900: visit 1 600.00 (paid 600), visit 2 uncapped 600 → 900 − 600 = 300.00, cash 700.00; visit 3 0
    const [a, b, c] = runAll(
      OUTPATIENT,
      [1, 2, 3].map(() => resident({ fees: [fee(1000)] })),
    );
    expectSettled(a!, { hifp_pay: 600, psn_cash_pay: 400 });
    expectSettled(b!, { hifp_pay: 300, psn_cash_pay: 700 });
    expectSettled(c!, { hifp_pay: 0, fund_pay_sumamt: 0, psn_cash_pay: 1000 });
  });

  it('with a family-doctor contract it stops at 1,200: 600 + 600 + 0', () => {
    const tagged = () => resident({ psn_tags: ['family-doctor'], fees: [fee(1000)] });
    const [a, b, c] = runAll(OUTPATIENT, [tagged(), tagged(), tagged()]);
    expectSettled(a!, { hifp_pay: 600, psn_cash_pay: 400 });
    expectSettled(b!, { hifp_pay: 600, psn_cash_pay: 400 });
    expectSettled(c!, { hifp_pay: 0, psn_cash_pay: 1000 });
  });

  it('prior pool_paid 1,000 with a contract leaves 200; a new year resets the cap', () => {
    // 2019-12-31, family doctor, prior 1,000: uncapped 600 → 1,200 − 1,000 = 200.00, cash 800.00
    // 2019-12-31 without the tag, prior 900: 900 − 900 → 0
    // 2020-01-01: a new year → 600.00
    const next = run(OUTPATIENT);
    const c = (over: Record<string, unknown>) =>
      resident({ setl_date: '2019-12-31', fees: [fee(1000)], ...over });
    expectSettled(next(c({ psn_tags: ['family-doctor'], prior: { pool_paid: 1000 } })), {
      hifp_pay: 200,
      psn_cash_pay: 800,
    });
    expectSettled(next(c({ psn_no: 'TZ-R02', prior: { pool_paid: 900 } })), { hifp_pay: 0 });
    expectSettled(next(c({ psn_no: 'TZ-R02', setl_date: '2020-01-01' })), { hifp_pay: 600 });
  });
});

describe('FIXTURE (inpatient deductible 500, rate 50%): T4 no deductible from the third admission', () => {
  it('admissions 1 and 2 take 500; admissions 3 and 4 take none; a new year counts afresh', () => {
    // admissions 1, 2: (2,500 − 500) × 50% = 1,000.00; cash 1,500.00 (fixture figures)
    // admissions 3, 4: T4 → deductible 0; 2,500 × 50% = 1,250.00; cash 1,250.00
    // 2020-02-01: admission 1 of the new year → deductible 500 again, 1,000.00
    const c = (d: string) => resident({ med_type: '21', fixmedins_lv: '2', setl_date: d, fees: [fee(2500)] });
    const results = runAll(INPATIENT, [
      c('2019-02-01'),
      c('2019-04-01'),
      c('2019-06-01'),
      c('2019-08-01'),
      c('2020-02-01'),
    ]);
    const dedc = [500, 500, 0, 0, 500];
    const pool = [1000, 1000, 1250, 1250, 1000];
    results.forEach((r, i) =>
      expectSettled(r, { act_pay_dedc: dedc[i], hifp_pay: pool[i], psn_cash_pay: 2500 - pool[i]! }),
    );
  });

  it('prior admissions 2: the first claim seen is the third admission', () => {
    // T4: deductible 0; 2,500 × 50% = 1,250.00
    const [r] = runAll(INPATIENT, [
      resident({ med_type: '21', fees: [fee(2500)], prior: { admissions: 2 } }),
    ]);
    expectSettled(r!, { act_pay_dedc: 0, hifp_pay: 1250, psn_cash_pay: 1250 });
  });
});

describe('contributions: encoded, but no calculator settles them yet (checked against the sentences)', () => {
  it('employer 7%; account 1.8% of the base, 1% of it from the employee; retirees 1.8%', () => {
    type Dated = { values: Record<string, string> };
    type Employee = { employerRate: Dated; accountCrediting: Record<string, Dated> };
    const doc = parse(readFileSync(shippedPacks().get(PACK)!, 'utf8')) as {
      contributions: { employee: Employee };
    };
    const e = doc.contributions.employee;
    // "职工基本医疗保险费由用人单位每月按照本单位在职职工缴费工资总额的8%降到7%缴纳"
    expect(e.employerRate.values).toEqual({ '2019-01-01': '7%' });
    // "企业在职参保人员按本人当月缴费基数的1.8%建账"
    expect(e.accountCrediting.activeRateOfBase?.values).toEqual({ '2019-01-01': '1.8%' });
    // "其中参保人员缴纳基本医疗保险费基数的1%……划入个人账户"
    expect(e.accountCrediting.activeFromEmployeeRateOfBase?.values).toEqual({ '2019-01-01': '1%' });
    // "退休人员按上一年度全省在岗职工月平均工资的1.8%建账"
    expect(e.accountCrediting.retiredRateOfProvincialAverageMonthlyWage?.values).toEqual({
      '2019-01-01': '1.8%',
    });
  });
});
