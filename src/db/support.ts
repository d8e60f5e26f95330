import type { Deferred } from './database.js';

const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 5;

/** A bigint column as a JS number, refusing a value that a number cannot hold exactly. */
export function safeBigint(text: string): number {
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

export function csvLines(rows: Iterable<readonly unknown[]>): { text: string; count: number } {
  const lines: string[] = [];
  for (const row of rows) lines.push(row.map(csvField).join(','));
  return { text: lines.length ? `${lines.join('\n')}\n` : '', count: lines.length };
}

export function copySql(table: string, columns: readonly string[], source: string): string {
  return `COPY ${table} (${columns.join(', ')}) FROM ${source} WITH (FORMAT csv)`;
}

export async function withRetry<T>(run: () => Promise<T>): Promise<T> {
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

/**
 * Wait for statements sent together, deferred ones first, and raise the first deferred failure
 * through its mapper: a later statement of the same transaction only fails because that one did.
 */
export async function settleDeferred(
  deferred: readonly { statement: Deferred; sent: Promise<unknown> }[],
): Promise<void> {
  const outcomes = await Promise.allSettled(deferred.map((d) => d.sent));
  for (const [i, o] of outcomes.entries()) {
    if (o.status === 'fulfilled') continue;
    const map = deferred[i]!.statement.mapError;
    throw map ? map(o.reason) : o.reason;
  }
}
