import { z } from 'zod';
import { isMonth } from '../../domain/budget/months.js';
import { MAX_BUDGET_FEN } from '../../domain/budget/yuan.js';

/** The inputs of the budget service: amounts in whole fen, shares in basis points. */

const text = (max: number) =>
  z.string({ error: 'must be a string' }).max(max).regex(/\S/, 'must not be empty');
const fen = z
  .int({ error: 'must be a whole number of fen' })
  .min(0, 'must not be negative')
  .max(MAX_BUDGET_FEN, 'is above the limit of 1,000,000,000,000.00 yuan');
const year = z.int({ error: 'must be a year such as 2025' }).min(1900).max(2199);
const areaCode = z
  .string({ error: 'must be a 6-digit area code' })
  .regex(/^\d{6}$/, 'must be a 6-digit area code');
const book = text(40);
const stamp = { key: text(200), setBy: text(100), note: text(500).optional() };

export const areaBudgetSchema = z.strictObject({
  ...stamp,
  book,
  areaCode,
  year,
  incomeFen: fen,
  expenditureFen: fen,
});

/** Warning shares: 0.01 % to 1000 %, each above the one before (so none is listed twice). */
const warnShares = z
  .array(
    z
      .int({ error: 'must be whole basis points' })
      .min(1, 'must be above 0')
      .max(100_000, 'must be at most 1000 %'),
  )
  .max(10, 'at most 10 warning shares')
  .refine((a) => a.every((v, i) => i === 0 || v > a[i - 1]!), 'must be in ascending order, each listed once');

export const institutionBudgetSchema = z.strictObject({
  ...stamp,
  institutionCode: text(64),
  book,
  year,
  amountFen: fen.min(1, 'must be more than zero'),
  /** Omitted: the shares of the current version are kept (none for a first budget). */
  warnSharesBp: warnShares.optional(),
});

export const reportSchema = z
  .strictObject({
    areaCode: areaCode.optional(),
    year,
    /** The last month reported, YYYY-MM in `year`; by default December, or this month for the current year. */
    through: z.string().refine(isMonth, 'must be a month YYYY-MM').optional(),
    /** Today's date in China (YYYY-MM-DD), for the default `through`; tests set it. */
    today: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
      .optional(),
  })
  .refine((r) => r.through === undefined || r.through.startsWith(`${r.year}-`), {
    message: 'must be a month of the year reported',
    path: ['through'],
  });

export const historySchema = z.strictObject({ book, areaCode, year });
export const institutionHistorySchema = z.strictObject({ institutionCode: text(64), book, year });

export type AreaBudgetInput = z.input<typeof areaBudgetSchema>;
export type InstitutionBudgetInput = z.input<typeof institutionBudgetSchema>;
export type ReportInput = z.input<typeof reportSchema>;
