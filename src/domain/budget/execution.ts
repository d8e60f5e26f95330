import type { Fen } from '../money/money.js';
import type { Month } from './months.js';
import { shareBp } from './share.js';

/**
 * The execution of an annual fund budget (以收定支、收支平衡、略有结余): month by month, the income
 * and expenditure booked, their year-to-date sums and the shares of the annual budget they reach.
 * Shares are in basis points, rounded half up ("share-half-up", see share.ts); every comparison that
 * raises a warning is made on the exact amounts, never on a rounded share.
 */

/** What a book booked in one area (or a set of areas) in one month, net of reversals. */
export interface MonthFlow {
  month: Month;
  income: Fen;
  expenditure: Fen;
}

export interface AnnualBudget {
  income: Fen;
  expenditure: Fen;
}

export interface ExecutionMonth extends MonthFlow {
  ytdIncome: Fen;
  ytdExpenditure: Fen;
  /** ytdIncome as a share of the income budget; null without a (positive) budget. */
  incomeShareBp: number | null;
  expenditureShareBp: number | null;
}

/** The current-year deficit warning: expenditure above income, year to date. */
export interface Deficit {
  warning: boolean;
  /** ytdExpenditure − ytdIncome when that is positive, else 0. */
  amount: Fen;
}

export interface Execution {
  months: ExecutionMonth[];
  ytdIncome: Fen;
  ytdExpenditure: Fen;
  incomeShareBp: number | null;
  expenditureShareBp: number | null;
  /** The share of the year elapsed (序时进度): months reported / 12, in basis points, half up. */
  elapsedShareBp: number;
  deficit: Deficit;
}

/** The deficit warning on a year to date: raised when expenditure exceeds income (equal is no deficit). */
export function deficitOf(ytdIncome: Fen, ytdExpenditure: Fen): Deficit {
  const gap = ytdExpenditure - ytdIncome;
  return { warning: gap > 0, amount: gap > 0 ? gap : 0 };
}

/**
 * Execute a year's flows (January to the last month reported, in order) against its annual budget
 * (null when none is set: the shares are then null, the deficit warning still applies).
 */
export function annualExecution(flows: readonly MonthFlow[], budget: AnnualBudget | null): Execution {
  let ytdIncome = 0;
  let ytdExpenditure = 0;
  const months = flows.map((f): ExecutionMonth => {
    ytdIncome += f.income;
    ytdExpenditure += f.expenditure;
    return {
      ...f,
      ytdIncome,
      ytdExpenditure,
      incomeShareBp: budget ? shareBp(ytdIncome, budget.income) : null,
      expenditureShareBp: budget ? shareBp(ytdExpenditure, budget.expenditure) : null,
    };
  });
  return {
    months,
    ytdIncome,
    ytdExpenditure,
    incomeShareBp: budget ? shareBp(ytdIncome, budget.income) : null,
    expenditureShareBp: budget ? shareBp(ytdExpenditure, budget.expenditure) : null,
    elapsedShareBp: shareBp(flows.length, 12)!,
    deficit: deficitOf(ytdIncome, ytdExpenditure),
  };
}
