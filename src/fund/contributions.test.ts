import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { shippedPacks } from '../policy/load.js';
import { assignPack, storePack } from '../registry/packs.js';
import {
  recordEmployeeContribution,
  recordResidentContribution,
  recordRetireeCredit,
  type RecordedContribution,
} from './contributions.js';
import { fundAccount, incomeAccount } from './ledger/accounts.js';
import { checkLedger } from './ledger/check.js';
import { closePeriod } from './ledger/repository.js';
import { postJournal } from './ledger/service.js';

const AREA = '331000'; // 台州市

/** The registry rows the tests need, written as plain SQL (the registry write service is not ours). */
const SEED = `
  INSERT INTO pooling_area (code, name, level) VALUES ('330000', '浙江省', 'province');
  INSERT INTO pooling_area (code, name, level, parent_code) VALUES ('${AREA}', '台州市', 'city', '330000');
  INSERT INTO employer (emp_no, name, area_code) VALUES ('E001', '台州测试有限公司', '${AREA}');
  INSERT INTO person (psn_no, certno, name, gender, birthday, area_code) VALUES
    ('P-ACT', '331002198501010011', '在职甲', '1', '1985-01-01', '${AREA}'),
    ('P-RET', '331002195501010012', '退休乙', '2', '1955-01-01', '${AREA}'),
    ('P-RES', '331002199001010013', '居民丙', '1', '1990-01-01', '${AREA}'),
    ('P-END', '331002198001010014', '离职丁', '2', '1980-01-01', '${AREA}'),
    ('P-OLD', '331002197501010015', '老职工戊', '1', '1975-01-01', '${AREA}');
  INSERT INTO enrolment (psn_no, scheme, begin_date, end_date, status, person_type, area_code, emp_no) VALUES
    ('P-ACT', '310', '2019-01-01', NULL, 'active', 'active', '${AREA}', 'E001'),
    ('P-RET', '310', '2019-01-01', NULL, 'active', 'retired', '${AREA}', NULL),
    ('P-RES', '390', '2019-01-01', NULL, 'active', 'resident', '${AREA}', NULL),
    ('P-END', '310', '2018-01-01', '2019-01-31', 'ended', 'active', '${AREA}', 'E001'),
    ('P-OLD', '310', '2018-01-01', NULL, 'active', 'active', '${AREA}', 'E001');
`;

describe('contributions', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(4);
    await t.db.exec(SEED);
    const text = readFileSync(shippedPacks().get('taizhou-2019')!, 'utf8');
    const pack = await storePack(t.db, text, 'taizhou-2019');
    for (const scheme of ['310', '390'] as const)
      await assignPack(t.db, { area: AREA, scheme, beginDate: '2019-01-01', packHash: pack.hash });
  }, 60_000); // an embedded database starts slowly on a busy machine
  afterAll(() => t.drop());

  const employee = (over: Record<string, unknown> = {}) =>
    recordEmployeeContribution(t.db, {
      key: 'emp-1',
      psnNo: 'P-ACT',
      period: '2019-03',
      baseFen: 600000,
      date: '2019-03-15',
      ...over,
    } as never);
  const retiree = (over: Record<string, unknown> = {}) =>
    recordRetireeCredit(t.db, {
      key: 'ret-1',
      psnNo: 'P-RET',
      period: '2019-03',
      provincialAverageMonthlyWageFen: 500000,
      date: '2019-03-20',
      ...over,
    } as never);
  const resident = (over: Record<string, unknown> = {}) =>
    recordResidentContribution(t.db, {
      key: 'res-1',
      psnNo: 'P-RES',
      year: 2019,
      // Test figures: the Taizhou source states no resident amounts, so the caller gives them.
      individualFen: 25000,
      subsidyFen: 51000,
      date: '2018-11-20',
      ...over,
    } as never);

  const balance = async (book: string, code: string) => {
    const [row] = await t.db.query<{ debits: number; credits: number }>(
      'SELECT debits, credits FROM account WHERE book = $1 AND code = $2',
      [book, code],
    );
    return row ?? { debits: 0, credits: 0 };
  };
  const counts = () =>
    t.db.query(`SELECT (SELECT count(*) FROM contribution)::bigint AS contributions,
      (SELECT count(*) FROM journal)::bigint AS journals, (SELECT count(*) FROM posting)::bigint AS postings,
      (SELECT count(*) FROM idempotency)::bigint AS keys, (SELECT sum(debits) FROM account)::bigint AS moved`);
  /** The call is refused with the code and path, and nothing at all is written. */
  const refused = async (call: () => Promise<RecordedContribution>, code: string, path?: string) => {
    const before = await counts();
    await expect(call()).rejects.toMatchObject(path === undefined ? { code } : { code, path });
    expect(await counts()).toEqual(before);
  };

  let first: RecordedContribution;

  it('records an active employee’s month: pool income and account credit split at collection', async () => {
    first = await employee();
    expect(first).toMatchObject({
      ...{ kind: 'employee-monthly', period: '2019-03', scheme: '310', areaCode: AREA, empNo: 'E001' },
      ...{ baseFen: 600000, employerFen: 42000, employeeFen: 6000, poolFen: 37200, accountFen: 10800 },
      replay: false,
    });
    expect(first.pack).toMatch(/^taizhou-2019@2019\.1#/);
    expect(await balance('employee-pool', `fund:${AREA}`)).toEqual({ debits: 37200, credits: 0 });
    expect(await balance('employee-pool', `income:${AREA}`)).toEqual({ debits: 0, credits: 37200 });
    expect(await balance('personal-account', `fund:${AREA}`)).toEqual({ debits: 10800, credits: 0 });
    expect(await balance('personal-account', 'personal:P-ACT')).toEqual({ debits: 0, credits: 10800 });
    const [row] = await t.db.query(
      `SELECT idem_key, journal_id, employer_fen, employee_fen, pool_fen, account_fen FROM contribution
       WHERE psn_no = 'P-ACT' AND kind = 'employee-monthly' AND period = '2019-03'`,
    );
    expect(row).toEqual({
      ...{ idem_key: 'emp-1', journal_id: first.journalId },
      ...{ employer_fen: 42000, employee_fen: 6000, pool_fen: 37200, account_fen: 10800 },
    });
  });

  it('answers a repeated key with the same input with the first result, writing nothing', async () => {
    const before = await counts();
    const again = await recordEmployeeContribution(t.db, {
      date: '2019-03-15',
      baseFen: 600000,
      period: '2019-03',
      psnNo: 'P-ACT',
      key: 'emp-1',
    });
    expect(again).toEqual({ ...first, replay: true });
    expect(await counts()).toEqual(before);
  });

  it('refuses a repeated key with another input, or for another kind', async () => {
    await refused(() => employee({ baseFen: 600001 }), 'IDEMPOTENCY_CONFLICT', 'key');
    await refused(() => retiree({ key: 'emp-1' }), 'IDEMPOTENCY_CONFLICT', 'key');
    // A key some other journal took in the ledger is refused too.
    const other = {
      debit: fundAccount('maternity', AREA),
      credit: incomeAccount('maternity', AREA),
      amount: 1,
    };
    await t.db.transaction((tx) =>
      postJournal(tx, { key: 'taken', kind: 'test', date: '2019-03-01', transfers: [other] }),
    );
    await refused(() => employee({ key: 'taken', period: '2019-07' }), 'IDEMPOTENCY_CONFLICT', 'key');
  });

  it('refuses a second contribution for the same person, kind and period', async () => {
    await refused(() => employee({ key: 'emp-1-bis', baseFen: 700000 }), 'ALREADY_EXISTS', 'period');
  });

  it('credits a retiree from the pool through clearing accounts, in one journal', async () => {
    const r = await retiree();
    expect(r).toMatchObject({ kind: 'retiree-account', baseFen: 500000, accountFen: 9000, poolFen: 0 });
    // The pool's fund pays 90.00 (1.8% of 5,000.00) as its expenditure; both clearings net to zero.
    expect(await balance('employee-pool', `fund:${AREA}`)).toEqual({ debits: 37200, credits: 9000 });
    expect(await balance('employee-pool', `expense:${AREA}:personal-accounts`)).toEqual({
      debits: 9000,
      credits: 0,
    });
    expect(await balance('employee-pool', `clearing:${AREA}`)).toEqual({ debits: 9000, credits: 9000 });
    expect(await balance('personal-account', `clearing:${AREA}`)).toEqual({ debits: 9000, credits: 9000 });
    expect(await balance('personal-account', `fund:${AREA}`)).toEqual({ debits: 19800, credits: 0 });
    expect(await balance('personal-account', 'personal:P-RET')).toEqual({ debits: 0, credits: 9000 });
    const postings = await t.db.query('SELECT book FROM posting WHERE journal_id = $1 ORDER BY seq', [
      r.journalId,
    ]);
    expect(postings.map((p) => p.book)).toEqual([
      'employee-pool',
      'employee-pool',
      'personal-account',
      'personal-account',
    ]);
  });

  it('refuses a resident contribution whose amounts neither the pack nor the caller gives', async () => {
    const gap = (path: string) => `contributions.resident.${path}`;
    await refused(
      () => resident({ individualFen: undefined, subsidyFen: undefined }),
      'POLICY_GAP',
      gap('individualAmount'),
    );
    await refused(() => resident({ subsidyFen: undefined }), 'POLICY_GAP', gap('fiscalSubsidyAmount'));
    await refused(() => resident({ individualFen: 0, subsidyFen: 0 }), 'INVALID_INPUT', 'individualFen');
  });

  it('records a resident’s year: individual share and subsidy as resident-pool income', async () => {
    const r = await resident();
    expect(r).toMatchObject({ kind: 'resident-annual', period: '2019', scheme: '390', baseFen: null });
    expect(r).toMatchObject({ employeeFen: 25000, subsidyFen: 51000, poolFen: 76000, accountFen: 0 });
    expect(await balance('resident-pool', `fund:${AREA}`)).toEqual({ debits: 76000, credits: 0 });
    expect(await balance('resident-pool', `income:${AREA}`)).toEqual({ debits: 0, credits: 76000 });
    const amounts = await t.db.query('SELECT amount FROM posting WHERE journal_id = $1 ORDER BY seq', [
      r.journalId,
    ]);
    expect(amounts).toEqual([{ amount: 25000 }, { amount: 51000 }]);
  });

  it('refuses a closed month; the refused key stays free, and arrears book in an open month', async () => {
    await closePeriod(t.db, 'employee-pool', '2019-04');
    const april = { key: 'emp-apr', period: '2019-04', date: '2019-04-10' };
    await refused(() => employee(april), 'PERIOD_CLOSED', 'date');
    await refused(() => retiree({ ...april, key: 'ret-apr' }), 'PERIOD_CLOSED', 'date');
    const late = await employee({ ...april, date: '2019-05-06' });
    expect(late).toMatchObject({ period: '2019-04', date: '2019-05-06', poolFen: 37200, replay: false });
  });

  it('records once under concurrent copies and a concurrent rival for the same month', async () => {
    const copy = () => employee({ key: 'old-may', psnNo: 'P-OLD', period: '2019-05', date: '2019-05-20' });
    const rival = () => employee({ key: 'old-may-2', psnNo: 'P-OLD', period: '2019-05', date: '2019-05-20' });
    const outcomes = await Promise.allSettled([copy(), rival(), copy(), copy()]);
    const done = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    const failed = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as { code: string }] : []));
    expect(new Set(done.map((d) => d.journalId)).size).toBe(1);
    expect(done.filter((d) => !d.replay)).toHaveLength(1);
    // Either the rival lost (ALREADY_EXISTS) or it won and every copy of the other key lost.
    expect(failed.map((f) => f.code).every((c) => c === 'ALREADY_EXISTS')).toBe(true);
    expect(done.length + failed.length).toBe(4);
    const rows = await t.db.query(`SELECT 1 FROM contribution WHERE psn_no = 'P-OLD' AND period = '2019-05'`);
    expect(rows).toHaveLength(1);
  });

  it('refuses a person who is unknown, not enrolled, or enrolled as another type', async () => {
    await refused(() => employee({ key: 'k-none', psnNo: 'P-NONE' }), 'NOT_FOUND', 'psnNo');
    await refused(() => employee({ key: 'k-end', psnNo: 'P-END' }), 'ENROLMENT_NOT_ACTIVE', 'psnNo');
    await refused(() => employee({ key: 'k-ret', psnNo: 'P-RET' }), 'ENROLMENT_NOT_ACTIVE', 'psnNo');
    await refused(() => retiree({ key: 'k-act', psnNo: 'P-ACT' }), 'ENROLMENT_NOT_ACTIVE', 'psnNo');
    await refused(() => resident({ key: 'k-res', psnNo: 'P-ACT' }), 'ENROLMENT_NOT_ACTIVE', 'psnNo');
    // Enrolled since 2018, but no pack governs the area before 2019.
    await refused(() => employee({ key: 'k-2018', psnNo: 'P-OLD', period: '2018-06' }), 'POLICY_GAP');
  });

  it.each([
    ['baseFen', -1],
    ['baseFen', 0],
    ['baseFen', 1.5],
    ['baseFen', '6000'],
    ['baseFen', Number.NaN],
    ['baseFen', 1e11],
    ['period', '2019-13'],
    ['period', '2019-3'],
    ['date', '2019-02-30'],
    ['key', ''],
    ['psnNo', '  '],
    ['averageMonthlyWageFen', -100],
    ['surprise', 1],
  ])('refuses an employee contribution with %s = %j, writing nothing', async (field, value) => {
    await refused(() => employee({ key: 'bad', [field]: value }), 'INVALID_INPUT', field);
  });

  it('refuses bad amounts of a retiree and a resident, and a base too small to post', async () => {
    const wage = 'provincialAverageMonthlyWageFen';
    await refused(() => retiree({ key: 'bad', [wage]: 12.5 }), 'INVALID_INPUT', wage);
    await refused(() => retiree({ key: 'bad', [wage]: 10 }), 'INVALID_INPUT', wage); // 0.18 fen → 0
    await refused(() => resident({ key: 'bad', individualFen: -1 }), 'INVALID_INPUT', 'individualFen');
    await refused(() => resident({ key: 'bad', year: 19 }), 'INVALID_INPUT', 'year');
    await refused(() => employee({ key: 'bad', period: '2019-06', baseFen: 1 }), 'INVALID_INPUT', 'baseFen');
  });

  it('leaves a ledger that passes every check', async () => {
    const report = await checkLedger(t.db);
    expect(report.problems).toEqual([]);
    for (const b of report.books) expect(b.debits).toBe(b.credits);
    const clearing = await t.db.query(`SELECT debits - credits AS net FROM account WHERE kind = 'clearing'`);
    expect(clearing.every((c) => c.net === 0)).toBe(true);
  });
});
