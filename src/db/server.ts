import type postgres from 'postgres';
import type { DbConfig } from './config.js';
import type { Database, Deferred, Sql, Tx } from './database.js';
import { copySql, csvLines, safeBigint, settleDeferred, withRetry } from './support.js';

type PgHandle = postgres.Sql | postgres.ReservedSql | postgres.TransactionSql;

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

function send(sql: PgHandle, text: string, params: readonly unknown[]) {
  return sql.unsafe(text, serverParams(params), { prepare: true });
}

/** Queries on a pool (each its own transaction) or inside a transaction (`inTx`). */
function serverSql(sql: PgHandle, inTx: boolean): Sql {
  return {
    async query<T extends object>(text: string, params: readonly unknown[] = []) {
      return (await send(sql, text, params)) as unknown as T[];
    },
    async exec(text: string) {
      await sql.unsafe(text);
    },
    async copyRows(table, columns, rows) {
      const { text, count } = csvLines(rows);
      if (count === 0) return 0;
      if (inTx) await copyThroughStaging(sql, table, columns, text);
      else await (sql as postgres.Sql).begin((tx) => copyThroughStaging(tx, table, columns, text));
      return count;
    },
  };
}

/**
 * One transaction on a reserved connection, pipelined: BEGIN goes out with the first query, and
 * the deferred statements with the next query or with COMMIT, so a transaction that reads once and
 * then only writes costs two round trips. Statements after a failed one fail too (the transaction
 * is aborted) and COMMIT then rolls back; the first failure is the one raised.
 */
async function pipelinedTransaction<T>(pool: postgres.Sql, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const conn = await pool.reserve();
  let pending: { statement: Deferred; sent: Promise<unknown> }[] = [];
  const sendDeferred = (statement: Deferred) => {
    const sent = send(conn, statement.text, statement.params).execute();
    sent.catch(() => undefined); // raised by settleDeferred, in order
    pending.push({ statement, sent });
  };
  const awaitPending = () => {
    const due = pending;
    pending = [];
    return settleDeferred(due);
  };
  const base = serverSql(conn, true);
  const tx: Tx = {
    async query<T extends object>(text: string, params?: readonly unknown[]) {
      const result = base.query<T>(text, params);
      result.catch(() => undefined); // when a deferred statement failed, its error is the one raised
      await awaitPending();
      return result;
    },
    exec: async (text) => (await awaitPending(), base.exec(text)),
    copyRows: async (...args) => (await awaitPending(), base.copyRows(...args)),
    defer: (text, params = [], mapError) => sendDeferred({ text, params, mapError }),
  };
  try {
    sendDeferred({ text: 'BEGIN', params: [], mapError: undefined });
    const result = await fn(tx);
    sendDeferred({ text: 'COMMIT', params: [], mapError: undefined });
    await awaitPending();
    return result;
  } catch (e) {
    await conn.unsafe('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    conn.release();
  }
}

let stagingSeq = 0;

/**
 * COPY into the target by way of an all-text temporary table. The postgres driver loses an error
 * the server raises at the end of a COPY (the copy's promise has already resolved with the stream,
 * and its finish callback is never called), so a COPY straight into a table with keys and checks
 * could hang on a duplicate. Into text columns COPY cannot fail on our own CSV; the INSERT … SELECT
 * that follows raises every cast, key and check error like any statement, and the transaction rolls back.
 */
async function copyThroughStaging(tx: PgHandle, table: string, columns: readonly string[], text: string) {
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

export async function openServer(config: Extract<DbConfig, { kind: 'postgres' }>): Promise<Database> {
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
    ...serverSql(sql, false),
    transaction: (fn) => withRetry(() => pipelinedTransaction(sql, fn)),
    close: () => sql.end({ timeout: 5 }),
  };
}
