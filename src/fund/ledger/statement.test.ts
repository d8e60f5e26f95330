import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from '../../db/index.js';
import { openTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { expenseAccount, fundAccount, payableAccount, personalAccount } from './accounts.js';
import { checkLedger } from './check.js';
import { journalError, journalWriteCtes } from './statement.js';
import * as repo from './repository.js';
import { postJournal, type JournalInput } from './service.js';

const AREA = '350100';

/** Post a journal as a statement of its own made of its CTEs, as a settlement's write does with its own. */
async function post(db: Sql, input: JournalInput): Promise<void> {
  const ctes = journalWriteCtes(input, 1, 'true');
  await db.query(`WITH ${ctes.text} SELECT 1`, ctes.params).catch((e: unknown) => {
    throw journalError(input)(e);
  });
}

describe("a journal written as CTEs of its caller's statement", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(4);
    await t.db.exec(`INSERT INTO pooling_area (code, name, level) VALUES ('350000', '福建省', 'province');
      INSERT INTO pooling_area (code, name, level, parent_code) VALUES ('${AREA}', '福州市', 'city', '350000')`);
    await t.db.transaction((tx) =>
      postJournal(tx, {
        key: 'credit',
        kind: 'account-credit',
        date: '2025-03-01',
        transfers: [
          {
            debit: fundAccount('personal-account', AREA),
            credit: personalAccount('P1', AREA),
            amount: 80_00,
          },
        ],
      }),
    );
  }, 60_000); // PGlite's start and migrations are slow on a busy machine
  afterAll(() => t.drop());

  const settlement = (key: string, date: string, pool: number, account: number): JournalInput => ({
    key,
    kind: 'settlement',
    date,
    transfers: [
      {
        debit: expenseAccount('employee-pool', AREA, 'H1'),
        credit: payableAccount('employee-pool', AREA, 'H1'),
        amount: pool,
      },
      {
        debit: personalAccount('P1', AREA),
        credit: payableAccount('personal-account', AREA, 'H1'),
        amount: account,
      },
    ],
  });
  const totals = async () =>
    t.db.query<{ code: string; debits: number; credits: number }>(
      'SELECT code, debits, credits FROM account ORDER BY book, code',
    );
  const journals = async () => (await t.db.query('SELECT id FROM journal')).length;

  it('opens the accounts on first use, posts the journal and moves every running total', async () => {
    await post(t.db, settlement('s-1', '2025-03-05', 120_00, 30_00));
    const [journal] = await t.db.query<{ id: number }>(`SELECT id FROM journal WHERE idem_key = 's-1'`);
    const postings = await t.db.query('SELECT seq, amount FROM posting WHERE journal_id = $1 ORDER BY seq', [
      journal!.id,
    ]);
    expect(postings).toEqual([
      { seq: 0, amount: 120_00 },
      { seq: 1, amount: 30_00 },
    ]);
    expect(await totals()).toEqual(
      expect.arrayContaining([
        { code: `expense:${AREA}:H1`, debits: 120_00, credits: 0 },
        { code: `payable:${AREA}:H1`, debits: 0, credits: 120_00 },
        { code: 'personal:P1', debits: 30_00, credits: 80_00 },
      ]),
    );
    expect((await checkLedger(t.db)).problems).toEqual([]);
  });

  it('refuses an overdraft of the personal account, writing nothing', async () => {
    const before = [await totals(), await journals()];
    await expect(post(t.db, settlement('s-2', '2025-03-06', 10_00, 50_01))).rejects.toMatchObject({
      code: 'INSUFFICIENT_BALANCE',
    });
    expect([await totals(), await journals()]).toEqual(before);
  });

  it('refuses a month closed in any book it touches, writing nothing', async () => {
    await t.db.transaction((tx) => repo.closePeriod(tx, 'personal-account', '2025-02'));
    const before = [await totals(), await journals()];
    await expect(post(t.db, settlement('s-3', '2025-02-20', 10_00, 1_00))).rejects.toMatchObject({
      code: 'PERIOD_CLOSED',
      message: expect.stringContaining('2025-02'),
    });
    expect([await totals(), await journals()]).toEqual(before);
  });

  it('refuses a bad transfer before anything is sent', async () => {
    const bad = settlement('s-4', '2025-03-07', 0, 1_00);
    expect(() => journalWriteCtes(bad, 1, 'true')).toThrow(/positive/);
  });
});
