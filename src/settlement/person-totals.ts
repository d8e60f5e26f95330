import type { Accumulators } from '../domain/settlement/types.js';

/** The integer key of a (policy year, scheme) pair, from a YYYY-MM-DD date and "310" / "390". */
export function yearSchemeKey(date: string, scheme: string): number {
  const year =
    (date.charCodeAt(0) - 48) * 1000 +
    (date.charCodeAt(1) - 48) * 100 +
    (date.charCodeAt(2) - 48) * 10 +
    (date.charCodeAt(3) - 48);
  return year * 1000 + (scheme === '310' ? 310 : 390);
}

// A cell of the hash table: the person number's hash and where the person's record starts in the
// arena, plus one (0 marks an empty cell).
const CELL = 2;
// A person's record in the arena, in float64s: the person number's length, the first overflow
// row (-1: none), the number's UTF-16 units four to a float64, then INLINE_ROWS rows. A row is a
// (year, scheme) key (0: not used yet) and the counters; an overflow row is preceded by the next
// overflow row. Two rows inline: a run usually spans one or two policy years of one scheme.
const LENGTH = 0;
const OVERFLOW = 1;
const KEY = 2;
const INLINE_ROWS = 2;

/**
 * Each person's running totals per policy year and scheme, for the length of a run.
 *
 * With a million claims over hundreds of thousands of persons, the time goes into reading memory
 * at random places, not into arithmetic: a Map keyed by person number, an entry object and a
 * counters array per person-year cost about six scattered reads per claim (each a cache and TLB
 * miss) and leave a million small objects for the garbage collector. Here a lookup reads two
 * places: a cell of an open-addressing table (hash, record), and the person's record, which holds
 * the person number (to tell persons with the same hash apart, exactly) next to the counters.
 * Both live in typed arrays: nothing is allocated per claim once they have grown. Counters are
 * float64s, as JS numbers are, so whole fen stay exact. A row is named by where its counters
 * start in the arena.
 */
export class PersonTotals {
  private cells = new Int32Array(1024 * CELL);
  private mask = 1023;
  private persons = 0;
  private f64 = new Float64Array(16 * 1024);
  /** The same memory, for the person numbers' UTF-16 units. */
  private u16 = new Uint16Array(this.f64.buffer);
  private used = 0;
  private readonly rowSize: number;
  /** What `totals` returns: settle copies its input, so one array serves every claim. */
  private readonly scratch: number[];

  /** `width`: the counters of a person-year, i.e. the pack's `slots.names.length`. */
  constructor(private readonly width: number) {
    this.rowSize = 1 + width;
    this.scratch = new Array<number>(width).fill(0);
  }

  /** The row of this person and (year, scheme), created with zero counters if there is none. */
  row(psnNo: string, key: number): number {
    if (!(key > 0)) throw new Error(`a (year, scheme) key must be a positive number, not ${key}`);
    const hash = hashOf(psnNo);
    let record = this.find(psnNo, hash);
    if (record < 0) record = this.addPerson(psnNo, hash);
    const f64 = this.f64;
    let at = record + KEY + keyUnits(psnNo.length);
    for (let i = 0; i < INLINE_ROWS; i++, at += this.rowSize) {
      if (f64[at] === key) return at + 1;
      if (f64[at] === 0) {
        f64[at] = key;
        return at + 1;
      }
    }
    for (let o = f64[record + OVERFLOW]!; o >= 0; o = f64[o]!) if (f64[o + 1] === key) return o + 2;
    return this.addOverflow(record, key);
  }

  /** A row's counters, as `settle` takes them; the array is reused by the next call. */
  totals(row: number): Accumulators {
    for (let i = 0; i < this.width; i++) this.scratch[i] = this.f64[row + i]!;
    return this.scratch;
  }

  /** Record a row's counters after a settled claim. */
  commit(row: number, after: Accumulators): void {
    if (after.length !== this.width) {
      throw new Error(`person totals hold ${this.width} counters, the settlement gave ${after.length}`);
    }
    for (let i = 0; i < this.width; i++) this.f64[row + i] = after[i]!;
  }

  /** The record of this person number, or -1. */
  private find(psnNo: string, hash: number): number {
    const cells = this.cells;
    for (let i = hash & this.mask; ; i = (i + 1) & this.mask) {
      const record = cells[i * CELL + 1]! - 1;
      if (record < 0) return -1;
      if (cells[i * CELL] === hash && this.keyIs(record, psnNo)) return record;
    }
  }

  private keyIs(record: number, psnNo: string): boolean {
    if (this.f64[record + LENGTH] !== psnNo.length) return false;
    const from = (record + KEY) * 4;
    for (let i = 0; i < psnNo.length; i++) if (this.u16[from + i] !== psnNo.charCodeAt(i)) return false;
    return true;
  }

  /** A record for a new person (no rows used yet), and a cell pointing to it. */
  private addPerson(psnNo: string, hash: number): number {
    const record = this.allocate(KEY + keyUnits(psnNo.length) + INLINE_ROWS * this.rowSize);
    this.f64[record + LENGTH] = psnNo.length;
    this.f64[record + OVERFLOW] = -1;
    const from = (record + KEY) * 4;
    for (let i = 0; i < psnNo.length; i++) this.u16[from + i] = psnNo.charCodeAt(i);
    // At most half full, so that probe sequences stay short.
    if ((this.persons + 1) * 2 > this.mask + 1) this.growCells();
    this.persons++;
    this.place(hash, record);
    return record;
  }

  /** A row beyond the inline ones, first in the person's overflow chain. */
  private addOverflow(record: number, key: number): number {
    const o = this.allocate(2 + this.width);
    this.f64[o] = this.f64[record + OVERFLOW]!;
    this.f64[o + 1] = key;
    this.f64[record + OVERFLOW] = o;
    return o + 2;
  }

  /** `size` float64s at the end of the arena (zero), doubling it when full. */
  private allocate(size: number): number {
    const at = this.used;
    if (at + size > this.f64.length) {
      let length = this.f64.length * 2;
      while (length < at + size) length *= 2;
      const f64 = new Float64Array(length);
      f64.set(this.f64);
      this.f64 = f64;
      this.u16 = new Uint16Array(f64.buffer);
    }
    this.used = at + size;
    return at;
  }

  private place(hash: number, record: number): void {
    let i = hash & this.mask;
    while (this.cells[i * CELL + 1] !== 0) i = (i + 1) & this.mask;
    this.cells[i * CELL] = hash;
    this.cells[i * CELL + 1] = record + 1;
  }

  /** Double the table, moving each cell to its place by its stored hash. */
  private growCells(): void {
    const old = this.cells;
    this.mask = this.mask * 2 + 1;
    this.cells = new Int32Array((this.mask + 1) * CELL);
    for (let at = 0; at < old.length; at += CELL) {
      if (old[at + 1] !== 0) this.place(old[at]!, old[at + 1]! - 1);
    }
  }
}

/** Float64s taken by a person number of this length (four UTF-16 units each). */
function keyUnits(length: number): number {
  return (length + 3) >> 2;
}

/** A person number's hash: FNV-1a over its UTF-16 units, then mixed so the low bits vary. */
export function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  return h ^ (h >>> 13);
}
