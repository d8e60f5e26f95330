import type { Fen } from '../domain/money/money.js';
import type { Scheme } from '../domain/policy/dimensions.js';
import type {
  Benefit,
  Deductible,
  Layer,
  LayerKind,
  LayerRule,
  Modifier,
  RateRule,
  SlotLayout,
  Table,
} from '../domain/policy/model.js';
import type { BenefitInput, PackInput } from './schema.js';
import { compileTable, domainsFor, type PackProblem, type RawRule, type RawTable } from './tables.js';
import { amountAt, rateAt } from './values.js';

/** What compiling a part of a pack needs: the pack's frame and the list problems go to. */
export interface Ctx {
  poolingLevel: PackInput['poolingLevel'];
  validFrom: string;
  problems: PackProblem[];
}

export function tableCtx(ctx: Ctx, schemes: readonly Scheme[], medTypes?: readonly string[]) {
  return {
    domains: domainsFor(ctx.poolingLevel, schemes, medTypes),
    validFrom: ctx.validFrom,
    problems: ctx.problems,
  };
}

interface ValueFields extends RawRule {
  amount?: number | string;
  rate?: number | string;
  segments?: { upTo?: number | string; rate: number | string }[];
  threshold?: number | string;
  cap?: number | string;
}

/** A required value of a rule that is not declared absent. */
function required<T>(value: T | undefined, path: string, what: string, problems: PackProblem[]): value is T {
  if (value === undefined)
    problems.push({ path, message: `give ${what}, or declare the cell absent: { absent: "why" }` });
  return value !== undefined;
}

/** An amount table (deductibles, caps). */
export function compileAmountTable(
  raw: RawTable<ValueFields>,
  path: string,
  ctx: ReturnType<typeof tableCtx>,
): Table<Fen> {
  return compileTable(raw, path, ctx, (r, p) =>
    required(r.amount, p, 'amount', ctx.problems) ? amountAt(r.amount, `${p}.amount`, ctx.problems) : 0,
  );
}

/** A flat rate or marginal segments, checked and converted exactly. */
export function toRateRule(r: ValueFields, path: string, problems: PackProblem[]): RateRule {
  if ((r.rate === undefined) === (r.segments === undefined)) {
    problems.push({
      path,
      message: 'give either rate or segments, exactly one (or declare the cell absent)',
    });
    return { kind: 'flat', rate: 0 };
  }
  if (r.rate !== undefined) return { kind: 'flat', rate: rateAt(r.rate, `${path}.rate`, problems) };
  const segments = r.segments!.map((s, i) => ({
    upTo: s.upTo === undefined ? null : amountAt(s.upTo, `${path}.segments[${i}].upTo`, problems),
    rate: rateAt(s.rate, `${path}.segments[${i}].rate`, problems),
  }));
  segments.forEach((s, i) => {
    const p = `${path}.segments[${i}]`;
    if ((i === segments.length - 1) !== (s.upTo === null)) {
      problems.push({ path: p, message: 'every segment but the last needs upTo; the last has none' });
    }
    const prev = segments[i - 1]?.upTo;
    if (s.upTo !== null && prev != null && s.upTo <= prev)
      problems.push({ path: `${p}.upTo`, message: 'segment bounds must increase' });
  });
  return { kind: 'segments', segments };
}

export function compileBenefit(
  b: BenefitInput,
  path: string,
  ctx: Ctx,
  capIds: ReadonlySet<string>,
): Benefit {
  const tctx = tableCtx(ctx, b.schemes, b.medTypes);
  b.caps?.forEach((capId, i) => {
    if (!capIds.has(capId))
      ctx.problems.push({ path: `${path}.caps[${i}]`, message: `no cap "${capId}" under caps` });
  });
  return {
    id: b.id,
    name: b.name,
    schemes: b.schemes,
    medTypes: b.medTypes,
    deductible: b.deductible ? compileDeductible(b, `${path}.deductible`, ctx) : null,
    rate: b.rate
      ? compileTable(b.rate, `${path}.rate`, tctx, (r, p) => toRateRule(r, p, ctx.problems))
      : null,
    modifiers: b.modifiers.map((m, i) => compileModifier(m, `${path}.modifiers[${i}]`, ctx)),
    caps: b.caps ?? null,
    capSlots: [], // assigned by assignSlots once the whole pack is compiled
    capTables: [], // resolved by compilePack once the caps are known
    path,
  };
}

function compileDeductible(b: BenefitInput, path: string, ctx: Ctx): Deductible {
  const d = b.deductible!;
  const tctx = tableCtx(ctx, b.schemes, b.medTypes);
  return {
    basis: d.basis,
    group: d.group ?? b.id,
    slot: -1,
    table: d.values ? compileAmountTable({ ...d, values: d.values }, path, tctx) : null,
    nthAdmission: (d.nthAdmission ?? []).map((n, i) => {
      const p = `${path}.nthAdmission[${i}]`;
      if (n.from < ctx.validFrom)
        ctx.problems.push({ path: `${p}.from`, message: "starts before the pack's validFrom" });
      const amount = amountAt(n.amount, `${p}.amount`, ctx.problems);
      return {
        from: n.from,
        fromAdmission: n.fromAdmission,
        amount,
        ref: { path: `${path}.nthAdmission`, source: n.source },
      };
    }),
    waivedFor: d.waivedFor
      ? { tags: d.waivedFor.tags, ref: { path: `${path}.waivedFor`, source: d.waivedFor.source } }
      : null,
  };
}

function compileModifier(m: BenefitInput['modifiers'][number], path: string, ctx: Ctx): Modifier {
  if (m.from < ctx.validFrom)
    ctx.problems.push({ path: `${path}.from`, message: "starts before the pack's validFrom" });
  if (m.until !== undefined && m.until <= m.from)
    ctx.problems.push({ path: `${path}.until`, message: 'must be after from' });
  const kind = m.set !== undefined ? ('set' as const) : ('add' as const);
  const rate = rateAt(kind === 'set' ? m.set : m.add, `${path}.${kind}`, ctx.problems);
  return {
    id: m.id,
    from: m.from,
    until: m.until ?? null,
    diseases: m.when.diseases,
    ageBelow: m.when.ageBelow ?? null,
    effect: { kind, rate },
    ref: { path, source: m.source },
  };
}

/**
 * Lay out the counters of a person-year: admissions, then one per deductible group, cap and layer
 * (base and paid). Benefits sharing a group or a cap share its counter.
 */
export function assignSlots(benefits: Benefit[], layers: Layer[]): SlotLayout {
  const names = ['admissions'];
  const slotOf = (name: string) => {
    const at = names.indexOf(name);
    return at >= 0 ? at : names.push(name) - 1;
  };
  for (const b of benefits) {
    if (b.deductible) b.deductible.slot = slotOf(`deductible:${b.deductible.group}`);
    b.capSlots = (b.caps ?? []).map((capId) => slotOf(`cap:${capId}`));
  }
  for (const layer of layers) {
    layer.baseSlot = slotOf(`layerBase:${layer.kind}`);
    layer.paidSlot = slotOf(`layerPaid:${layer.kind}`);
  }
  return { names };
}

/** No two benefits may answer the same scheme and medical type; ids are unique. */
export function checkBenefitOverlap(benefits: BenefitInput[], problems: PackProblem[]): void {
  const seen = new Map<string, string>();
  const ids = new Set<string>();
  benefits.forEach((b, i) => {
    if (ids.has(b.id)) problems.push({ path: `benefits[${i}].id`, message: `duplicate benefit id ${b.id}` });
    ids.add(b.id);
    for (const s of b.schemes) {
      for (const t of b.medTypes) {
        const other = seen.get(`${s}/${t}`);
        if (other)
          problems.push({
            path: `benefits[${i}]`,
            message: `scheme ${s} medical type ${t} is already covered by ${other}`,
          });
        seen.set(`${s}/${t}`, b.id);
      }
    }
  });
}

export function compileLayers(layers: PackInput['layers'], ctx: Ctx): Layer[] {
  const out: Layer[] = [];
  for (const kind of ['largeAmount', 'criticalIllness', 'assistance'] as LayerKind[]) {
    const raw = layers[kind];
    if (!raw) continue;
    const tctx = tableCtx(ctx, raw.schemes, raw.medTypes);
    const table = compileTable(raw, `layers.${kind}`, tctx, (r, p): LayerRule => ({
      threshold: required(r.threshold, p, 'threshold', ctx.problems)
        ? amountAt(r.threshold, `${p}.threshold`, ctx.problems)
        : 0,
      rate: toRateRule(r, p, ctx.problems),
      cap:
        !required(r.cap, p, 'cap (an amount, or "none")', ctx.problems) || r.cap === 'none'
          ? null
          : amountAt(r.cap, `${p}.cap`, ctx.problems),
    }));
    out.push({
      kind,
      schemes: raw.schemes,
      medTypes: raw.medTypes ?? null,
      requiresTag: raw.requiresTag ?? null,
      table,
      baseSlot: -1, // assigned by assignSlots
      paidSlot: -1,
    });
  }
  return out;
}
