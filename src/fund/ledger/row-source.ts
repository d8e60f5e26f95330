/**
 * A statement's small batch of rows as a row source: up to MAX_VALUES_ROWS rows as a VALUES list of
 * one parameter per field, beyond that as unnest over one array parameter per column. The planner
 * knows a VALUES list's length, so a prepared statement keeps one generic plan instead of planning
 * every execution anew (with an array it guesses 100 rows and keeps re-planning with the real one);
 * the cap bounds the number of distinct statements a connection prepares.
 */
export const MAX_VALUES_ROWS = 8;

export interface RowSource {
  /** Usable as `FROM <sql> AS x(col, …)`. */
  sql: string;
  params: unknown[];
}

/** `rows` (each with one field per type) as a row source whose parameters are numbered from `first`. */
export function rowSource(
  rows: readonly (readonly unknown[])[],
  types: readonly string[],
  first: number,
): RowSource {
  if (rows.length === 0 || rows.length > MAX_VALUES_ROWS) {
    const columns = types.map((t, i) => `$${first + i}::${t}[]`);
    return { sql: `unnest(${columns.join(', ')})`, params: types.map((_, i) => rows.map((r) => r[i])) };
  }
  let n = first;
  const list = rows.map(() => `(${types.map((t) => `$${n++}::${t}`).join(', ')})`);
  return { sql: `(VALUES ${list.join(', ')})`, params: rows.flat() };
}
