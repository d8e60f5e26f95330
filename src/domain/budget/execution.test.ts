import { describe, expect, it } from 'vitest';
import { annualExecution, deficitOf } from './execution.js';
import { institutionUse } from './institution.js';

/** Worked by hand; amounts in fen. */

describe('annualExecution', () => {
  // Budget: income 1,200,000.00 yuan, expenditure 1,000,000.00 yuan.
  const budget = { income: 120_000_000, expenditure: 100_000_000 };
  const flows = [
    { month: '2025-01', income: 40_000_000, expenditure: 7_000_000 },
    { month: '2025-02', income: 10_000_000, expenditure: 9_000_000 },
    { month: '2025-03', income: 0, expenditure: 12_345_678 },
  ];

  it('sums the year to date and gives each month its shares of the annual budget', () => {
    const e = annualExecution(flows, budget);
    expect(
      e.months.map((m) => [m.ytdIncome, m.ytdExpenditure, m.incomeShareBp, m.expenditureShareBp]),
    ).toEqual([
      // Jan: 40/120 = 33.33…% → 3333 bp; 7/100 = 7 % → 700
      [40_000_000, 7_000_000, 3_333, 700],
      // Feb: 50/120 = 41.666…% → 4167; 16/100 → 1600
      [50_000_000, 16_000_000, 4_167, 1_600],
      // Mar: 50/120 → 4167; 28,345,678 / 100,000,000 = 28.345678 % → 2834.5678 bp → 2835
      [50_000_000, 28_345_678, 4_167, 2_835],
    ]);
    expect(e.ytdIncome).toBe(50_000_000);
    expect(e.ytdExpenditure).toBe(28_345_678);
    expect(e.incomeShareBp).toBe(4_167);
    expect(e.expenditureShareBp).toBe(2_835);
    expect(e.elapsedShareBp).toBe(2_500); // 3 of 12 months
    expect(e.deficit).toEqual({ warning: false, amount: 0 });
  });

  it('without a budget gives no shares but still warns of a deficit', () => {
    const e = annualExecution([{ month: '2026-01', income: 0, expenditure: 5_00 }], null);
    expect(e.incomeShareBp).toBeNull();
    expect(e.expenditureShareBp).toBeNull();
    expect(e.months[0]!.expenditureShareBp).toBeNull();
    expect(e.elapsedShareBp).toBe(833); // 1/12 = 833.33 bp
    expect(e.deficit).toEqual({ warning: true, amount: 5_00 });
  });

  it('gives a null share for a zero budget line', () => {
    const e = annualExecution(flows, { income: 120_000_000, expenditure: 0 });
    expect(e.incomeShareBp).toBe(4_167);
    expect(e.expenditureShareBp).toBeNull();
  });
});

describe('deficitOf (current-year deficit: expenditure above income, year to date)', () => {
  it.each([
    [1_000, 1_001, true, 1],
    [1_000, 1_000, false, 0], // balanced is no deficit
    [1_000, 999, false, 0],
    [0, 0, false, 0],
  ])('income %i, expenditure %i → warning %s, amount %i', (income, expenditure, warning, amount) => {
    expect(deficitOf(income, expenditure)).toEqual({ warning, amount });
  });
});

describe('institutionUse (总额预算 at configured shares)', () => {
  // Budget 10,000.00 yuan; warnings at 80 %, 90 %, 100 %.
  const shares = [8_000, 9_000, 10_000];
  const months = (uses: number[]) => uses.map((use, i) => ({ month: `2025-0${i + 1}`, use }));

  it('does not warn at 79.9999 % even though it shows as 80.00 %', () => {
    const u = institutionUse(months([500_000, 299_999]), 1_000_000, shares);
    expect(u.ytdUse).toBe(799_999);
    expect(u.useShareBp).toBe(8_000);
    expect(u.reached).toEqual([]);
    expect(u.warning).toBeNull();
    expect(u.remaining).toBe(200_001);
  });

  it('warns at exactly 80 %', () => {
    const u = institutionUse(months([500_000, 299_999, 1]), 1_000_000, shares);
    expect(u.months.map((m) => m.ytdUse)).toEqual([500_000, 799_999, 800_000]);
    expect(u.reached).toEqual([8_000]);
    expect(u.warning).toBe(8_000);
  });

  it('reaches every share when overrun by one fen', () => {
    const u = institutionUse(months([500_000, 299_999, 1, 200_001]), 1_000_000, shares);
    expect(u.ytdUse).toBe(1_000_001);
    expect(u.useShareBp).toBe(10_000); // 100.0001 % shows as 100.00 %
    expect(u.reached).toEqual(shares);
    expect(u.warning).toBe(10_000);
    expect(u.remaining).toBe(-1);
  });

  it('raises no warning without configured shares', () => {
    const u = institutionUse(months([2_000_000]), 1_000_000, []);
    expect(u.useShareBp).toBe(20_000);
    expect(u.warning).toBeNull();
  });
});
