import type { AdjustmentRule } from '../adjustment/rule.js';
import type { FundWarning } from '../budget/bands.js';
import type { Fen } from '../money/money.js';
import type { Bp } from '../money/rate.js';
import type { Dim, PoolingLevel, Scheme } from './dimensions.js';

/** Where a value comes from: the pack, the parameter path inside it and the quoted source sentence. */
export interface SourceRef {
  path: string;
  source: string;
}

/** One cell of a table: a stated value, or a value the source is known not to give. */
export type Cell<T> =
  { kind: 'value'; value: T; ref: SourceRef } | { kind: 'absent'; note: string; ref: SourceRef };

/** A dated table: each version starts on `from` and runs until the next; cells are indexed by `by`. */
export interface Table<T> {
  path: string;
  by: Dim[];
  versions: { from: string; cells: Cell<T>[] | null }[];
}

export type RateRule = { kind: 'flat'; rate: Bp } | { kind: 'segments'; segments: Segment[] };
/** A marginal bracket: the part of the amount up to `upTo` (null: no upper end) is paid at `rate`. */
export interface Segment {
  upTo: Fen | null;
  rate: Bp;
}

export interface Modifier {
  id: string;
  from: string;
  until: string | null;
  diseases: string[];
  ageBelow: number | null;
  effect: { kind: 'add' | 'set'; rate: Bp };
  ref: SourceRef;
}

export interface NthAdmission {
  from: string;
  fromAdmission: number;
  amount: Fen;
  ref: SourceRef;
}

export interface Deductible {
  basis: 'annual' | 'per-admission';
  /** Benefits that share a deductible name the same group, and so the same counter. */
  group: string;
  /** The group's counter in the person-year totals. */
  slot: number;
  table: Table<Fen> | null;
  nthAdmission: NthAdmission[];
  waivedFor: { tags: string[]; ref: SourceRef } | null;
}

export interface Benefit {
  id: string;
  name: string;
  schemes: Scheme[];
  medTypes: string[];
  deductible: Deductible | null;
  rate: Table<RateRule> | null;
  modifiers: Modifier[];
  /** Caps that limit this benefit's pool payment; null when the source states none (a gap). */
  caps: string[] | null;
  /** The counters of `caps`, in the same order. */
  capSlots: number[];
  /** The tables of `caps`, in the same order (resolved once, not per claim). */
  capTables: Table<Fen>[];
  path: string;
}

export type LayerKind = 'largeAmount' | 'criticalIllness' | 'assistance';

/** A layer after the pool: what it pays on, from which threshold, at which rate, up to which cap. */
export interface LayerRule {
  threshold: Fen;
  rate: RateRule;
  cap: Fen | null;
}

export interface Layer {
  kind: LayerKind;
  schemes: Scheme[];
  medTypes: string[] | null;
  requiresTag: string | null;
  table: Table<LayerRule>;
  /** Counters of the year's cumulative base and of what the layer paid. */
  baseSlot: number;
  paidSlot: number;
}

/** A dated scalar parameter (contribution rates and amounts): each value runs until the next. */
export interface DatedValue {
  path: string;
  source: string;
  versions: { from: string; value: number | null }[];
}

/** Counter 0 of the totals of every pack: admissions this year. */
export const ADMISSIONS_SLOT = 0;

/** The layout of a person-year's counters: index → name ("admissions", "deductible:<group>", …). */
export interface SlotLayout {
  names: string[];
}

export interface CompiledPack {
  id: string;
  version: string;
  /** "id@version#hash": what a settlement records as the pack it used. */
  label: string;
  hash: string;
  poolingLevel: PoolingLevel;
  validFrom: string;
  validUntil: string | null;
  benefits: Benefit[];
  caps: Map<string, Table<Fen>>;
  layers: Layer[];
  /** Contribution parameters by path (rates in basis points, amounts in fen); calculator to come. */
  contributions: Map<string, DatedValue>;
  /** The risk-warning bands on months of expenditure covered; null when the pack states none. */
  fundWarning: FundWarning | null;
  /** The provincial adjustment fund rule (省级调剂金); null when the pack has no such section. */
  adjustment: AdjustmentRule | null;
  slots: SlotLayout;
  /** Every dimension some table of the pack splits on: only these are worked out for a claim. */
  dimsUsed: ReadonlySet<Dim>;
}
