/**
 * Golden tests of the contribution calculator against the Taizhou pack (seeds/001, the Taizhou
 * part). Every expected figure below was worked out by hand from the quoted sentence; amounts are
 * fen (600000 = 6,000.00 yuan) and each product is rounded once, half up, to the fen.
 *
 * "职工基本医疗保险费由用人单位每月按照本单位在职职工缴费工资总额的8%降到7%缴纳"   → employer 7%
 * "个人缴费部分全部用于建立个人账户统筹基金适当配套划入"                           → employee's whole part to the account, pool matches
 * "企业在职参保人员按本人当月缴费基数的1.8%建账,其中参保人员缴纳基本医疗保险费基数的1%…划入个人账户"
 *                                                                                 → account 1.8% of the base, 1% from the employee
 * "退休人员按上一年度全省在岗职工月平均工资嘚1.8%建账"                              → retiree 1.8% of the provincial average monthly wage
 */
import { describe, expect, it } from 'vitest';
import {
  CONTRIBUTION_PARAMS,
  employeeMonthly,
  employeeRatesAt,
  paramAt,
  requireParam,
  retireeMonthly,
} from '../../src/domain/contribution.js';
import { Refusal } from '../../src/domain/errors.js';
import { loadPack } from '../../src/policy/load.js';

const pack = loadPack('taizhou-2019');
const ON = '2019-03-01';
const rates = employeeRatesAt(pack, ON);
const active = (base: number) => employeeMonthly({ base, rates });
const retiree = (wage: number) =>
  retireeMonthly({
    provincialAverageMonthlyWage: wage,
    rate: requireParam(pack, CONTRIBUTION_PARAMS.retiredAccountRate, ON),
  });

describe('Taizhou 2019: the pack states the rates the calculator needs', () => {
  it('employer 7%, employee 1%, account 1.8% of which 1% from the employee, retirees 1.8%', () => {
    expect(rates.employer.value).toBe(700);
    expect(rates.employee.value).toBe(100);
    expect(rates.account.value).toBe(180);
    expect(rates.accountFromEmployee.value).toBe(100);
    expect(requireParam(pack, CONTRIBUTION_PARAMS.retiredAccountRate, ON).value).toBe(180);
    expect(rates.employee.source).toContain('个人缴费部分全部用于建立个人账户');
  });

  it('states no base floor or ceiling and no resident amounts: those are not invented', () => {
    expect(paramAt(pack, CONTRIBUTION_PARAMS.baseFloorShare, ON)).toBeNull();
    expect(paramAt(pack, CONTRIBUTION_PARAMS.baseCeilingShare, ON)).toBeNull();
    for (const path of [CONTRIBUTION_PARAMS.residentIndividual, CONTRIBUTION_PARAMS.residentSubsidy]) {
      expect(() => requireParam(pack, path, ON)).toThrow(Refusal);
      expect(() => requireParam(pack, path, ON)).toThrow(
        expect.objectContaining({ code: 'POLICY_GAP', path }),
      );
    }
  });

  it('is not in force before 2019: the rates are a POLICY_GAP then', () => {
    expect(() => employeeRatesAt(pack, '2018-12-01')).toThrow(
      expect.objectContaining({ code: 'POLICY_GAP', path: CONTRIBUTION_PARAMS.employerRate }),
    );
  });
});

describe('Taizhou 2019: an active employee’s month', () => {
  it('base 6,000.00: employer 420.00, employee 60.00, account 108.00 (60.00 + 48.00), pool 372.00', () => {
    // employer 6,000.00 × 7% = 420.00; employee 6,000.00 × 1% = 60.00;
    // account 6,000.00 × 1.8% = 108.00, of which the employee's 60.00 and 48.00 matched by the pool;
    // pool 420.00 + 60.00 − 108.00 = 372.00.
    const m = active(600000);
    expect(m).toMatchObject({
      base: 600000,
      employer: 42000,
      employee: 6000,
      accountCredit: 10800,
      accountFromEmployee: 6000,
      accountMatched: 4800,
      poolIncome: 37200,
    });
  });

  it('base 5,432.10: each product rounded once, half up', () => {
    // employer 543210 × 7%   = 38024.70 fen → 38025 (380.25)
    // employee 543210 × 1%   =  5432.10 fen →  5432 (54.32)
    // account  543210 × 1.8% =  9777.78 fen →  9778 (97.78); matched 9778 − 5432 = 4346 (43.46)
    // pool 38025 + 5432 − 9778 = 33679 (336.79)
    expect(active(543210)).toMatchObject({
      employer: 38025,
      employee: 5432,
      accountCredit: 9778,
      accountFromEmployee: 5432,
      accountMatched: 4346,
      poolIncome: 33679,
    });
  });

  it('base 5,432.50: exact halves go up (not to even, not down)', () => {
    // employer 543250 × 7%   = 38027.5 fen → 38028 (380.28)
    // employee 543250 × 1%   =  5432.5 fen →  5433 (54.33; to-even would give 5432)
    // account  543250 × 1.8% =  9778.5 fen →  9779 (97.79; to-even would give 9778); matched 9779 − 5433 = 4346
    // pool 38028 + 5433 − 9779 = 33682 (336.82)
    expect(active(543250)).toMatchObject({
      employer: 38028,
      employee: 5433,
      accountCredit: 9779,
      accountMatched: 4346,
      poolIncome: 33682,
    });
  });

  it('base 5,000.40: the account gets the stated 1.8%; the matched part absorbs the rounding', () => {
    // account 500040 × 1.8% = 9000.72 → 9001; employee 500040 × 1% = 5000.40 → 5000;
    // matched 9001 − 5000 = 4001 (0.8% rounded on its own would be 4000.32 → 4000, and the
    // account would then get 90.00 instead of the 90.01 that 1.8% gives).
    const m = active(500040);
    expect([m.accountCredit, m.employee, m.accountMatched]).toEqual([9001, 5000, 4001]);
    // employer 500040 × 7% = 35002.8 → 35003; pool 35003 + 5000 − 9001 = 31002
    expect([m.employer, m.poolIncome]).toEqual([35003, 31002]);
  });

  it('keeps the identities and explains every step, citing the sentences', () => {
    const m = active(543210);
    expect(m.employer + m.employee).toBe(m.poolIncome + m.accountCredit);
    expect(m.accountCredit).toBe(m.accountFromEmployee + m.accountMatched);
    expect(m.trace.map((s) => s.step)).toEqual([
      'base',
      'employer',
      'employee',
      'account-credit',
      'account-from-employee',
      'account-matched',
      'pool-income',
    ]);
    expect(m.trace[0]!.rule).toContain('unclamped: the pack states no base floor or ceiling');
    expect(m.trace[1]).toMatchObject({
      param: CONTRIBUTION_PARAMS.employerRate,
      rule: 'base 5432.10 × 7% = 380.25, rounded half up once',
    });
    expect(m.trace[1]!.source).toContain('8%降到7%');
    expect(m.trace[3]!.source).toContain('1.8%建账');
  });
});

describe('Taizhou 2019: a retiree’s month', () => {
  it('provincial average monthly wage 5,000.00 → account credit 90.00', () => {
    // 500000 × 1.8% = 9000 fen (90.00)
    const r = retiree(500000);
    expect(r.accountCredit).toBe(9000);
    expect(r.trace[1]).toMatchObject({ param: CONTRIBUTION_PARAMS.retiredAccountRate });
    expect(r.trace[1]!.source).toContain('退休人员按上一年度全省在岗职工月平均工资');
  });

  it('wage 5,002.50 → 90.05 (500250 × 1.8% = 9004.5 fen, half up); 6,789.45 → 122.21 (12221.01 fen)', () => {
    expect(retiree(500250).accountCredit).toBe(9005);
    expect(retiree(678945).accountCredit).toBe(12221);
  });
});
