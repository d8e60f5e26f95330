import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CITY } from '../../src/demo/city.js';
import { certnoCheckChar } from '../../src/domain/idcard.js';
import { checkLedger } from '../../src/fund/ledger/check.js';
import { auditOf } from '../../src/pooling/merge/audit.js';
import { cityTwinCode } from '../../src/pooling/merge/ledger-plan.js';
import { MergeRefused } from '../../src/pooling/merge/plan.js';
import {
  cancelMerge,
  listMerges,
  mergePools,
  runMerge,
  type MergeOutcome,
} from '../../src/pooling/merge/service.js';
import { enrolmentOn } from '../../src/registry/lookup.js';
import { createPerson, enrol } from '../../src/registry/service.js';
import { preSettle, settle } from '../../src/settlement/online/service.js';
import {
  allAccounts,
  buildDemoCity,
  closeMonths,
  COUNTIES,
  payPayables,
  type AccountRow,
  type Packs,
} from '../fixtures/pooling/world.js';
import { openTestDatabase, type TestDatabase } from '../support/db.js';

/**
 * The merge of the demo city's six counties into its city pool (seeds/000: 长春's seven pooling
 * areas become one), on the embedded database or, with TEST_DATABASE_URL, on PostgreSQL. The
 * counties are governed by the county fixture pack (care elsewhere in the city at 50%) until
 * 2026-02-01, the city pack (demo-city-2025, pooled at city level) from then on.
 */

const DATE = '2026-02-01';
const CITY_HOSPITAL = 'H22010000005'; // 长春市中心医院: level 3, price class 1, in 220100
const COUNTY = '220112'; // 双阳区
const X = 'MERGE-X-1';
const actor = (today: string) => ({ actor: 'merge-test', origin: 'test', today });
const request = { into: CITY.code, from: COUNTIES, on: DATE };

let t: TestDatabase;
let packs: Packs;
let scheduled: MergeOutcome;
let before: AccountRow[];
let done: MergeOutcome;
let claimA: Awaited<ReturnType<typeof settle>>;

/** A general outpatient visit at the city hospital: one class-甲 drug line of 1,000.00 yuan. */
const visit = (key: string, date: string) => ({
  key,
  psnNo: X,
  institution: CITY_HOSPITAL,
  mdtrtId: `V-${key}`,
  medType: '11' as const,
  date,
  lines: [{ code: 'DM-XA001', count: 1, amount: 100_000 }],
});

async function addCountyEmployee(): Promise<void> {
  const first17 = `${COUNTY}19800505999`;
  await createPerson(t.db, {
    psnNo: X,
    certno: first17 + certnoCheckChar(first17),
    name: '合并测试',
    areaCode: COUNTY,
  });
  const [employer] = await t.db.query<{ emp_no: string }>(
    'SELECT emp_no FROM employer WHERE area_code = $1 ORDER BY emp_no LIMIT 1',
    [COUNTY],
  );
  await enrol(t.db, {
    psnNo: X,
    scheme: '310',
    beginDate: '2020-01-01',
    status: 'active',
    personType: 'active',
    areaCode: COUNTY,
    empNo: employer!.emp_no,
  });
}

beforeAll(async () => {
  t = await openTestDatabase();
  ({ packs } = await buildDemoCity(t.db, { persons: 400, days: 5, seed: 5 }));
  await addCountyEmployee();
  claimA = await settle(t.db, visit('a', '2026-01-20'));
  scheduled = await mergePools(t.db, request, actor('2026-01-25'));
}, 600_000);

afterAll(async () => {
  await t?.drop();
});

const countyEnrolments = () =>
  t.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM enrolment WHERE area_code = ANY($1::bpchar[]) AND (end_date IS NULL OR end_date >= $2)`,
    [COUNTIES, DATE],
  );

describe('before the merge date', () => {
  it('settles a county person at a city hospital under the county pack, out of county', () => {
    // County fixture pack: annual deductible 700.00; out of the county 50%. (100,000 − 70,000) × 50% = 15,000 fen.
    expect(claimA.pack).toBe(packs.county.label);
    expect(claimA.settlement).toMatchObject({ deductible: 70_000, poolPay: 15_000, cashPay: 85_000 });
  });

  it('schedules the merge with its dated pack and enrolment changes, and lists what stops it from running', async () => {
    expect(scheduled.merge).toMatchObject({
      id: 1,
      city: CITY.code,
      counties: [...COUNTIES].sort(),
      date: DATE,
      status: 'scheduled',
    });
    expect(scheduled.registry).toMatchObject({ packsEnded: 12, packsAssigned: 12, enrolmentsMoved: 0 });
    const inCounties = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM enrolment WHERE area_code = ANY($1::bpchar[])`,
      [COUNTIES],
    );
    expect(scheduled.registry!.enrolmentsSplit).toBe(inCounties[0]!.n);
    expect((await countyEnrolments())[0]!.n).toBe(0);
    // The counties' packs end on the eve; the city's pack governs them from the date.
    const rows = await t.db.query<{ area: string; begin: string; end: string | null; hash: string }>(
      `SELECT area_code AS area, begin_date AS begin, end_date AS end, pack_hash AS hash FROM area_pack
       WHERE area_code = $1 AND scheme = '310' ORDER BY begin_date`,
      [COUNTY],
    );
    expect(rows).toEqual([
      { area: COUNTY, begin: '2025-01-01', end: '2026-01-31', hash: packs.county.hash },
      { area: COUNTY, begin: DATE, end: null, hash: packs.city.hash },
    ]);
    // Every county has open periods (its 2025 contributions); the ones owed money by hospitals are unreconciled.
    expect(new Set(scheduled.pending.filter((r) => r.code === 'open-periods').map((r) => r.area))).toEqual(
      new Set(COUNTIES),
    );
    expect(scheduled.pending.some((r) => r.area === COUNTY && r.code === 'unreconciled-settlements')).toBe(
      true,
    );
    expect(scheduled.registry!.accumulators).toEqual([
      expect.objectContaining({ scheme: '310', notCarried: [], startAtZero: [] }),
      expect.objectContaining({ scheme: '390', notCarried: [], startAtZero: [] }),
    ]);
  });

  it('dates the enrolment: the county until the eve, the city from the date', async () => {
    expect(await enrolmentOn(t.db, X, '2026-01-31')).toMatchObject({
      areaCode: COUNTY,
      endDate: '2026-01-31',
    });
    expect(await enrolmentOn(t.db, X, DATE)).toMatchObject({
      areaCode: CITY.code,
      beginDate: DATE,
      endDate: null,
      status: 'active',
      personType: 'active',
    });
  });

  it('returns the same merge when it is asked for again, writing nothing', async () => {
    const again = await mergePools(t.db, { ...request, from: [...COUNTIES].reverse() }, actor('2026-01-26'));
    expect(again).toMatchObject({
      replay: true,
      registry: null,
      transfer: null,
      merge: { id: 1, status: 'scheduled' },
    });
    const merges = await listMerges(t.db);
    expect(merges).toHaveLength(1);
  });

  it('refuses to run before its date', async () => {
    await expect(runMerge(t.db, { id: 1 }, actor('2026-01-31'))).rejects.toMatchObject({
      code: 'MERGE_REFUSED',
      reasons: [expect.objectContaining({ code: 'not-due' })],
    });
  });
});

describe('running the merge', () => {
  it('is refused, county by county, while settlements are unreconciled and periods open; nothing written', async () => {
    const owed = await t.db.query<{ area: string }>(
      `SELECT DISTINCT area_code AS area FROM account WHERE kind = 'payable' AND credits <> debits AND area_code = ANY($1::bpchar[])`,
      [COUNTIES],
    );
    const refusal = await runMerge(t.db, { id: 1 }, actor(DATE)).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(MergeRefused);
    const reasons = (refusal as MergeRefused).reasons;
    const areasWith = (code: string) => new Set(reasons.filter((r) => r.code === code).map((r) => r.area));
    expect(areasWith('unreconciled-settlements')).toEqual(new Set(owed.map((o) => o.area)));
    expect(areasWith('open-periods')).toEqual(new Set(COUNTIES));
    expect(reasons.find((r) => r.area === COUNTY && r.code === 'open-periods')!.message).toContain(
      'employee-pool 2025-01…2026-01 (13 months)',
    );
    expect((await listMerges(t.db))[0]).toMatchObject({ status: 'scheduled', journals: [] });
  });

  it('moves every county balance up, per book, once reconciled and closed', async () => {
    await payPayables(t.db, [CITY.code, ...COUNTIES], '2026-01-31');
    await closeMonths(t.db, '2025-01', '2026-01');
    before = await allAccounts(t.db);
    done = await runMerge(t.db, { id: 1 }, actor(DATE));
    expect(done.merge.status).toBe('done');
    const after = new Map((await allAccounts(t.db)).map((a) => [`${a.book}|${a.code}`, a]));
    // Per book and account name: the city's account after = its own + the counties' twins before.
    const expected = new Map<string, number>();
    for (const a of before.filter(
      (x) => x.kind !== 'personal' && (x.area === CITY.code || COUNTIES.includes(x.area)),
    )) {
      const code = a.area === CITY.code ? a.code : cityTwinCode(a.code, a.area, CITY.code)!;
      expected.set(`${a.book}|${code}`, (expected.get(`${a.book}|${code}`) ?? 0) + a.net);
    }
    for (const [key, net] of expected) expect([key, after.get(key)?.net ?? 0]).toEqual([key, net]);
    // Every county account is at zero; personal accounts are filed under the city.
    const countyLeft = [...after.values()].filter((a) => COUNTIES.includes(a.area));
    expect(countyLeft.filter((a) => a.net !== 0 || a.kind === 'personal')).toEqual([]);
    expect(countyLeft.length).toBeGreaterThan(COUNTIES.length);
    // Personal accounts keep their balances and follow their persons into the city.
    for (const p of before.filter((a) => a.kind === 'personal')) {
      expect(after.get(`${p.book}|${p.code}`)).toMatchObject({ net: p.net, area: CITY.code });
    }
    expect((await checkLedger(t.db)).problems).toEqual([]);
  });

  it('posts one balanced journal per book, dated the merge date, and reports it per book', async () => {
    const books = [
      ...new Set(
        before
          .filter((a) => COUNTIES.includes(a.area) && a.kind !== 'personal' && a.net !== 0)
          .map((a) => a.book),
      ),
    ].sort();
    expect(done.merge.journals.map((j) => j.book)).toEqual(books);
    const journals = await t.db.query<{ id: number; kind: string; date: string; books: string[] }>(
      `SELECT j.id, j.kind, j.effective_date AS date, array_agg(DISTINCT p.book ORDER BY p.book) AS books
       FROM journal j JOIN posting p ON p.journal_id = j.id WHERE j.id = ANY($1::bigint[]) GROUP BY j.id ORDER BY j.id`,
      [done.merge.journals.map((j) => j.journalId)],
    );
    expect(journals.map((j) => [j.kind, j.date, j.books.length])).toEqual(
      books.map(() => ['pool-transfer-up', DATE, 1]),
    );
    for (const b of done.transfer!.books) {
      for (const line of b.lines) {
        expect(line.cityAfter).toBe(line.cityBefore + line.countiesBefore);
        expect(line.transferred).toBe(line.countiesBefore);
        expect(line.countiesAfter).toBe(0);
      }
    }
    const fund = done
      .transfer!.books.find((b) => b.book === 'employee-pool')!
      .lines.find((l) => l.kind === 'fund')!;
    expect(fund.countiesBefore).toBeGreaterThan(0);
  });

  it('settles a former county person at a city hospital in-area under the city pack, counters carried', async () => {
    // City pack: active employee, level 3: 75%, no area split; the 700.00 deductible was used in January.
    const b = await settle(t.db, visit('b', '2026-02-03'));
    expect(b.pack).toBe(packs.city.label);
    expect(b.settlement).toMatchObject({ deductible: 0, poolPay: 75_000, cashPay: 25_000 });
    const [row] = await t.db.query<{ pack_hash: string; insured_area: string; care_area: string }>(
      'SELECT pack_hash, insured_area, care_area FROM settlement WHERE psn_no = $1 AND setl_id = $2',
      [X, b.setlId],
    );
    expect(row).toEqual({ pack_hash: packs.city.hash, insured_area: CITY.code, care_area: CITY.code });
    expect((await checkLedger(t.db)).problems).toEqual([]);
  });

  it('still settles a claim dated before the merge under the county pack; history reads as it was', async () => {
    // County pack, out of county: 50% of 1,000.00, the year's deductible already used.
    const c = await preSettle(t.db, visit('c', '2026-01-25'));
    expect(c.pack).toBe(packs.county.label);
    expect(c.settlement).toMatchObject({ deductible: 0, poolPay: 50_000 });
    const [a] = await t.db.query<{ pack_hash: string; insured_area: string; hifp_pay: number }>(
      'SELECT pack_hash, insured_area, hifp_pay FROM settlement WHERE psn_no = $1 AND setl_id = $2',
      [X, claimA.setlId],
    );
    expect(a).toEqual({ pack_hash: packs.county.hash, insured_area: COUNTY, hifp_pay: 15_000 });
  });

  it('does not merge twice, cannot be cancelled once done, and refuses another merge of a merged county', async () => {
    const journals = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM journal'))[0]!.n;
    expect(await runMerge(t.db, { id: 1 }, actor('2026-02-02'))).toMatchObject({
      replay: true,
      transfer: null,
    });
    expect(await mergePools(t.db, request, actor('2026-02-02'))).toMatchObject({
      replay: true,
      merge: { id: 1 },
    });
    expect((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM journal'))[0]!.n).toBe(journals);
    await expect(cancelMerge(t.db, { id: 1 }, actor('2026-01-15'))).rejects.toMatchObject({
      reasons: [expect.objectContaining({ code: 'done' })],
    });
    await expect(
      mergePools(t.db, { into: CITY.code, from: [COUNTY], on: '2026-03-01' }, actor('2026-02-02')),
    ).rejects.toMatchObject({ reasons: [expect.objectContaining({ area: COUNTY, code: 'already-merged' })] });
  });

  it('keeps an audit record of scheduling and completing, which cannot be changed', async () => {
    const events = await auditOf(t.db, 'pool_merge/1');
    expect(events.map((e) => [e.action, e.actor, e.origin])).toEqual([
      ['pool.merge.schedule', 'merge-test', 'test'],
      ['pool.merge.complete', 'merge-test', 'test'],
    ]);
    await expect(t.db.query(`UPDATE audit_event SET actor = 'someone else'`)).rejects.toThrow(/append-only/);
    await expect(t.db.query(`DELETE FROM audit_event`)).rejects.toThrow(/append-only/);
  });
});
