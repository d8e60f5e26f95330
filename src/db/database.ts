import type { PGlite } from '@electric-sql/pglite';
import type postgres from 'postgres';
import type { DbConfig } from './config.js';

/** A row as the database returns it: bigint as a safe JS number, date as 'YYYY-MM-DD'. */
export type Row = Record<string, unknown>;

/** What a repository needs: parameterised queries, several statements at once, and bulk COPY. */
export interface Sql {
  query<T extends object = Row>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Several statements with no parameters (migrations). */
  exec(text: string): Promise<void>;
  /** Load rows with COPY … FROM STDIN (CSV); null is SQL NULL. */
  copyRows(table: string, columns: readonly string[], rows: Iterable<readonly unknown[]>): Promise<number>;
}

/** One database: PGlite embedded or a PostgreSQL server, behind the same SQL. */
export interface Database extends Sql {
  readonly kind: DbConfig['kind'];
  /** Run fn in one transaction; retried on serialization failure or deadlock, which roll back. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 5;

/** A bigint column as a JS number, refusing a value that a number cannot hold exactly. */
function safeBigint(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n))
    throw new RangeError(`bigint ${text} is beyond 2^53 and cannot be read exactly`);
  return n;
}

/** One CSV field for COPY: NULL unquoted and empty, everything else quoted. */
function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : String(value);
  return `"${text.replaceAll('"', '""')}"`;
}

function csvLines(rows: Iterable<readonly unknown[]>): { text: string; count: number } {
  const lines: string[] = [];
  for (const row of rows) lines.push(row.map(csvField).join(','));
  return { text: lines.length ? `${lines.join('\n')}\n` : '', count: lines.length };
}

function copySql(table: string, columns: readonly string[], source: string): string {
  return `COPY ${table} (${columns.join(', ')}) FROM ${source} WITH (FORMAT csv)`;
}

async function withRetry<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (attempt >= MAX_ATTEMPTS || !code || !RETRYABLE.has(code)) throw e;
      await new Promise((r) => setTimeout(r, 2 ** attempt + Math.random() * 10));
    }
  }
}

/* ---------------------------------- PGlite ---------------------------------- */

type PgliteQueryable = Pick<PGlite, 'query' | 'exec'>;

function pgliteSql(q: PgliteQueryable): Sql {
  return {
    async query<T extends object>(text: string, params: readonly unknown[] = []) {
      return (await q.query<T>(text, params as unknown[])).rows;
    },
    async exec(text: string) {
      await q.exec(text);
    },
    async copyRows(table, columns, rows) {
      const { text, count } = csvLines(rows);
      if (count === 0) return 0;
      await q.query(copySql(table, columns, `'/dev/blob'`), [], { blob: new Blob([text]) });
      return count;
    },
  };
}

async function openPglite(dataDir: string | null): Promise<Database> {
  // Loaded on first use, so commands that never open a database (calc) do not pay for the driver.
  const { PGlite, types } = await import('@electric-sql/pglite');
  const db = await PGlite.create(dataDir ?? undefined, {
    parsers: { [types.INT8]: safeBigint, [types.DATE]: (text: string) => text },
  });
  return {
    kind: 'pglite',
    ...pgliteSql(db),
    transaction: (fn) => db.transaction((tx) => fn(pgliteSql(tx))),
    close: () => db.close(),
  };
}

/* -------------------------------- PostgreSQL -------------------------------- */

type PgHandle = postgres.Sql | postgres.TransactionSql;

/** A JS array as a PostgreSQL array literal, for the statement's own `::type[]` cast to read. */
function arrayLiteral(values: readonly unknown[]): string {
  const items = values.map((v) =>
    v === null || v === undefined ? 'NULL' : `"${String(v).replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`,
  );
  return `{${items.join(',')}}`;
}

function serverParams(params: readonly unknown[]): postgres.ParameterOrJSON<never>[] {
  return params.map((p) => (Array.isArray(p) ? arrayLiteral(p) : p)) as postgres.ParameterOrJSON<never>[];
}

function serverSql(sql: PgHandle): Sql {
  return {
    async query<T extends object>(text: string, params: readonly unknown[] = []) {
      return (await sql.unsafe(text, serverParams(params), {
        prepare: true,
      })) as unknown as T[];
    },
    async exec(text: string) {
      await sql.unsafe(text);
    },
    async copyRows(table, columns, rows) {
      const { text, count } = csvLines(rows);
      if (count === 0) return 0;
      if ('savepoint' in sql) await copyThroughStaging(sql, table, columns, text);
      else await sql.begin((tx) => copyThroughStaging(tx, table, columns, text));
      return count;
    },
  };
}

let stagingSeq = 0;

/**
 * COPY into the target by way of an all-text temporary table. The postgres driver loses an error
 * the server raises at the end of a COPY (the copy's promise has already resolved with the stream,
 * and its finish callback is never called), so a COPY straight into a table with keys and checks
 * could hang on a duplicate. Into text columns COPY cannot fail on our own CSV; the INSERT … SELECT
 * that follows raises every cast, key and check error like any statement, and the transaction rolls back.
 */
async function copyThroughStaging(
  tx: postgres.TransactionSql,
  table: string,
  columns: readonly string[],
  text: string,
) {
  const staging = `tc_copy_${++stagingSeq}`;
  const types = await tx.unsafe<{ name: string; type: string }[]>(
    `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
     WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`,
    [table],
  );
  const typeOf = new Map(types.map((t) => [t.name, t.type]));
  await tx.unsafe(
    `CREATE TEMP TABLE ${staging} (${columns.map((c) => `${c} text`).join(', ')}) ON COMMIT DROP`,
  );
  const stream = await tx.unsafe(copySql(staging, columns, 'STDIN')).writable();
  await new Promise<void>((resolve, reject) => {
    stream.on('error', reject);
    stream.end(text, () => resolve());
  });
  const casts = columns.map((c) => `${c}::${typeOf.get(c) ?? 'text'}`).join(', ');
  await tx.unsafe(`INSERT INTO ${table} (${columns.join(', ')}) SELECT ${casts} FROM ${staging}`);
  await tx.unsafe(`DROP TABLE ${staging}`);
}

async function openServer(config: Extract<DbConfig, { kind: 'postgres' }>): Promise<Database> {
  const { default: postgres } = await import('postgres');
  const sql = postgres(config.url, {
    max: config.max,
    onnotice: () => {},
    connection: config.schema ? { search_path: config.schema } : {},
    types: {
      bigint: { to: 20, from: [20], serialize: (x: number) => String(x), parse: safeBigint },
      date: { to: 1082, from: [1082], serialize: (x: string) => x, parse: (x: string) => x },
    },
  });
  return {
    kind: 'postgres',
    ...serverSql(sql),
    transaction: (fn) => withRetry(() => sql.begin((tx) => fn(serverSql(tx))) as Promise<never>),
    close: () => sql.end({ timeout: 5 }),
  };
}

/** Open the configured database (no migrations: see `migrate`). */
export async function openDatabase(config: DbConfig): Promise<Database> {
  return config.kind === 'pglite' ? openPglite(config.dataDir) : openServer(config);
}
