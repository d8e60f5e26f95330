import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { formatYuan } from '../../src/domain/money/money.js';
import type { FundReport } from '../../src/fund/budget/assemble.js';
import { ROOT, runCliOn } from '../cli/helpers.js';

/**
 * `tongchou fund` end to end: the built CLI on an embedded database in a temp folder, after
 * `tongchou demo --persons 200 --days 5` (a year of 2025 contributions, care from 2026-01-01). The
 * report's figures are checked against sums taken straight from the contribution and settlement
 * tables, not from the ledger the report reads.
 */

let dir: string;
const expected = {
  institution: '',
  use: 0,
  /** Employee pool per area: 2026 expenditure, and the balance (all income − all expenditure). */
  spent: new Map<string, number>(),
  balance: new Map<string, number>(),
};

const run = (args: string[]) => runCliOn(dir, args);

const LIVE = `NOT EXISTS (SELECT 1 FROM settlement_reversal r WHERE r.psn_no = s.psn_no AND r.setl_id = s.setl_id)`;

/** The expected figures, from the demo's contribution and settlement rows (the database is closed after). */
async function readExpected(): Promise<void> {
  const db = await openDatabase({ kind: 'pglite', dataDir: dir });
  try {
    const byArea = async (sql: string) =>
      new Map((await db.query<{ area: string; fen: number }>(sql)).map((r) => [r.area, r.fen]));
    const paid = await byArea(
      `SELECT insured_area AS area, sum(hifp_pay)::bigint AS fen FROM settlement s WHERE scheme = '310' AND ${LIVE} GROUP BY 1`,
    );
    const pool = await byArea(
      `SELECT area_code AS area, sum(pool_fen)::bigint AS fen FROM contribution WHERE kind = 'employee-monthly' GROUP BY 1`,
    );
    const credits = await byArea(
      `SELECT area_code AS area, sum(account_fen)::bigint AS fen FROM contribution WHERE kind = 'retiree-account' GROUP BY 1`,
    );
    for (const area of new Set([...paid.keys(), ...pool.keys(), ...credits.keys()])) {
      expected.spent.set(area, paid.get(area) ?? 0);
      expected.balance.set(area, (pool.get(area) ?? 0) - (credits.get(area) ?? 0) - (paid.get(area) ?? 0));
    }
    const [top] = await db.query<{ code: string; fen: number }>(
      `SELECT institution_code AS code, sum(hifp_pay)::bigint AS fen FROM settlement s
       WHERE scheme = '310' AND ${LIVE} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1`,
    );
    expected.institution = top!.code;
    expected.use = top!.fen;
  } finally {
    await db.close();
  }
}

beforeAll(async () => {
  expect(existsSync(join(ROOT, 'dist/cli/fund-command.js')), 'run `npm run build` before these tests').toBe(
    true,
  );
  dir = mkdtempSync(join(tmpdir(), 'tongchou-fund-cli-'));
  const demo = await run(['demo', '--persons', '200', '--days', '5']);
  expect(demo.code, demo.stderr).toBe(0);
  await readExpected();
  expect(expected.use).toBeGreaterThan(10);
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const BUDGET = ['fund', 'budget', 'set', '--book', 'employee-pool', '--area', '220100', '--year', '2026'];

describe('tongchou fund budget', () => {
  it('sets a budget in yuan, stamped with who and why', async () => {
    const r = await run([
      ...BUDGET,
      '--income',
      '2000000',
      '--expenditure',
      '1500000.50',
      '--by',
      'tester',
      '--note',
      'plan',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^budget employee-pool 220100 2026: income 2,000,000.00, expenditure 1,500,000.50; set: version 1, set by tester at \S+ \(plan\)\n$/,
    );
  });

  it.each([
    [['--income', '12.345', '--expenditure', '1'], '--income must be yuan with at most two decimals'],
    [['--income', '1e3', '--expenditure', '1'], '--income must be yuan with at most two decimals'],
    [['--income', '1', '--expenditure', '-5'], '--expenditure must be yuan'],
  ])('refuses %j and writes nothing', async (amounts, message) => {
    const r = await run([...BUDGET, ...amounts]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`tongchou: ${message}`);
    const h = await run([
      'fund',
      'budget',
      'history',
      '--book',
      'employee-pool',
      '--area',
      '220100',
      '--year',
      '2026',
    ]);
    expect(h.stdout.trim().split('\n')).toHaveLength(2); // the header and version 1
  });

  it('names the option a refusal is about', async () => {
    const r = await run([
      'fund',
      'budget',
      'set',
      '--book',
      'personal-account',
      '--area',
      '220100',
      '--year',
      '2026',
      '--income',
      '1',
      '--expenditure',
      '1',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^tongchou: INVALID_INPUT at --book: book must be one of /);
  });

  it('sets an institution’s total budget with warning shares', async () => {
    // A budget of 10/9 of what the institution used: 90 % reached, 100 % not.
    const amount = formatYuan(Math.floor((expected.use * 10) / 9));
    const r = await run([
      ...['fund', 'budget', 'institution', '--institution', expected.institution, '--book', 'employee-pool'],
      ...['--year', '2026', '--amount', amount, '--warn', '80,90,100'],
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('warnings at 80.00% / 90.00% / 100.00%; set: version 1');
  });
});

describe('tongchou fund report', () => {
  it('reports the budget, execution, balance and warnings as JSON, and writes the workbook', async () => {
    const xlsx = join(dir, 'fund.xlsx');
    const r = await run([
      'fund',
      'report',
      '--area',
      '220100',
      '--year',
      '2026',
      '--through',
      '2026-01',
      '--json',
      '--xlsx',
      xlsx,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as FundReport;
    expect(report.areas).toHaveLength(7);
    const pool = report.books.find((b) => b.book === 'employee-pool')!;
    expect(pool.lines.map((l) => l.area).sort()).toEqual([...expected.balance.keys()].sort());
    for (const l of pool.lines) {
      const spent = expected.spent.get(l.area!)!;
      expect([l.area, l.execution.ytdIncome, l.execution.ytdExpenditure]).toEqual([l.area, 0, spent]);
      expect([l.area, l.balance.net]).toEqual([l.area, expected.balance.get(l.area!)]);
      expect(l.execution.deficit).toEqual({ warning: spent > 0, amount: spent });
    }
    const city = pool.lines.find((l) => l.area === '220100')!;
    expect(city.budget).toMatchObject({
      income: 200_000_000,
      expenditure: 150_000_050,
      version: 1,
      setBy: 'tester',
    });
    const total = [...expected.balance.values()].reduce((s, v) => s + v, 0);
    expect(pool.total.balance.net).toBe(total);
    const inst = report.institutions.find((i) => i.institution === expected.institution)!;
    expect(inst.use).toMatchObject({ ytdUse: expected.use, reached: [8_000, 9_000], warning: 9_000 });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    const rows = wb.getWorksheet('Summary')!.getSheetValues().slice(2) as unknown[][];
    const cityRow = rows.find((row) => row[1] === 'employee-pool' && row[2] === '220100')!;
    expect(cityRow[4]).toBe(2_000_000); // income budget, yuan
    expect(cityRow[13]).toBe(expected.balance.get('220100')! / 100); // balance, yuan
  }, 60_000);

  it('prints readable tables', async () => {
    const r = await run(['fund', 'report', '--area', '220100', '--year', '2026', '--through', '2026-01']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Fund report 2026, January to 2026-01: area 220100');
    expect(r.stdout).toContain('职工基本医疗保险统筹基金 (employee-pool)');
    expect(r.stdout).toMatch(/220100 \S+.*\s2,000,000.00\s+0.00\s+0.00%\s+1,500,000.50\s/);
    expect(r.stdout).toContain('reached 90.00%');
    expect(r.stdout).toContain('[deficit] employee-pool 220100');
  }, 60_000);

  it('refuses an unknown area', async () => {
    const r = await run(['fund', 'report', '--area', '999999', '--year', '2026']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('tongchou: NOT_FOUND at --area: no pooling area 999999\n');
  });
});
