import { z } from 'zod';
import { ServiceError } from '../../common/service-error.js';
import { isCalendarDate } from '../../domain/dates.js';
import { issueProblem } from '../../registry/schemas.js';
import { JsonNumber, type ExactJson } from '../national/exact-json.js';

/**
 * The REST API's schema plumbing: zod schemas validate the request (Fastify's validator compiler
 * is zod itself), and the same schemas, turned into JSON Schema by z.toJSONSchema, describe it in
 * the OpenAPI document.
 */

/** Fastify's validator compiler for the REST scope: the route's zod schema, refusing with INVALID_INPUT and the path. */
export function zodValidator({ schema, httpPart }: { schema: unknown; httpPart?: string }) {
  const zod = schema as z.ZodType;
  const where = httpPart === 'querystring' ? 'query' : (httpPart ?? 'body');
  return (data: unknown) => {
    const parsed = zod.safeParse(data ?? undefined, { reportInput: true });
    if (parsed.success) return { value: parsed.data };
    const { path, reason } = issueProblem(parsed.error.issues[0]!);
    return { error: new ServiceError('INVALID_INPUT', `${where} ${path || 'value'} ${reason}`, path) };
  };
}

/** A zod schema as JSON Schema for the OpenAPI document (what a client sends). */
export function jsonSchemaOf(schema: unknown, io: 'input' | 'output'): unknown {
  if (!(schema instanceof z.ZodType)) return schema;
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
  delete json.$schema;
  return json;
}

/** A body read by the exact parser as plain JSON values; a number beyond a double becomes Infinity and is refused by the schema. */
export function plainJson(value: ExactJson): unknown {
  if (value instanceof JsonNumber) return Number(value.text);
  if (Array.isArray(value)) return value.map(plainJson);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainJson(v)]));
  return value;
}

/* Building blocks of the REST schemas. */

export const areaCode = z.string().regex(/^\d{6}$/, 'must be a 6-digit area code');
export const date = z.string().refine(isCalendarDate, 'must be a real date YYYY-MM-DD');
export const code = z.string().regex(/^\S{1,64}$/, 'must be 1–64 characters without spaces');
export const idempotencyKey = z.string().min(1, 'must not be empty').max(128);

/** Pagination: at most 200 rows a page, by offset into a stable order. */
export const page = {
  limit: z.coerce.number().int('must be a whole number').min(1).max(200).default(50),
  offset: z.coerce.number().int('must be a whole number').min(0).max(10_000_000).default(0),
};

export interface Page<T> {
  items: T[];
  /** The offset of the next page; null on the last one. */
  nextOffset: number | null;
}

/** A page from rows fetched with one more than the limit. */
export function pageOf<T>(rows: T[], f: { limit: number; offset: number }): Page<T> {
  const more = rows.length > f.limit;
  return { items: more ? rows.slice(0, f.limit) : rows, nextOffset: more ? f.offset + f.limit : null };
}
