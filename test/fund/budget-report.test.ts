import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceError } from '../../src/common/service-error.js';
import type { BookReport, FundLine, FundReport } from '../../src/fund/budget/assemble.js';
import { formatReport } from '../../src/fund/budget/format.js';
import { fundReport } from '../../src/fund/budget/report.js';
import { setAreaBudget, setInstitutionBudget } from '../../src/fund/budget/service.js';
import { writeReportXlsx } from '../../src/fund/budget/xlsx.js';
import {
  expenseAccount,
  fundAccount,
  incomeAccount,
  payableAccount,
  type Book,
} from '../../src/fund/ledger/accounts.js';
import { checkLedger } from '../../src/fund/ledger/check.js';
import { postJournal, reverseJournal } from '../../src/fund/ledger/service.js';
import { shippedPacks } from '../../src/policy/load.js';
import { assignPack, storePack } from '../../src/registry/packs.js';
import { openTestDatabase, type TestDatabase } from '../support/db.js';
import { seedWorld, WORLD } from '../support/world.js';

/**
 * The fund report against the database, on journals posted through the ledger service, every figure
 * worked by hand below. Sanming city 350400 (H002 its hospital) and its county 350425 (H001), in fen:
 *
 *  employee-pool, city:   2024-12 income 10,000,000 and expenditure 10,000,000 (H002)
 *                         2025-01 income 100,000,000, expenditure 30,000,000
 *                         2025-02 income 50,000,000, expenditure 20,000,000; H002 paid 30,000,000
 *                         2025-03 expenditure 25,000,000, and 1,000,000 posted then reversed
 *  employee-pool, county: 2025-01 income 20,000,000, expenditure 5,000,000 (H001)
 *                         2025-02 expenditure 3,000,000 (a county member treated at H002)
 *  resident-pool, county: 2025-02 expenditure 100,000 (H001), no income; 2025-03-31 its expense and
 *                         payable accounts re-filed under the city (as a transfer up does)
 */

let t: TestDatabase;
let report: FundReport;
const dirs: string[] = [];
const { city, county, hospital: H002, clinic: H001 } = WORLD;

function income(book: Book, area: string, amount: number) {
  return { debit: fundAccount(book, area), credit: incomeAccount(book, area), amount };
}
function expense(book: Book, area: string, inst: string, amount: number) {
  return { debit: expenseAccount(book, area, inst), credit: payableAccount(book, area, inst), amount };
}

async function post(key: string, date: string, transfer: ReturnType<typeof income>): Promise<number> {
  const kind = 'test';
  return db().transaction(
    async (tx) => (await postJournal(tx, { key, kind, date, transfers: [transfer] })).journalId,
  );
}

const db = () => t.db;
const E = 'employee-pool';

async function seedLedger(): Promise<void> {
  await post('c-2412-in', '2024-12-10', income(E, city, 10_000_000));
  await post('c-2412-ex', '2024-12-20', expense(E, city, H002, 10_000_000));
  await post('c-01-in', '2025-01-15', income(E, city, 100_000_000));
  await post('c-01-ex', '2025-01-20', expense(E, city, H002, 30_000_000));
  await post('c-02-in', '2025-02-15', income(E, city, 50_000_000));
  await post('c-02-ex', '2025-02-20', expense(E, city, H002, 20_000_000));
  // Paying the hospital moves money out of the fund and clears what was owed: the balance stays.
  await post('c-02-pay', '2025-02-28', {
    debit: payableAccount(E, city, H002),
    credit: fundAccount(E, city),
    amount: 30_000_000,
  });
  await post('c-03-ex', '2025-03-10', expense(E, city, H002, 25_000_000));
  const wrong = await post('c-03-wrong', '2025-03-12', expense(E, city, H002, 1_000_000));
  await db().transaction((tx) =>
    reverseJournal(tx, { key: 'c-03-rev', journalId: wrong, date: '2025-03-20' }),
  );
  await post('k-01-in', '2025-01-15', income(E, county, 20_000_000));
  await post('k-01-ex', '2025-01-25', expense(E, county, H001, 5_000_000));
  await post('k-02-ex', '2025-02-25', expense(E, county, H002, 3_000_000));
  await post('k-02-res', '2025-02-26', expense('resident-pool', county, H001, 100_000));
  // Re-filed under the city, as a transfer up (层级上划) moves a county's accounts: no new expenditure.
  const R = 'resident-pool';
  await db().transaction((tx) =>
    postJournal(tx, {
      key: 'k-03-refile',
      kind: 'test-transfer-up',
      date: '2025-03-31',
      transfers: [
        { debit: expenseAccount(R, city, H001), credit: expenseAccount(R, county, H001), amount: 100_000 },
        { debit: payableAccount(R, county, H001), credit: payableAccount(R, city, H001), amount: 100_000 },
      ],
    }),
  );
}

/** The county's employee pool under a pack that states bands (a test fixture, not a shipped pack). */
async function assignCountyBands(): Promise<void> {
  const text =
    readFileSync(shippedPacks().get('sanming-employee-2022')!, 'utf8') +
    `fundWarning:
  monthsCovered:
    source: "test fixture: bands worked by hand in budget-report.test.ts"
    values:
      "2022-01-01":
        - { band: severe, below: 4 }
        - { band: low, upTo: 4.5 }
        - { band: sound }
`;
  await db().transaction(async (tx) => {
    const pack = await storePack(tx, text, 'sanming-with-bands');
    await assignPack(tx, { area: county, scheme: '310', beginDate: '2025-01-01', packHash: pack.hash });
  });
}

beforeAll(async () => {
  t = await openTestDatabase();
  await seedWorld(t.db);
  await seedLedger();
  await assignCountyBands();
  const stamp = { setBy: 'test', year: 2025, book: E };
  await setAreaBudget(t.db, {
    ...stamp,
    key: 'a1',
    areaCode: city,
    incomeFen: 180_000_000,
    expenditureFen: 150_000_000,
  });
  await setInstitutionBudget(t.db, {
    ...stamp,
    key: 'h1',
    institutionCode: H002,
    amountFen: 97_500_000,
    warnSharesBp: [8_000, 9_000, 10_000],
  });
  await setInstitutionBudget(t.db, { ...stamp, key: 'h2', institutionCode: H001, amountFen: 10_000_000 });
  report = await fundReport(t.db, { areaCode: city, year: 2025, through: '2025-03' });
}, 120_000);

afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  await t?.drop();
});

const book = (r: FundReport, code: string): BookReport => r.books.find((b) => b.book === code)!;
const line = (b: BookReport, area: string): FundLine => b.lines.find((l) => l.area === area)!;

describe('fundReport: per book and area', () => {
  it('reports the city and its county, not the province above them', () => {
    expect(report.areas).toEqual([city, county]);
    expect(report.books.map((b) => b.book)).toEqual(['employee-pool', 'resident-pool']);
    expect(book(report, E).lines.map((l) => l.area)).toEqual([city, county]);
  });

  it('executes the city budget month by month (reversal netted, payment not expenditure)', () => {
    const e = line(book(report, E), city).execution;
    expect(
      e.months.map((m) => [m.month, m.income, m.expenditure, m.incomeShareBp, m.expenditureShareBp]),
    ).toEqual([
      ['2025-01', 100_000_000, 30_000_000, 5_556, 2_000], // 100/180 = 55.56 %; 30/150 = 20 %
      ['2025-02', 50_000_000, 20_000_000, 8_333, 3_333], // 150/180 = 83.33 %; 50/150 = 33.33 %
      ['2025-03', 0, 25_000_000, 8_333, 5_000], // 75/150 = 50 %
    ]);
    expect([e.ytdIncome, e.ytdExpenditure, e.elapsedShareBp]).toEqual([150_000_000, 75_000_000, 2_500]);
    expect(e.deficit.warning).toBe(false);
  });

  it('takes the balance as fund − payable and the months covered over the months with expenditure', () => {
    const l = line(book(report, E), city);
    // fund 10 + 100 + 50 − 30 = 130,000,000; payable 10 + 30 + 20 − 30 + 25 = 55,000,000
    expect(l.balance).toEqual({ fund: 130_000_000, payable: 55_000_000, clearing: 0, net: 75_000_000 });
    // window 2024-12..2025-03 (first expenditure in 2024-12): 10 + 30 + 20 + 25 = 85,000,000 over 4 months;
    // 75,000,000 × 4 / 85,000,000 = 3.529… months → 3.53, low under the defaults
    expect(l.monthsCovered).toMatchObject({
      from: '2024-12',
      to: '2025-03',
      months: 4,
      expenditure: 85_000_000,
    });
    expect(l.monthsCovered).toMatchObject({
      averageMonthlyExpenditure: 21_250_000,
      hundredths: 353,
      band: 'low',
    });
    expect(l.bands.origin).toBe('issue-default');
  });

  it('classifies the county with its pack’s bands, the bound of 4.5 months included', () => {
    const l = line(book(report, E), county);
    expect(l.budget).toBeNull();
    expect(l.execution.ytdIncome).toBe(20_000_000);
    expect(l.execution.ytdExpenditure).toBe(8_000_000);
    expect(l.balance.net).toBe(12_000_000);
    // 12,000,000 × 3 / 8,000,000 = 4.5 months exactly: `upTo: 4.5` keeps it in low
    expect(l.monthsCovered).toMatchObject({ from: '2025-01', months: 3, hundredths: 450, band: 'low' });
    expect(l.bands.origin).toBe('pack');
    expect(l.bands.ref).toContain('fundWarning.monthsCovered.values.2022-01-01 (test fixture');
  });

  it('totals the subtree: flows and balances add up, the budget only when every area has one', () => {
    const total = book(report, E).total;
    expect(total.area).toBeNull();
    expect(total.execution.ytdIncome).toBe(170_000_000);
    expect(total.execution.ytdExpenditure).toBe(83_000_000);
    expect(total.balance.net).toBe(87_000_000);
    // 87,000,000 × 4 / 93,000,000 = 3.741… → 3.74; the root's own pack states no bands
    expect(total.monthsCovered).toMatchObject({
      months: 4,
      expenditure: 93_000_000,
      hundredths: 374,
      band: 'low',
    });
    expect(total.bands.origin).toBe('issue-default');
    expect(total.budget).toBeNull();
    expect(total.missingBudgets).toEqual([county]);
  });

  it('warns of a current-year deficit in the county’s resident pool, and keeps re-filing out of the flows', () => {
    const r = book(report, 'resident-pool');
    const k = line(r, county);
    expect(k.execution.months.map((m) => m.expenditure)).toEqual([0, 100_000, 0]);
    expect(k.execution.deficit).toEqual({ warning: true, amount: 100_000 });
    expect(k.balance.net).toBe(0); // what it owed H001 is now owed from the city's account
    const c = line(r, city);
    expect(c.execution.ytdExpenditure).toBe(0);
    expect(c.execution.deficit.warning).toBe(false);
    expect(c.balance).toMatchObject({ payable: 100_000, net: -100_000 });
    expect(c.monthsCovered).toBeNull(); // no expenditure booked in the city's resident pool
    // total: −100,000; 100,000 spent over 2025-02..2025-03, 50,000 a month: −2 months, severe
    expect(r.total.execution.deficit).toEqual({ warning: true, amount: 100_000 });
    expect(r.total.monthsCovered).toMatchObject({ months: 2, averageMonthlyExpenditure: 50_000 });
    expect(r.total.monthsCovered).toMatchObject({ hundredths: -200, band: 'severe' });
    expect(report.warnings.filter((w) => w.kind === 'deficit').map((w) => [w.book, w.where])).toEqual([
      ['resident-pool', county],
      ['resident-pool', 'total'],
    ]);
  });

  it('gives the total a budget once the county has one', async () => {
    await setAreaBudget(t.db, {
      ...{ key: 'a2', setBy: 'test', year: 2025, book: E },
      ...{ areaCode: county, incomeFen: 30_000_000, expenditureFen: 20_000_000 },
    });
    const r = await fundReport(t.db, { areaCode: city, year: 2025, through: '2025-03' });
    const b = book(r, E);
    expect(line(b, county).execution.incomeShareBp).toBe(6_667); // 20/30
    expect(line(b, county).execution.expenditureShareBp).toBe(4_000); // 8/20
    expect(b.total.budget).toEqual({ income: 210_000_000, expenditure: 170_000_000 });
    expect(b.total.execution.incomeShareBp).toBe(8_095); // 170/210 = 80.952 %
    expect(b.total.execution.expenditureShareBp).toBe(4_882); // 83/170 = 48.824 %
  });
});

describe('fundReport: what is not income or expenditure', () => {
  it('leaves a payment to the adjustment fund out of expenditure, but not out of the balance', async () => {
    // A pool's payment to the provincial adjustment fund (上解) has an account of its own, not expense:AREA:…
    const out = { book: E as Book, code: `adjustment-out:${county}`, kind: 'expense' as const, area: county };
    const adjustmentOut = { ...out, owner: null, normal: 'D' as const, noNegative: true };
    await post('k-04-adj', '2025-04-10', {
      debit: adjustmentOut,
      credit: fundAccount(E, county),
      amount: 2_000_000,
    });
    const r = await fundReport(t.db, { areaCode: county, year: 2025, through: '2025-04' });
    const k = line(book(r, E), county);
    expect(k.execution.months.map((m) => m.expenditure)).toEqual([5_000_000, 3_000_000, 0, 0]);
    expect(k.balance.net).toBe(10_000_000); // 12,000,000 − 2,000,000
  });
});

describe('fundReport: institution total budgets', () => {
  it('sums an institution’s expenditure over every area and warns at the shares reached', () => {
    const h = report.institutions.find((i) => i.institution === H002)!;
    // H002: city 30 + 20 + 25 (+1 −1) and county 3 = 78,000,000 = 80 % of 97,500,000 exactly
    expect(h.use.months.map((m) => m.use)).toEqual([30_000_000, 23_000_000, 25_000_000]);
    expect(h.use).toMatchObject({ ytdUse: 78_000_000, useShareBp: 8_000, reached: [8_000], warning: 8_000 });
    expect(h.use.remaining).toBe(19_500_000);
    const c = report.institutions.find((i) => i.institution === H001)!;
    // H001 in the employee pool: 5,000,000 of 10,000,000, no shares configured: no warning
    expect(c.use).toMatchObject({ ytdUse: 5_000_000, useShareBp: 5_000, warning: null });
    expect(report.warnings.filter((w) => w.kind === 'institution-budget').map((w) => w.where)).toEqual([
      H002,
    ]);
  });

  it('reports a county alone without the city’s institutions', async () => {
    const r = await fundReport(t.db, { areaCode: county, year: 2025, through: '2025-03' });
    expect(r.areas).toEqual([county]);
    expect(r.institutions.map((i) => i.institution)).toEqual([H001]);
  });
});

describe('fundReport: input and output', () => {
  it.each([
    [{ areaCode: '999999', year: 2025 }, 'NOT_FOUND', 'areaCode'],
    [{ year: 2025, through: '2024-12' }, 'INVALID_INPUT', 'through'],
    [{ year: 2025, through: '2025-13' }, 'INVALID_INPUT', 'through'],
    [{ year: 20250 }, 'INVALID_INPUT', 'year'],
  ])('refuses %j', async (input, code, path) => {
    const e = await fundReport(t.db, input).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ServiceError);
    expect([(e as ServiceError).code, (e as ServiceError).path]).toEqual([code, path]);
  });

  it('defaults to December of a past year and to this month of this one', async () => {
    expect((await fundReport(t.db, { year: 2024, today: '2025-03-05' })).through).toBe('2024-12');
    expect((await fundReport(t.db, { year: 2025, today: '2025-03-05' })).through).toBe('2025-03');
  });

  it('prints readable tables with the same figures', () => {
    const text = formatReport(report);
    expect(text).toContain('Fund report 2025, January to 2025-03: area 350400');
    expect(text).toMatch(
      /350400 三明市\s+1,800,000.00\s+1,500,000.00\s+83.33%\s+1,500,000.00\s+750,000.00\s+50.00%\s+750,000.00\s+3.53\s+low 不足/,
    );
    expect(text).toContain('[deficit] resident-pool 350425');
    expect(text).not.toMatch(/\d\.\d{3,}/); // no float noise
  });

  it('writes a workbook that opens and holds the figures', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tongchou-fund-'));
    dirs.push(dir);
    const file = join(dir, 'report.xlsx');
    await writeReportXlsx(report, file);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const summary = wb.getWorksheet('Summary')!;
    const header = (summary.getRow(1).values as unknown[]).slice(1);
    const cityRow = summary.getRow(2).values as unknown[];
    const at = (name: string) => cityRow[header.indexOf(name) + 1];
    expect([at('book'), at('area')]).toEqual([E, city]);
    expect(at('income YTD')).toBe(1_500_000);
    expect(at('expenditure YTD')).toBe(750_000);
    expect(at('income exec')).toBe(0.8333);
    expect(at('balance')).toBe(750_000);
    expect(at('months covered')).toBe(3.53);
    expect(at('band')).toBe('low 不足');
    const inst = wb.getWorksheet('Institutions')!;
    const h = inst.getRow(2).values as unknown[];
    expect(h.slice(1, 6)).toEqual([H001, '大田县卫生院', county, E, 100_000]);
    const monthly = wb.getWorksheet('Monthly')!;
    expect(monthly.rowCount).toBe(1 + 3 * 3 + 3 * 3); // 3 months of 2 areas and the total, in 2 books
    expect(wb.getWorksheet('Warnings')!.rowCount).toBeGreaterThan(1);
  });

  it('leaves the ledger sound', async () => {
    expect((await checkLedger(t.db)).problems).toEqual([]);
  });
});
