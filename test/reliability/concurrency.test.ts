/**
 * Reliability under concurrency (DESIGN §10), on a real PostgreSQL only: PGlite has one connection,
 * so nothing there ever runs at the same time. Fifty connections hit one person at once:
 * settlements near the annual cap never breach it, fifty copies of one request settle once,
 * fifty reversals of one settlement reverse it once, fifty claims on one personal account pay
 * exactly its balance, settlements and reversals interleaved leave consistent totals, fifty persons
 * at one hospital all settle — and the variant that reads the person's totals without the row lock
 * is shown to breach the cap, which is why the lock is there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/index.js';
import { checkLedger } from '../../src/fund/ledger/check.js';
import { reverse, settle, type SettleOptions } from '../../src/settlement/online/service.js';
import { onServer, openTestDatabase, type TestDatabase } from '../support/db.js';
import { creditAccount } from '../support/credit.js';
import { halfWritten, totalsMismatches } from '../support/integrity.js';
import { addEmployee, claimAt, ITEMS, seedWorld, WORLD } from '../support/world.js';

const N = 50;
const POOL = N + 5;
/** The Sanming employee outpatient annual cap: 17,000.00 yuan. */
const CAP = 1_700_000;
const CAP_SLOT = 'cap:employee-outpatient-annual';

/** What the database holds for one person: the pool paid per settlement, the cap counter, row counts. */
async function personState(db: Database, psnNo: string) {
  const pays = await db.query<{ hifp_pay: number }>(
    `SELECT hifp_pay FROM settlement s WHERE psn_no = $1 AND setl_date BETWEEN '2025-01-01' AND '2025-12-31'
       AND NOT EXISTS (SELECT 1 FROM settlement_reversal r WHERE r.psn_no = s.psn_no AND r.setl_id = s.setl_id)`,
    [psnNo],
  );
  const [totals] = await db.query<{ totals: Record<string, number> }>(
    `SELECT totals FROM person_totals WHERE psn_no = $1 AND year = 2025 AND scheme = '310'`,
    [psnNo],
  );
  return {
    settlements: pays.length,
    poolPaid: pays.reduce((sum, r) => sum + r.hifp_pay, 0),
    capCounter: totals?.totals[CAP_SLOT] ?? 0,
  };
}

describe.skipIf(!onServer)(`${N} concurrent requests (PostgreSQL, ${POOL} connections)`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(POOL);
    await seedWorld(t.db);
  }, 60_000);
  afterAll(() => t?.drop());

  /**
   * A person whose pool-paid total is 15,000.00 of the 17,000.00 cap, so 2,000.00 of room is left:
   * 700.00 takes the annual deductible, then two claims of 甲 10,000.00 pay 7,500.00 each (75%).
   */
  async function nearCap(psnNo: string): Promise<void> {
    await addEmployee(t.db, psnNo);
    await settle(t.db, claimAt(psnNo, `${psnNo}-pre-1`, [{ code: ITEMS.classA, amount: 700_00 }]));
    for (const k of [2, 3]) {
      await settle(t.db, claimAt(psnNo, `${psnNo}-pre-${k}`, [{ code: ITEMS.classA, amount: 10_000_00 }]));
    }
    expect(await personState(t.db, psnNo)).toEqual({
      settlements: 3,
      poolPaid: 1_500_000,
      capCounter: 1_500_000,
    });
  }

  /**
   * N claims of 甲 1,000.00 at once, each worth 750.00 from the pool: 37,500.00 asked for against
   * 2,000.00 of room.
   */
  function rush(psnNo: string, opts: SettleOptions = {}) {
    return Promise.all(
      Array.from({ length: N }, (_, i) =>
        settle(t.db, claimAt(psnNo, `${psnNo}-rush-${i}`, [{ code: ITEMS.classA, amount: 1_000_00 }]), opts),
      ),
    );
  }

  it('settlements of one person near the annual cap: the cap is met exactly, never exceeded', async () => {
    await nearCap('C-A');
    const results = await rush('C-A');
    // 2,000.00 of room: two claims pay 750.00 in full, one pays the last 500.00, the rest nothing.
    const pays = results.map((r) => r.settlement.poolPay).sort((a, b) => b - a);
    expect(pays.slice(0, 3)).toEqual([75_000, 75_000, 50_000]);
    expect(pays.slice(3).every((p) => p === 0)).toBe(true);
    const state = await personState(t.db, 'C-A');
    expect(state.settlements).toBe(3 + N);
    expect(state.poolPaid).toBeLessThanOrEqual(CAP);
    expect(state.poolPaid).toBe(CAP);
    expect(state.capCounter).toBe(state.poolPaid);
    expect(await halfWritten(t.db)).toEqual([]);
    expect(await totalsMismatches(t.db, ['C-A'])).toEqual([]);
    expect((await checkLedger(t.db)).problems).toEqual([]);
  });

  it(`${N} concurrent copies of one request settle once and all get the same answer`, async () => {
    await addEmployee(t.db, 'C-B');
    const request = claimAt('C-B', 'C-B-same', [
      { code: ITEMS.classA, amount: 1_500_00 },
      { code: ITEMS.classB, amount: 300_00 },
    ]);
    const journalsBefore = await t.db.query<{ id: number }>(`SELECT id FROM journal`);
    const answers = await Promise.all(
      Array.from({ length: N }, () => settle(t.db, structuredClone(request))),
    );
    for (const a of answers) expect(a).toEqual(answers[0]);
    // 甲 1,500.00 + 乙 270.00 in scope − 700.00 deductible = 1,070.00 × 75% = 802.50.
    expect(answers[0]!.settlement.poolPay).toBe(80_250);
    const rows = await t.db.query<{ setl_id: string; journal_id: number }>(
      `SELECT setl_id, journal_id FROM settlement WHERE psn_no = 'C-B'`,
    );
    expect(rows).toEqual([{ setl_id: answers[0]!.setlId, journal_id: expect.any(Number) }]);
    const journals = await t.db.query<{ id: number; idem_key: string }>(
      `SELECT id, idem_key FROM journal WHERE id <> ALL($1::bigint[])`,
      [journalsBefore.map((j) => j.id)],
    );
    expect(journals).toEqual([{ id: rows[0]!.journal_id, idem_key: 'settle:C-B-same' }]);
    expect(await personState(t.db, 'C-B')).toEqual({ settlements: 1, poolPaid: 80_250, capCounter: 80_250 });
    expect((await checkLedger(t.db)).problems).toEqual([]);
  });

  it(`${N} concurrent reversals of one settlement under distinct keys: one succeeds, the rest are refused`, async () => {
    await addEmployee(t.db, 'C-C');
    const done = await settle(t.db, claimAt('C-C', 'C-C-1', [{ code: ITEMS.classA, amount: 2_000_00 }]));
    expect(done.settlement.poolPay).toBe(97_500);
    const outcomes = await Promise.allSettled(
      Array.from({ length: N }, (_, i) =>
        reverse(t.db, { key: `C-C-rev-${i}`, psnNo: 'C-C', setlId: done.setlId, date: WORLD.date }),
      ),
    );
    const ok = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as { code?: string }] : []));
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(N - 1);
    expect(refused.map((e) => e.code)).toEqual(Array(N - 1).fill('ALREADY_REVERSED'));
    const reversals = await t.db.query<{ idem_key: string }>(
      `SELECT idem_key FROM settlement_reversal WHERE psn_no = 'C-C'`,
    );
    expect(reversals).toHaveLength(1);
    const reversalJournals = await t.db.query(
      `SELECT 1 FROM journal j JOIN settlement s ON j.reverses = s.journal_id WHERE s.psn_no = 'C-C'`,
    );
    expect(reversalJournals).toHaveLength(1);
    // The totals are back to nothing: the deductible and the cap are whole again.
    expect(await personState(t.db, 'C-C')).toEqual({ settlements: 0, poolPaid: 0, capCounter: 0 });
    expect(await totalsMismatches(t.db, ['C-C'])).toEqual([]);
    // The refused keys wrote nothing: only the winner's key is stored.
    const keys = await t.db.query(`SELECT idem_key FROM idempotency WHERE idem_key LIKE 'C-C-rev-%'`);
    expect(keys).toEqual([{ idem_key: reversals[0]!.idem_key }]);
    expect((await checkLedger(t.db)).problems).toEqual([]);
  });

  it(`${N} concurrent settlements paid from one personal account: all settle, the account pays its balance exactly`, async () => {
    await addEmployee(t.db, 'C-E');
    await creditAccount(t.db, 'C-E', 1_000_00, 'C-E-credit');
    // 甲 100.00 each: the first seven fall wholly in the 700.00 deductible, the others pay 75.00 from
    // the pool; 700.00 + 43 × 25.00 = 1,775.00 is the persons' part, of which the account pays 1,000.00.
    const outcomes = await Promise.allSettled(
      Array.from({ length: N }, (_, i) =>
        settle(
          t.db,
          claimAt('C-E', `C-E-${i}`, [{ code: ITEMS.classA, amount: 100_00 }], { useAccount: true }),
        ),
      ),
    );
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [String(o.reason)] : []));
    expect(refused, 'no settlement refused (e.g. INSUFFICIENT_BALANCE from a stale balance)').toEqual([]);
    const [sums] = await t.db.query<{ acct: number; pool: number }>(
      `SELECT sum(acct_pay)::bigint AS acct, sum(hifp_pay)::bigint AS pool FROM settlement WHERE psn_no = 'C-E'`,
    );
    expect(sums).toEqual({ acct: 1_000_00, pool: 43 * 75_00 });
    const [acct] = await t.db.query<{ debits: number; credits: number }>(
      `SELECT debits, credits FROM account WHERE book = 'personal-account' AND code = 'personal:C-E'`,
    );
    expect(acct).toEqual({ debits: 1_000_00, credits: 1_000_00 });
    expect(await personState(t.db, 'C-E')).toEqual({
      settlements: N,
      poolPaid: 43 * 75_00,
      capCounter: 43 * 75_00,
    });
    expect(await totalsMismatches(t.db, ['C-E'])).toEqual([]);
    expect((await checkLedger(t.db)).problems).toEqual([]);
  });

  it(`${N} settlements and reversals of one person interleaved: the totals are the sum of what is left`, async () => {
    await addEmployee(t.db, 'C-F');
    const half = N / 2;
    const first: string[] = [];
    for (let i = 0; i < half; i++) {
      const r = await settle(t.db, claimAt('C-F', `C-F-a${i}`, [{ code: ITEMS.classA, amount: 900_00 + i }]));
      first.push(r.setlId);
    }
    const outcomes = await Promise.allSettled([
      ...first.map((setlId, i) =>
        reverse(t.db, { key: `C-F-r${i}`, psnNo: 'C-F', setlId, date: WORLD.date }),
      ),
      ...Array.from({ length: half }, (_, i) =>
        settle(t.db, claimAt('C-F', `C-F-b${i}`, [{ code: ITEMS.classA, amount: 900_00 + i }])),
      ),
    ]);
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    const state = await personState(t.db, 'C-F');
    expect(state.settlements).toBe(half);
    expect(state.capCounter).toBe(state.poolPaid);
    expect(await totalsMismatches(t.db, ['C-F'])).toEqual([]);
    expect(await halfWritten(t.db)).toEqual([]);
    expect((await checkLedger(t.db)).problems).toEqual([]);
  });

  it(`${N} persons settling at one hospital at once all settle, and its accounts add up`, async () => {
    const persons = Array.from({ length: N }, (_, i) => `C-G${i}`);
    for (const p of persons) {
      await addEmployee(t.db, p);
      await creditAccount(t.db, p, 50_00, `${p}-credit`);
    }
    const before = await t.db.query<{ code: string; debits: number; credits: number }>(
      `SELECT book || '|' || code AS code, debits, credits FROM account WHERE owner = 'H002' ORDER BY 1`,
    );
    const results = await Promise.all(
      persons.map((p) =>
        settle(t.db, claimAt(p, `${p}-1`, [{ code: ITEMS.classA, amount: 1_000_00 }], { useAccount: true })),
      ),
    );
    // Each: 1,000.00 − 700.00 deductible = 300.00 × 75% = 225.00 from the pool; 50.00 from the account.
    for (const r of results) expect(r.settlement).toMatchObject({ poolPay: 225_00, accountPay: 50_00 });
    const after = await t.db.query<{ code: string; debits: number; credits: number }>(
      `SELECT book || '|' || code AS code, debits, credits FROM account WHERE owner = 'H002' ORDER BY 1`,
    );
    const moved = (code: string) => {
      const a = after.find((x) => x.code === code)!;
      const b = before.find((x) => x.code === code) ?? { debits: 0, credits: 0 };
      return { debits: a.debits - b.debits, credits: a.credits - b.credits };
    };
    expect(moved('employee-pool|expense:350400:H002')).toEqual({ debits: N * 225_00, credits: 0 });
    expect(moved('employee-pool|payable:350400:H002')).toEqual({ debits: 0, credits: N * 225_00 });
    expect(moved('personal-account|payable:350400:H002')).toEqual({ debits: 0, credits: N * 50_00 });
    expect((await checkLedger(t.db)).problems).toEqual([]);
  });

  it('without the totals check (checkTotals: false) the same rush breaches the cap — ten times in a row', async () => {
    for (let round = 0; round < 10; round++) {
      const psnNo = `C-D${round}`;
      await nearCap(psnNo);
      await rush(psnNo, { checkTotals: false });
      const state = await personState(t.db, psnNo);
      expect(state.settlements).toBe(3 + N);
      // Many transactions read the same 2,000.00 of room and each spent it.
      expect(state.poolPaid, `round ${round}: Σ hifp_pay`).toBeGreaterThan(CAP);
      // The last writer won: the stored counter no longer tells what was paid.
      expect(state.capCounter, `round ${round}: stored cap counter`).not.toBe(state.poolPaid);
    }
  });
});
