import {
  areasFor,
  DIMENSIONS,
  personTypesFor,
  type Dim,
  type PoolingLevel,
  type Scheme,
} from '../domain/policy/dimensions.js';
import type { Cell, Table } from '../domain/policy/model.js';
import { cellIndex } from '../domain/policy/table.js';
import type { WhenInput } from './schema.js';

/** A problem found in a pack, by path. */
export interface PackProblem {
  path: string;
  message: string;
}

/** Which values of each dimension can occur for a table (the cells that must be covered). */
export type Domains = Record<Dim, readonly string[]>;

/** The reachable values of each dimension for a table used by the given schemes and medical types. */
export function domainsFor(
  level: PoolingLevel,
  schemes: readonly Scheme[],
  medTypes?: readonly string[],
): Domains {
  return {
    ...DIMENSIONS,
    scheme: schemes,
    personType: personTypesFor(schemes),
    medType: medTypes ?? DIMENSIONS.medType,
    area: areasFor(level),
  };
}

export interface RawRule {
  when?: WhenInput;
  source?: string;
  absent?: string;
}

export interface RawTable<R extends RawRule> {
  source?: string;
  by: Dim[];
  values: Record<string, R[] | null>;
}

/**
 * Compile a dated rule table into cell arrays, checking dates, sources, that rules only split on the
 * declared dimensions, and that every reachable cell is covered exactly once (given or absent).
 */
export function compileTable<R extends RawRule, T>(
  raw: RawTable<R>,
  path: string,
  ctx: { domains: Domains; validFrom: string; problems: PackProblem[] },
  toValue: (rule: R, rulePath: string) => T,
): Table<T> {
  const dates = Object.keys(raw.values);
  checkDates(dates, path, ctx.validFrom, ctx.problems);
  const versions = dates.sort().map((from) => {
    const rules = raw.values[from] ?? null;
    const vPath = `${path}.values.${from}`;
    return { from, cells: rules === null ? null : compileCells(raw, rules, vPath, ctx, toValue) };
  });
  return { path, by: raw.by, versions };
}

function compileCells<R extends RawRule, T>(
  raw: RawTable<R>,
  rules: R[],
  vPath: string,
  ctx: { domains: Domains; problems: PackProblem[] },
  toValue: (rule: R, rulePath: string) => T,
): Cell<T>[] {
  const cells: Cell<T>[] = [];
  const owner: number[] = [];
  rules.forEach((rule, i) => {
    const rPath = `${vPath}[${i}]`;
    const source = rule.source ?? raw.source;
    if (!source)
      ctx.problems.push({ path: `${rPath}.source`, message: 'every value must quote its source sentence' });
    for (const key of Object.keys(rule.when ?? {})) {
      if (!raw.by.includes(key as Dim)) {
        ctx.problems.push({
          path: `${rPath}.when.${key}`,
          message: `the table does not split on ${key}; add it to "by"`,
        });
      }
    }
    const ref = { path: vPath.replace(/\.values\..*$/, ''), source: source ?? '' };
    const valueKeys = Object.keys(rule).filter((k) => k !== 'when' && k !== 'source' && k !== 'absent');
    if (rule.absent !== undefined && valueKeys.length > 0) {
      ctx.problems.push({
        path: rPath,
        message: `a cell is either given or absent, not both (${valueKeys.join(', ')})`,
      });
    }
    const cell: Cell<T> =
      rule.absent !== undefined
        ? { kind: 'absent', note: rule.absent, ref }
        : { kind: 'value', value: toValue(rule, rPath), ref };
    for (const combo of combinations(raw.by, ctx.domains)) {
      if (!matches(rule.when, combo)) continue;
      const at = cellIndex(raw.by, combo);
      if (owner[at] !== undefined) {
        ctx.problems.push({
          path: rPath,
          message: `${describe(combo, raw.by)} is already given by rule ${owner[at]}`,
        });
      }
      owner[at] = i;
      cells[at] = cell;
    }
  });
  for (const combo of combinations(raw.by, ctx.domains)) {
    if (owner[cellIndex(raw.by, combo)] === undefined) {
      ctx.problems.push({
        path: vPath,
        message: `${describe(combo, raw.by)} is neither given nor declared absent ({ absent: "why" })`,
      });
    }
  }
  return cells;
}

/** Every combination of reachable values over `by`, as domain indices. */
function* combinations(by: readonly Dim[], domains: Domains): Generator<Record<Dim, number>> {
  const idx = {} as Record<Dim, number>;
  function* walk(k: number): Generator<Record<Dim, number>> {
    if (k === by.length) {
      yield idx;
      return;
    }
    const d = by[k] as Dim;
    for (const v of domains[d]) {
      idx[d] = (DIMENSIONS[d] as readonly string[]).indexOf(v);
      yield* walk(k + 1);
    }
  }
  yield* walk(0);
}

function matches(when: WhenInput | undefined, combo: Record<Dim, number>): boolean {
  if (!when) return true;
  for (const [d, want] of Object.entries(when) as [Dim, string | string[]][]) {
    const value = DIMENSIONS[d][combo[d] as number] as string;
    if (Array.isArray(want) ? !want.includes(value) : want !== value) return false;
  }
  return true;
}

function describe(combo: Record<Dim, number>, by: readonly Dim[]): string {
  if (by.length === 0) return 'the table';
  return `the cell ${by.map((d) => `${d}=${DIMENSIONS[d][combo[d] as number]}`).join(', ')}`;
}

/** Start dates must be ascending, unique and not before the pack starts. */
export function checkDates(dates: string[], path: string, validFrom: string, problems: PackProblem[]): void {
  if (dates.length === 0)
    problems.push({ path: `${path}.values`, message: 'needs at least one dated value' });
  dates.forEach((d, i) => {
    if (d < validFrom) {
      problems.push({
        path: `${path}.values.${d}`,
        message: `starts before the pack's validFrom ${validFrom}`,
      });
    }
    const prev = dates[i - 1];
    if (prev !== undefined && prev >= d) {
      problems.push({
        path: `${path}.values.${d}`,
        message: `dates must be in ascending order (after ${prev})`,
      });
    }
  });
}
