import { z } from 'zod';
import { invalidInput, type ServiceError } from '../../common/service-error.js';
import { isCalendarDate } from '../../domain/dates.js';
import { fenToYuan, parseYuan, type Fen } from '../../domain/money/money.js';
import { pathText } from '../../policy/values.js';
import { JsonNumber } from './exact-json.js';

/**
 * Field schemas of the national interface over exactly parsed JSON (numbers kept as written), and
 * the conversion of yuan to and from fen. Every message says what the field must be.
 */

const required = (what: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? 'is required' : `must be ${what}`;

/** A non-empty string of at most `max` characters. */
export function text(max: number) {
  return z
    .string({ error: required('a string') })
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`);
}

/** One of a few code values, e.g. "0" | "1". */
export function code<const T extends readonly [string, ...string[]]>(values: T) {
  const list = values.map((v) => `"${v}"`).join(', ');
  return z.enum(values, { error: required(`one of ${list}`) });
}

/** A 6-digit administrative division code (医保区划); an empty string counts as absent. */
export const admdvs = z
  .string({ error: required('a 6-digit area code') })
  .regex(/^(\d{6})?$/, 'must be a 6-digit area code')
  .optional();

/** A calendar date YYYY-MM-DD. */
export const date = z
  .string({ error: required('a date YYYY-MM-DD') })
  .refine(isCalendarDate, 'must be a real date YYYY-MM-DD');

/** A time as the interface writes it, "yyyy-MM-dd HH:mm:ss". */
export const dateTime = z
  .string({ error: required('a time "yyyy-MM-dd HH:mm:ss"') })
  .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, 'must be a time "yyyy-MM-dd HH:mm:ss"')
  .refine((t) => isCalendarDate(t.slice(0, 10)), 'must be a real date and time "yyyy-MM-dd HH:mm:ss"');

/** The source text of a JSON number or a decimal string, or null for anything else. */
function numeralText(v: unknown): string | null {
  if (v instanceof JsonNumber) return v.text;
  return typeof v === 'string' ? v.trim() : null;
}

/**
 * Yuan with at most two decimals, as a JSON number or a decimal string, to fen. Read from the text
 * as written, never through a float: "12.345", "1e3", "-1" and amounts above 100,000,000.00 are refused.
 */
export const yuan = z.unknown().transform((v, ctx): Fen => {
  const numeral = numeralText(v);
  if (numeral === null) {
    const message = v === undefined ? 'is required' : 'must be an amount in yuan, e.g. 12.50';
    ctx.issues.push({ code: 'custom', message, input: v });
    return z.NEVER;
  }
  const parsed = parseYuan(numeral);
  if (parsed.ok) return parsed.value;
  ctx.issues.push({ code: 'custom', message: parsed.reason, input: v });
  return z.NEVER;
});

const COUNT_TEXT = /^(0|[1-9]\d{0,6})(\.\d{1,4})?$/;

/** A quantity: more than zero, at most 1,000,000 and four decimals, read from its text. */
export const count = z.unknown().transform((v, ctx): number => {
  const numeral = numeralText(v);
  const n = numeral !== null && COUNT_TEXT.test(numeral) ? Number(numeral) : NaN;
  if (n > 0 && n <= 1_000_000) return n;
  const message =
    v === undefined ? 'is required' : 'must be a quantity above 0 with at most four decimals, e.g. 2 or 0.5';
  ctx.issues.push({ code: 'custom', message, input: v });
  return z.NEVER;
});

/** Fen as the interface's yuan: a JSON number with at most two decimals, exact. */
export function toYuan(fen: Fen): number {
  return fenToYuan(fen);
}

/**
 * Parse with a schema or throw INVALID_INPUT naming the first bad field by its path in the
 * message, e.g. `input.feedetail[0].det_item_fee_sumamt`.
 */
export function parseField<S extends z.ZodType>(schema: S, value: unknown, prefix: string): z.output<S> {
  const parsed = schema.safeParse(value, { reportInput: true });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const inner = pathText(issue.path);
  const path =
    inner === ''
      ? prefix
      : prefix === ''
        ? inner
        : inner.startsWith('[')
          ? prefix + inner
          : `${prefix}.${inner}`;
  const message =
    issue.code !== 'invalid_type'
      ? issue.message
      : issue.input === undefined
        ? 'is required'
        : issue.message.startsWith('Invalid input')
          ? `must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`
          : issue.message;
  const failure: ServiceError = invalidInput(path, message);
  throw failure;
}
