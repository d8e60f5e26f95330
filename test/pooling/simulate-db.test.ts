import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_BAND_BOUNDS } from '../../src/domain/simulation/bands.js';
import { reverse, settle } from '../../src/settlement/online/service.js';
import { readSettlements } from '../../src/pooling/simulate/db-source.js';
import { simulate } from '../../src/pooling/simulate/simulate.js';
import type { Claim } from '../../src/domain/settlement/types.js';
import { openTestDatabase, type TestDatabase } from '../support/db.js';
import { addEmployee, claimAt, ITEMS, seedWorld, WORLD } from '../support/world.js';

/*
 * `simulate --from-db`: the settlements stored by online settlement, those not reversed, re-settled
 * under the pack they were settled with (sanming-employee-2022: annual deductible 700, active
 * employees 75% at level 2, 85% at level 1) and under the city fixture pack (annual deductible 500,
 * 75% at level 2, 85% at level 1; test/fixtures/simulate/city.yaml).
 *
 * P1 (city) at the level-2 hospital: 1,000.00, then 500.00, then 300.00 which is reversed.
 *   Baseline: 1,000 − 700 = 300 × 75% = 225 (burden 775); 500 × 75% = 375 (burden 125).
 *   Reform:   1,000 − 500 = 500 × 75% = 375 (burden 625); 500 × 75% = 375 (burden 125).  −150.
 * P2 (county 350425) at the level-1 clinic: 800.00.
 *   Baseline: 100 × 85% = 85 (burden 715). Reform: 300 × 85% = 255 (burden 545).        −170.
 * Baseline burden 775 + 125 + 715 = 1,615: what the stored settlements say (the reversed one left out).
 */

const CITY_PACK = fileURLToPath(new URL('../fixtures/simulate/city.yaml', import.meta.url));

describe('simulate --from-db', () => {
  let t: TestDatabase;
  let out: string;
  beforeAll(async () => {
    t = await openTestDatabase(4);
    out = mkdtempSync(join(tmpdir(), 'tongchou-sim-db-'));
    await seedWorld(t.db);
    await addEmployee(t.db, 'P1');
    await addEmployee(t.db, 'P2', { area: WORLD.county });
    await settle(t.db, claimAt('P1', 'k1', [{ code: ITEMS.classA, amount: 1000_00 }]));
    await settle(t.db, claimAt('P1', 'k2', [{ code: ITEMS.classA, amount: 500_00 }]));
    const third = await settle(t.db, claimAt('P1', 'k3', [{ code: ITEMS.classA, amount: 300_00 }]));
    await reverse(t.db, { key: 'r3', psnNo: 'P1', setlId: third.setlId, date: WORLD.date });
    await settle(
      t.db,
      claimAt('P2', 'k4', [{ code: ITEMS.classA, amount: 800_00 }], {
        institution: WORLD.clinic,
        diseases: ['C34.1', 'I10'],
        tags: ['family-doctor'],
      }),
    );
  }, 60_000);
  afterAll(async () => {
    rmSync(out, { recursive: true, force: true });
    await t.drop();
  });

  it('re-settles the stored settlements not reversed, reproducing them under their own pack', async () => {
    const { summary } = await simulate({
      claims: { kind: 'database', db: t.db },
      baseline: 'sanming-employee-2022',
      reform: CITY_PACK,
      out,
      incomeProxy: null,
      thresholdBp: 4000,
      bands: [...DEFAULT_BAND_BOUNDS],
      workers: 0,
    });
    expect(summary.input).toMatchObject({
      source: 'database: settlements not reversed',
      claims: 3,
      persons: 2,
    });
    const [stored] = await t.db.query<{ burden: number }>(
      `SELECT sum(psn_part_amt)::bigint AS burden FROM settlement s
       WHERE NOT EXISTS (SELECT 1 FROM settlement_reversal r WHERE r.setl_id = s.setl_id)`,
    );
    expect(summary.personBurden.baseline * 100).toBe(Number(stored!.burden));
    expect(summary.personBurden).toEqual({ baseline: 1615, reform: 1295, change: -320 });
    expect(summary.funds.find((f) => f.fund === '310100')).toMatchObject({ baseline: 685, reform: 1005 });
    expect(summary.overall).toMatchObject({ persons: 2, gainers: 2, totalChange: -320 });
    expect(summary.byArea.map((a) => [a.key, a.totalChange])).toEqual([
      [WORLD.city, -150],
      [WORLD.county, -170],
    ]);
    const persons = readFileSync(join(out, 'persons.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(persons.map((p) => [p.psn_no, p.claims, p.baseline, p.reform])).toEqual([
      ['P1', 2, 900, 750],
      ['P2', 1, 715, 545],
    ]);
  });

  it('reads back the diagnoses and person tags each settlement was made with', async () => {
    const claims: Claim[] = [];
    await readSettlements(t.db, { add: (c: Claim) => claims.push(c) } as never);
    const p2 = claims.find((c) => c.psnNo === 'P2')!;
    expect(p2).toMatchObject({ diseases: ['C34.1', 'I10'], familyDoctor: true, assistance: false });
    expect(claims.filter((c) => c.psnNo === 'P1').map((c) => c.diseases)).toEqual([[], []]);
  });
});
