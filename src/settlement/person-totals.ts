import { emptyAccumulators, type Accumulators } from '../domain/settlement/types.js';

/** One person's totals for one policy year and scheme, linked to the person's other ones. */
export interface TotalsEntry {
  /** year × 1000 + scheme, e.g. 2025390: compared as one integer. */
  key: number;
  totals: Accumulators;
  next: TotalsEntry | undefined;
}

/** The integer key of a (policy year, scheme) pair, from a YYYY-MM-DD date and "310" / "390". */
export function yearSchemeKey(date: string, scheme: string): number {
  const year =
    (date.charCodeAt(0) - 48) * 1000 +
    (date.charCodeAt(1) - 48) * 100 +
    (date.charCodeAt(2) - 48) * 10 +
    (date.charCodeAt(3) - 48);
  return year * 1000 + (scheme === '310' ? 310 : 390);
}

/**
 * Each person's running totals per policy year and scheme, for the length of a run. One Map lookup
 * per claim by person number, then a short chain of that person's (year, scheme) entries compared
 * as integers; each person-year is two small objects. This is what keeps a million persons fast.
 */
export class PersonTotals {
  private readonly byPerson = new Map<string, TotalsEntry>();

  /** The entry of this person and (year, scheme), created with zero totals if there is none. */
  entry(psnNo: string, key: number): TotalsEntry {
    const first = this.byPerson.get(psnNo);
    for (let e = first; e; e = e.next) if (e.key === key) return e;
    const created: TotalsEntry = { key, totals: emptyAccumulators(), next: first };
    this.byPerson.set(psnNo, created);
    return created;
  }

  /**
   * Record the totals after a settled claim. The entry keeps one array of its own and copies the
   * new counters into it, so the per-claim arrays die young instead of filling the old heap.
   */
  commit(entry: TotalsEntry, after: Accumulators): void {
    const own = entry.totals as number[];
    if (own.length !== after.length || Object.isFrozen(own)) {
      entry.totals = after.slice();
      return;
    }
    for (let i = 0; i < after.length; i++) own[i] = after[i]!;
  }
}
