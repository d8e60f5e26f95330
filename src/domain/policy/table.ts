import { invalidClaim, policyGap } from '../errors.js';
import { DIM_CLAIM_FIELD, DIMENSIONS, type Dim } from './dimensions.js';
import type { Cell, Table } from './model.js';

/** A claim's position on every dimension, as an index into the dimension's domain (-1 = not given). */
export type DimIndex = Record<Dim, number>;

/** Index of a value in a dimension's domain, or -1 (domains have at most four values). */
export function dimIndex(dim: Dim, value: string | undefined): number {
  if (value === undefined) return -1;
  const values = DIMENSIONS[dim] as readonly string[];
  for (let i = 0; i < values.length; i++) if (values[i] === value) return i;
  return -1;
}

/** The flat cell index for a list of dimension values (row-major over `by`). */
export function cellIndex(by: readonly Dim[], idx: Readonly<Record<Dim, number>>): number {
  let i = 0;
  for (const d of by) i = i * DIMENSIONS[d].length + idx[d];
  return i;
}

/** The table version in force on `date`, or null when the table starts later or has ended. */
export function versionAt<T>(table: Table<T>, date: string): Cell<T>[] | null | undefined {
  let found: Cell<T>[] | null | undefined;
  for (const v of table.versions) {
    if (v.from <= date) found = v.cells;
    else break;
  }
  return found;
}

/**
 * Look up the value a table gives for a claim on a date. Refuses with POLICY_GAP when the table is
 * not in force or the cell is declared absent, and with INVALID_CLAIM when the claim lacks a
 * dimension the table needs.
 */
export function lookup<T>(table: Table<T>, idx: DimIndex, date: string): Extract<Cell<T>, { kind: 'value' }> {
  const cells = versionAt(table, date);
  if (!cells) {
    const first = table.versions[0]?.from ?? '?';
    throw policyGap(table.path, `${table.path} is not in force on ${date} (the pack gives it from ${first})`);
  }
  let at = 0;
  for (const d of table.by) {
    const i = idx[d];
    if (i < 0) {
      const field = DIM_CLAIM_FIELD[d];
      throw invalidClaim(field, `${table.path} depends on ${d}; the claim must give ${field}`);
    }
    at = at * DIMENSIONS[d].length + i;
  }
  const cell = cells[at];
  if (!cell)
    throw policyGap(table.path, `${table.path} has no value for this claim's ${table.by.join(', ')}`);
  if (cell.kind === 'absent') {
    throw policyGap(cell.ref.path, `the source does not state ${cell.ref.path}: ${cell.note}`);
  }
  return cell; // the compiled cell itself: nothing is allocated per lookup
}
