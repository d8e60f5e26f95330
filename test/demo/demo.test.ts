import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidCertno } from '../../src/domain/idcard.js';
import { checkLedger } from '../../src/fund/ledger/check.js';
import { AREA_CODES, CATALOGUE, CITY, PROVINCE } from '../../src/demo/city.js';
import { DemoCityExists, runDemo, type DemoResult } from '../../src/demo/run.js';
import type { BookLine } from '../../src/demo/summary.js';
import { openTestDatabase, type TestDatabase } from '../support/db.js';

/**
 * The demo, in-process, on a test database (PGlite, or PostgreSQL with TEST_DATABASE_URL), small:
 * 200 persons and 5 days of care. Its summary comes from the ledger; here it is checked against
 * sums taken straight from the settlement and contribution tables.
 */

const OPTIONS = { persons: 200, days: 5, seed: 7 };

let t: TestDatabase;
let result: DemoResult;

beforeAll(async () => {
  t = await openTestDatabase();
  result = await runDemo(t.db, OPTIONS);
}, 300_000);

afterAll(async () => {
  await t?.drop();
});

const count = async (sql: string, params: unknown[] = []) =>
  (await t.db.query<{ n: number }>(sql, params))[0]!.n;

/** Per area sums from the tables, in fen: a settlement counts unless it was reversed. */
async function sumsByArea(sql: string): Promise<Map<string, number>> {
  const rows = await t.db.query<{ area: string; fen: number }>(sql);
  return new Map(rows.map((r) => [r.area, r.fen]));
}

const LIVE = `FROM settlement s WHERE NOT EXISTS (SELECT 1 FROM settlement_reversal r
  WHERE r.psn_no = s.psn_no AND r.setl_id = s.setl_id)`;

async function expectedBooks(): Promise<
  Record<string, { income: Map<string, number>; expenditure: Map<string, number>[] }>
> {
  const contribution = (field: string, kinds: string) =>
    sumsByArea(`SELECT area_code AS area, sum(${field})::bigint AS fen FROM contribution
                WHERE kind IN (${kinds}) GROUP BY 1`);
  const paid = (field: string, scheme: string | null) =>
    sumsByArea(`SELECT s.insured_area AS area, sum(${field})::bigint AS fen ${LIVE}
                ${scheme ? `AND s.scheme = '${scheme}'` : ''} GROUP BY 1`);
  return {
    'employee-pool': {
      income: await contribution('pool_fen', `'employee-monthly'`),
      expenditure: [await paid('hifp_pay', '310'), await contribution('account_fen', `'retiree-account'`)],
    },
    'personal-account': {
      income: await contribution('account_fen', `'employee-monthly', 'retiree-account'`),
      expenditure: [await paid('acct_pay', null)],
    },
    'resident-pool': {
      income: await contribution('pool_fen', `'resident-annual'`),
      expenditure: [await paid('hifp_pay', '390')],
    },
  };
}

describe('tongchou demo', () => {
  it('builds the city pool: the province, the city (市本级) and its six counties', async () => {
    const areas = await t.db.query<{ code: string; level: string; parent: string | null }>(
      `SELECT code, level, parent_code AS parent FROM pooling_area ORDER BY code`,
    );
    expect(areas).toContainEqual({ code: PROVINCE.code, level: 'province', parent: null });
    expect(areas).toContainEqual({ code: CITY.code, level: 'city', parent: PROVINCE.code });
    const counties = areas.filter((a) => a.level === 'county');
    expect(counties.map((a) => a.code).sort()).toEqual(AREA_CODES.filter((c) => c !== CITY.code).sort());
    expect(counties.every((a) => a.parent === CITY.code)).toBe(true);
    const packs = await t.db.query<{ n: number }>(
      `SELECT count(DISTINCT pack_hash)::bigint AS n FROM area_pack WHERE area_code = ANY($1::text[])`,
      [AREA_CODES],
    );
    expect(packs[0]!.n).toBe(1);
    expect(await count(`SELECT count(*)::bigint AS n FROM area_pack`)).toBe(AREA_CODES.length * 2);
  });

  it('enrols the persons with valid ID numbers, and has institutions of every level in every area', async () => {
    const persons = await t.db.query<{ certno: string }>('SELECT certno FROM person');
    expect(persons).toHaveLength(OPTIONS.persons);
    expect(persons.every((p) => isValidCertno(p.certno))).toBe(true);
    expect(await count('SELECT count(*)::bigint AS n FROM enrolment')).toBe(OPTIONS.persons);
    const cells = await t.db.query<{ area: string; level: string }>(
      `SELECT DISTINCT area_code AS area, level FROM institution WHERE agreement_status = 'active'`,
    );
    expect(cells).toHaveLength(AREA_CODES.length * 4);
    expect(result.persons.total).toBe(OPTIONS.persons);
  });

  it('imports the catalogue as one version, classes, self-pay shares and price caps as given', async () => {
    const items = await t.db.query<{ code: string; class: string; selfpay: number; cap: number | null }>(
      `SELECT code, class, selfpay_bp AS selfpay, price_cap_fen AS cap FROM catalogue_item ORDER BY code`,
    );
    const want = CATALOGUE.map((i) => ({
      code: i.code,
      class: i.class,
      selfpay: i.selfpayBp,
      cap: i.priceCapFen,
    }));
    expect(items).toEqual(want.sort((a, b) => (a.code < b.code ? -1 : 1)));
    expect(await count('SELECT count(*)::bigint AS n FROM catalogue_version')).toBe(1);
  });

  it('writes contributions and settlements, reverses some, and refuses only with POLICY_GAP', async () => {
    expect(
      await count(`SELECT count(*)::bigint AS n FROM contribution WHERE kind = 'employee-monthly'`),
    ).toBeGreaterThan(0);
    expect(
      await count(`SELECT count(*)::bigint AS n FROM contribution WHERE kind = 'retiree-account'`),
    ).toBeGreaterThan(0);
    expect(await count('SELECT count(*)::bigint AS n FROM settlement')).toBeGreaterThan(0);
    expect(await count('SELECT count(*)::bigint AS n FROM settlement_reversal')).toBeGreaterThan(0);
    const { contributionTally: c, careTally: s } = result.summary;
    const others = (refused: Record<string, number>) =>
      Object.keys(refused).filter((k) => k !== 'POLICY_GAP');
    expect(others(c.refused)).toEqual([]);
    expect(others(s.refused)).toEqual([]);
    // Residents' contributions are refused: the demo pack states no resident amounts.
    expect(c.refused.POLICY_GAP).toBe(result.persons.byType.resident! + (result.persons.byType.minor ?? 0));
    expect(c.written['resident-annual']).toBeUndefined();
    const settled = result.summary.settlements.reduce((n, r) => n + r.settled, 0);
    expect(settled).toBe(s.written.settlement);
  });

  it('leaves a ledger in which every invariant holds', async () => {
    expect(result.summary.ledger.problems).toEqual([]);
    expect((await checkLedger(t.db)).problems).toEqual([]);
  });

  it('sums each book per area exactly as the settlement and contribution tables do', async () => {
    const expected = await expectedBooks();
    for (const book of Object.keys(expected)) {
      const summary = result.summary.books.find((b) => b.book === book)!;
      const want = expected[book]!;
      const line = (area: string): Omit<BookLine, 'balance'> => ({
        area,
        income: want.income.get(area) ?? 0,
        expenditure: want.expenditure.reduce((s, m) => s + (m.get(area) ?? 0), 0),
      });
      for (const got of summary.areas) {
        expect({ area: got.area, income: got.income, expenditure: got.expenditure }, book).toEqual(
          line(got.area),
        );
        expect(got.balance).toBe(got.income - got.expenditure);
      }
      const total = summary.areas.reduce((s, l) => s + l.balance, 0);
      expect(summary.total.balance, book).toBe(total);
    }
  });

  it('refuses a second run on the same database and writes nothing', async () => {
    const journals = await count('SELECT count(*)::bigint AS n FROM journal');
    await expect(runDemo(t.db, OPTIONS)).rejects.toBeInstanceOf(DemoCityExists);
    expect(await count('SELECT count(*)::bigint AS n FROM journal')).toBe(journals);
  });
});

describe('tongchou demo with the same seed', () => {
  it('gives the same books on a fresh database', async () => {
    const again = await openTestDatabase();
    try {
      const second = await runDemo(again.db, OPTIONS);
      expect(second.summary.books).toEqual(result.summary.books);
      expect(second.summary.settlements).toEqual(result.summary.settlements);
      expect(second.summary.careTally).toEqual(result.summary.careTally);
    } finally {
      await again.drop();
    }
  }, 300_000);
});
