import type { Fen } from '../money/money.js';
import type { Month } from './months.js';
import { reachesShare, shareBp } from './share.js';

/**
 * A designated institution's total budget (总额预算) for a year and its use: what the fund booked
 * as expenditure at the institution, month by month and year to date, against the budget, with a
 * warning at each share the budget's owner configured (e.g. 80 %, 90 %, 100 %). There are no default
 * shares: a budget set without any raises no warning and shows only its use.
 */

export interface InstitutionMonth {
  month: Month;
  use: Fen;
  ytdUse: Fen;
}

export interface InstitutionUse {
  months: InstitutionMonth[];
  ytdUse: Fen;
  budget: Fen;
  /** ytdUse as a share of the budget, basis points, half up ("share-half-up"): shown only. */
  useShareBp: number;
  /** budget − ytdUse; negative once the budget is overrun. */
  remaining: Fen;
  /** The configured shares (bp, ascending) that ytdUse has reached, compared exactly. */
  reached: number[];
  /** The highest share reached: the warning to show; null when none is reached. */
  warning: number | null;
}

/**
 * An institution's budget use over the year's months (January to the month reported, in order);
 * `budget` is positive and `warnSharesBp` ascending.
 */
export function institutionUse(
  flows: readonly { month: Month; use: Fen }[],
  budget: Fen,
  warnSharesBp: readonly number[],
): InstitutionUse {
  let ytdUse = 0;
  const months = flows.map((f) => {
    ytdUse += f.use;
    return { month: f.month, use: f.use, ytdUse };
  });
  const reached = warnSharesBp.filter((bp) => reachesShare(ytdUse, budget, bp));
  return {
    months,
    ytdUse,
    budget,
    useShareBp: shareBp(ytdUse, budget)!,
    remaining: budget - ytdUse,
    reached,
    warning: reached.at(-1) ?? null,
  };
}
