import { MAX_AMOUNT_FEN } from '../../domain/money/money.js';
import { FULL_RATE } from '../../domain/money/rate.js';
import { DIMENSIONS } from '../../domain/policy/dimensions.js';
import type { Footer, RowGroupColumns, RowGroupCounts } from './columnar-format.js';

/**
 * Checks a row group before any claim of it is settled, so a damaged file is refused with where it
 * is damaged instead of settling wrong numbers: every offset within bounds and ascending, every
 * code within its dictionary or domain, every amount whole fen, persons contiguous and each
 * person's claims in date order. One pass over the columns; cheap next to settling.
 */
export function checkRowGroup(
  c: RowGroupColumns,
  counts: RowGroupCounts,
  dicts: Footer['dictionaries'],
): string | null {
  return (
    checkPersons(c, counts) ??
    checkEnds(c.lineEnd, counts.lines, 'lineEnd', 1) ??
    checkEnds(c.diseaseEnd, counts.diseases, 'diseaseEnd', 0) ??
    checkEnds(c.idEnd, counts.idBytes, 'idEnd', 1) ??
    checkEnds(c.psnEnd, counts.psnBytes, 'psnEnd', 1) ??
    checkClaims(c, dicts) ??
    checkLines(c, dicts) ??
    checkBelow(c.disease, dicts.diseases.length, 'disease') ??
    checkPriors(c, counts)
  );
}

/** Offsets ending each item: ascending by at least `step`, the last one equal to `total`. */
function checkEnds(ends: Uint32Array, total: number, name: string, step: number): string | null {
  let last = 0;
  for (let i = 0; i < ends.length; i++) {
    if (ends[i]! < last + step) return `${name}[${i}] is out of order`;
    last = ends[i]!;
  }
  return last === total ? null : `${name} does not end at ${total}`;
}

function checkBelow(
  values: Uint32Array | Uint16Array | Uint8Array,
  limit: number,
  name: string,
): string | null {
  for (let i = 0; i < values.length; i++) if (values[i]! >= limit) return `${name}[${i}] is out of range`;
  return null;
}

/** Persons numbered 0, 1, … in claim order (contiguous), each person's dates not decreasing. */
function checkPersons(c: RowGroupColumns, counts: RowGroupCounts): string | null {
  let person = -1;
  let lastDate = 0;
  for (let i = 0; i < c.person.length; i++) {
    const p = c.person[i]!;
    if (p === person + 1) {
      person = p;
      lastDate = 0;
    } else if (p !== person) return `person[${i}]: claims are not grouped by person (make the file again)`;
    const date = c.date[i]!;
    if (date < lastDate) return `date[${i}]: claims of a person are not in date order (make the file again)`;
    lastDate = date;
  }
  return person + 1 === counts.persons
    ? null
    : `the claims name ${person + 1} persons, not ${counts.persons}`;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A date YYYYMMDD as isCalendarDate reads YYYY-MM-DD (years 1900–2199), in arithmetic. */
function isCalendarDay(n: number): boolean {
  const year = Math.floor(n / 10_000);
  const month = Math.floor(n / 100) % 100;
  const day = n % 100;
  if (year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1) return false;
  if (month !== 2 || day < 29) return day <= DAYS_IN_MONTH[month - 1]!;
  return day === 29 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function checkClaims(c: RowGroupColumns, dicts: Footer['dictionaries']): string | null {
  let lastDate = -1;
  for (let i = 0; i < c.date.length; i++) {
    const date = c.date[i]!;
    if (date !== lastDate && !isCalendarDay(date)) return `date[${i}] is not a calendar date`;
    lastDate = date;
    const balance = c.balance[i]!;
    if (!Number.isSafeInteger(balance) || balance < 0 || balance > MAX_AMOUNT_FEN) {
      return `balance[${i}] is not an amount in fen`;
    }
    if (c.scheme[i]! > 1) return `scheme[${i}] is out of range`;
    // An employee (310) is active or retired (0, 1); a resident (390) resident or minor (2, 3).
    if (c.personType[i]! >> 1 !== c.scheme[i]) return `personType[${i}] does not fit the scheme`;
    if (c.age[i]! > 150) return `age[${i}] is out of range`;
  }
  return (
    checkBelow(c.medType, DIMENSIONS.medType.length, 'medType') ??
    checkBelow(c.level, DIMENSIONS.level.length, 'level') ??
    checkBelow(c.priceClass, DIMENSIONS.priceClass.length + 1, 'priceClass') ??
    checkBelow(c.flags, 8, 'flags') ??
    checkBelow(c.institution, dicts.institutions.length, 'institution') ??
    checkBelow(c.personArea, dicts.areas.length, 'personArea') ??
    checkBelow(c.careArea, dicts.areas.length, 'careArea')
  );
}

function checkLines(c: RowGroupColumns, dicts: Footer['dictionaries']): string | null {
  for (let i = 0; i < c.amount.length; i++) {
    const amount = c.amount[i]!;
    if (!Number.isSafeInteger(amount) || amount < 0 || amount > MAX_AMOUNT_FEN) {
      return `amount[${i}] is not an amount in fen`;
    }
    const cap = c.priceCap[i]!;
    if (cap !== -1 && (!Number.isSafeInteger(cap) || cap < 0))
      return `priceCap[${i}] is not an amount in fen`;
    if (c.selfPay[i]! > FULL_RATE) return `selfPay[${i}] is above 100%`;
    if (c.feeClass[i]! < 1 || c.feeClass[i]! > 3) return `feeClass[${i}] is out of range`;
  }
  return checkBelow(c.code, dicts.codes.length, 'code');
}

function checkPriors(c: RowGroupColumns, counts: RowGroupCounts): string | null {
  let last = -1;
  for (let q = 0; q < c.priorClaim.length; q++) {
    const claim = c.priorClaim[q]!;
    if (claim <= last || claim >= counts.claims) return `priorClaim[${q}] is out of order`;
    last = claim;
    const d = c.priorDeductible[q]!;
    const p = c.priorPool[q]!;
    if (!Number.isSafeInteger(d) || d < 0 || !Number.isSafeInteger(p) || p < 0) {
      return `prior[${q}] is not an amount in fen`;
    }
  }
  return null;
}
