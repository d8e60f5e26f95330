// A fresh, migrated PostgreSQL schema for a database benchmark, dropped afterwards.
import { randomBytes } from 'node:crypto';
import { openDatabase } from '../dist/db/database.js';
import { migrate } from '../dist/db/migrate.js';

export const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** Create `prefix_<random>` on the server, migrate it and open a pool of `max` connections on it. */
export async function freshSchema(url, prefix, max) {
  const schema = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = await openDatabase({ kind: 'postgres', url, max: 1 });
  await admin.exec(`CREATE SCHEMA ${schema}`);
  const db = await openDatabase({ kind: 'postgres', url, max, schema });
  try {
    await migrate(db);
  } catch (e) {
    await db.close();
    await admin.exec(`DROP SCHEMA ${schema} CASCADE`);
    await admin.close();
    throw e;
  }
  return {
    db,
    schema,
    async drop() {
      await db.close();
      await admin.exec(`DROP SCHEMA ${schema} CASCADE`);
      await admin.close();
    },
  };
}

/** Run fn with a fresh schema, always dropping it afterwards. */
export async function withSchema(url, prefix, max, fn) {
  const s = await freshSchema(url, prefix, max);
  try {
    return await fn(s.db, s.schema);
  } finally {
    await s.drop();
  }
}
