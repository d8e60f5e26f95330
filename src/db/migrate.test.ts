import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { migrate, readMigrations } from './migrate.js';

describe('migrate', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(2);
  });
  afterAll(() => t.drop());

  it('applies every migration once and records its checksum', async () => {
    const rows = await t.db.query<{ version: number }>(
      'SELECT version FROM schema_migration ORDER BY version',
    );
    expect(rows.map((r) => r.version)).toEqual(readMigrations().map((m) => m.version));
    expect(await migrate(t.db)).toEqual([]);
  });

  it('refuses to go on when an applied migration was edited', async () => {
    const edited = readMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'changed' } : m));
    await expect(migrate(t.db, edited)).rejects.toThrow(/was changed after it was applied/);
  });

  it('keeps journals and postings append-only', async () => {
    await expect(t.db.query('DELETE FROM journal')).resolves.toEqual([]);
    await t.db.query(
      `INSERT INTO journal (idem_key, input_hash, kind, effective_date) VALUES ('k', 'h', 'test', '2025-01-01')`,
    );
    await expect(t.db.query('DELETE FROM journal')).rejects.toThrow(/append-only/);
    await expect(t.db.query(`UPDATE journal SET kind = 'x'`)).rejects.toThrow(/append-only/);
  });

  it('reads bigint as an exact number and date as YYYY-MM-DD', async () => {
    const [row] = await t.db.query<{ a: number; d: string }>(
      `SELECT 9007199254740991::int8 AS a, DATE '2025-03-01' AS d`,
    );
    expect(row).toEqual({ a: 9007199254740991, d: '2025-03-01' });
    await expect(t.db.query('SELECT 9007199254740993::int8 AS a')).rejects.toThrow(/beyond 2\^53/);
  });
});

describe('copyRows', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(2);
  });
  afterAll(() => t.drop());

  it('loads rows and refuses a duplicate key with an error instead of hanging, loading nothing', async () => {
    const areas = [
      ['110000', '北京市', 'province', null],
      ['120000', '天津市', 'province', null],
    ];
    expect(await t.db.copyRows('pooling_area', ['code', 'name', 'level', 'parent_code'], areas)).toBe(2);
    const again = [
      ['130000', '河北省', 'province', null],
      ['110000', '北京市', 'province', null],
    ];
    await expect(
      t.db.transaction((tx) => tx.copyRows('pooling_area', ['code', 'name', 'level', 'parent_code'], again)),
    ).rejects.toMatchObject({ code: '23505' });
    const rows = await t.db.query('SELECT code FROM pooling_area ORDER BY code');
    expect(rows.map((r) => r.code)).toEqual(['110000', '120000']);
  });
});
