/**
 * fast-check generators of random but valid policy packs for the settlement property tests, in the
 * YAML's plain-object shape (compiled with compilePack). Claims: claim-arbitraries.ts.
 *
 * A generated pack is kept as a small description (GenPack) so that the tests can read back, without
 * the engine, which cap, deductible or layer value a claim falls under (see `evalTable`).
 */
import fc from 'fast-check';
import { DIMENSIONS } from '../../src/domain/policy/dimensions.js';

export type Scheme = '310' | '390';
export type MedType = '11' | '14' | '21';
export type Tag = 'family-doctor' | 'assistance';
export type LayerKind = 'largeAmount' | 'criticalIllness' | 'assistance';
/** The dimensions generated tables may split on (area only in rate tables: see evalTable). */
export type TableDim = 'level' | 'familyDoctor' | 'personType' | 'priceClass' | 'area';

export const VALID_FROM = '2024-01-01';
const MID_YEAR = '2024-07-01';
const SOURCE = 'a sentence quoted from the generated test source';
export const CAP_IDS = ['shared-cap', 'cap-x', 'cap-y'] as const;
export const LAYER_KINDS: LayerKind[] = ['largeAmount', 'criticalIllness', 'assistance'];
export const SCHEMES: Scheme[] = ['310', '390'];
export const MED_TYPES: MedType[] = ['11', '14', '21'];
const DISEASE_PREFIXES = ['C', 'F20', 'Q21', 'I10', 'E11'];

export const yuan = (fen: number): number => fen / 100;

/** `arb`, or null with about `percent` % probability. */
export function orNull<T>(arb: fc.Arbitrary<T>, percent: number): fc.Arbitrary<T | null> {
  return fc.oneof(
    { arbitrary: fc.constant(null), weight: percent },
    { arbitrary: arb, weight: 100 - percent },
  );
}

// ---------------------------------------------------------------------------------------------
// Values

/** A rate: whole basis points (at most two decimals of a percent), written as "75.25%" or 0.7525. */
export interface GenRate {
  bp: number;
  asPercent: boolean;
}
export type GenRateRule =
  { kind: 'flat'; rate: GenRate } | { kind: 'segments'; segments: { upTo: number | null; rate: GenRate }[] };
export interface GenLayerRule {
  threshold: number;
  rule: GenRateRule;
  cap: number | null;
}

const rateArb: fc.Arbitrary<GenRate> = fc.record({
  bp: fc.oneof(fc.integer({ min: 0, max: 10_000 }), fc.constantFrom(0, 5000, 7500, 9000, 10_000)),
  asPercent: fc.boolean(),
});

const segmentsArb = fc
  .array(fc.record({ width: fc.integer({ min: 1, max: 5_000_000 }), rate: rateArb }), {
    minLength: 1,
    maxLength: 4,
  })
  .map((segs) => {
    let upTo = 0;
    return segs.map((s, i) => {
      upTo += s.width;
      return { upTo: i === segs.length - 1 ? null : upTo, rate: s.rate };
    });
  });

const rateRuleArb: fc.Arbitrary<GenRateRule> = fc.oneof(
  rateArb.map((rate) => ({ kind: 'flat' as const, rate })),
  segmentsArb.map((segments) => ({ kind: 'segments' as const, segments })),
);

/** Fen amounts: mostly small enough for caps and thresholds to bite, sometimes large. */
const deductibleFen = fc.oneof(
  fc.constantFrom(0, 20_000, 70_000, 100_000),
  fc.integer({ min: 0, max: 300_000 }),
);
const capFen = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 500_000 }), weight: 1 },
  { arbitrary: fc.integer({ min: 500_000, max: 50_000_000 }), weight: 3 },
);
export const layerRuleArb: fc.Arbitrary<GenLayerRule> = fc.record({
  threshold: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 5_000_000 })),
  rule: rateRuleArb,
  cap: orNull(capFen, 30),
});

// ---------------------------------------------------------------------------------------------
// Dated tables

/** A dated table split on at most one dimension; cells[i] is the value for DIMENSIONS[by][i], null = absent. */
export interface GenTable<V> {
  by: TableDim | null;
  versions: { from: string; cells: (V | null)[] | null }[];
}

function tableArb<V>(
  value: fc.Arbitrary<V>,
  dims: TableDim[],
  opts: { absentPercent?: number; mayEnd?: boolean } = {},
): fc.Arbitrary<GenTable<V>> {
  const cell = opts.absentPercent ? orNull(value, opts.absentPercent) : value;
  const cells = fc.array(cell, { minLength: 4, maxLength: 4 });
  const later = opts.mayEnd ? orNull(cells, 25) : cells;
  return fc.record({
    by: fc.oneof({ arbitrary: fc.constant(null), weight: 2 }, fc.constantFrom(...dims)),
    versions: fc
      .tuple(cells, fc.oneof(fc.constant(undefined), later))
      .map(([first, second]) => [
        { from: VALID_FROM, cells: first },
        ...(second === undefined ? [] : [{ from: MID_YEAR, cells: second }]),
      ]),
  });
}

/** What a generated table says for a claim: the value, or why there is none. */
export type Looked<V> = { kind: 'value'; value: V } | { kind: 'absent' | 'not-in-force' | 'missing-dim' };

export function evalTable<V>(t: GenTable<V>, dims: ClaimDims, date: string): Looked<V> {
  let cells: (V | null)[] | null | undefined;
  for (const v of t.versions) if (v.from <= date) cells = v.cells;
  if (!cells) return { kind: 'not-in-force' };
  let i = 0;
  if (t.by !== null) {
    const want = dims[t.by];
    if (want === undefined) return { kind: 'missing-dim' };
    i = (DIMENSIONS[t.by] as readonly string[]).indexOf(want);
  }
  const value = cells[i];
  return value === null || value === undefined ? { kind: 'absent' } : { kind: 'value', value };
}

/** Every value a table can give (for bounds over a whole year). */
export function tableValues<V>(t: GenTable<V>): V[] {
  return t.versions.flatMap((v) => (v.cells ?? []).filter((c): c is V => c !== null));
}

// ---------------------------------------------------------------------------------------------
// Packs

export interface GenDeductible {
  basis: 'annual' | 'per-admission';
  /** Annual deductibles may share one group across benefits (and so across medical types). */
  shared: boolean;
  table: GenTable<number> | null;
  nth: { from: string; fromAdmission: number; amount: number }[];
  waivedFor: Tag[] | null;
}
export interface GenModifier {
  diseases: string[];
  ageBelow: number | null;
  until: string | null;
  effect: 'add' | 'set';
  rate: GenRate;
}
export interface GenBenefitBody {
  deductible: GenDeductible | null;
  rate: GenTable<GenRateRule> | null;
  modifiers: GenModifier[];
  caps: string[] | null;
}
export interface GenLayer {
  schemes: Scheme[];
  medTypes: MedType[] | null;
  requiresTag: Tag | null;
  table: GenTable<GenLayerRule>;
}
export interface GenPack {
  poolingLevel: 'county' | 'city' | 'province';
  /** One set of benefits for both schemes, or one per scheme. */
  joint: boolean;
  /** Per scheme, per medical type (11, 14, 21): the benefit slot 0–2 that covers it, 3 = none. */
  slots: Record<Scheme, number[]>;
  bodies: GenBenefitBody[];
  caps: Record<string, GenTable<number>>;
  layers: Partial<Record<LayerKind, GenLayer>>;
}

const EVAL_DIMS: TableDim[] = ['level', 'familyDoctor', 'personType', 'priceClass'];
export const tagArb = fc.constantFrom<Tag>('family-doctor', 'assistance');

const deductibleArb: fc.Arbitrary<GenDeductible> = fc.record({
  basis: fc.constantFrom('annual' as const, 'per-admission' as const),
  shared: fc.boolean(),
  table: orNull(tableArb(deductibleFen, EVAL_DIMS, { absentPercent: 2 }), 5),
  nth: fc.uniqueArray(
    fc.record({
      from: fc.constantFrom(VALID_FROM, MID_YEAR),
      fromAdmission: fc.integer({ min: 2, max: 4 }),
      amount: deductibleFen,
    }),
    { maxLength: 2, selector: (n) => n.fromAdmission },
  ),
  waivedFor: orNull(fc.uniqueArray(tagArb, { minLength: 1, maxLength: 2 }), 80),
});

const modifierArb: fc.Arbitrary<GenModifier> = fc.record({
  diseases: fc.subarray(DISEASE_PREFIXES, { minLength: 1, maxLength: 3 }),
  ageBelow: orNull(fc.integer({ min: 1, max: 30 }), 60),
  until: orNull(fc.constantFrom('2024-04-01', '2024-10-01'), 60),
  effect: fc.constantFrom('add' as const, 'set' as const),
  rate: rateArb,
});

const benefitBodyArb: fc.Arbitrary<GenBenefitBody> = fc.record({
  deductible: orNull(deductibleArb, 2),
  rate: orNull(tableArb(rateRuleArb, [...EVAL_DIMS, 'area'], { absentPercent: 2 }), 2),
  modifiers: fc.array(modifierArb, { maxLength: 2 }),
  caps: fc.oneof(
    { arbitrary: fc.subarray<string>([...CAP_IDS], { minLength: 1, maxLength: 2 }), weight: 30 },
    { arbitrary: fc.constant<string[]>([]), weight: 3 },
    { arbitrary: fc.constant(null), weight: 1 },
  ),
});

const layerArb = (kind: LayerKind): fc.Arbitrary<GenLayer> =>
  fc.record({
    schemes: fc.subarray(SCHEMES, { minLength: 1 }),
    medTypes: orNull(fc.subarray(MED_TYPES, { minLength: 1 }), 50),
    requiresTag: kind === 'assistance' ? orNull(fc.constant<Tag>('assistance'), 25) : orNull(tagArb, 80),
    table: tableArb(layerRuleArb, EVAL_DIMS, { absentPercent: 3, mayEnd: true }),
  });

const slotArb = fc.oneof({ arbitrary: fc.integer({ min: 0, max: 2 }), weight: 30 }, fc.constant(3));
const slotsArb = fc.array(slotArb, { minLength: 3, maxLength: 3 });

export const packArb: fc.Arbitrary<GenPack> = fc.record({
  poolingLevel: fc.constantFrom('county' as const, 'city' as const, 'province' as const),
  joint: fc.boolean(),
  slots: fc.record({ '310': slotsArb, '390': slotsArb }),
  bodies: fc.array(benefitBodyArb, { minLength: 6, maxLength: 6 }),
  caps: fc.record({
    'shared-cap': tableArb(capFen, ['familyDoctor', 'personType']),
    'cap-x': tableArb(capFen, ['familyDoctor', 'personType', 'level'], { absentPercent: 3 }),
    'cap-y': tableArb(capFen, ['familyDoctor']),
  }),
  layers: fc.record(
    {
      largeAmount: layerArb('largeAmount'),
      criticalIllness: layerArb('criticalIllness'),
      assistance: layerArb('assistance'),
    },
    { requiredKeys: [] },
  ),
});

/** A benefit of the pack as laid out from the slots: what covers which scheme and medical type. */
export interface BenefitSpec {
  id: string;
  schemes: Scheme[];
  medTypes: MedType[];
  body: GenBenefitBody;
  /** The deductible's accumulator group (as the compiler names it). */
  group: string;
}

export function benefitSpecs(g: GenPack): BenefitSpec[] {
  const specs: BenefitSpec[] = [];
  const lay = (schemes: Scheme[], slots: number[], offset: number, prefix: string) => {
    for (let k = 0; k < 3; k++) {
      const medTypes = MED_TYPES.filter((_, i) => slots[i] === k);
      const body = g.bodies[offset + k];
      if (medTypes.length === 0 || !body) continue;
      const id = `${prefix}-${k}`;
      const shared = body.deductible?.basis === 'annual' && body.deductible.shared;
      specs.push({ id, schemes, medTypes, body, group: shared ? 'shared-deductible' : id });
    }
  };
  if (g.joint) lay(SCHEMES, g.slots['310'], 0, 'both');
  else {
    lay(['310'], g.slots['310'], 0, 'employee');
    lay(['390'], g.slots['390'], 3, 'resident');
  }
  return specs;
}

/** The pack document (the YAML's shape) for compilePack. */
export function packDoc(g: GenPack): Record<string, unknown> {
  const layers: Record<string, unknown> = {};
  for (const kind of LAYER_KINDS) {
    const l = g.layers[kind];
    if (!l) continue;
    layers[kind] = {
      ...renderTable(l.table, (r) => ({
        threshold: yuan(r.threshold),
        ...renderRateRule(r.rule),
        cap: r.cap === null ? 'none' : yuan(r.cap),
      })),
      schemes: l.schemes,
      ...(l.medTypes ? { medTypes: l.medTypes } : {}),
      ...(l.requiresTag ? { requiresTag: l.requiresTag } : {}),
    };
  }
  return {
    id: 'prop-pack',
    version: '1',
    title: 'a random pack',
    region: 'prop',
    document: 'generated by fast-check',
    poolingLevel: g.poolingLevel,
    validFrom: VALID_FROM,
    benefits: benefitSpecs(g).map(renderBenefit),
    caps: Object.fromEntries(
      Object.entries(g.caps).map(([id, t]) => [id, renderTable(t, (fen) => ({ amount: yuan(fen) }))]),
    ),
    layers,
  };
}

function renderBenefit(b: BenefitSpec): Record<string, unknown> {
  const { deductible: d, rate, modifiers, caps } = b.body;
  const out: Record<string, unknown> = {
    id: b.id,
    name: `benefit ${b.id}`,
    schemes: b.schemes,
    medTypes: b.medTypes,
    modifiers: modifiers.map((m, i) => ({
      id: `modifier-${i}`,
      source: SOURCE,
      from: VALID_FROM,
      ...(m.until ? { until: m.until } : {}),
      when: { diseases: m.diseases, ...(m.ageBelow === null ? {} : { ageBelow: m.ageBelow }) },
      [m.effect]: rateText(m.rate),
    })),
  };
  if (d) {
    out.deductible = {
      basis: d.basis,
      ...(b.group !== b.id ? { group: b.group } : {}),
      ...(d.table ? renderTable(d.table, (fen) => ({ amount: yuan(fen) })) : {}),
      ...(d.nth.length > 0
        ? { nthAdmission: d.nth.map((n) => ({ ...n, amount: yuan(n.amount), source: SOURCE })) }
        : {}),
      ...(d.waivedFor ? { waivedFor: { tags: d.waivedFor, source: SOURCE } } : {}),
    };
  }
  if (rate) out.rate = renderTable(rate, renderRateRule);
  if (caps) out.caps = caps;
  return out;
}

function renderTable<V>(t: GenTable<V>, render: (v: V) => Record<string, unknown>) {
  const cell = (v: V | null | undefined) =>
    v === null || v === undefined ? { absent: 'not stated' } : render(v);
  const rules = (cells: (V | null)[]) =>
    t.by === null
      ? [cell(cells[0])]
      : DIMENSIONS[t.by].map((value, i) => ({ when: { [t.by as string]: value }, ...cell(cells[i]) }));
  return {
    source: SOURCE,
    by: t.by === null ? [] : [t.by],
    values: Object.fromEntries(t.versions.map((v) => [v.from, v.cells === null ? null : rules(v.cells)])),
  };
}

function rateText(r: GenRate): string | number {
  return r.asPercent ? `${r.bp / 100}%` : r.bp / 10_000;
}

function renderRateRule(r: GenRateRule): Record<string, unknown> {
  if (r.kind === 'flat') return { rate: rateText(r.rate) };
  return {
    segments: r.segments.map((s) => ({
      ...(s.upTo === null ? {} : { upTo: yuan(s.upTo) }),
      rate: rateText(s.rate),
    })),
  };
}

/** A claim's position on the dimensions the generated caps, deductibles and layers split on. */
export type ClaimDims = Partial<Record<TableDim, string>>;
