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

// A person's cell in the hash table: the person number's hash, where its characters start in
// `chars` (+1, so that 0 marks an empty cell), its length, and the person's most recent row.
const CELL = 4;
const HASH = 0;
const KEY_AT = 1;
const KEY_LENGTH = 2;
const FIRST_ROW = 3;
// A row (one person, policy year and scheme): the year-scheme key, the person's next row (-1:
// none), then the counters.
const ROW_KEY = 0;
const ROW_NEXT = 1;
const ROW_HEADER = 2;

/**
 * Each person's running totals per policy year and scheme, for the length of a run.
 *
 * With a million claims over hundreds of thousands of persons, the time goes into cache misses,
 * not arithmetic: a Map keyed by person number, an entry object and a counters array per
 * person-year cost about six scattered reads per claim and leave a million small objects for the
 * garbage collector. Here everything lives in a few typed arrays: an open-addressing table whose
 * cell holds the hash, the key's place and the first row, the keys' characters side by side (to
 * tell persons with the same hash apart, exactly), and one arena of fixed-width rows.
 * A lookup reads a cell, the key and the row; nothing is allocated once the arrays have grown.
 */
export class PersonTotals {
  private cells = new Int32Array(1024 * CELL);
  private mask = 1023;
  private persons = 0;
  private chars = new Uint16Array(16 * 1024);
  private charsUsed = 0;
  private rows: Float64Array;
  private rowCount = 0;
  private readonly stride: number;
  /** What `totals` returns: settle copies its input, so one array serves every claim. */
  private readonly scratch: number[];

  /** `width`: the counters of a person-year, i.e. the pack's `slots.names.length`. */
  constructor(private readonly width: number) {
    this.stride = ROW_HEADER + width;
    this.rows = new Float64Array(1024 * this.stride);
    this.scratch = new Array<number>(width).fill(0);
  }

  /** The row of this person and (year, scheme), created with zero counters if there is none. */
  row(psnNo: string, key: number): number {
    const hash = hashOf(psnNo);
    let at = this.find(psnNo, hash);
    if (this.cells[at + KEY_AT] === 0) at = this.addPerson(psnNo, hash);
    const rows = this.rows;
    for (let r = this.cells[at + FIRST_ROW]!; r >= 0; r = rows[r * this.stride + ROW_NEXT]!) {
      if (rows[r * this.stride + ROW_KEY] === key) return r;
    }
    return this.addRow(at, key);
  }

  /** A row's counters, as `settle` takes them; the array is reused by the next call. */
  totals(row: number): Accumulators {
    const from = row * this.stride + ROW_HEADER;
    for (let i = 0; i < this.width; i++) this.scratch[i] = this.rows[from + i]!;
    return this.scratch;
  }

  /** Record a row's counters after a settled claim. */
  commit(row: number, after: Accumulators): void {
    if (after.length !== this.width) {
      throw new Error(`person totals hold ${this.width} counters, the settlement gave ${after.length}`);
    }
    const to = row * this.stride + ROW_HEADER;
    for (let i = 0; i < this.width; i++) this.rows[to + i] = after[i]!;
  }

  /** The cell of this person number, or the empty cell where it would go. */
  private find(psnNo: string, hash: number): number {
    const cells = this.cells;
    for (let i = hash & this.mask; ; i = (i + 1) & this.mask) {
      const at = i * CELL;
      const keyAt = cells[at + KEY_AT]!;
      if (keyAt === 0) return at;
      if (cells[at + HASH] === hash && this.keyIs(keyAt - 1, cells[at + KEY_LENGTH]!, psnNo)) return at;
    }
  }

  private keyIs(from: number, length: number, psnNo: string): boolean {
    if (length !== psnNo.length) return false;
    for (let i = 0; i < length; i++) if (this.chars[from + i] !== psnNo.charCodeAt(i)) return false;
    return true;
  }

  /** Store a new person's number and give it a cell (with no rows yet); returns the cell. */
  private addPerson(psnNo: string, hash: number): number {
    // At most half full, so that probe sequences stay short.
    if ((this.persons + 1) * 2 > this.mask + 1) this.growCells();
    const at = this.find(psnNo, hash);
    if (this.charsUsed + psnNo.length > this.chars.length) {
      this.chars = grown(this.chars, this.charsUsed + psnNo.length);
    }
    const from = this.charsUsed;
    for (let i = 0; i < psnNo.length; i++) this.chars[from + i] = psnNo.charCodeAt(i);
    this.charsUsed += psnNo.length;
    this.persons++;
    this.cells[at + HASH] = hash;
    this.cells[at + KEY_AT] = from + 1;
    this.cells[at + KEY_LENGTH] = psnNo.length;
    this.cells[at + FIRST_ROW] = -1;
    return at;
  }

  /** Double the table, moving each cell to its place by its stored hash. */
  private growCells(): void {
    const old = this.cells;
    this.mask = this.mask * 2 + 1;
    this.cells = new Int32Array((this.mask + 1) * CELL);
    for (let from = 0; from < old.length; from += CELL) {
      if (old[from + KEY_AT] === 0) continue;
      let i = old[from + HASH]! & this.mask;
      while (this.cells[i * CELL + KEY_AT] !== 0) i = (i + 1) & this.mask;
      this.cells.set(old.subarray(from, from + CELL), i * CELL);
    }
  }

  /** A new row of zero counters for (year, scheme), put first in the person's chain. */
  private addRow(at: number, key: number): number {
    const row = this.rowCount++;
    if ((row + 1) * this.stride > this.rows.length) {
      this.rows = grown(this.rows, (row + 1) * this.stride);
    }
    this.rows[row * this.stride + ROW_KEY] = key;
    this.rows[row * this.stride + ROW_NEXT] = this.cells[at + FIRST_ROW]!;
    this.cells[at + FIRST_ROW] = row;
    return row;
  }
}

/** A person number's hash: FNV-1a over its UTF-16 units, then mixed so the low bits vary. */
export function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  return h ^ (h >>> 13);
}

/** A copy of a typed array at least `needed` long (doubling), the rest zero. */
function grown<T extends Uint16Array | Float64Array>(a: T, needed: number): T {
  let length = a.length * 2;
  while (length < needed) length *= 2;
  const b = new (a.constructor as new (n: number) => T)(length);
  b.set(a);
  return b;
}
