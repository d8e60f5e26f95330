import { z } from 'zod';
import { isCalendarDate } from '../../domain/dates.js';
import { MAX_AMOUNT_FEN } from '../../domain/money/money.js';
import { invalidInput, type ServiceError } from '../../common/service-error.js';
import { pathText } from '../../policy/values.js';

const text = (max: number) => z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(max);
const date = z
  .string({ error: 'must be a date YYYY-MM-DD' })
  .refine(isCalendarDate, 'must be a real date YYYY-MM-DD');
const fen = z
  .int({ error: 'must be a whole number of fen' })
  .min(0, 'must not be negative')
  .max(MAX_AMOUNT_FEN, `must not exceed ${MAX_AMOUNT_FEN / 100} yuan`);

/** One fee line: a catalogue code, the quantity, and the line's amount in fen. */
const lineSchema = z.object({
  code: text(64),
  count: z
    .number({ error: 'must be a number' })
    .positive('must be more than zero')
    .max(1_000_000)
    .refine((n) => Math.round(n * 10_000) / 10_000 === n, 'must have at most four decimals'),
  amount: fen,
});

/** A settlement request as a hospital's system sends it (amounts already in fen). */
export const settleRequestSchema = z.object({
  /** The idempotency key (the national interface's msgid). */
  key: text(128),
  psnNo: text(64),
  scheme: z.enum(['310', '390'], { error: 'must be "310" (employee) or "390" (resident)' }).optional(),
  institution: text(64),
  mdtrtId: text(64),
  medType: z.enum(['11', '14', '21'], { error: 'must be "11", "14" or "21"' }),
  date,
  diseases: z
    .array(z.string().regex(/^[A-Z]\d{2}[0-9A-Za-z.+*]{0,12}$/, 'must be an ICD-10 code'))
    .max(64)
    .default([]),
  tags: z
    .array(z.enum(['family-doctor', 'assistance']))
    .max(4)
    .default([]),
  useAccount: z.boolean({ error: 'must be true or false' }).default(false),
  lines: z.array(lineSchema).min(1, 'a claim needs at least one fee line').max(1_000),
});

export type SettleRequest = z.input<typeof settleRequestSchema>;
export type ValidSettleRequest = z.output<typeof settleRequestSchema>;

export const reverseRequestSchema = z.object({
  key: text(128),
  psnNo: text(64),
  setlId: text(64),
  date,
});
export type ReverseRequest = z.input<typeof reverseRequestSchema>;

/** Parse input or throw INVALID_INPUT naming the first bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const failure: ServiceError = invalidInput(pathText(issue.path), issue.message);
  throw failure;
}
