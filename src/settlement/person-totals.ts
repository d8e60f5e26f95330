import { emptyAccumulators, type Accumulators } from '../domain/settlement/types.js';

const NO_TOTALS: Accumulators = Object.freeze(emptyAccumulators());

interface YearTotals {
  year: string;
  scheme: string;
  totals: Accumulators;
}

/**
 * Each person's running totals per policy year and scheme, for the length of a run. Keyed by the
 * person number alone, with the few (year, scheme) entries of a person in a short list: no key
 * strings are built per claim, which matters at a million claims.
 */
export class PersonTotals {
  private readonly byPerson = new Map<string, YearTotals[]>();

  /** The totals before a claim of this person, year and scheme (zeros when there are none yet). */
  get(psnNo: string, year: string, scheme: string): Accumulators {
    const list = this.byPerson.get(psnNo);
    if (list) for (const e of list) if (e.year === year && e.scheme === scheme) return e.totals;
    return NO_TOTALS;
  }

  /** Record the totals after a settled claim. */
  set(psnNo: string, year: string, scheme: string, totals: Accumulators): void {
    const list = this.byPerson.get(psnNo);
    if (!list) {
      this.byPerson.set(psnNo, [{ year, scheme, totals }]);
      return;
    }
    for (const e of list) {
      if (e.year === year && e.scheme === scheme) {
        e.totals = totals;
        return;
      }
    }
    list.push({ year, scheme, totals });
  }

  /** Number of persons with totals. */
  get persons(): number {
    return this.byPerson.size;
  }
}
