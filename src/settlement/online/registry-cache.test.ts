import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addEmployee, claimAt, ITEMS, seedWorld, WORLD } from '../../../test/support/world.js';
import { onServer, openTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import type { Database } from '../../db/index.js';
import { setInstitutionAgreement } from '../../registry/service.js';
import { preSettle, settle } from './service.js';

/**
 * The registry cache (src/registry/cache.ts, migration 014): a claim is settled from what it would
 * have read itself, whichever handle changed the registry and however; and the cache does answer.
 */

/** A handle that counts the reads that asked the database for the registry's part (catalogue items). */
function counted(db: Database) {
  const seen = { wholeReads: 0 };
  const handle: Database = {
    ...db,
    query: (text, params) => {
      if (text.includes('FROM catalogue_item')) seen.wholeReads++;
      return db.query(text, params);
    },
  };
  return { handle, seen };
}

const lineB = [{ code: ITEMS.classB, amount: 300_00 }];

async function epoch(db: Database): Promise<number> {
  const [row] = await db.query<{ epoch: number }>('SELECT epoch FROM registry_epoch');
  return row!.epoch;
}

describe('the registry cache of online settlement', () => {
  let t: TestDatabase;
  let other: Database;
  beforeAll(async () => {
    t = await openTestDatabase(4);
    other = await t.reopen(2);
    await seedWorld(t.db);
    for (const p of ['C1', 'C2', 'C3']) await addEmployee(t.db, p);
    // An item whose validity ends within the year.
    await t.db
      .exec(`INSERT INTO catalogue_item (version_id, code, item_kind, name, class, selfpay_bp, valid_from, valid_to)
      SELECT id, 'D-END', 'drug', '停用药', '01', 0, '2020-01-01', '2025-03-31' FROM catalogue_version`);
  });
  afterAll(async () => {
    if (other !== t.db) await other.close();
    await t.drop();
  });

  it('answers a second claim from the cache, reading only the person', async () => {
    const { handle, seen } = counted(t.db);
    await preSettle(handle, claimAt('C1', 'c-1', lineB));
    await preSettle(handle, claimAt('C2', 'c-2', lineB));
    await settle(handle, claimAt('C3', 'c-3', lineB));
    expect(seen.wholeReads).toBe(1);
  });

  it('every table it keeps moves the epoch, even by a statement that changes no row', async () => {
    const columns = {
      institution: 'name',
      catalogue_version: 'source_name',
      catalogue_item: 'name',
      area_pack: 'pack_hash',
    };
    for (const [table, column] of Object.entries(columns)) {
      const before = await epoch(t.db);
      await other.query(`UPDATE ${table} SET ${column} = ${column} WHERE false`);
      expect(await epoch(t.db), table).toBe(before + 1);
    }
  });

  it('an agreement suspended through another pool refuses the next claim at once, and resumed settles', async () => {
    const { handle } = counted(t.db);
    await preSettle(handle, claimAt('C1', 'c-4', lineB));
    await setInstitutionAgreement(other, { code: WORLD.hospital, status: 'suspended' });
    await expect(preSettle(handle, claimAt('C1', 'c-5', lineB))).rejects.toMatchObject({
      code: 'INSTITUTION_NOT_ACTIVE',
      path: 'fixmedins_code',
    });
    await setInstitutionAgreement(other, { code: WORLD.hospital, status: 'active' });
    expect((await preSettle(handle, claimAt('C1', 'c-6', lineB))).settlement.medfeeSum).toBe(300_00);
  });

  it("a catalogue item's self-pay proportion changed by hand is used by the next claim", async () => {
    const { handle } = counted(t.db);
    // 乙 300.00 at 10% first self-paid: 30.00; at 20%: 60.00.
    expect((await preSettle(handle, claimAt('C1', 'c-7', lineB))).settlement.preSelfPay).toBe(30_00);
    await other.query(`UPDATE catalogue_item SET selfpay_bp = 2000 WHERE code = $1`, [ITEMS.classB]);
    try {
      expect((await preSettle(handle, claimAt('C1', 'c-8', lineB))).settlement.preSelfPay).toBe(60_00);
    } finally {
      await other.query(`UPDATE catalogue_item SET selfpay_bp = 1000 WHERE code = $1`, [ITEMS.classB]);
    }
  });

  it('an item kept from a date it was valid on is refused on a date after its validity', async () => {
    const { handle, seen } = counted(t.db);
    const line = [{ code: 'D-END', amount: 10_00 }];
    await preSettle(handle, claimAt('C2', 'c-9', line, { date: '2025-03-31' }));
    await preSettle(handle, claimAt('C2', 'c-10', line, { date: '2025-04-01' })).then(
      () => expect.fail('an item past its validity was accepted'),
      (e: unknown) =>
        expect(e).toMatchObject({ code: 'UNKNOWN_CATALOGUE_CODE', path: 'feedetail[0].med_list_codg' }),
    );
    // The first read kept the version of 2025-03-31 only: the second asked for the version of its own date.
    expect(seen.wholeReads).toBe(2);
  });

  it('a catalogue version imported later governs the claims dated from its start, the old one those before', async () => {
    const { handle } = counted(t.db);
    expect((await preSettle(handle, claimAt('C3', 'c-11', lineB))).settlement.preSelfPay).toBe(30_00);
    await other.exec(`
      INSERT INTO catalogue_version (kind, valid_from, source_name, content_hash, row_count)
        VALUES ('items', '2025-06-01', 'test-2', 'test-2', 1);
      INSERT INTO catalogue_item (version_id, code, item_kind, name, class, selfpay_bp, valid_from)
        SELECT max(id), 'D-B01', 'drug', '乙类药', '02', 2000, '2025-06-01' FROM catalogue_version`);
    const on = (date: string, key: string) => preSettle(handle, claimAt('C3', key, lineB, { date }));
    expect((await on('2025-05-31', 'c-12')).settlement.preSelfPay).toBe(30_00);
    expect((await on('2025-06-01', 'c-13')).settlement.preSelfPay).toBe(60_00);
    // The new version holds only D-B01: 甲 D-A01 is not in the catalogue in force from June.
    await expect(
      preSettle(
        handle,
        claimAt('C3', 'c-14', [{ code: ITEMS.classA, amount: 1_00 }], { date: '2025-06-02' }),
      ),
    ).rejects.toMatchObject({ code: 'UNKNOWN_CATALOGUE_CODE' });
  });

  // PGlite is one connection: a transaction left open there would hold the claim's read behind it.
  it.runIf(onServer)('a change not yet committed is not seen; once committed it is', async () => {
    const { handle } = counted(t.db);
    await preSettle(handle, claimAt('C1', 'c-15', lineB));
    let commit!: () => void;
    const committed = new Promise<void>((resolve) => (commit = resolve));
    let changed!: () => void;
    const changedNow = new Promise<void>((resolve) => (changed = resolve));
    const change = other.transaction(async (tx) => {
      await tx.query(`UPDATE institution SET agreement_status = 'suspended' WHERE code = $1`, [
        WORLD.hospital,
      ]);
      changed();
      await committed;
    });
    await changedNow;
    expect((await preSettle(handle, claimAt('C1', 'c-16', lineB))).settlement.medfeeSum).toBe(300_00);
    commit();
    await change;
    await expect(preSettle(handle, claimAt('C1', 'c-17', lineB))).rejects.toMatchObject({
      code: 'INSTITUTION_NOT_ACTIVE',
    });
    await other.query(`UPDATE institution SET agreement_status = 'active' WHERE code = $1`, [WORLD.hospital]);
  });
});
