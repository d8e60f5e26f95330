import type { Database, Sql } from '../../src/db/index.js';
import type { Scheme } from '../../src/domain/policy/dimensions.js';
import {
  expenseAccount,
  fundAccount,
  incomeAccount,
  payableAccount,
  poolBook,
} from '../../src/fund/ledger/accounts.js';
import { checkLedger } from '../../src/fund/ledger/check.js';
import { postJournal } from '../../src/fund/ledger/service.js';
import { assignPack, storePack } from '../../src/registry/packs.js';

/** Shared seeding for the adjustment service's integration tests: areas, packs, ledger lines. */

export interface Area {
  code: string;
  name: string;
  level: 'province' | 'city' | 'county';
  parent?: string;
}

export async function createAreas(db: Database, areas: Area[]): Promise<void> {
  for (const a of areas) {
    await db.query('INSERT INTO pooling_area (code, name, level, parent_code) VALUES ($1, $2, $3, $4)', [
      a.code,
      a.name,
      a.level,
      a.parent ?? null,
    ]);
  }
}

/** Store a pack's YAML text and let it govern the province's scheme from its validFrom. */
export async function assignProvincialPack(db: Database, text: string, province: string, scheme: Scheme) {
  return db.transaction(async (tx) => {
    const pack = await storePack(tx, text, 'fixture');
    await assignPack(tx, { area: province, scheme, beginDate: pack.validFrom, packHash: pack.hash });
    return pack;
  });
}

let seq = 0;

/** Contributions of an area in its pool book:  Dr fund:AREA  Cr income:AREA. */
export function income(tx: Sql, scheme: Scheme, area: string, amount: number, date: string) {
  const book = poolBook(scheme);
  const transfers = [{ debit: fundAccount(book, area), credit: incomeAccount(book, area), amount }];
  return postJournal(tx, { key: `seed-${++seq}`, kind: 'seed', date, transfers });
}

/** Benefits settled in an area:  Dr expense:AREA:H  Cr payable:AREA:H. */
export function expense(tx: Sql, scheme: Scheme, area: string, amount: number, date: string) {
  const book = poolBook(scheme);
  const transfers = [
    { debit: expenseAccount(book, area, 'H1'), credit: payableAccount(book, area, 'H1'), amount },
  ];
  return postJournal(tx, { key: `seed-${++seq}`, kind: 'seed', date, transfers });
}

/** The balance of an account on its normal side, or 0 when it was never opened. */
export async function balance(db: Sql, book: string, code: string): Promise<number> {
  const [row] = await db.query<{ balance: number }>(
    `SELECT CASE normal WHEN 'D' THEN debits - credits ELSE credits - debits END AS balance
     FROM account WHERE book = $1 AND code = $2`,
    [book, code],
  );
  return row?.balance ?? 0;
}

/** How many journals and adjustment runs the database holds: what a refusal must leave unchanged. */
export async function counts(db: Sql): Promise<{ journals: number; runs: number; accounts: number }> {
  const [row] = await db.query<{ journals: number; runs: number; accounts: number }>(
    `SELECT (SELECT count(*) FROM journal)::bigint AS journals, (SELECT count(*) FROM adjustment_run)::bigint AS runs,
            (SELECT count(*) FROM account)::bigint AS accounts`,
  );
  return row!;
}

/** The ledger holds every invariant (DESIGN §7). */
export async function ledgerProblems(db: Sql): Promise<string[]> {
  return (await checkLedger(db)).problems.map((p) => `${p.invariant} ${p.where}: ${p.detail}`);
}

/** The books a journal touches, and the clearing accounts it leaves with a balance (none, when every
 *  cross-book move is whole within the journal). */
export async function journalShape(db: Sql, journalId: number) {
  const books = await db.query<{ book: string }>(
    'SELECT DISTINCT book FROM posting WHERE journal_id = $1 ORDER BY book',
    [journalId],
  );
  const openClearing = await db.query<{ code: string; net: number }>(
    `SELECT a.book || '/' || a.code AS code,
            sum(CASE WHEN p.debit_account = a.id THEN p.amount ELSE -p.amount END)::bigint AS net
     FROM posting p JOIN account a ON a.id IN (p.debit_account, p.credit_account)
     WHERE p.journal_id = $1 AND a.kind = 'clearing' GROUP BY 1 HAVING sum(CASE WHEN p.debit_account = a.id THEN p.amount ELSE -p.amount END) <> 0`,
    [journalId],
  );
  return { books: books.map((b) => b.book), openClearing };
}

/*
 * The Fujian-style province of the golden test in src/domain/adjustment/fujian.test.ts: the same
 * incomes and the same weights (insured 20 : 10 : 40 : 30 is the golden 20,000 : 10,000 : 40,000 :
 * 30,000), its incomes posted to the ledger, its insured persons enrolled, its collection rates and
 * scores in the inputs file, and a fixture pack with explicit numbers.
 */

export const FUJIAN_PACK = `
id: fixture-fujian-adjustment
version: "1"
title: 调剂金测试包
region: fixture
document: "test fixture: every number below is the test's own"
poolingLevel: province
validFrom: "2019-01-01"
adjustment:
  style: fujian
  scheme: "310"
  source: "fixture: a Fujian-style adjustment fund"
  payInShareOfIncome: { source: "fixture: 15% of fund income", values: { "2019-01-01": "15%" } }
  allocationFactors:
    source: "fixture: 80% insured count, 20% collection rate"
    values:
      "2019-01-01":
        - { factor: insuredCount, weight: "80%" }
        - { factor: collectionRate, weight: "20%" }
  netPaymentCapShareOfIncome: { source: "fixture: the source's 9%", values: { "2019-01-01": "9%" } }
  netReceiptCapShareOfIncome: { source: "fixture: the source's 20%", values: { "2019-01-01": "20%" } }
  holdBackShareOfAllocation: { source: "fixture: the source's 5%", values: { "2019-01-01": "5%" } }
  redistributionAmong: { source: "fixture: the net recipients share", values: { "2019-01-01": net-recipients } }
`;

export const FUJIAN_INPUTS = {
  year: 2025,
  province: '350000',
  cities: {
    '350100': { collectionRate: '95%', assessmentScore: 95 },
    '350200': { collectionRate: '100%', assessmentScore: 85 },
    '350400': { collectionRate: 0.95, assessmentScore: '92.5' },
    '350700': { collectionRate: '90%', assessmentScore: 80 },
  },
};

const SEED_PERSONS = `
  INSERT INTO person (psn_no, certno, name, gender, birthday, area_code)
  SELECT v.a || '-' || g, v.a || lpad(g::text, 12, '0'), '参保人', '1', '1950-01-01', v.a
  FROM (VALUES ('350100', 20), ('350200', 10), ('350400', 30), ('350425', 10), ('350700', 30)) AS v(a, n),
       generate_series(1, v.n) AS g;
  INSERT INTO enrolment (psn_no, scheme, begin_date, status, person_type, area_code)
  SELECT psn_no, '310', '2020-01-01', 'active', 'retired', area_code FROM person;
  -- Not counted: enrolment ended before the year's end, suspended, or in the other scheme.
  INSERT INTO person (psn_no, certno, name, gender, birthday, area_code) VALUES
    ('X-ENDED', '350100000000000901', '离开', '1', '1950-01-01', '350100'),
    ('X-SUSP', '350100000000000902', '暂停', '1', '1950-01-01', '350100'),
    ('X-RES', '350200000000000903', '居民', '1', '1990-01-01', '350200');
  INSERT INTO enrolment (psn_no, scheme, begin_date, end_date, status, person_type, area_code) VALUES
    ('X-ENDED', '310', '2020-01-01', '2025-06-30', 'ended', 'retired', '350100'),
    ('X-SUSP', '310', '2020-01-01', NULL, 'suspended', 'retired', '350100'),
    ('X-RES', '390', '2020-01-01', NULL, 'active', 'resident', '350200');
`;

/** Fujian 350000 with four cities (and a county under 三明), the fixture pack, the 2025 ledger. */
export async function seedFujianWorld(db: Database): Promise<void> {
  await createAreas(db, [
    { code: '350000', name: '福建省', level: 'province' },
    { code: '350100', name: '福州市', level: 'city', parent: '350000' },
    { code: '350200', name: '厦门市', level: 'city', parent: '350000' },
    { code: '350400', name: '三明市', level: 'city', parent: '350000' },
    { code: '350425', name: '大田县', level: 'county', parent: '350400' },
    { code: '350700', name: '南平市', level: 'city', parent: '350000' },
  ]);
  await db.exec(SEED_PERSONS);
  await assignProvincialPack(db, FUJIAN_PACK, '350000', '310');
  await db.transaction(async (tx) => {
    await income(tx, '310', '350100', 250_000_000, '2025-06-30');
    await income(tx, '310', '350200', 500_000_000, '2025-06-30');
    await income(tx, '310', '350400', 150_000_000, '2025-06-30');
    await income(tx, '310', '350425', 50_000_000, '2025-09-30'); // the county counts for its city
    await income(tx, '310', '350700', 50_000_000, '2025-06-30');
    await income(tx, '310', '350100', 10_000_000, '2024-12-31'); // other years do not count
    await income(tx, '310', '350100', 1_000_000, '2026-01-15');
    await expense(tx, '310', '350700', 30_000_000, '2025-08-01'); // Fujian's rule uses no expenditure
  });
}
