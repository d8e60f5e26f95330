import { readFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { parseYuan, type Fen } from '../../domain/money/money.js';
import type { CompiledPack } from '../../domain/policy/model.js';
import { loadPack, shippedPacks } from '../../policy/load.js';
import { SimulationInputError } from './errors.js';

/** A pack as the simulation uses it: compiled here, and its text for worker threads to compile. */
export interface PackSpec {
  ref: string;
  file: string;
  text: string;
  pack: CompiledPack;
}

/**
 * The baseline: one pack for every claim, or a MAP giving each area (the person's insuplc_admdvs)
 * its current pack, and optionally its income proxy.
 */
export interface Baseline {
  source: string;
  packs: PackSpec[];
  /** Area code → index in `packs`; null when one pack serves every area. */
  areaPack: Map<string, number> | null;
  /** Area code → yearly income proxy in fen, as the MAP gives it. */
  incomeProxy: Map<string, Fen>;
}

const yuan = z.union([z.number(), z.string()], { error: 'must be an amount in yuan' });
const mapSchema = z.strictObject({
  areas: z.record(
    z.string(),
    z.union([z.string().min(1), z.strictObject({ pack: z.string().min(1), incomeProxy: yuan.optional() })]),
  ),
});

/** Whether a pack reference names a file (as loadPack reads it) rather than a shipped id. */
function isPath(ref: string): boolean {
  return /[\\/]|\.ya?ml$/.test(ref);
}

/** Load a pack by shipped id or path (relative to `base` when given); PackNotFound or PackInvalid if not. */
export function loadPackSpec(ref: string, base?: string): PackSpec {
  const file = isPath(ref)
    ? base && !isAbsolute(ref)
      ? resolve(base, ref)
      : resolve(ref)
    : shippedPacks().get(ref);
  const pack = loadPack(file ?? ref);
  return { ref, file: file!, text: readFileSync(file!, 'utf8'), pack };
}

function parseText(file: string, text: string): unknown {
  if (extname(file).toLowerCase() === '.json') {
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      throw new SimulationInputError(`${file} is not valid JSON: ${(e as Error).message}`);
    }
  }
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0)
    throw new SimulationInputError(`${file} is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  return doc.toJS() as unknown;
}

/** `--baseline PACK|MAP`: a MAP when the file holds `areas`, otherwise a pack (id or file). */
export function loadBaseline(ref: string): Baseline {
  if (!isPath(ref) && extname(ref).toLowerCase() !== '.json') {
    return { source: ref, packs: [loadPackSpec(ref)], areaPack: null, incomeProxy: new Map() };
  }
  let text: string;
  try {
    text = readFileSync(ref, 'utf8');
  } catch {
    throw new SimulationInputError(`--baseline ${ref}: no such file`);
  }
  const value = parseText(ref, text);
  if (!(typeof value === 'object' && value !== null && 'areas' in value)) {
    if (extname(ref).toLowerCase() === '.json') {
      throw new SimulationInputError(`--baseline ${ref} is not a MAP: it has no "areas"`);
    }
    return { source: ref, packs: [loadPackSpec(ref)], areaPack: null, incomeProxy: new Map() };
  }
  return mapOf(ref, value);
}

function mapOf(file: string, value: unknown): Baseline {
  const parsed = mapSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SimulationInputError(`MAP ${file}: ${issue.path.join('.') || '(top)'} ${issue.message}`);
  }
  const base = dirname(file);
  const packs: PackSpec[] = [];
  const byFile = new Map<string, number>();
  const areaPack = new Map<string, number>();
  const incomeProxy = new Map<string, Fen>();
  for (const [area, entry] of Object.entries(parsed.data.areas)) {
    if (!/^\d{6}$/.test(area))
      throw new SimulationInputError(`MAP ${file}: areas.${area} must be a 6-digit area code`);
    const ref = typeof entry === 'string' ? entry : entry.pack;
    const spec = loadPackSpec(ref, base);
    let index = byFile.get(spec.file);
    if (index === undefined) {
      index = packs.push(spec) - 1;
      byFile.set(spec.file, index);
    }
    areaPack.set(area, index);
    if (typeof entry !== 'string' && entry.incomeProxy !== undefined) {
      const income = parseYuan(entry.incomeProxy);
      if (!income.ok)
        throw new SimulationInputError(`MAP ${file}: areas.${area}.incomeProxy ${income.reason}`);
      incomeProxy.set(area, income.value);
    }
  }
  if (areaPack.size === 0) throw new SimulationInputError(`MAP ${file} maps no area`);
  return { source: file, packs, areaPack, incomeProxy };
}
