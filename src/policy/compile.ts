import { createHash } from 'node:crypto';
import type { Fen } from '../domain/money/money.js';
import type { Dim, Scheme } from '../domain/policy/dimensions.js';
import type { Benefit, CompiledPack, Layer, Table } from '../domain/policy/model.js';
import {
  assignSlots,
  checkBenefitOverlap,
  compileAmountTable,
  compileBenefit,
  compileLayers,
  tableCtx,
  type Ctx,
} from './benefits.js';
import { compileAdjustment } from './adjustment-schema.js';
import { compileContributions } from './contributions.js';
import { compileFundWarning } from './fund-warning-schema.js';
import { benefitSchema, capTableSchema, packSchema, type BenefitInput, type PackInput } from './schema.js';
import type { PackProblem } from './tables.js';
import { zodProblems } from './values.js';

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

/**
 * Validate a parsed pack document and compile it. Structure is checked by the zod schema; values,
 * dates, coverage and references by the compiler, so they are all listed together. When the
 * structure is wrong, the benefits and caps that are sound are still checked, so one run lists as
 * many problems as can be found.
 */
export function compilePack(doc: unknown, text: string, ref: string): CompiledPack {
  const parsed = packSchema.safeParse(doc);
  if (!parsed.success) {
    throw new PackInvalid(ref, [...zodProblems(parsed.error.issues), ...soundPartsProblems(doc)]);
  }
  const pack = parsed.data;
  const ctx: Ctx = { poolingLevel: pack.poolingLevel, validFrom: pack.validFrom, problems: [] };
  if (pack.validUntil !== undefined && pack.validUntil <= pack.validFrom) {
    ctx.problems.push({ path: 'validUntil', message: 'must be after validFrom' });
  }
  const caps = compileCaps(pack.caps, pack.benefits, ctx);
  const benefits = pack.benefits.map((b) => compileBenefit(b, `benefits.${b.id}`, ctx, new Set(caps.keys())));
  checkBenefitOverlap(pack.benefits, ctx.problems);
  const layers = compileLayers(pack.layers, ctx);
  const contributions = compileContributions(pack.contributions, ctx);
  const fundWarning = compileFundWarning(pack.fundWarning, ctx);
  const adjustment = compileAdjustment(pack.adjustment, ctx);
  if (ctx.problems.length > 0) throw new PackInvalid(ref, ctx.problems);
  const slots = assignSlots(benefits, layers);
  for (const b of benefits) b.capTables = (b.caps ?? []).map((capId) => caps.get(capId)!);
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
    contributions,
    fundWarning,
    adjustment,
    slots,
    dimsUsed: dimsUsedBy(benefits, caps, layers),
  };
}

/** The dimensions any table of the pack splits on. */
function dimsUsedBy(benefits: Benefit[], caps: Map<string, Table<Fen>>, layers: Layer[]): Set<Dim> {
  const tables: (Table<unknown> | null)[] = [...caps.values(), ...layers.map((l) => l.table)];
  for (const b of benefits) tables.push(b.rate, b.deductible?.table ?? null);
  return new Set(tables.flatMap((t) => t?.by ?? []));
}

function compileCaps(raw: PackInput['caps'], benefits: BenefitInput[], ctx: Ctx): Map<string, Table<Fen>> {
  const caps = new Map<string, Table<Fen>>();
  for (const [capId, table] of Object.entries(raw)) {
    const schemes = schemesUsingCap(benefits, capId);
    caps.set(capId, compileAmountTable(table, `caps.${capId}`, tableCtx(ctx, schemes)));
  }
  return caps;
}

function schemesUsingCap(benefits: BenefitInput[], capId: string): Scheme[] {
  const schemes = new Set<Scheme>();
  for (const b of benefits) if (b.caps?.includes(capId)) b.schemes.forEach((s) => schemes.add(s));
  return schemes.size > 0 ? [...schemes] : ['310', '390'];
}

/** The problems of the benefits and caps whose own structure is sound, in a pack whose whole is not. */
function soundPartsProblems(doc: unknown): PackProblem[] {
  if (typeof doc !== 'object' || doc === null) return [];
  const d = doc as Record<string, unknown>;
  const ctx: Ctx = {
    poolingLevel: d.poolingLevel === 'county' || d.poolingLevel === 'province' ? d.poolingLevel : 'city',
    validFrom: typeof d.validFrom === 'string' ? d.validFrom : '0000-01-01',
    problems: [],
  };
  const rawCaps = typeof d.caps === 'object' && d.caps !== null ? (d.caps as Record<string, unknown>) : {};
  const benefits = (Array.isArray(d.benefits) ? d.benefits : []).flatMap((b) => {
    const r = benefitSchema.safeParse(b);
    return r.success ? [r.data] : [];
  });
  const soundCaps: PackInput['caps'] = {};
  for (const [capId, table] of Object.entries(rawCaps)) {
    const r = capTableSchema.safeParse(table);
    if (r.success) soundCaps[capId] = r.data;
  }
  compileCaps(soundCaps, benefits, ctx);
  for (const b of benefits) compileBenefit(b, `benefits.${b.id}`, ctx, new Set(Object.keys(rawCaps)));
  checkBenefitOverlap(benefits, ctx.problems);
  return ctx.problems;
}
