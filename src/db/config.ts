import { resolve } from 'node:path';

/** Where the platform keeps its data: embedded PGlite in a folder, or a PostgreSQL server. */
export type DbConfig =
  | { kind: 'pglite'; dataDir: string | null }
  | { kind: 'postgres'; url: string; max: number; schema?: string };

/**
 * The database from the environment: `DATABASE_URL` selects a PostgreSQL server; otherwise embedded
 * PGlite in `TONGCHOU_DATA` or `./data`. `TONGCHOU_DB_POOL` sets the server connection pool size.
 */
export function dbConfigFromEnv(env: NodeJS.ProcessEnv = process.env): DbConfig {
  const url = env.DATABASE_URL?.trim();
  if (url) {
    const max = Number(env.TONGCHOU_DB_POOL ?? '10');
    if (!Number.isInteger(max) || max < 1 || max > 200) {
      throw new Error(`TONGCHOU_DB_POOL must be a whole number from 1 to 200, not "${env.TONGCHOU_DB_POOL}"`);
    }
    return { kind: 'postgres', url, max };
  }
  return { kind: 'pglite', dataDir: resolve(env.TONGCHOU_DATA?.trim() || './data') };
}

/** The address to show a person: the folder, or the server URL without its password. */
export function describeDb(config: DbConfig): string {
  if (config.kind === 'pglite')
    return config.dataDir ? `embedded PGlite in ${config.dataDir}` : 'embedded PGlite in memory';
  try {
    const u = new URL(config.url);
    if (u.password) u.password = '***';
    return `PostgreSQL ${u.toString()}${config.schema ? ` (schema ${config.schema})` : ''}`;
  } catch {
    return 'PostgreSQL (DATABASE_URL)';
  }
}
