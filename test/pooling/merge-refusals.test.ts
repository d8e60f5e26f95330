import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDemoCatalogue } from '../../src/demo/catalogue.js';
import { checkLedger } from '../../src/fund/ledger/check.js';
import {
  expenseAccount,
  fundAccount,
  incomeAccount,
  payableAccount,
} from '../../src/fund/ledger/accounts.js';
import { postJournal, type JournalInput } from '../../src/fund/ledger/service.js';
import { auditOf } from '../../src/pooling/merge/audit.js';
import { MergeRefused, type Reason } from '../../src/pooling/merge/plan.js';
import { cancelMerge, listMerges, mergePools } from '../../src/pooling/merge/service.js';
import { assignPack } from '../../src/registry/packs.js';
import { createArea } from '../../src/registry/service.js';
import { settle } from '../../src/settlement/online/service.js';
import { assignPacks, closeMonths, payPayables, type Packs } from '../fixtures/pooling/world.js';
import { openTestDatabase, type TestDatabase } from '../support/db.js';

/**
 * Refusals, cancellation and the one-step merge, on a small world written for them: the city 220100
 * with counties 220112, 220113 and 220122 (county fixture pack), and a second city 220200 with its
 * county 220211 and no city pack.
 */

let t: TestDatabase;
let packs: Packs;
const by = (today: string) => ({ actor: 'tester', origin: 'test', today });

async function person(psnNo: string, area: string, e: { type: string; begin: string; end?: string }) {
  const scheme = e.type === 'active' || e.type === 'retired' ? '310' : '390';
  await t.db.query(
    `INSERT INTO person (psn_no, certno, name, gender, birthday, area_code) VALUES ($1, $2, $1, '1', '1970-01-01', $3)`,
    [psnNo, `${area}19700101${psnNo.slice(-4)}`, area],
  );
  await t.db.query(
    `INSERT INTO enrolment (psn_no, scheme, begin_date, end_date, status, person_type, area_code, emp_no)
     VALUES ($1, $2, $3, $4, 'active', $5, $6, $7)`,
    [psnNo, scheme, e.begin, e.end ?? null, e.type, area, e.type === 'active' ? `E${area}` : null],
  );
}

beforeAll(async () => {
  t = await openTestDatabase();
  await createArea(t.db, { code: '220000', name: '吉林省', level: 'province' });
  for (const [code, name] of [
    ['220100', '长春市'],
    ['220200', '吉林市'],
  ] as const)
    await createArea(t.db, { code, name, level: 'city', parentCode: '220000' });
  for (const [code, name, parent] of [
    ['220112', '双阳区', '220100'],
    ['220113', '九台区', '220100'],
    ['220122', '农安县', '220100'],
    ['220211', '昌邑区', '220200'],
  ] as const)
    await createArea(t.db, { code, name, level: 'county', parentCode: parent });
  await t.db.exec(`
    INSERT INTO employer (emp_no, name, area_code) VALUES ('E220112', '双阳公司', '220112'), ('E220113', '九台公司', '220113');
    INSERT INTO institution (code, name, level, price_class, area_code, agreement_status, agreement_begin)
      VALUES ('HCITY', '长春市医院', '2', '2-city', '220100', 'active', '2020-01-01'),
             ('H113', '九台区医院', '2', '2-county', '220113', 'active', '2020-01-01');`);
  await importDemoCatalogue(t.db);
  packs = await assignPacks(t.db, '220100', ['220112', '220113', '220122']);
  await t.db.transaction(async (tx) => {
    for (const scheme of ['310', '390'] as const)
      await assignPack(tx, { area: '220211', scheme, beginDate: '2025-01-01', packHash: packs.county.hash });
  });
  await person('P0001', '220112', { type: 'active', begin: '2020-01-01' });
  await person('P0002', '220112', { type: 'resident', begin: '2020-01-01', end: '2026-06-30' });
  await person('P0003', '220112', { type: 'resident', begin: '2026-05-01' });
  await person('P0004', '220112', { type: 'resident', begin: '2020-01-01', end: '2025-06-30' });
  await person('P0005', '220113', { type: 'retired', begin: '2020-01-01' });
  await person('P0006', '220122', { type: 'retired', begin: '2020-01-01' });
}, 120_000);

afterAll(async () => {
  await t?.drop();
});

async function refusal(call: Promise<unknown>): Promise<Reason[]> {
  const e = await call.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(MergeRefused);
  return [...(e as MergeRefused).reasons];
}

const codes = (reasons: readonly Reason[]) => reasons.map((r) => [r.area, r.code]);

/** The registry rows a merge may change, for comparing before and after. */
const registrySnapshot = async () => ({
  packs: await t.db.query('SELECT * FROM area_pack ORDER BY area_code, scheme, begin_date'),
  enrolments: await t.db.query('SELECT * FROM enrolment ORDER BY psn_no, scheme, begin_date'),
});

describe('refusals', () => {
  it('lists every reason, area by area: unknown, the city itself, another city’s county, a non-county', async () => {
    const reasons = await refusal(
      mergePools(
        t.db,
        { into: '220100', from: ['229999', '220100', '220211', '220200'], on: '2026-03-01' },
        by('2026-01-01'),
      ),
    );
    expect(codes(reasons)).toEqual([
      ['220100', 'is-the-city'],
      ['220200', 'not-a-county'],
      ['220211', 'not-under-city'],
      ['229999', 'unknown-area'],
    ]);
    expect(await listMerges(t.db)).toEqual([]);
  });

  it('refuses a target that is not a city, and bad input with the field named', async () => {
    expect(
      codes(
        await refusal(
          mergePools(t.db, { into: '220112', from: ['220113'], on: '2026-03-01' }, by('2026-01-01')),
        ),
      ),
    ).toEqual([
      ['220112', 'not-a-city'],
      ['220113', 'not-under-city'],
    ]);
    await expect(
      mergePools(t.db, { into: '220100', from: ['220112'], on: '2026-03-15' }, by('2026-01-01')),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      path: 'on',
    });
    await expect(
      mergePools(t.db, { into: '220100', from: [], on: '2026-03-01' }, by('2026-01-01')),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      path: 'from',
    });
    await expect(
      mergePools(t.db, { into: '220100', from: ['220112', '220112'], on: '2026-03-01' }, by('2026-01-01')),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', path: 'from' });
  });

  it('refuses a city with no pack for the date, or only a county-pooled one', async () => {
    const merge = () =>
      mergePools(t.db, { into: '220200', from: ['220211'], on: '2026-03-01' }, by('2026-01-01'));
    expect(codes(await refusal(merge()))).toEqual([
      ['220200', 'city-pack-missing'],
      ['220200', 'city-pack-missing'],
    ]);
    await t.db.transaction((tx) =>
      assignPack(tx, { area: '220200', scheme: '310', beginDate: '2025-01-01', packHash: packs.county.hash }),
    );
    const reasons = await refusal(merge());
    expect(codes(reasons)).toEqual([
      ['220200', 'city-pack-level'],
      ['220200', 'city-pack-missing'],
    ]);
    expect(reasons[0]!.message).toContain('pooled at county level');
  });
});

describe('a scheduled merge', () => {
  let before: Awaited<ReturnType<typeof registrySnapshot>>;

  it('splits the enrolments that reach the date, moves later ones, leaves ended ones alone', async () => {
    before = await registrySnapshot();
    const r = await mergePools(
      t.db,
      { into: '220100', from: ['220112'], on: '2026-04-01' },
      by('2026-01-10'),
    );
    expect(r.merge).toMatchObject({ id: 1, status: 'scheduled' });
    expect(r.registry).toMatchObject({
      packsEnded: 2,
      packsAssigned: 2,
      enrolmentsSplit: 2,
      enrolmentsMoved: 1,
    });
    const rows = await t.db.query(
      `SELECT psn_no, begin_date, end_date, area_code FROM enrolment WHERE psn_no IN ('P0002', 'P0003', 'P0004')
       ORDER BY psn_no, begin_date`,
    );
    expect(rows).toEqual([
      { psn_no: 'P0002', begin_date: '2020-01-01', end_date: '2026-03-31', area_code: '220112' },
      { psn_no: 'P0002', begin_date: '2026-04-01', end_date: '2026-06-30', area_code: '220100' },
      { psn_no: 'P0003', begin_date: '2026-05-01', end_date: null, area_code: '220100' },
      { psn_no: 'P0004', begin_date: '2020-01-01', end_date: '2025-06-30', area_code: '220112' },
    ]);
  });

  it('keeps its counties out of another merge', async () => {
    const reasons = await refusal(
      mergePools(t.db, { into: '220100', from: ['220112', '220113'], on: '2026-05-01' }, by('2026-01-10')),
    );
    expect(codes(reasons)).toEqual([['220112', 'in-scheduled-merge']]);
  });

  it('is cancelled before its date, restoring the registry exactly, with an audit record', async () => {
    const r = await cancelMerge(t.db, { id: 1 }, by('2026-03-31'));
    expect(r.restored).toEqual({
      packsRemoved: 2,
      packsRestored: 2,
      enrolmentsRemoved: 2,
      enrolmentsRestored: 3,
    });
    expect(await registrySnapshot()).toEqual(before);
    expect(await cancelMerge(t.db, { id: 1 }, by('2026-04-02'))).toMatchObject({
      replay: true,
      restored: null,
    });
    expect((await auditOf(t.db, 'pool_merge/1')).map((e) => e.action)).toEqual([
      'pool.merge.schedule',
      'pool.merge.cancel',
    ]);
  });

  it('cannot be cancelled on or after its date, nor once the city has booked care for its persons', async () => {
    const r = await mergePools(
      t.db,
      { into: '220100', from: ['220112'], on: '2026-04-01' },
      by('2026-01-10'),
    );
    expect(r.merge).toMatchObject({ id: 2, status: 'scheduled' });
    expect(codes(await refusal(cancelMerge(t.db, { id: 2 }, by('2026-04-01'))))).toEqual([
      ['220100', 'too-late'],
    ]);
    await settle(t.db, {
      key: 'after-merge',
      psnNo: 'P0001',
      institution: 'HCITY',
      mdtrtId: 'V1',
      medType: '11',
      date: '2026-04-02',
      lines: [{ code: 'DM-XA001', count: 1, amount: 100_000 }],
    });
    expect(codes(await refusal(cancelMerge(t.db, { id: 2 }, by('2026-03-20'))))).toEqual([
      ['220100', 'used-after-merge'],
    ]);
  });
});

describe('a merge whose date has come', () => {
  const journal = (key: string, date: string, t: JournalInput['transfers']): JournalInput => ({
    key,
    kind: 'test',
    date,
    transfers: t,
  });

  beforeAll(async () => {
    await t.db.transaction(async (tx) => {
      const [fund, income] = [
        fundAccount('employee-pool', '220113'),
        incomeAccount('employee-pool', '220113'),
      ];
      await postJournal(tx, journal('c1', '2025-03-10', [{ debit: fund, credit: income, amount: 500_000 }]));
      const [expense, payable] = [
        expenseAccount('employee-pool', '220113', 'H113'),
        payableAccount('employee-pool', '220113', 'H113'),
      ];
      await postJournal(
        tx,
        journal('s1', '2025-04-02', [{ debit: expense, credit: payable, amount: 120_000 }]),
      );
      await postJournal(
        tx,
        journal('c2', '2025-04-10', [
          {
            debit: fundAccount('employee-pool', '220100'),
            credit: incomeAccount('employee-pool', '220100'),
            amount: 300_000,
          },
        ]),
      );
    });
  });

  it('is refused in one step while the county owes a hospital and has open months; nothing is written', async () => {
    const merges = (await listMerges(t.db)).length;
    const before = await registrySnapshot();
    const reasons = await refusal(
      mergePools(t.db, { into: '220100', from: ['220113'], on: '2025-06-01' }, by('2025-06-01')),
    );
    expect(codes(reasons)).toEqual([
      ['220113', 'unreconciled-settlements'],
      ['220113', 'open-periods'],
    ]);
    expect(reasons[0]!.message).toContain('1200.00 yuan still owed to 1 institution(s)');
    expect(reasons[1]!.message).toBe(
      'open periods before the merge: employee-pool 2025-03…2025-05 (3 months)',
    );
    expect((await listMerges(t.db)).length).toBe(merges);
    expect(await registrySnapshot()).toEqual(before);
  });

  it('runs at once once reconciled and closed: the county fund, income and expense move to the city', async () => {
    await payPayables(t.db, ['220113'], '2025-05-31');
    await closeMonths(t.db, '2025-03', '2025-05');
    const r = await mergePools(
      t.db,
      { into: '220100', from: ['220113'], on: '2025-06-01' },
      by('2025-06-03'),
    );
    expect(r.merge).toMatchObject({ status: 'done', completedBy: 'tester' });
    // One step: the county's two pack assignments ended and replaced, P0005's enrolment continued in the city.
    expect(r.registry).toMatchObject({
      packsEnded: 2,
      packsAssigned: 2,
      enrolmentsSplit: 1,
      enrolmentsMoved: 0,
    });
    // By hand: the county's fund 5,000.00 − 1,200.00 paid = 3,800.00, income 5,000.00, expense 1,200.00; the city's
    // own fund and income 3,000.00, and P0001's visit of 2026-04-02 under the city pack: (1,000.00 − 700.00) × 75% = 225.00.
    expect(r.transfer!.books).toEqual([
      {
        book: 'employee-pool',
        journalId: r.merge.journals[0]!.journalId,
        lines: [
          {
            kind: 'fund',
            cityBefore: 300_000,
            countiesBefore: 380_000,
            transferred: 380_000,
            cityAfter: 680_000,
            countiesAfter: 0,
          },
          {
            kind: 'income',
            cityBefore: 300_000,
            countiesBefore: 500_000,
            transferred: 500_000,
            cityAfter: 800_000,
            countiesAfter: 0,
          },
          {
            kind: 'expense',
            cityBefore: 22_500,
            countiesBefore: 120_000,
            transferred: 120_000,
            cityAfter: 142_500,
            countiesAfter: 0,
          },
          {
            kind: 'payable',
            cityBefore: 22_500,
            countiesBefore: 0,
            transferred: 0,
            cityAfter: 22_500,
            countiesAfter: 0,
          },
        ],
      },
    ]);
    expect(
      await t.db.query(`SELECT code FROM account WHERE area_code = '220113' AND debits <> credits`),
    ).toEqual([]);
    expect((await checkLedger(t.db)).problems).toEqual([]);
    const [e] = await t.db.query(
      `SELECT area_code, begin_date FROM enrolment WHERE psn_no = 'P0005' ORDER BY begin_date DESC LIMIT 1`,
    );
    expect(e).toEqual({ area_code: '220100', begin_date: '2025-06-01' });
  });
});

describe('two copies of the same merge at once', () => {
  it('schedule one merge', async () => {
    const request = { into: '220100', from: ['220122'], on: '2026-09-01' };
    const db2 = await t.reopen(2);
    try {
      const [a, b] = await Promise.all([
        mergePools(t.db, request, by('2026-01-01')),
        mergePools(db2, request, by('2026-01-01')),
      ]);
      expect(a.merge.id).toBe(b.merge.id);
      expect([a.replay, b.replay].sort()).toEqual([false, true]);
      const n = await t.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pool_merge_area WHERE area_code = '220122'`,
      );
      expect(n[0]!.n).toBe(1);
    } finally {
      if (db2 !== t.db) await db2.close();
    }
  });
});
