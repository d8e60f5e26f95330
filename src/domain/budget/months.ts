/**
 * Calendar months as "YYYY-MM" text: they sort in time order as strings, and a journal's month is
 * the first seven characters of its effective date.
 */
export type Month = string;

const MONTH = /^(19|20|21)\d\d-(0[1-9]|1[0-2])$/;

/** True for a month written YYYY-MM, years 1900–2199. */
export function isMonth(text: string): boolean {
  return MONTH.test(text);
}

/** The month `n` months after `month` (before it when n is negative). */
export function addMonths(month: Month, n: number): Month {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + n;
  const year = Math.floor(index / 12);
  return `${year}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** How many months run from `from` to `to`, both included (0 when `to` is before `from`). */
export function monthCount(from: Month, to: Month): number {
  const index = (m: Month) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7));
  return Math.max(0, index(to) - index(from) + 1);
}

/** The months of `through`'s year from January to `through`, in order. */
export function monthsThrough(through: Month): Month[] {
  const first = `${through.slice(0, 4)}-01`;
  return Array.from({ length: monthCount(first, through) }, (_, i) => addMonths(first, i));
}

/** The last day of a month, YYYY-MM-DD. */
export function lastDayOf(month: Month): string {
  const next = addMonths(month, 1);
  const t = Date.UTC(Number(next.slice(0, 4)), Number(next.slice(5, 7)) - 1, 1) - 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}
