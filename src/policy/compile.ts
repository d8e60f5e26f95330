import { createHash } from 'node:crypto';
import type { Fen } from '../domain/money/money.js';
import type { Scheme } from '../domain/policy/dimensions.js';
import type {
  Benefit,
  CompiledPack,
  Deductible,
  Layer,
  LayerKind,
  LayerRule,
  Modifier,
  RateRule,
  Table,
} from '../domain/policy/model.js';
import { packSchema, type BenefitInput, type PackInput } from './schema.js';
import { compileTable, domainsFor, type PackProblem } from './tables.js';

/** A pack that failed validation: every problem, by path. Nothing of it is used. */
export class PackInvalid extends Error {
  constructor(
    readonly packRef: string,
    readonly problems: PackProblem[],
  ) {
    super(
      `policy pack ${packRef} is invalid:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`,
    );
  }
}

interface Ctx {
  pack: PackInput;
  problems: PackProblem[];
}

/** Validate a parsed pack document (schema, then dates, coverage and references) and compile it. */
export function compilePack(doc: unknown, text: string, ref: string): CompiledPack {
  const parsed = packSchema.safeParse(doc);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => ({
      path: i.path.join('.') || '(pack)',
      message: i.message,
    }));
    throw new PackInvalid(ref, problems);
  }
  const pack = parsed.data;
  const ctx: Ctx = { pack, problems: [] };
  if (pack.validUntil !== undefined && pack.validUntil <= pack.validFrom) {
    ctx.problems.push({ path: 'validUntil', message: 'must be after validFrom' });
  }
  const caps = compileCaps(ctx);
  const benefits = pack.benefits.map((b) => compileBenefit(b, `benefits.${b.id}`, ctx, caps));
  checkBenefitOverlap(pack.benefits, ctx.problems);
  const layers = compileLayers(ctx);
  if (ctx.problems.length > 0) throw new PackInvalid(ref, ctx.problems);
  const hash = createHash('sha256').update(text).digest('hex');
  return {
    id: pack.id,
    version: pack.version,
    label: `${pack.id}@${pack.version}#${hash.slice(0, 12)}`,
    hash,
    poolingLevel: pack.poolingLevel,
    validFrom: pack.validFrom,
    validUntil: pack.validUntil ?? null,
    benefits,
    caps,
    layers,
  };
}

function tableCtx(ctx: Ctx, schemes: readonly Scheme[], medTypes?: readonly string[]) {
  const domains = domainsFor(ctx.pack.poolingLevel, schemes, medTypes);
  return { domains, validFrom: ctx.pack.validFrom, problems: ctx.problems };
}

function compileCaps(ctx: Ctx): Map<string, Table<Fen>> {
  const caps = new Map<string, Table<Fen>>();
  for (const [capId, raw] of Object.entries(ctx.pack.caps)) {
    const schemes = schemesUsingCap(ctx.pack, capId);
    caps.set(
      capId,
      compileTable(raw, `caps.${capId}`, tableCtx(ctx, schemes), (r) => r.amount),
    );
  }
  return caps;
}

function schemesUsingCap(pack: PackInput, capId: string): Scheme[] {
  const schemes = new Set<Scheme>();
  for (const b of pack.benefits) if (b.caps?.includes(capId)) b.schemes.forEach((s) => schemes.add(s));
  return schemes.size > 0 ? [...schemes] : ['310', '390'];
}

function compileBenefit(b: BenefitInput, path: string, ctx: Ctx, caps: Map<string, Table<Fen>>): Benefit {
  const tctx = tableCtx(ctx, b.schemes, b.medTypes);
  b.caps?.forEach((capId, i) => {
    if (!caps.has(capId))
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
    path,
  };
}

function compileDeductible(b: BenefitInput, path: string, ctx: Ctx): Deductible {
  const d = b.deductible!;
  const tctx = tableCtx(ctx, b.schemes, b.medTypes);
  const table = d.values ? compileTable({ ...d, values: d.values }, path, tctx, (r) => r.amount) : null;
  return {
    basis: d.basis,
    group: d.group ?? b.id,
    table,
    nthAdmission: (d.nthAdmission ?? []).map((n, i) => {
      if (n.from < ctx.pack.validFrom) {
        ctx.problems.push({
          path: `${path}.nthAdmission[${i}].from`,
          message: 'starts before the pack does',
        });
      }
      return { ...n, ref: { path: `${path}.nthAdmission`, source: n.source } };
    }),
    waivedFor: d.waivedFor
      ? { tags: d.waivedFor.tags, ref: { path: `${path}.waivedFor`, source: d.waivedFor.source } }
      : null,
  };
}

function toRateRule(
  r: { rate?: number; segments?: { upTo?: number; rate: number }[] },
  path: string,
  problems: PackProblem[],
): RateRule {
  if ((r.rate === undefined) === (r.segments === undefined)) {
    problems.push({ path, message: 'give either rate or segments, exactly one' });
    return { kind: 'flat', rate: 0 };
  }
  if (r.rate !== undefined) return { kind: 'flat', rate: r.rate };
  const segments = r.segments!.map((s) => ({ upTo: s.upTo ?? null, rate: s.rate }));
  segments.forEach((s, i) => {
    const last = i === segments.length - 1;
    if (last !== (s.upTo === null)) {
      problems.push({
        path: `${path}.segments[${i}]`,
        message: 'every segment but the last needs upTo; the last has none',
      });
    }
    const prev = segments[i - 1]?.upTo;
    if (s.upTo !== null && prev != null && s.upTo <= prev) {
      problems.push({ path: `${path}.segments[${i}].upTo`, message: 'segment bounds must increase' });
    }
  });
  return { kind: 'segments', segments };
}

function compileModifier(m: BenefitInput['modifiers'][number], path: string, ctx: Ctx): Modifier {
  if (m.from < ctx.pack.validFrom)
    ctx.problems.push({ path: `${path}.from`, message: 'starts before the pack does' });
  if (m.until !== undefined && m.until <= m.from)
    ctx.problems.push({ path: `${path}.until`, message: 'must be after from' });
  const effect =
    m.set !== undefined ? { kind: 'set' as const, rate: m.set } : { kind: 'add' as const, rate: m.add ?? 0 };
  return {
    id: m.id,
    from: m.from,
    until: m.until ?? null,
    diseases: m.when.diseases,
    ageBelow: m.when.ageBelow ?? null,
    effect,
    ref: { path, source: m.source },
  };
}

function checkBenefitOverlap(benefits: BenefitInput[], problems: PackProblem[]): void {
  const seen = new Map<string, string>();
  benefits.forEach((b, i) => {
    if ([...seen.values()].includes(b.id))
      problems.push({ path: `benefits[${i}].id`, message: `duplicate id ${b.id}` });
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

function compileLayers(ctx: Ctx): Layer[] {
  const kinds: LayerKind[] = ['largeAmount', 'criticalIllness', 'assistance'];
  const layers: Layer[] = [];
  for (const kind of kinds) {
    const raw = ctx.pack.layers[kind];
    if (!raw) continue;
    const path = `layers.${kind}`;
    const table = compileTable(raw, path, tableCtx(ctx, raw.schemes, raw.medTypes), (r, p): LayerRule => ({
      threshold: r.threshold,
      rate: toRateRule(r, p, ctx.problems),
      cap: r.cap === 'none' ? null : r.cap,
    }));
    layers.push({
      kind,
      schemes: raw.schemes,
      medTypes: raw.medTypes ?? null,
      requiresTag: raw.requiresTag ?? null,
      table,
    });
  }
  return layers;
}
