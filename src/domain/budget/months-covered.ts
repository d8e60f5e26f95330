import type { Fen } from '../money/money.js';
import { classifyBand, type Band, type BandName } from './bands.js';
import { addMonths, monthCount, type Month } from './months.js';
import { ratioHalfUp } from './share.js';

/**
 * Months of expenditure the accumulated balance covers (累计结余可支付月数):
 *   balance at the end of the month reported ÷ average monthly expenditure.
 * The average is taken over the last 12 months ending with the month reported, but not from before
 * the first month in which the fund booked any expenditure: a fund (or an area's sub-account) that
 * has paid benefits for five months is averaged over those five, not flattered by seven empty ones.
 * A rolling year, rather than the year to date, keeps January from being judged on one month.
 */

export const WINDOW_MONTHS = 12;

export interface ExpenditureMonth {
  month: Month;
  expenditure: Fen;
}

export interface MonthsCovered {
  /** The accumulated balance at the end of `to`. */
  balance: Fen;
  /** The months averaged, `from` to `to` inclusive, and how many they are. */
  from: Month;
  to: Month;
  months: number;
  /** Expenditure over those months. */
  expenditure: Fen;
  /** expenditure ÷ months, half up to the fen ("average-half-up"): shown, not used in the ratio. */
  averageMonthlyExpenditure: Fen;
  /** balance × months ÷ expenditure in hundredths of a month, half up ("months-half-up"): shown only. */
  hundredths: number;
  /** The band of the exact ratio balance × months ÷ expenditure. */
  band: BandName;
}

/**
 * The months covered at the end of `through`, from the balance then and the monthly expenditure up to
 * it (months missing count as 0); null when the window holds no positive expenditure to divide by.
 */
export function monthsCovered(
  balance: Fen,
  history: readonly ExpenditureMonth[],
  through: Month,
  bands: readonly Band[],
): MonthsCovered | null {
  const spent = history.filter((h) => h.month <= through && h.expenditure !== 0);
  const first = spent.reduce<Month | null>((m, h) => (m === null || h.month < m ? h.month : m), null);
  if (first === null) return null;
  const rolling = addMonths(through, 1 - WINDOW_MONTHS);
  const from = first > rolling ? first : rolling;
  const expenditure = spent.filter((h) => h.month >= from).reduce((s, h) => s + h.expenditure, 0);
  if (expenditure <= 0) return null;
  const months = monthCount(from, through);
  const num = BigInt(balance) * BigInt(months);
  return {
    balance,
    from,
    to: through,
    months,
    expenditure,
    averageMonthlyExpenditure: ratioHalfUp(expenditure, months, 1),
    hundredths: ratioHalfUp(num, expenditure, 100),
    band: classifyBand(num, expenditure, bands),
  };
}
