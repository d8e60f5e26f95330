import { DIMENSIONS, type Dim } from '../policy/dimensions.js';
import type { Benefit, Cell, CompiledPack, Layer, LayerRule, RateRule, Table } from '../policy/model.js';
import { lookup, versionAt, type DimIndex } from '../policy/table.js';
import type { Fen } from '../money/money.js';
import type { Claim, TraceEntry } from './types.js';

/**
 * What settling needs of a pack, worked out once per pack rather than once per claim: dates as
 * numbers (YYYYMMDD), each table's dimensions as codes, and which benefit serves each scheme and
 * medical type. Comparing date strings, reading a claim's position by a dimension's name and
 * asking a Set which dimensions are used cost more than the arithmetic of a whole settlement.
 * Every shortcut gives what `lookup` and `versionAt` (policy/table.ts) give; whenever it cannot
 * tell (a date not written YYYY-MM-DD, a refusal to make), they are asked instead.
 */

/** A claim being settled; it is also the claim's position on every dimension (DimIndex). */
export interface ClaimContext extends DimIndex {
  pack: CompiledPack;
  plan: PackPlan;
  claim: Claim;
  /** The claim's date as YYYYMMDD, or NaN when it is not written YYYY-MM-DD. */
  day: number;
  trace: TraceEntry[] | null;
}

/** A table with its versions' start dates as numbers. */
export interface TablePlan<T> {
  table: Table<T>;
  /** False when a start is not written YYYY-MM-DD: then `versionAt` and `lookup` do it all. */
  fast: boolean;
  from: number[];
  /** The dimensions of `table.by`, as codes (see `position`), and the sizes of their domains. */
  dims: number[];
  sizes: number[];
}

export interface BenefitPlan {
  benefit: Benefit;
  deductible: TablePlan<Fen> | null;
  rate: TablePlan<RateRule> | null;
  caps: TablePlan<Fen>[];
}

export interface PackPlan {
  validFrom: number;
  validUntil: number | null;
  /** In the pack's order. */
  benefits: BenefitPlan[];
  /** The first benefit for each scheme × medical type of the domains (null: none). */
  benefitFor: (BenefitPlan | null)[];
  layers: { layer: Layer; table: TablePlan<LayerRule> }[];
  uses: Readonly<Record<Dim, boolean>>;
}

/** The dimensions in the order of their codes, as `position` reads them. */
const DIMS: readonly Dim[] = [
  'scheme',
  'personType',
  'medType',
  'level',
  'priceClass',
  'area',
  'familyDoctor',
  'assistance',
];
const MED_TYPES = DIMENSIONS.medType.length;
// A dimension without a code would be read as another by `position`.
for (const d of Object.keys(DIMENSIONS)) {
  if (!DIMS.includes(d as Dim)) throw new Error(`settlement plan: dimension ${d} has no code`);
}

const plans = new WeakMap<CompiledPack, PackPlan>();
let lastPack: CompiledPack | undefined;
let lastPlan: PackPlan | undefined;

/**
 * The plan of a pack, made on first use (a compiled pack is not changed afterwards). One pack is
 * usually settled many times in a row, so the last one is remembered apart from the WeakMap.
 */
export function planOf(pack: CompiledPack): PackPlan {
  if (pack === lastPack) return lastPlan!;
  let plan = plans.get(pack);
  if (!plan) {
    plan = makePlan(pack);
    plans.set(pack, plan);
  }
  lastPack = pack;
  lastPlan = plan;
  return plan;
}

function makePlan(pack: CompiledPack): PackPlan {
  const benefits = pack.benefits.map(planBenefit);
  const benefitFor: (BenefitPlan | null)[] = [];
  for (const scheme of DIMENSIONS.scheme) {
    for (const medType of DIMENSIONS.medType) {
      const i = pack.benefits.findIndex((b) => b.schemes.includes(scheme) && b.medTypes.includes(medType));
      benefitFor.push(i < 0 ? null : benefits[i]!);
    }
  }
  const uses = Object.fromEntries(DIMS.map((d) => [d, pack.dimsUsed.has(d)])) as Record<Dim, boolean>;
  return {
    validFrom: dayOf(pack.validFrom),
    validUntil: pack.validUntil === null ? null : dayOf(pack.validUntil),
    benefits,
    benefitFor,
    layers: pack.layers.map((layer) => ({ layer, table: planTable(layer.table) })),
    uses,
  };
}

function planBenefit(b: Benefit): BenefitPlan {
  return {
    benefit: b,
    deductible: b.deductible?.table ? planTable(b.deductible.table) : null,
    rate: b.rate ? planTable(b.rate) : null,
    caps: b.capTables.map(planTable),
  };
}

function planTable<T>(table: Table<T>): TablePlan<T> {
  const from = table.versions.map((v) => dayOf(v.from));
  return {
    table,
    fast: !from.some(Number.isNaN),
    from,
    dims: table.by.map((d) => DIMS.indexOf(d)),
    sizes: table.by.map((d) => DIMENSIONS[d].length),
  };
}

/** A YYYY-MM-DD date as the number YYYYMMDD, which orders as the text does; NaN for other text. */
export function dayOf(date: string): number {
  if (date.length !== 10 || date.charCodeAt(4) !== 45 || date.charCodeAt(7) !== 45) return NaN;
  let n = 0;
  for (let i = 0; i < 10; i++) {
    if (i === 4 || i === 7) continue;
    const digit = date.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return NaN;
    n = n * 10 + digit;
  }
  return n;
}

/** The benefit for the claim's scheme and medical type, as the pack's first match; undefined if none. */
export function benefitFor(plan: PackPlan, claim: Claim): BenefitPlan | undefined {
  const scheme = indexIn(DIMENSIONS.scheme, claim.scheme);
  const medType = indexIn(DIMENSIONS.medType, claim.medType);
  if (scheme >= 0 && medType >= 0) return plan.benefitFor[scheme * MED_TYPES + medType] ?? undefined;
  // Outside the domains (a claim not read by toClaim): the pack's first match, as always.
  return plan.benefits.find(
    (p) => p.benefit.schemes.includes(claim.scheme) && p.benefit.medTypes.includes(claim.medType),
  );
}

/**
 * As `dimIndex` (policy/table.ts) for a domain given as such: `DIMENSIONS[dim]` with a varying
 * name is a megamorphic lookup, `DIMENSIONS.level` is a plain field read.
 */
export function indexIn(values: readonly string[], value: string | undefined): number {
  if (value === undefined) return -1;
  for (let i = 0; i < values.length; i++) if (values[i] === value) return i;
  return -1;
}

/** As `versionAt`: the cells in force on the claim's date (null or undefined: none). */
export function versionOn<T>(t: TablePlan<T>, ctx: ClaimContext): Cell<T>[] | null | undefined {
  if (!t.fast || !(ctx.day > 0)) return versionAt(t.table, ctx.claim.date);
  let found: Cell<T>[] | null | undefined;
  for (let i = 0; i < t.from.length; i++) {
    if (t.from[i]! <= ctx.day) found = t.table.versions[i]!.cells;
    else break;
  }
  return found;
}

/** As `lookup`: the value the table gives for the claim; `lookup` itself makes every refusal. */
export function lookupOn<T>(t: TablePlan<T>, ctx: ClaimContext): Extract<Cell<T>, { kind: 'value' }> {
  const cells = versionOn(t, ctx);
  if (cells) {
    let at = 0;
    for (let k = 0; k < t.dims.length; k++) {
      const i = position(ctx, t.dims[k]!);
      if (i < 0) return lookup(t.table, ctx, ctx.claim.date);
      at = at * t.sizes[k]! + i;
    }
    const cell = cells[at];
    if (cell && cell.kind === 'value') return cell;
  }
  return lookup(t.table, ctx, ctx.claim.date);
}

/** The claim's position on a dimension, by code (the order of DIMS): plain field reads. */
function position(ctx: ClaimContext, dim: number): number {
  switch (dim) {
    case 0:
      return ctx.scheme;
    case 1:
      return ctx.personType;
    case 2:
      return ctx.medType;
    case 3:
      return ctx.level;
    case 4:
      return ctx.priceClass;
    case 5:
      return ctx.area;
    case 6:
      return ctx.familyDoctor;
    case 7:
      return ctx.assistance;
    default:
      return -1; // not a code: `lookup` decides
  }
}
