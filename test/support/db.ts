import { randomBytes } from 'node:crypto';
import { openDatabase, type Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';

/** Whether the integration suite runs against a real PostgreSQL (`TEST_DATABASE_URL`). */
export const onServer = Boolean(process.env.TEST_DATABASE_URL);

export interface TestDatabase {
  db: Database;
  /** The server schema this test owns (none on PGlite). */
  schema: string | null;
  /** Open another pool on the same schema (e.g. a second "process"). */
  reopen(max?: number): Promise<Database>;
  drop(): Promise<void>;
}

/**
 * A migrated database for one test file: on PGlite a fresh in-memory instance; on a server
 * (`TEST_DATABASE_URL`) a fresh schema, dropped afterwards, so test files never see each other.
 */
export async function openTestDatabase(max = 20): Promise<TestDatabase> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const db = await openDatabase({ kind: 'pglite', dataDir: null });
    await migrate(db);
    return { db, schema: null, reopen: () => Promise.resolve(db), drop: () => db.close() };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = await openDatabase({ kind: 'postgres', url, max: 1 });
  await admin.exec(`CREATE SCHEMA ${schema}`);
  const open = (n: number) => openDatabase({ kind: 'postgres', url, max: n, schema });
  const db = await open(max);
  await migrate(db);
  return {
    db,
    schema,
    reopen: (n = max) => open(n),
    async drop() {
      await db.close();
      await admin.exec(`DROP SCHEMA ${schema} CASCADE`);
      await admin.close();
    },
  };
}
