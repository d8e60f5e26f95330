import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { Database } from './database.js';

export const MIGRATIONS_DIR = new URL('../../migrations/', import.meta.url);

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

/** A migration already applied whose file has since changed, or a file with a bad name. */
export class MigrationError extends Error {}

/** The migration files `NNN_name.sql`, in version order. */
export function readMigrations(dir: URL = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((file) => {
      const match = /^(\d{3})_([a-z0-9_]+)\.sql$/.exec(file);
      if (!match) throw new MigrationError(`migration file ${file} is not named NNN_name.sql`);
      const sql = readFileSync(new URL(file, dir), 'utf8');
      const checksum = createHash('sha256').update(sql).digest('hex');
      return { version: Number(match[1]), name: match[2]!, sql, checksum };
    });
}

/**
 * Apply the migrations not yet applied, each in its own transaction under an advisory lock, so two
 * servers starting at once do not race. Refuses to go on when an applied migration was edited.
 * Returns the versions applied now.
 */
export async function migrate(db: Database, migrations = readMigrations()): Promise<number[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migration (
    version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now())`);
  const applied: number[] = [];
  for (const m of migrations) {
    const done = await db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('tongchou.migrate'))`);
      const rows = await tx.query<{ checksum: string }>(
        'SELECT checksum FROM schema_migration WHERE version = $1',
        [m.version],
      );
      if (rows[0]) {
        if (rows[0].checksum !== m.checksum) {
          throw new MigrationError(
            `migration ${m.version}_${m.name} was changed after it was applied; add a new migration instead`,
          );
        }
        return false;
      }
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migration (version, name, checksum) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        m.checksum,
      ]);
      return true;
    });
    if (done) applied.push(m.version);
  }
  return applied;
}
