import { createHash } from 'node:crypto';

/**
 * A stable JSON text: object keys sorted, so equal inputs hash equally whatever their key order.
 *
 * The text is exactly that of `JSON.stringify(value, replacer)` with a replacer that rebuilds every
 * object with its entries sorted (as the first releases computed it, so that the input hashes of
 * stored idempotency keys still match): there, rebuilding puts integer-like keys first in numeric
 * order, as every JavaScript object orders its keys. It is written out by hand because settlement
 * hashes each request and each journal, and the replacer built a sorted copy of every object.
 */
export function canonicalJson(value: unknown): string {
  return written(value, '') as string;
}

/** The JSON text of a value, or undefined where JSON.stringify leaves the value out. */
function written(input: unknown, key: string): string | undefined {
  const value = withToJson(input, key);
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      return Array.isArray(value) ? writtenArray(value) : writtenObject(value as Record<string, unknown>);
    case 'bigint':
      return JSON.stringify(value); // throws, as JSON.stringify does
    default:
      return undefined; // undefined, functions and symbols
  }
}

function withToJson(value: unknown, key: string): unknown {
  if (value !== null && typeof value === 'object') {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return (toJSON as (k: string) => unknown).call(value, key);
  }
  return value;
}

function writtenArray(items: readonly unknown[]): string {
  const parts: string[] = [];
  for (let i = 0; i < items.length; i++) parts.push(written(items[i], String(i)) ?? 'null');
  return `[${parts.join(',')}]`;
}

function writtenObject(object: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const key of sortedKeys(object)) {
    const text = written(object[key], key);
    if (text !== undefined) parts.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${parts.join(',')}}`;
}

/** The largest array index plus one: keys below it that are canonical integers come first. */
const ARRAY_INDEX_LIMIT = 2 ** 32 - 1;

function isArrayIndex(key: string): boolean {
  return /^(?:0|[1-9][0-9]*)$/.test(key) && Number(key) < ARRAY_INDEX_LIMIT;
}

/** Own enumerable keys sorted by code unit, with array indices first in numeric order. */
function sortedKeys(object: object): string[] {
  const keys = Object.keys(object);
  if (keys.length < 2) return keys;
  const indices = keys.filter(isArrayIndex).sort((a, b) => Number(a) - Number(b));
  const names = indices.length === 0 ? keys : keys.filter((k) => !isArrayIndex(k));
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return indices.length === 0 ? names : [...indices, ...names];
}

/** The SHA-256 of a value's canonical JSON: what an idempotency key's input is compared by. */
export function inputHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
