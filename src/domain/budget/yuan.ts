import type { Fen, ParseResult } from '../money/money.js';

/**
 * Budget amounts in yuan. A fund's annual budget is far above the 100,000,000.00 yuan that one claim
 * may carry (MAX_AMOUNT_FEN), so budgets have their own limit: 1,000,000,000,000.00 yuan (a trillion
 * yuan, 10^14 fen), about a third of the whole country's yearly medical insurance fund — and small
 * enough that sums over thousands of areas stay exact in a number.
 */
export const MAX_BUDGET_FEN: Fen = 100_000_000_000_000;

const YUAN_TEXT = /^(0|[1-9]\d{0,12})(\.\d{1,2})?$/;

/**
 * Parse yuan written as decimal text into fen, strictly: digits, at most two decimals, no sign, no
 * exponent, no separators ("12.345" and "1e3" are refused, not rounded), at most MAX_BUDGET_FEN.
 */
export function parseBudgetYuan(text: string): ParseResult<Fen> {
  const t = text.trim();
  const m = YUAN_TEXT.exec(t);
  if (!m)
    return { ok: false, reason: `must be yuan with at most two decimals, e.g. 1200000.50 (got "${t}")` };
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').slice(1).padEnd(2, '0'));
  if (fen > MAX_BUDGET_FEN) return { ok: false, reason: 'is above the limit of 1,000,000,000,000.00 yuan' };
  return { ok: true, value: fen };
}
