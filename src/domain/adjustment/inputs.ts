import { AdjustmentRefusal } from './rule.js';

/**
 * Guards on the inputs of an adjustment. The service validates what users give (the inputs file,
 * with every problem by path); these checks keep the pure functions honest when called directly.
 */

/** Cities are identified by their 6-digit area code, each once; there is at least one. */
export function checkCities(cities: readonly { area: string }[]): void {
  if (cities.length === 0)
    throw new AdjustmentRefusal('INVALID_INPUT', 'there is no city to adjust', 'cities');
  const seen = new Set<string>();
  for (const c of cities) {
    if (!/^\d{6}$/.test(c.area)) {
      throw new AdjustmentRefusal('INVALID_INPUT', `"${c.area}" is not a 6-digit area code`, 'cities');
    }
    if (seen.has(c.area))
      throw new AdjustmentRefusal('INVALID_INPUT', `city ${c.area} is listed twice`, c.area);
    seen.add(c.area);
  }
}

/** A non-negative whole number (a count, basis points, hundredths of a point). */
export function checkWhole(value: number, path: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new AdjustmentRefusal('INVALID_INPUT', `must be a whole number not below 0, not ${value}`, path);
  }
}

/** A non-negative whole number of fen. */
export function checkFen(value: number, path: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new AdjustmentRefusal(
      'INVALID_INPUT',
      `must be a whole number of fen not below 0, not ${value}`,
      path,
    );
  }
}

/** A whole number of fen that may be negative (an accumulated balance may be overdrawn). */
export function checkSignedFen(value: number, path: string): void {
  if (!Number.isSafeInteger(value)) {
    throw new AdjustmentRefusal('INVALID_INPUT', `must be a whole number of fen, not ${value}`, path);
  }
}

/** The cities in area-code order: the order in which apportionment ties are broken. */
export function cityOrder<T extends { area: string }>(cities: readonly T[]): T[] {
  return [...cities].sort((a, b) => (a.area < b.area ? -1 : a.area > b.area ? 1 : 0));
}
