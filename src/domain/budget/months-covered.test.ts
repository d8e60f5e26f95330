import { describe, expect, it } from 'vitest';
import { bandsOn, classifyBand, ISSUE_DEFAULT_BANDS, type Band, type FundWarning } from './bands.js';
import { monthsCovered } from './months-covered.js';
import { addMonths } from './months.js';

/** `n` months ending with `through`, each with the same expenditure. */
function flat(through: string, n: number, expenditure: number) {
  return Array.from({ length: n }, (_, i) => ({ month: addMonths(through, i - n + 1), expenditure }));
}

describe('monthsCovered', () => {
  // A year of 100.00 yuan a month: average 100.00, so a balance of B yuan covers B/100 months.
  const year = flat('2025-12', 12, 100_00);

  it.each([
    // balance (fen), months covered, band — the issue's defaults at their boundaries
    [299_99, 300, 'severe'], // 2.9999 months: under 3
    [300_00, 300, 'low'], // exactly 3: "under 3" is severe, so 3 is low
    [599_99, 600, 'low'],
    [600_00, 600, 'sound'], // exactly 6 belongs to 6–9
    [899_99, 900, 'sound'],
    [900_00, 900, 'high'], // exactly 9 belongs to 9–15
    [1_500_00, 1_500, 'high'], // exactly 15: "over 15" is excessive, so 15 is high
    [1_500_01, 1_500, 'excessive'], // 15.0001 months
    [0, 0, 'severe'],
    [-100_00, -100, 'severe'], // a negative balance covers nothing
  ])('balance %i fen → %i hundredths of a month, %s', (balance, hundredths, band) => {
    const m = monthsCovered(balance, year, '2025-12', ISSUE_DEFAULT_BANDS)!;
    expect(m).toMatchObject({ from: '2025-01', to: '2025-12', months: 12, expenditure: 1_200_00 });
    expect(m.averageMonthlyExpenditure).toBe(100_00);
    expect(m.hundredths).toBe(hundredths);
    expect(m.band).toBe(band);
  });

  it('averages the last 12 months only (a rolling year)', () => {
    // 2024: 50.00 a month; 2025: 100.00 a month. Through 2025-06 the window is 2024-07..2025-06:
    // 6 × 50.00 + 6 × 100.00 = 900.00, average 75.00; a balance of 300.00 covers 4 months.
    const history = [...flat('2024-12', 12, 50_00), ...flat('2025-12', 12, 100_00)];
    const m = monthsCovered(300_00, history, '2025-06', ISSUE_DEFAULT_BANDS)!;
    expect(m).toMatchObject({ from: '2024-07', to: '2025-06', months: 12, expenditure: 900_00 });
    expect(m.averageMonthlyExpenditure).toBe(75_00);
    expect(m.hundredths).toBe(400);
    expect(m.band).toBe('low');
  });

  it('averages from the first month with expenditure when the fund is younger than a year', () => {
    // Expenditure from 2025-10: Oct 100.00, Nov 0, Dec 200.00 → 300.00 over 3 months, average 100.00.
    const history = [
      { month: '2025-10', expenditure: 100_00 },
      { month: '2025-12', expenditure: 200_00 },
    ];
    const m = monthsCovered(900_00, history, '2025-12', ISSUE_DEFAULT_BANDS)!;
    expect(m).toMatchObject({ from: '2025-10', months: 3, expenditure: 300_00, hundredths: 900 });
    expect(m.band).toBe('high');
  });

  it('ignores months after the month reported', () => {
    const m = monthsCovered(300_00, year, '2025-06', ISSUE_DEFAULT_BANDS)!;
    expect(m).toMatchObject({ from: '2025-01', months: 6, expenditure: 600_00, hundredths: 300 });
  });

  it('shows hundredths half up but classifies the exact ratio', () => {
    // One month of 8 fen and a balance of 1 fen: 0.125 months → shown 0.13
    const m = monthsCovered(1, [{ month: '2025-01', expenditure: 8 }], '2025-01', ISSUE_DEFAULT_BANDS)!;
    expect(m.hundredths).toBe(13);
    // 2.995 months shows as 3.00 but is under 3: severe
    const n = monthsCovered(
      2_995,
      [{ month: '2025-01', expenditure: 1_000 }],
      '2025-01',
      ISSUE_DEFAULT_BANDS,
    )!;
    expect(n.hundredths).toBe(300);
    expect(n.band).toBe('severe');
  });

  it('stays exact when balance × months passes 2^53', () => {
    const big = flat('2025-12', 12, 333_333_333_333_333); // 3,999,999,999,999,996 over the year
    const under = monthsCovered(999_999_999_999_998, big, '2025-12', ISSUE_DEFAULT_BANDS)!;
    // 999,999,999,999,998 × 12 = 11,999,999,999,999,976 < 3 × 3,999,999,999,999,996 = 11,999,999,999,999,988
    expect(under.band).toBe('severe');
    const exact = monthsCovered(999_999_999_999_999, big, '2025-12', ISSUE_DEFAULT_BANDS)!;
    // 999,999,999,999,999 × 12 = 11,999,999,999,999,988 = 3 × the expenditure: exactly 3 months
    expect(exact.band).toBe('low');
  });

  it('is null when there is no expenditure to divide by', () => {
    expect(monthsCovered(500_00, [], '2025-12', ISSUE_DEFAULT_BANDS)).toBeNull();
    expect(monthsCovered(500_00, flat('2025-12', 12, 0), '2025-12', ISSUE_DEFAULT_BANDS)).toBeNull();
    // A month of reversals only: net expenditure below zero
    expect(
      monthsCovered(500_00, [{ month: '2025-03', expenditure: -10 }], '2025-12', ISSUE_DEFAULT_BANDS),
    ).toBeNull();
    // Expenditure only after the month reported
    expect(
      monthsCovered(500_00, [{ month: '2026-01', expenditure: 10 }], '2025-12', ISSUE_DEFAULT_BANDS),
    ).toBeNull();
  });
});

describe('bands', () => {
  const twoBands: Band[] = [
    { name: 'low', upTo: 450, inclusive: true },
    { name: 'sound', upTo: null, inclusive: false },
  ];
  const warning: FundWarning = {
    monthsCovered: {
      path: 'fundWarning.monthsCovered',
      source: 'a test sentence',
      versions: [
        { from: '2025-01-01', bands: twoBands },
        { from: '2026-01-01', bands: null },
      ],
    },
  };

  it('classifies with a pack’s bands, an inclusive bound included', () => {
    expect(classifyBand(450, 100, twoBands)).toBe('low');
    expect(classifyBand(451, 100, twoBands)).toBe('sound');
  });

  it('takes the pack’s version in force, else the issue’s defaults, labelled', () => {
    const on2025 = bandsOn(warning, '2025-06-30', 'p@1');
    expect(on2025.origin).toBe('pack');
    expect(on2025.bands).toBe(twoBands);
    expect(on2025.ref).toContain('p@1 fundWarning.monthsCovered.values.2025-01-01 (a test sentence)');
    expect(bandsOn(warning, '2024-12-31').origin).toBe('issue-default');
    expect(bandsOn(warning, '2026-03-31').origin).toBe('issue-default'); // the pack states none from 2026
    expect(bandsOn(null, '2025-01-31')).toMatchObject({
      origin: 'issue-default',
      bands: ISSUE_DEFAULT_BANDS,
    });
    expect(bandsOn(null, '2025-01-31').ref).toMatch(/^issue 5 defaults/);
  });
});
