import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { employeeMonthly, paramAt, residentAnnual, type EmployeeRates, type Param } from './contribution.js';
import type { DatedValue } from './policy/model.js';

const p = (value: number, path = 'test.rate'): Param => ({ value, path, source: 'a quoted sentence' });
const rates = (employer: number, employee: number, account: number, fromEmployee: number): EmployeeRates => ({
  employer: p(employer),
  employee: p(employee),
  account: p(account),
  accountFromEmployee: p(fromEmployee, 'test.fromEmployee'),
});
const TAIZHOU = rates(700, 100, 180, 100);

describe(employeeMonthly.name, () => {
  // Rates are in units of 0.01% of the base. With the employer's rate at least 0.01% above the
  // matched rate, the pool's exact share is at least base / 10,000 fen before rounding; the three
  // products it comes from are each rounded half up once, so together they move it by less than
  // 1.5 fen. From a base of 150.00 on, the pool's share can therefore never round below zero.
  const consistentRates = {
    employer: fc.integer({ min: 0, max: 2000 }),
    fromEmployee: fc.integer({ min: 0, max: 500 }),
    extraEmployee: fc.integer({ min: 0, max: 500 }),
    matchedRate: fc.integer({ min: 0, max: 1000 }),
  };
  const monthly = (r: {
    base: number;
    employer: number;
    fromEmployee: number;
    extraEmployee: number;
    matchedRate: number;
  }) =>
    employeeMonthly({
      base: r.base,
      rates: rates(
        r.employer,
        r.fromEmployee + r.extraEmployee,
        r.fromEmployee + r.matchedRate,
        r.fromEmployee,
      ),
    });
  const holdsIdentities = (m: ReturnType<typeof employeeMonthly>) => {
    expect(m.employer + m.employee).toBe(m.poolIncome + m.accountCredit);
    expect(m.accountCredit).toBe(m.accountFromEmployee + m.accountMatched);
    expect(Math.min(m.poolIncome, m.accountMatched, m.employer, m.employee)).toBeGreaterThanOrEqual(0);
  };

  it('keeps both identities exactly for any base from 150.00 and any consistent rates', () => {
    const arb = fc
      .record({ base: fc.integer({ min: 15_000, max: 10_000_000_000 }), ...consistentRates })
      .filter((r) => r.matchedRate + 1 <= r.employer);
    fc.assert(fc.property(arb, (r) => holdsIdentities(monthly(r))));
  });

  it('at any base either keeps both identities or refuses with POLICY_GAP, never a negative share', () => {
    const arb = fc
      .record({ base: fc.integer({ min: 1, max: 20_000 }), ...consistentRates })
      .filter((r) => r.matchedRate + 1 <= r.employer);
    fc.assert(
      fc.property(arb, (r) => {
        let m: ReturnType<typeof employeeMonthly>;
        try {
          m = monthly(r);
        } catch (error) {
          expect(error).toMatchObject({ code: 'POLICY_GAP', path: 'test.fromEmployee' });
          return;
        }
        holdsIdentities(m);
      }),
    );
    // base 0.04 at 9.98% employer, 2.53% employee, 12.50% account: the credit rounds 0.005 up to
    // 0.01 while both shares round down to 0.00, so the pool would be −0.01; it is refused.
    expect(() =>
      monthly({ base: 4, employer: 998, fromEmployee: 253, extraEmployee: 0, matchedRate: 997 }),
    ).toThrow(expect.objectContaining({ code: 'POLICY_GAP' }));
  });

  it('clamps the base only to the limits the pack states, each rounded once from the average wage', () => {
    const limits = { averageWage: 500000, floorShare: p(6000, 'floor'), ceilingShare: p(30000, 'ceiling') };
    // floor 5,000.00 × 60% = 3,000.00; ceiling 5,000.00 × 300% = 15,000.00
    expect(employeeMonthly({ base: 100000, rates: TAIZHOU, limits }).base).toBe(300000);
    expect(employeeMonthly({ base: 2000000, rates: TAIZHOU, limits }).base).toBe(1500000);
    expect(employeeMonthly({ base: 600000, rates: TAIZHOU, limits }).base).toBe(600000);
    const floorOnly = { ...limits, ceilingShare: null };
    const m = employeeMonthly({ base: 2000000, rates: TAIZHOU, limits: floorOnly });
    expect(m.base).toBe(2000000);
    expect(m.trace.map((s) => s.step).slice(0, 2)).toEqual(['base-floor', 'base']);
    expect(m.employer).toBe(140000); // computed on the clamped base: 20,000.00 × 7%
  });

  it('refuses rates whose account part from the employee exceeds what the employee pays', () => {
    expect(() => employeeMonthly({ base: 600000, rates: rates(700, 100, 180, 200) })).toThrow(
      expect.objectContaining({ code: 'POLICY_GAP', path: 'test.fromEmployee' }),
    );
  });
});

describe(paramAt.name, () => {
  it('gives the value in force on the date, and null before it starts or after it ends', () => {
    const dated: DatedValue = {
      path: 'contributions.employee.employerRate',
      source: 'a quoted sentence',
      versions: [
        { from: '2019-01-01', value: 800 },
        { from: '2019-07-01', value: 700 },
        { from: '2021-01-01', value: null },
      ],
    };
    const pack = { contributions: new Map([[dated.path, dated]]) };
    const at = (date: string) => paramAt(pack, dated.path, date)?.value ?? null;
    expect([at('2018-12-31'), at('2019-06-30'), at('2019-07-01'), at('2021-01-01')]).toEqual([
      null,
      800,
      700,
      null,
    ]);
  });
});

describe(residentAnnual.name, () => {
  it('adds the individual share and the subsidy into pool income', () => {
    const r = residentAnnual({ individual: p(25000, 'individualFen'), subsidy: p(51000, 'subsidyFen') });
    expect(r).toMatchObject({ individual: 25000, subsidy: 51000, poolIncome: 76000 });
    expect(r.trace.map((s) => s.step)).toEqual(['individual', 'subsidy', 'pool-income']);
  });
});
