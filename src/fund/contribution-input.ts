import { z } from 'zod';
import { ServiceError } from '../common/service-error.js';
import { isCalendarDate } from '../domain/dates.js';
import { MAX_AMOUNT_FEN } from '../domain/money/money.js';
import { zodProblems } from '../policy/values.js';

/** The inputs of the contribution service: amounts in whole fen, periods as months or years. */

const text = (max: number) =>
  z.string({ error: 'must be a string' }).max(max).regex(/\S/, 'must not be empty');
const fen = z
  .int({ error: 'must be a whole number of fen' })
  .min(0, 'must not be negative')
  .max(MAX_AMOUNT_FEN, 'is above the limit of 100,000,000.00 yuan');
const positiveFen = fen.min(1, 'must be more than zero');
const date = z
  .string({ error: 'must be a date YYYY-MM-DD' })
  .refine(isCalendarDate, 'must be a calendar date YYYY-MM-DD');
const month = z
  .string({ error: 'must be a month YYYY-MM' })
  .regex(/^(19|20|21)\d\d-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM');
const common = { key: text(200), psnNo: text(64), date };

export const employeeContributionSchema = z.strictObject({
  ...common,
  period: month,
  baseFen: positiveFen,
  /** Needed only when the pack limits the base to shares of the average wage (a statistic). */
  averageMonthlyWageFen: positiveFen.optional(),
});
export const retireeCreditSchema = z.strictObject({
  ...common,
  period: month,
  provincialAverageMonthlyWageFen: positiveFen,
});
export const residentContributionSchema = z.strictObject({
  ...common,
  year: z.int({ error: 'must be a year such as 2019' }).min(1900).max(2199),
  individualFen: fen.optional(),
  subsidyFen: fen.optional(),
});

export type EmployeeContributionInput = z.input<typeof employeeContributionSchema>;
export type RetireeCreditInput = z.input<typeof retireeCreditSchema>;
export type ResidentContributionInput = z.input<typeof residentContributionSchema>;

/** Validate an input; the first problem is refused as INVALID_INPUT with its field path. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const first = zodProblems(parsed.error.issues)[0]!;
  throw new ServiceError('INVALID_INPUT', first.message, first.path === '(pack)' ? '' : first.path);
}
