import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShanxiResult } from '../../src/domain/adjustment/index.js';
import { adjustmentFundAccount, payInReceivedAccount } from '../../src/fund/adjustment/accounts.js';
import { formatAdjustment } from '../../src/fund/adjustment/report.js';
import { runAdjustment } from '../../src/fund/adjustment/service.js';
import { postJournal } from '../../src/fund/ledger/service.js';
import { shippedPacks } from '../../src/policy/load.js';
import { openTestDatabase, type TestDatabase } from '../support/db.js';
import {
  assignProvincialPack,
  balance,
  counts,
  createAreas,
  expense,
  income,
  journalShape,
  ledgerProblems,
} from './adjustment-support.js';

/**
 * The adjustment service against the database, Shanxi style: the province of the golden test in
 * src/domain/adjustment/shanxi.test.ts (the fund covers every deficit's 60 %; 140300's balance cannot
 * bear the rest), its year in the resident pool book, a fixture pack with explicit numbers (3 % paid
 * in, 60 % of each deficit covered) — and the shipped Shanxi pack, which states neither.
 */

const FIXTURE_PACK = `
id: fixture-shanxi-adjustment
version: "1"
title: 调剂金测试包
region: fixture
document: "test fixture: every number below is the test's own"
poolingLevel: province
validFrom: "2025-01-01"
adjustment:
  style: shanxi
  scheme: "390"
  source: "fixture: a Shanxi-style adjustment fund"
  payInShareOfIncome: { source: "fixture: 3% of fund income", values: { "2025-01-01": "3%" } }
  deficitCoverShare: { source: "fixture: 60% of each deficit", values: { "2025-01-01": "60%" } }
`;

describe('runAdjustment, Shanxi style', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await openTestDatabase(4);
    await createAreas(t.db, [
      { code: '140000', name: '山西省', level: 'province' },
      { code: '140100', name: '太原市', level: 'city', parent: '140000' },
      { code: '140200', name: '大同市', level: 'city', parent: '140000' },
      { code: '140300', name: '阳泉市', level: 'city', parent: '140000' },
      { code: '140400', name: '长治市', level: 'city', parent: '140000' },
    ]);
    await assignProvincialPack(t.db, FIXTURE_PACK, '140000', '390');
    await t.db.transaction(async (tx) => {
      // The balances at 1 January 2025 (accumulated before the year) …
      for (const [area, amount] of [
        ['140100', 50_000_000],
        ['140200', 10_000_000],
        ['140300', 2_000_000],
        ['140400', 5_000_000],
      ] as const)
        await income(tx, '390', area, amount, '2024-12-31');
      // … the adjustment fund's 100,000.00 carried over from earlier years …
      const fund = adjustmentFundAccount('140000', '390');
      const transfers = [{ debit: fund, credit: payInReceivedAccount('140100', '390'), amount: 10_000_000 }];
      await postJournal(tx, { key: 'opening', kind: 'seed', date: '2024-12-31', transfers });
      // … and the year: income and benefits.
      for (const [area, inc, exp] of [
        ['140100', 100_000_000, 90_000_000],
        ['140200', 50_000_000, 60_000_000],
        ['140300', 30_000_000, 40_000_000],
        ['140400', 20_000_000, 21_010_000],
      ] as const) {
        await income(tx, '390', area, inc, '2025-03-31');
        await expense(tx, '390', area, exp, '2025-10-31');
      }
    });
  }, 60_000);
  afterAll(() => t.drop());

  it('covers 60 % of each deficit from the fund, the rest from the balance, and reports the shortfall', async () => {
    // Two runs at once (the only province; no inputs file needed): one posts, the other replays it.
    const runs = await Promise.all([
      runAdjustment(t.db, { year: 2025 }),
      runAdjustment(t.db, { year: 2025 }),
    ]);
    expect(runs.map((x) => x.status).sort()).toEqual(['posted', 'replayed']);
    expect(runs[0].journalId).toBe(runs[1].journalId);
    const r = runs.find((x) => x.status === 'posted')!;
    expect(r).toMatchObject({ style: 'shanxi', scheme: '390' });
    expect(r.inputs).toEqual({
      cities: [
        { area: '140100', fundIncome: 100_000_000, expenditure: 90_000_000, balance: 50_000_000 },
        { area: '140200', fundIncome: 50_000_000, expenditure: 60_000_000, balance: 10_000_000 },
        { area: '140300', fundIncome: 30_000_000, expenditure: 40_000_000, balance: 2_000_000 },
        { area: '140400', fundIncome: 20_000_000, expenditure: 21_010_000, balance: 5_000_000 },
      ],
      fundOpening: 10_000_000,
    });
    const result = r.result as ShanxiResult;
    expect(result.cities.map((c) => c.covered)).toEqual([0, 6_900_000, 6_540_000, 966_000]);
    expect(result.cities.map((c) => c.fromBalance)).toEqual([0, 4_600_000, 2_000_000, 644_000]);
    expect(result.cities.map((c) => c.shortfall)).toEqual([0, 0, 2_360_000, 0]);
    expect(result.fund.closing).toBe(1_594_000);
    const text = formatAdjustment(r);
    expect(text.split('\n').slice(0, 2)).toEqual([
      `Shanxi-style adjustment fund 2025: 140000 山西省, scheme 390 — posted as journal ${r.journalId} on 2025-12-31`,
      expect.stringMatching(/^pack fixture-shanxi-adjustment@1#[0-9a-f]{12}: pay-in 3%; deficit cover 60%$/),
    ]);
    expect(text).toMatch(
      /^140300\s+阳泉市\s+300,000\.00\s+400,000\.00\s+9,000\.00\s+109,000\.00\s+65,400\.00\s+65,400\.00\s+20,000\.00\s+23,600\.00$/m,
    );
    expect(text).toContain(
      'adjustment fund: opening 100,000.00 + paid in 60,000.00 − covered 144,060.00 = closing 15,940.00',
    );
    expect(text).toContain(
      "SHORTFALL: 23,600.00 of the deficits is covered neither by the fund nor by the cities' balances",
    );

    expect(await journalShape(t.db, r.journalId!)).toEqual({
      books: ['adjustment', 'resident-pool'],
      openClearing: [],
    });
    expect(await ledgerProblems(t.db)).toEqual([]);
    expect(await balance(t.db, 'adjustment', 'fund:140000:390')).toBe(1_594_000);
    expect(await balance(t.db, 'resident-pool', 'fund:140300')).toBe(
      2_000_000 + 30_000_000 - 900_000 + 6_540_000,
    );
    expect(await balance(t.db, 'resident-pool', 'adjustment-in:140300')).toBe(6_540_000);
  });

  it('carries the fund over: the next year opens with the closing balance, and is posted once', async () => {
    const before = await counts(t.db);
    const dry = await runAdjustment(t.db, { year: 2026, dryRun: true });
    expect(dry.inputs).toMatchObject({ fundOpening: 1_594_000 });
    // The year's figures are all 0 (no 2026 income); the balances carry the 2025 adjustment.
    expect((dry.inputs as { cities: { balance: number }[] }).cities.map((c) => c.balance)).toEqual([
      50_000_000 + 100_000_000 - 3_000_000,
      10_000_000 + 50_000_000 - 1_500_000 + 6_900_000,
      2_000_000 + 30_000_000 - 900_000 + 6_540_000,
      5_000_000 + 20_000_000 - 600_000 + 966_000,
    ]);
    expect(await counts(t.db)).toEqual(before);
    // Nothing to post, but the year is recorded once, even by two runs at once.
    const both = await Promise.all([
      runAdjustment(t.db, { year: 2026 }),
      runAdjustment(t.db, { year: 2026 }),
    ]);
    expect(both.map((x) => x.status).sort()).toEqual(['posted', 'replayed']);
    expect(both.map((x) => x.journalId)).toEqual([null, null]);
    expect((await runAdjustment(t.db, { year: 2026 })).status).toBe('replayed');
    expect((await counts(t.db)).runs).toBe(before.runs + 1);
  });

  it('refuses with POLICY_GAP under the shipped Shanxi pack, which gives neither proportion', async () => {
    await createAreas(t.db, [
      { code: '150000', name: '测试省', level: 'province' },
      { code: '150100', name: '测试市', level: 'city', parent: '150000' },
    ]);
    const text = readFileSync(shippedPacks().get('shanxi-resident-2025')!, 'utf8');
    await assignProvincialPack(t.db, text, '150000', '390');
    const before = await counts(t.db);
    const gap = runAdjustment(t.db, { year: 2025, province: '150000' });
    await expect(gap).rejects.toMatchObject({ code: 'POLICY_GAP', path: 'adjustment.payInShareOfIncome' });
    await expect(gap).rejects.toThrow(/adjustment\.payInShareOfIncome, adjustment\.deficitCoverShare/);
    expect(await counts(t.db)).toEqual(before);
  });
});
