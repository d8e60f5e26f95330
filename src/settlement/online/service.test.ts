import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addEmployee, claimAt, ITEMS, seedWorld, WORLD } from '../../../test/support/world.js';
import { openTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { checkLedger } from '../../fund/ledger/check.js';
import { preSettle, reverse, settle, type AlsoWrite } from './service.js';

/** Rows in every table a settlement writes, to show a refusal wrote nothing. */
async function counts(t: TestDatabase) {
  const [row] = await t.db.query(
    `SELECT (SELECT count(*) FROM settlement) s, (SELECT count(*) FROM settlement_line) l, (SELECT count(*) FROM journal) j,
            (SELECT count(*) FROM posting) p, (SELECT count(*) FROM idempotency) i, (SELECT count(*) FROM settlement_reversal) r`,
  );
  return row;
}

describe('online settlement', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(4);
    await seedWorld(t.db);
    for (const p of ['P1', 'P2', 'P3']) await addEmployee(t.db, p);
    await addEmployee(t.db, 'P-ENDED', { endDate: '2024-12-31', status: 'ended' });
    await addEmployee(t.db, 'P-SUSP', { status: 'suspended' });
  });
  afterAll(() => t.drop());

  // Sanming (seed 002): annual deductible 700; active employee at level 2: 75%.
  // 甲 500.00 in scope; 乙 300.00 with 10% first self-paid: 30.00 pre-self-pay, 270.00 in scope;
  // 丙 100.00 own pay. In scope 770.00 − deductible 700.00 = 70.00 × 75% = 52.50 from the pool.
  const lines = [
    { code: ITEMS.classA, amount: 500_00 },
    { code: ITEMS.classB, amount: 300_00 },
    { code: ITEMS.classC, amount: 100_00 },
  ];

  it('pre-settles without writing, then settles the same amounts in one transaction', async () => {
    const before = await counts(t);
    const pre = await preSettle(t.db, claimAt('P1', 'k-pre', lines));
    expect(pre.settlement).toMatchObject({
      medfeeSum: 900_00,
      ownPay: 100_00,
      preSelfPay: 30_00,
      inScope: 770_00,
      deductible: 700_00,
      poolPay: 52_50,
      personPart: 847_50,
    });
    expect(await counts(t)).toEqual(before);
    const done = await settle(t.db, claimAt('P1', 'k-1', lines));
    expect(done.settlement).toEqual(pre.settlement);
    expect(done.pack).toMatch(/^sanming-employee-2022@2022\.1#/);
    const [row] = await t.db.query<{ hifp_pay: number; pack_hash: string }>(
      'SELECT hifp_pay, pack_hash FROM settlement WHERE setl_id = $1',
      [done.setlId],
    );
    expect(row!.hifp_pay).toBe(52_50);
    const [acct] = await t.db.query<{ debits: number }>(
      `SELECT debits FROM account WHERE code = 'expense:350400:H002'`,
    );
    expect(acct!.debits).toBe(52_50);
  });

  it('a second claim finds the deductible used up', async () => {
    const r = await settle(t.db, claimAt('P1', 'k-2', [{ code: ITEMS.classA, amount: 100_00 }]));
    expect(r.settlement).toMatchObject({ deductible: 0, poolPay: 75_00 });
  });

  it('the catalogue decides the price cap: 3 units of a 50.00-capped service billed 180.00 → 30.00 over the limit', async () => {
    const r = await preSettle(
      t.db,
      claimAt('P2', 'k-cap', [{ code: ITEMS.capped, amount: 180_00, count: 3 }]),
    );
    expect(r.settlement).toMatchObject({ overLimit: 30_00, inScope: 150_00 });
  });

  it('replays a key with the same input and refuses it with another', async () => {
    const first = await settle(t.db, claimAt('P2', 'k-dup', lines));
    const before = await counts(t);
    expect(await settle(t.db, claimAt('P2', 'k-dup', lines))).toEqual(first);
    await expect(settle(t.db, claimAt('P2', 'k-dup', lines.slice(0, 1)))).rejects.toMatchObject({
      code: 'IDEMPOTENCY_CONFLICT',
    });
    expect(await counts(t)).toEqual(before);
  });

  it('reverses once, restoring the totals and the ledger exactly', async () => {
    const first = await settle(t.db, claimAt('P3', 'k-r1', lines));
    const rev = await reverse(t.db, { key: 'rev-1', psnNo: 'P3', setlId: first.setlId, date: WORLD.date });
    expect(rev.setlId).toBe(first.setlId);
    await expect(
      reverse(t.db, { key: 'rev-2', psnNo: 'P3', setlId: first.setlId, date: WORLD.date }),
    ).rejects.toMatchObject({ code: 'ALREADY_REVERSED' });
    expect(
      await reverse(t.db, { key: 'rev-1', psnNo: 'P3', setlId: first.setlId, date: WORLD.date }),
    ).toEqual(rev);
    // The deductible is whole again: the same claim settles to the same amounts.
    const again = await settle(t.db, claimAt('P3', 'k-r2', lines));
    expect(again.settlement).toEqual(first.settlement);
    expect((await checkLedger(t.db)).problems).toEqual([]);
  });

  const refusals: [string, Record<string, unknown>, string, string][] = [
    ['an unknown person', { psnNo: 'NOBODY' }, 'NOT_FOUND', 'psn_no'],
    ['an ended enrolment', { psnNo: 'P-ENDED' }, 'ENROLMENT_NOT_ACTIVE', 'psn_no'],
    ['a suspended enrolment', { psnNo: 'P-SUSP' }, 'ENROLMENT_NOT_ACTIVE', 'psn_no'],
    ['a suspended institution', { institution: 'H009' }, 'INSTITUTION_NOT_ACTIVE', 'fixmedins_code'],
    [
      'an unknown catalogue code',
      { lines: [{ code: 'NOPE', amount: 1, count: 1 }] },
      'UNKNOWN_CATALOGUE_CODE',
      'feedetail[0].med_list_codg',
    ],
    [
      'a negative amount',
      { lines: [{ code: ITEMS.classA, amount: -1, count: 1 }] },
      'INVALID_INPUT',
      'lines[0].amount',
    ],
    [
      'a fractional fen',
      { lines: [{ code: ITEMS.classA, amount: 1.5, count: 1 }] },
      'INVALID_INPUT',
      'lines[0].amount',
    ],
    ['an impossible date', { date: '2025-02-30' }, 'INVALID_INPUT', 'date'],
  ];
  it.each(refusals)('refuses %s with a code and writes nothing', async (_what, change, code, path) => {
    const before = await counts(t);
    await expect(
      settle(t.db, { ...claimAt('P1', `bad-${code}-${path}`, lines), ...change }),
    ).rejects.toMatchObject({ code, path });
    expect(await counts(t)).toEqual(before);
  });

  it('refuses a settlement dated in a closed month, writing nothing', async () => {
    await t.db.query(`INSERT INTO closed_period (book, period) VALUES ('employee-pool', '2025-01')`);
    const before = await counts(t);
    await expect(
      settle(t.db, claimAt('P1', 'k-closed', lines, { date: '2025-01-15' })),
    ).rejects.toMatchObject({ code: 'PERIOD_CLOSED' });
    expect(await counts(t)).toEqual(before);
  });

  it("makes a caller's own write in its statement only when it settles, not when it replays", async () => {
    let wrote = 0;
    const alsoWrite: AlsoWrite = (result, first) => ({
      text: `INSERT INTO api_message (institution_code, msgid, infno, input_hash, answer)
             SELECT 'H002', $${first}::text, '2207', 'test', '{}'::jsonb FROM k RETURNING msgid`,
      params: [`also-${result.setlId}`],
      wrote: () => wrote++,
    });
    const kept = async (setlId: string) =>
      (await t.db.query('SELECT 1 FROM api_message WHERE msgid = $1', [`also-${setlId}`])).length;
    const first = await settle(t.db, claimAt('P3', 'k-also', lines), { alsoWrite });
    expect([wrote, await kept(first.setlId)]).toEqual([1, 1]);
    const again = await settle(t.db, claimAt('P3', 'k-also', lines), { alsoWrite });
    expect(again.setlId).toBe(first.setlId);
    expect(wrote).toBe(1);
    expect((await t.db.query('SELECT 1 FROM api_message WHERE msgid LIKE $1', ['also-%'])).length).toBe(1);
    // Concurrent copies of one request: one settles and writes, every copy answers its result.
    const copies = await Promise.all(
      Array.from({ length: 12 }, () => settle(t.db, claimAt('P2', 'k-also-rush', lines), { alsoWrite })),
    );
    expect(new Set(copies.map((c) => c.setlId)).size).toBe(1);
    expect([wrote, await kept(copies[0]!.setlId)]).toEqual([2, 1]);
    expect((await t.db.query('SELECT 1 FROM api_message WHERE msgid LIKE $1', ['also-%'])).length).toBe(2);
  });
});
