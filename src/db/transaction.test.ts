import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/support/db.js';

describe('transaction with deferred statements', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(4);
    await t.db.exec('CREATE TABLE tx_probe (id int PRIMARY KEY, note text NOT NULL)');
  }, 60_000);
  afterAll(() => t.drop());
  const ids = async () =>
    (await t.db.query<{ id: number }>('SELECT id FROM tx_probe ORDER BY id')).map((r) => r.id);

  it('runs deferred statements in order, before the next query and before the commit', async () => {
    const seen = await t.db.transaction(async (tx) => {
      tx.defer('INSERT INTO tx_probe VALUES ($1, $2)', [1, 'a']);
      tx.defer('INSERT INTO tx_probe VALUES ($1, $2)', [2, 'b']);
      const rows = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM tx_probe');
      tx.defer('INSERT INTO tx_probe VALUES ($1, $2)', [3, 'c']);
      return rows[0]!.n;
    });
    expect(seen).toBe(2);
    expect(await ids()).toEqual([1, 2, 3]);
  });

  it('raises a deferred failure at commit through its mapper and rolls everything back', async () => {
    const run = t.db.transaction(async (tx) => {
      await tx.query('INSERT INTO tx_probe VALUES ($1, $2)', [4, 'd']);
      tx.defer('INSERT INTO tx_probe VALUES ($1, $2)', [5, 'e']);
      tx.defer('INSERT INTO tx_probe VALUES ($1, $2)', [1, 'again'], () => new Error('mapped: duplicate'));
      tx.defer('INSERT INTO tx_probe VALUES ($1, $2)', [6, 'f']);
      return 'done';
    });
    await expect(run).rejects.toThrow('mapped: duplicate');
    expect(await ids()).toEqual([1, 2, 3]);
  });

  it('raises a deferred failure at the next query, and the connection stays usable', async () => {
    const run = t.db.transaction(async (tx) => {
      tx.defer('INSERT INTO tx_probe VALUES ($1, NULL)', [7]);
      await tx.query('SELECT 1');
      return 'not reached';
    });
    await expect(run).rejects.toMatchObject({ code: '23502' });
    for (let i = 0; i < 6; i++)
      expect(await t.db.transaction((tx) => tx.query('SELECT 1 AS one'))).toEqual([{ one: 1 }]);
    expect(await ids()).toEqual([1, 2, 3]);
  });

  it('rolls back when the function throws, with deferred statements unsent or undone', async () => {
    const run = t.db.transaction(async (tx) => {
      tx.defer('INSERT INTO tx_probe VALUES ($1, $2)', [8, 'h']);
      throw new Error('changed my mind');
    });
    await expect(run).rejects.toThrow('changed my mind');
    expect(await ids()).toEqual([1, 2, 3]);
  });
});
