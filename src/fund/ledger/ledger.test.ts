import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { expenseAccount, fundAccount, incomeAccount, payableAccount, personalAccount } from './accounts.js';
import { checkLedger } from './check.js';
import * as repo from './repository.js';
import { postJournal, reverseJournal, type JournalInput } from './service.js';

const AREA = '350100';

describe('ledger', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(4);
    await t.db.query(`INSERT INTO pooling_area (code, name, level) VALUES ('350000', '福建省', 'province')`);
    await t.db.query(
      `INSERT INTO pooling_area (code, name, level, parent_code) VALUES ($1, '福州市', 'city', '350000')`,
      [AREA],
    );
  });
  afterAll(() => t.drop());

  const contribution = (key: string, amount: number): JournalInput => ({
    key,
    kind: 'contribution',
    date: '2025-03-01',
    transfers: [
      { debit: fundAccount('employee-pool', AREA), credit: incomeAccount('employee-pool', AREA), amount },
    ],
  });
  const balance = async (book: string, code: string) => {
    const [row] = await t.db.query<{ debits: number; credits: number }>(
      'SELECT debits, credits FROM account WHERE book = $1 AND code = $2',
      [book, code],
    );
    return row;
  };

  it('posts a journal, moves both accounts and replays the same key without posting twice', async () => {
    const first = await t.db.transaction((tx) => postJournal(tx, contribution('c-1', 100_00)));
    const again = await t.db.transaction((tx) => postJournal(tx, contribution('c-1', 100_00)));
    expect(again).toEqual({ journalId: first.journalId, replay: true });
    expect(await balance('employee-pool', `fund:${AREA}`)).toEqual({ debits: 100_00, credits: 0 });
    expect(await balance('employee-pool', `income:${AREA}`)).toEqual({ debits: 0, credits: 100_00 });
  });

  it('refuses the same key with a different input, writing nothing', async () => {
    await expect(t.db.transaction((tx) => postJournal(tx, contribution('c-1', 1)))).rejects.toMatchObject({
      code: 'IDEMPOTENCY_CONFLICT',
    });
    expect(await balance('employee-pool', `fund:${AREA}`)).toEqual({ debits: 100_00, credits: 0 });
  });

  it('refuses a transfer across books and a non-positive amount', async () => {
    const bad = {
      ...contribution('x', 5),
      transfers: [
        {
          debit: fundAccount('resident-pool', AREA),
          credit: incomeAccount('employee-pool', AREA),
          amount: 5,
        },
      ],
    };
    await expect(t.db.transaction((tx) => postJournal(tx, bad))).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      path: 'transfers[0]',
    });
    await expect(t.db.transaction((tx) => postJournal(tx, contribution('y', 0)))).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      path: 'transfers[0].amount',
    });
  });

  it('never overdraws a personal account', async () => {
    const acct = personalAccount('P1', AREA);
    const credit = {
      key: 'a-1',
      kind: 'account-credit',
      date: '2025-03-01',
      transfers: [{ debit: fundAccount('personal-account', AREA), credit: acct, amount: 50_00 }],
    };
    await t.db.transaction((tx) => postJournal(tx, credit));
    const spend = (key: string, amount: number) => ({
      key,
      kind: 'settlement',
      date: '2025-03-02',
      transfers: [{ debit: acct, credit: payableAccount('personal-account', AREA, 'H1'), amount }],
    });
    await expect(t.db.transaction((tx) => postJournal(tx, spend('s-1', 50_01)))).rejects.toMatchObject({
      code: 'INSUFFICIENT_BALANCE',
    });
    await t.db.transaction((tx) => postJournal(tx, spend('s-2', 50_00)));
    expect(await balance('personal-account', 'personal:P1')).toEqual({ debits: 50_00, credits: 50_00 });
  });

  it('reverses a journal exactly once and restores the balances', async () => {
    const settle = {
      key: 'set-1',
      kind: 'settlement',
      date: '2025-03-03',
      transfers: [
        {
          debit: expenseAccount('employee-pool', AREA, 'H1'),
          credit: payableAccount('employee-pool', AREA, 'H1'),
          amount: 30_00,
        },
      ],
    };
    const posted = await t.db.transaction((tx) => postJournal(tx, settle));
    const rev = await t.db.transaction((tx) =>
      reverseJournal(tx, { key: 'rev-1', journalId: posted.journalId, date: '2025-03-04' }),
    );
    expect(rev.replay).toBe(false);
    await expect(
      t.db.transaction((tx) =>
        reverseJournal(tx, { key: 'rev-2', journalId: posted.journalId, date: '2025-03-04' }),
      ),
    ).rejects.toMatchObject({ code: 'ALREADY_REVERSED' });
    expect(
      await t.db.transaction((tx) =>
        reverseJournal(tx, { key: 'rev-1', journalId: posted.journalId, date: '2025-03-04' }),
      ),
    ).toEqual({ journalId: rev.journalId, replay: true });
    expect(await balance('employee-pool', `expense:${AREA}:H1`)).toEqual({ debits: 30_00, credits: 30_00 });
  });

  it('refuses journals dated in a closed month', async () => {
    await t.db.transaction((tx) => repo.closePeriod(tx, 'employee-pool', '2025-01'));
    await expect(
      t.db.transaction((tx) => postJournal(tx, { ...contribution('c-old', 5), date: '2025-01-31' })),
    ).rejects.toMatchObject({ code: 'PERIOD_CLOSED' });
  });

  it('check passes on a sound ledger and names the account whose stored total was tampered with', async () => {
    const sound = await checkLedger(t.db);
    expect(sound.problems).toEqual([]);
    expect(sound.journals).toBeGreaterThan(0);
    await t.db.query(
      `UPDATE account SET debits = debits + 1 WHERE code = 'fund:${AREA}' AND book = 'employee-pool'`,
    );
    const broken = await checkLedger(t.db);
    expect(broken.problems.map((p) => [p.invariant, p.where])).toEqual([
      ['book-balanced', 'employee-pool'],
      ['stored-balance', `employee-pool/fund:${AREA}`],
    ]);
    await t.db.query(
      `UPDATE account SET debits = debits - 1 WHERE code = 'fund:${AREA}' AND book = 'employee-pool'`,
    );
  });

  it('check names a posting whose journal or account does not exist (postings carry no foreign keys)', async () => {
    const [p] = await t.db.query<{ journal_id: number; debit_account: number }>(
      'SELECT journal_id, debit_account FROM posting ORDER BY journal_id, seq LIMIT 1',
    );
    await t.db
      .transaction(async (tx) => {
        // Append-only: the stray posting goes in, and the whole transaction is rolled back afterwards.
        await tx.query(
          `INSERT INTO posting (journal_id, seq, book, debit_account, credit_account, amount)
         VALUES (999999, 0, 'employee-pool', $1, 888888, 1)`,
          [p!.debit_account],
        );
        const broken = await checkLedger(tx);
        expect(broken.problems.filter((x) => x.invariant === 'posting-references')).toEqual([
          {
            invariant: 'posting-references',
            where: 'journal 999999 posting 0',
            detail: 'its journal does not exist, credit account 888888 does not exist',
          },
        ]);
        throw new Error('roll back');
      })
      .catch((e: unknown) => expect((e as Error).message).toBe('roll back'));
    expect((await checkLedger(t.db)).problems).toEqual([]);
  });
});
