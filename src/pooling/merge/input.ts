import { z } from 'zod';
import { isCalendarDate } from '../../domain/dates.js';
import { parseInput } from '../../registry/schemas.js';

/**
 * The inputs of the merge service: what a route or the CLI parses from its caller. Who runs the
 * operation and the day it runs come separately (OperationContext): they are the server's to say.
 */

const areaCode = z
  .string({ error: 'must be a 6-digit area code' })
  .regex(/^\d{6}$/, 'must be a 6-digit area code');

const date = z
  .string({ error: 'must be a date YYYY-MM-DD' })
  .refine(isCalendarDate, 'must be a real date YYYY-MM-DD');

export const mergeInputSchema = z.strictObject({
  /** The city whose pool the counties join. */
  into: areaCode,
  /** The counties merged into it. */
  from: z
    .array(areaCode, { error: 'must be a list of area codes' })
    .min(1, 'must name at least one county')
    .max(200, 'must name at most 200 counties')
    .refine((codes) => new Set(codes).size === codes.length, 'must not name a county twice'),
  /** The effective date: the first day of a month, as the ledger closes by month. */
  on: date.refine((d) => d.endsWith('-01'), 'must be the first day of a month (the ledger closes by month)'),
});

export type MergeInput = z.input<typeof mergeInputSchema>;
export type ValidMergeInput = z.output<typeof mergeInputSchema>;

export const mergeIdSchema = z.strictObject({
  id: z.int({ error: 'must be a merge id (a whole number)' }).positive('must be a merge id'),
});

export type MergeIdInput = z.input<typeof mergeIdSchema>;

/** Who runs an operation, from where, and (for tests and replays only) on which day. */
export interface OperationContext {
  /** The person or system account responsible, as the audit trail names it. */
  actor: string;
  /** Where the operation came from: 'cli', or 'api' with the request id. */
  origin: string;
  /** The operation's run date (YYYY-MM-DD); today in China time when left out. */
  today?: string;
}

const contextSchema = z.object({
  actor: z.string().trim().min(1, 'must name who runs the operation').max(200),
  origin: z.string().trim().min(1, 'must say where the operation comes from').max(200),
  today: date.optional(),
});

/** Today's calendar date in China time (DESIGN §4: dates are calendar dates in China time). */
export function chinaToday(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(now);
}

/** The context checked, with its run date filled in. */
export function checkContext(ctx: OperationContext): Required<OperationContext> {
  const c = parseInput(contextSchema, ctx);
  return { actor: c.actor, origin: c.origin, today: c.today ?? chinaToday() };
}

export { parseInput };
