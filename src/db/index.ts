import { dbConfigFromEnv, type DbConfig } from './config.js';
import { openDatabase, type Database } from './database.js';
import { migrate } from './migrate.js';

export type { Database, Row, Sql, Tx } from './database.js';
export { joinTransaction } from './database.js';
export { dbConfigFromEnv, describeDb, type DbConfig } from './config.js';
export { migrate } from './migrate.js';

/** Open the configured database and bring its schema up to date. */
export async function openMigrated(config: DbConfig = dbConfigFromEnv()): Promise<Database> {
  const db = await openDatabase(config);
  try {
    await migrate(db);
    return db;
  } catch (e) {
    await db.close();
    throw e;
  }
}
