import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceError } from '../../src/common/service-error.js';
import {
  areaBudgetHistory,
  institutionBudgetHistory,
  setAreaBudget,
  setInstitutionBudget,
} from '../../src/fund/budget/service.js';
import { openTestDatabase, type TestDatabase } from '../support/db.js';
import { seedWorld, WORLD } from '../support/world.js';

/**
 * Setting budgets against the database: every change is a new version with who and when, the
 * history is kept, a retry under the same key changes nothing, and a refusal writes nothing.
 */

let t: TestDatabase;

beforeAll(async () => {
  t = await openTestDatabase();
  await seedWorld(t.db);
}, 120_000);

afterAll(async () => {
  await t?.drop();
});

const city = { book: 'employee-pool', areaCode: WORLD.city, year: 2025 };

async function counts() {
  const [row] = await t.db.query<{ area: number; inst: number; keys: number }>(
    `SELECT (SELECT count(*) FROM fund_budget)::bigint AS area, (SELECT count(*) FROM institution_budget)::bigint AS inst,
            (SELECT count(*) FROM idempotency)::bigint AS keys`,
  );
  return row!;
}

async function refusal(p: Promise<unknown>): Promise<ServiceError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ServiceError);
  return e as ServiceError;
}

describe('setAreaBudget', () => {
  it('adds a version per change, keeping who set each and when', async () => {
    const v1 = await setAreaBudget(t.db, {
      ...city,
      key: 'b1',
      incomeFen: 170_000_000,
      expenditureFen: 140_000_000,
      setBy: 'alice',
      note: 'draft',
    });
    expect(v1).toMatchObject({ version: 1, changed: true, replay: false, setBy: 'alice', note: 'draft' });
    expect(v1.setAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    const v2 = await setAreaBudget(t.db, {
      ...city,
      key: 'b2',
      incomeFen: 180_000_000,
      expenditureFen: 150_000_000,
      setBy: 'bob',
    });
    expect(v2).toMatchObject({ version: 2, changed: true, incomeFen: 180_000_000, setBy: 'bob', note: null });
    const history = await areaBudgetHistory(t.db, city);
    expect(history.map((h) => [h.version, h.incomeFen, h.expenditureFen, h.setBy])).toEqual([
      [1, 170_000_000, 140_000_000, 'alice'],
      [2, 180_000_000, 150_000_000, 'bob'],
    ]);
  });

  it('adds nothing when the figures equal the current version', async () => {
    const before = await counts();
    const same = await setAreaBudget(t.db, {
      ...city,
      key: 'b3',
      incomeFen: 180_000_000,
      expenditureFen: 150_000_000,
      setBy: 'carol',
    });
    expect(same).toMatchObject({ version: 2, changed: false, setBy: 'bob' });
    expect((await counts()).area).toBe(before.area);
  });

  it('replays a retry under the same key and refuses the key for another input', async () => {
    const input = { ...city, key: 'b2', incomeFen: 180_000_000, expenditureFen: 150_000_000, setBy: 'bob' };
    const before = await counts();
    expect(await setAreaBudget(t.db, input)).toMatchObject({ version: 2, changed: true, replay: true });
    const e = await refusal(setAreaBudget(t.db, { ...input, incomeFen: 1 }));
    expect(e.code).toBe('IDEMPOTENCY_CONFLICT');
    expect(await counts()).toEqual(before);
  });

  it.each([
    [{ book: 'nonsense' }, 'INVALID_INPUT', 'book'],
    [{ book: 'personal-account' }, 'INVALID_INPUT', 'book'],
    [{ areaCode: '999999' }, 'NOT_FOUND', 'areaCode'],
    [{ areaCode: '3504' }, 'INVALID_INPUT', 'areaCode'],
    [{ incomeFen: -1 }, 'INVALID_INPUT', 'incomeFen'],
    [{ expenditureFen: 1.5 }, 'INVALID_INPUT', 'expenditureFen'],
    [{ expenditureFen: 100_000_000_000_001 }, 'INVALID_INPUT', 'expenditureFen'],
    [{ year: 1800 }, 'INVALID_INPUT', 'year'],
    [{ setBy: ' ' }, 'INVALID_INPUT', 'setBy'],
    [{ key: '' }, 'INVALID_INPUT', 'key'],
  ])('refuses %j and writes nothing', async (over, code, path) => {
    const before = await counts();
    const input = {
      ...city,
      key: `bad-${JSON.stringify(over)}`,
      incomeFen: 1,
      expenditureFen: 1,
      setBy: 'x',
      ...over,
    };
    const e = await refusal(setAreaBudget(t.db, input));
    expect([e.code, e.path]).toEqual([code, path]);
    expect(await counts()).toEqual(before);
  });

  it('keeps budget rows append-only', async () => {
    await expect(t.db.query(`UPDATE fund_budget SET income_fen = 0`)).rejects.toThrow(/append-only/);
    await expect(t.db.query(`DELETE FROM fund_budget`)).rejects.toThrow(/append-only/);
  });
});

describe('setInstitutionBudget', () => {
  const h = { institutionCode: WORLD.hospital, book: 'employee-pool', year: 2025 };

  it('stores the warning shares, and keeps them when a later version omits them', async () => {
    const v1 = await setInstitutionBudget(t.db, {
      ...h,
      key: 'i1',
      amountFen: 100_000_000,
      warnSharesBp: [8_000, 9_000, 10_000],
      setBy: 'alice',
    });
    expect(v1).toMatchObject({ version: 1, changed: true, warnSharesBp: [8_000, 9_000, 10_000] });
    const v2 = await setInstitutionBudget(t.db, { ...h, key: 'i2', amountFen: 97_500_000, setBy: 'bob' });
    expect(v2).toMatchObject({ version: 2, amountFen: 97_500_000, warnSharesBp: [8_000, 9_000, 10_000] });
    const v3 = await setInstitutionBudget(t.db, {
      ...h,
      key: 'i3',
      amountFen: 97_500_000,
      warnSharesBp: [],
      setBy: 'bob',
    });
    expect(v3).toMatchObject({ version: 3, warnSharesBp: [] });
    const same = await setInstitutionBudget(t.db, { ...h, key: 'i4', amountFen: 97_500_000, setBy: 'eve' });
    expect(same).toMatchObject({ version: 3, changed: false });
    const history = await institutionBudgetHistory(t.db, h);
    expect(history.map((v) => [v.version, v.amountFen, v.warnSharesBp])).toEqual([
      [1, 100_000_000, [8_000, 9_000, 10_000]],
      [2, 97_500_000, [8_000, 9_000, 10_000]],
      [3, 97_500_000, []],
    ]);
  });

  it.each([
    [{ institutionCode: 'NOPE' }, 'NOT_FOUND', 'institutionCode'],
    [{ amountFen: 0 }, 'INVALID_INPUT', 'amountFen'],
    [{ warnSharesBp: [9_000, 8_000] }, 'INVALID_INPUT', 'warnSharesBp'],
    [{ warnSharesBp: [8_000, 8_000] }, 'INVALID_INPUT', 'warnSharesBp'],
    [{ warnSharesBp: [0] }, 'INVALID_INPUT', 'warnSharesBp[0]'],
    [{ warnSharesBp: [100_001] }, 'INVALID_INPUT', 'warnSharesBp[0]'],
    [{ book: 'personal-account' }, 'INVALID_INPUT', 'book'],
  ])('refuses %j and writes nothing', async (over, code, path) => {
    const before = await counts();
    const input = { ...h, key: `ibad-${JSON.stringify(over)}`, amountFen: 1, setBy: 'x', ...over };
    const e = await refusal(setInstitutionBudget(t.db, input));
    expect([e.code, e.path]).toEqual([code, path]);
    expect(await counts()).toEqual(before);
  });

  it('refuses changing a stored row', async () => {
    await expect(t.db.query(`UPDATE institution_budget SET amount_fen = 1`)).rejects.toThrow(/append-only/);
  });
});
