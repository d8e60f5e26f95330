import type { PGlite } from '@electric-sql/pglite';
import type { Database, Deferred, Sql, Tx } from './database.js';
import { copySql, csvLines, safeBigint, settleDeferred } from './support.js';

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

/**
 * PGlite answers one statement at a time, so nothing is gained by sending deferred statements
 * early: they run, in order, before the next query and before the transaction's end.
 */
async function runTransaction<T>(q: PgliteQueryable, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const base = pgliteSql(q);
  let queue: Deferred[] = [];
  const flush = async () => {
    const due = queue;
    queue = [];
    for (const statement of due)
      await settleDeferred([{ statement, sent: q.query(statement.text, statement.params as unknown[]) }]);
  };
  const tx: Tx = {
    query: async (text, params) => (await flush(), base.query(text, params)),
    exec: async (text) => (await flush(), base.exec(text)),
    copyRows: async (...args) => (await flush(), base.copyRows(...args)),
    defer: (text, params = [], mapError) => void queue.push({ text, params, mapError }),
  };
  const result = await fn(tx);
  await flush();
  return result;
}

export async function openPglite(dataDir: string | null): Promise<Database> {
  // Loaded on first use, so commands that never open a database (calc) do not pay for the driver.
  const { PGlite, types } = await import('@electric-sql/pglite');
  const db = await PGlite.create(dataDir ?? undefined, {
    parsers: { [types.INT8]: safeBigint, [types.DATE]: (text: string) => text },
  });
  return {
    kind: 'pglite',
    ...pgliteSql(db),
    transaction: (fn) => db.transaction((tx) => runTransaction(tx, fn)),
    close: () => db.close(),
  };
}
