import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceError } from '../../src/common/service-error.js';
import type { FujianInput, FujianResult } from '../../src/domain/adjustment/index.js';
import { runAdjustment, type AdjustRequest } from '../../src/fund/adjustment/service.js';
import { shippedPacks } from '../../src/policy/load.js';
import { openTestDatabase, type TestDatabase } from '../support/db.js';
import {
  assignProvincialPack,
  balance,
  counts,
  createAreas,
  FUJIAN_INPUTS as INPUTS,
  income,
  journalShape,
  ledgerProblems,
  seedFujianWorld,
} from './adjustment-support.js';

/**
 * The adjustment service against the database, Fujian style: the province of the golden test in
 * src/domain/adjustment/fujian.test.ts, seeded by seedFujianWorld (adjustment-support.ts).
 */

describe('runAdjustment, Fujian style', () => {
  let t: TestDatabase;
  const adjust = (over: Partial<AdjustRequest> = {}) =>
    runAdjustment(t.db, { year: 2025, province: '350000', inputs: INPUTS, ...over });

  beforeAll(async () => {
    t = await openTestDatabase(4);
    await seedFujianWorld(t.db);
  }, 60_000);
  afterAll(() => t.drop());

  it('computes the golden year on a dry run and writes nothing', async () => {
    const before = await counts(t.db);
    const r = await adjust({ dryRun: true });
    expect(r).toMatchObject({
      status: 'computed',
      journalId: null,
      posted: null,
      style: 'fujian',
      scheme: '310',
    });
    const inputs = r.inputs as FujianInput;
    expect(inputs.cities.map((c) => [c.area, c.fundIncome, c.insuredCount, c.collectionRate])).toEqual([
      ['350100', 250_000_000, 20, 9500],
      ['350200', 500_000_000, 10, 10_000],
      ['350400', 200_000_000, 40, 9500],
      ['350700', 50_000_000, 30, 9000],
    ]);
    const result = r.result as FujianResult;
    expect(result.cities.map((c) => c.allocation)).toEqual([31_500_000, 19_894_737, 55_500_000, 43_105_263]);
    expect(result.cities.map((c) => c.received)).toEqual([31_500_000, 30_000_000, 54_682_246, 18_317_754]);
    expect(result.riskFund).toMatchObject({ kept: 25_605_263, returned: 10_105_263, closing: 15_500_000 });
    expect(await counts(t.db)).toEqual(before);
  });

  it('refuses bad inputs with every problem by path, writing nothing', async () => {
    const before = await counts(t.db);
    const bad = {
      year: 2024,
      cities: {
        '350100': { collectionRate: '101%', assessmentScore: 95 },
        '350200': { collectionRate: '100%', assessmentScore: 'high' },
        '350400': { assessmentScore: 92.5 },
        '350999': { collectionRate: '90%', assessmentScore: 80 },
      },
    };
    const refused = await adjust({ inputs: bad, inputsName: 'inputs.yaml' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ServiceError);
    expect((refused as ServiceError).code).toBe('INVALID_INPUT');
    const message = (refused as ServiceError).message;
    expect(message).toMatch(/^inputs\.yaml refused, nothing was written: 2 problems/);
    expect(message).toMatch(/cities\.350100\.collectionRate: collection rate must be between 0 and 100%/);
    expect(message).toMatch(/cities\.350200\.assessmentScore: must be a score from 0 to 1000/);
    // Once the file is well formed, it is checked against the province and the rule, all at once.
    const wellFormed = {
      year: 2024,
      cities: {
        '350100': INPUTS.cities['350100'],
        '350200': INPUTS.cities['350200'],
        '350400': { assessmentScore: 92.5 },
        '350999': { collectionRate: '90%', assessmentScore: 80 },
      },
    };
    const mismatched = (await adjust({ inputs: wellFormed }).catch((e: unknown) => e)) as ServiceError;
    expect(mismatched.message.split('\n')).toEqual([
      'the inputs file refused, nothing was written: 4 problems',
      '  year: the file is for 2024, not 2025',
      '  cities.350999: is not a city of 350000 福建省 (its cities: 350100, 350200, 350400, 350700)',
      '  cities.350400.collectionRate: missing for 三明市: the allocation weights (adjustment.allocationFactors) use the collection rate',
      '  cities.350700: missing for 南平市: give its collectionRate and assessmentScore',
    ]);
    expect(mismatched.path).toBe('year');
    await expect(adjust({ inputs: undefined })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      path: 'inputs',
    });
    expect(await counts(t.db)).toEqual(before);
  });

  it('posts the year in one balanced journal through the clearing accounts; the ledger check passes', async () => {
    const r = await adjust();
    expect(r.status).toBe('posted');
    expect(r.journalId).toEqual(expect.any(Number));
    expect(await journalShape(t.db, r.journalId!)).toEqual({
      books: ['adjustment', 'employee-pool'],
      openClearing: [],
    });
    expect(await ledgerProblems(t.db)).toEqual([]);
    const adj = (code: string) => balance(t.db, 'adjustment', code);
    const pool = (code: string) => balance(t.db, 'employee-pool', code);
    expect(await adj('fund:350000:310')).toBe(0); // every fen paid in is paid out, kept or held back
    expect(await adj('risk:350000:310')).toBe(15_500_000);
    expect(await adj('held-back:350000:310')).toBe(0); // redistributed the same year
    expect(await adj('income:350200:310')).toBe(75_000_000);
    expect(await adj('expense:350200:310:return')).toBe(10_105_263);
    expect(await adj('expense:350700:310:allocation')).toBe(16_625_000);
    expect(await adj('expense:350700:310:redistribution')).toBe(1_692_754);
    expect(await pool('adjustment-out:350200')).toBe(75_000_000);
    expect(await pool('adjustment-in:350200')).toBe(30_000_000);
    expect(await pool('fund:350200')).toBe(500_000_000 - 75_000_000 + 30_000_000);
    expect(await pool('income:350200')).toBe(500_000_000); // contributions untouched
  });

  it('replays a second run with the same inputs: posted once, the same result', async () => {
    const before = await counts(t.db);
    const first = await adjust({ dryRun: true });
    expect(first.posted).toBe('same inputs');
    const again = await adjust();
    expect(again.status).toBe('replayed');
    expect(await counts(t.db)).toEqual(before);
    const posted = await t.db.query<{ journal_id: number }>('SELECT journal_id FROM adjustment_run');
    expect(again.journalId).toBe(posted[0]!.journal_id);
    expect(again.result).toEqual(first.result);
  });

  it('refuses other inputs for a posted year (ALREADY_POSTED), and an earlier year once a later one is posted', async () => {
    const before = await counts(t.db);
    const changed = {
      ...INPUTS,
      cities: { ...INPUTS.cities, '350700': { collectionRate: '90%', assessmentScore: 81 } },
    };
    await expect(adjust({ inputs: changed })).rejects.toMatchObject({ code: 'ALREADY_POSTED', path: 'year' });
    expect((await adjust({ inputs: changed, dryRun: true })).posted).toBe('other inputs');
    const anyYear = { province: INPUTS.province, cities: INPUTS.cities };
    await expect(adjust({ year: 2024, inputs: anyYear })).rejects.toThrow(
      /2025 is already posted .* posted in order/,
    );
    expect(await counts(t.db)).toEqual(before);
  });

  it('refuses a year whose ledger changed after it was posted', async () => {
    await t.db.transaction((tx) => income(tx, '310', '350700', 100, '2025-12-30'));
    const before = await counts(t.db);
    await expect(adjust()).rejects.toMatchObject({ code: 'ALREADY_POSTED' });
    expect(await counts(t.db)).toEqual(before);
  });

  it('refuses with POLICY_GAP under the shipped Fujian pack, naming the parameters the source does not give', async () => {
    await createAreas(t.db, [
      { code: '450000', name: '测试省', level: 'province' },
      { code: '450100', name: '测试市', level: 'city', parent: '450000' },
    ]);
    const text = readFileSync(shippedPacks().get('fujian-employee-adjustment-2019')!, 'utf8');
    await assignProvincialPack(t.db, text, '450000', '310');
    const before = await counts(t.db);
    const gap = adjust({ province: '450000', inputs: undefined });
    await expect(gap).rejects.toMatchObject({ code: 'POLICY_GAP', path: 'adjustment.payInShareOfIncome' });
    await expect(gap).rejects.toThrow(
      /adjustment\.payInShareOfIncome, adjustment\.allocationFactors, adjustment\.redistributionAmong on 2025-01-01/,
    );
    await expect(adjust({ province: undefined })).rejects.toThrow(
      /say which province .*350000 福建省, 450000 测试省/,
    );
    await expect(adjust({ province: '350100' })).rejects.toThrow(/350100 福州市 is a city, not a province/);
    expect(await counts(t.db)).toEqual(before);
  });
});
