import type { Scheme } from '../../domain/policy/dimensions.js';
import type { AccountRef, Book } from '../ledger/accounts.js';

/**
 * The accounts of the provincial adjustment fund (省级调剂金). In the `adjustment` book, per province
 * and scheme (a province may run one fund for employees and one for residents):
 *   fund:PROV:SCHEME        the adjustment fund itself (the provincial special account, 财政专户)
 *   risk:PROV:SCHEME        the provincial risk fund (全省风险调节金) that keeps and returns (Fujian)
 *   held-back:PROV:SCHEME   the money held back until the year-end redistribution (Fujian)
 *   income:CITY:SCHEME      what a city paid in (上解收入)
 *   expense:CITY:SCHEME:F   what the fund paid a city, by figure F: allocation, return,
 *                           redistribution, deficit-cover
 * In a city's pool book, next to its fund:CITY:
 *   adjustment-out:CITY     what the city paid in to the adjustment fund (上解支出)
 *   adjustment-in:CITY      what it received from it (调剂金收入)
 * These codes are apart from income:AREA and expense:AREA:…, which hold contributions and benefits,
 * so an adjustment never changes the fund income and expenditure it was computed from.
 * Every guarded account is one that the computation keeps at or above zero by construction.
 */

export const ADJUSTMENT_BOOK: Book = 'adjustment';

/** What the fund pays a city, one expense account for each. */
export type PaidFigure = 'allocation' | 'return' | 'redistribution' | 'deficit-cover';

function provincial(code: string, province: string): AccountRef {
  return {
    book: ADJUSTMENT_BOOK,
    code,
    kind: 'fund',
    area: province,
    owner: null,
    normal: 'D',
    noNegative: true,
  };
}

/** The adjustment fund of a province for a scheme. */
export function adjustmentFundAccount(province: string, scheme: Scheme): AccountRef {
  return provincial(`fund:${province}:${scheme}`, province);
}

/** The provincial risk fund, from which returns are paid and into which the keep goes. */
export function riskFundAccount(province: string, scheme: Scheme): AccountRef {
  return provincial(`risk:${province}:${scheme}`, province);
}

/** The money held back from net recipients until its redistribution at year end. */
export function heldBackAccount(province: string, scheme: Scheme): AccountRef {
  return provincial(`held-back:${province}:${scheme}`, province);
}

/** What a city paid in, as the adjustment fund's income. */
export function payInReceivedAccount(city: string, scheme: Scheme): AccountRef {
  const code = `income:${city}:${scheme}`;
  return {
    book: ADJUSTMENT_BOOK,
    code,
    kind: 'income',
    area: city,
    owner: null,
    normal: 'C',
    noNegative: true,
  };
}

/** What the adjustment fund paid a city, by figure. */
export function paidToCityAccount(city: string, scheme: Scheme, figure: PaidFigure): AccountRef {
  const code = `expense:${city}:${scheme}:${figure}`;
  return {
    book: ADJUSTMENT_BOOK,
    code,
    kind: 'expense',
    area: city,
    owner: figure,
    normal: 'D',
    noNegative: true,
  };
}

/** A city pool's payment to the adjustment fund (上解支出). */
export function cityPayInAccount(book: Book, city: string): AccountRef {
  return {
    book,
    code: `adjustment-out:${city}`,
    kind: 'expense',
    area: city,
    owner: null,
    normal: 'D',
    noNegative: true,
  };
}

/** A city pool's receipts from the adjustment fund (调剂金收入). */
export function cityReceiptAccount(book: Book, city: string): AccountRef {
  return {
    book,
    code: `adjustment-in:${city}`,
    kind: 'income',
    area: city,
    owner: null,
    normal: 'C',
    noNegative: true,
  };
}
