import { z } from 'zod';
import { inputHash } from '../../common/hash.js';
import { ServiceError } from '../../common/service-error.js';
import type { Database, Sql } from '../../db/index.js';
import {
  AdjustmentRefusal,
  computeFujian,
  computeShanxi,
  fujianParamsAt,
  shanxiParamsAt,
  type AdjustmentRule,
  type FujianInput,
  type FujianParams,
  type FujianResult,
  type ShanxiInput,
  type ShanxiParams,
  type ShanxiResult,
} from '../../domain/adjustment/index.js';
import type { Scheme } from '../../domain/policy/dimensions.js';
import type { CompiledPack } from '../../domain/policy/model.js';
import { zodProblems } from '../../policy/values.js';
import { packFor } from '../../registry/packs.js';
import { postJournal } from '../ledger/service.js';
import { checkInputsFile, fujianInput, shanxiInput, type Frame } from './gather.js';
import { parseAdjustmentInputs } from './inputs-file.js';
import { fujianTransfers, shanxiTransfers } from './postings.js';
import * as repo from './repository.js';

/**
 * `tongchou adjust`: the provincial adjustment fund of one year (DESIGN §8). The rule is the
 * `adjustment` section of the pack that governs the province's scheme on 1 January of the year; the
 * inputs are gathered from the ledger, the registry and an inputs file (gather.ts); the pure maths of
 * domain/adjustment computes every figure; and one atomic journal, dated 31 December, posts it to
 * the adjustment book and the cities' pool books. A year is posted once: the same inputs replay the
 * first result, other inputs are refused (ALREADY_POSTED), and nothing is written by a refusal or a
 * dry run.
 */

const requestSchema = z.strictObject({
  year: z.int({ error: 'must be a year such as 2025' }).min(1900).max(2199),
  province: z
    .string()
    .regex(/^\d{6}$/, 'must be a 6-digit area code')
    .optional(),
  scheme: z.enum(['310', '390'], { error: 'must be 310 or 390' }).optional(),
  /** The parsed inputs file (JSON or YAML), validated here. */
  inputs: z.unknown().optional(),
  /** The file's name, for messages. */
  inputsName: z.string().optional(),
  dryRun: z.boolean().optional(),
});

export type AdjustRequest = z.input<typeof requestSchema>;

type Styled =
  | { style: 'fujian'; params: FujianParams; inputs: FujianInput; result: FujianResult }
  | { style: 'shanxi'; params: ShanxiParams; inputs: ShanxiInput; result: ShanxiResult };

export type AdjustmentReport = Styled & {
  province: { code: string; name: string };
  scheme: Scheme;
  year: number;
  /** The pack the rule comes from: "id@version#hash". */
  pack: string;
  /** The accounting date of the journal: the year's last day. */
  date: string;
  cityNames: Record<string, string>;
  /** The hash of everything the result was computed from (pack, province, scheme, year, inputs). */
  inputHash: string;
  /** computed: a dry run, nothing written; posted: written now; replayed: the year's first result. */
  status: 'computed' | 'posted' | 'replayed';
  journalId: number | null;
  /** For a dry run of a year already posted: whether it was posted from these inputs. */
  posted: 'same inputs' | 'other inputs' | null;
};

function parseRequest(input: AdjustRequest) {
  const parsed = requestSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const first = zodProblems(parsed.error.issues)[0]!;
  throw new ServiceError('INVALID_INPUT', first.message, first.path);
}

/** The domain refuses with AdjustmentRefusal; the service speaks ServiceError. */
function asServiceError(e: unknown): never {
  if (e instanceof AdjustmentRefusal) throw new ServiceError(e.code, e.message, e.path);
  throw e;
}

/** The province asked for, or the only one registered. */
async function resolveProvince(tx: Sql, code: string | undefined): Promise<repo.AreaRow> {
  if (code) {
    const area = await repo.findArea(tx, code);
    if (!area) throw new ServiceError('NOT_FOUND', `no pooling area ${code}`, 'province');
    if (area.level !== 'province')
      throw new ServiceError(
        'INVALID_INPUT',
        `${code} ${area.name} is a ${area.level}, not a province`,
        'province',
      );
    return area;
  }
  const all = await repo.provinces(tx);
  if (all.length === 1) return all[0]!;
  const list = all.map((p) => `${p.code} ${p.name}`).join(', ') || 'none is registered';
  throw new ServiceError('INVALID_INPUT', `say which province to adjust (--province): ${list}`, 'province');
}

/** The pack governing the province's scheme on the date whose `adjustment` section is for that scheme. */
async function provincialRule(tx: Sql, province: string, on: string, scheme: Scheme | undefined) {
  const found: { pack: CompiledPack; rule: AdjustmentRule }[] = [];
  for (const s of scheme ? [scheme] : (['310', '390'] as const)) {
    const pack = await packFor(tx, province, s, on).catch((e: unknown) => {
      if (e instanceof ServiceError && e.code === 'POLICY_GAP') return null;
      throw e;
    });
    if (pack?.adjustment?.scheme === s) found.push({ pack, rule: pack.adjustment });
  }
  if (found.length === 1) return found[0]!;
  if (found.length > 1)
    throw new ServiceError(
      'INVALID_INPUT',
      `${province} has adjustment rules for 310 and 390: say which (--scheme)`,
      'scheme',
    );
  const which = scheme ? `scheme ${scheme}` : 'either scheme';
  const message = `no policy pack governing ${which} in province ${province} on ${on} has an adjustment section`;
  throw new ServiceError('POLICY_GAP', message, 'adjustment');
}

/** Resolve the parameters (POLICY_GAP first), check the inputs file, gather, compute. */
async function compute(
  tx: Sql,
  f: Frame,
  rule: AdjustmentRule,
  file: unknown,
  name: string,
): Promise<Styled> {
  const on = `${f.year}-01-01`;
  const inputs = file === undefined ? undefined : parseAdjustmentInputs(file, name);
  try {
    if (rule.style === 'fujian') {
      const params = fujianParamsAt(rule, on);
      checkInputsFile(f, inputs, params, name);
      const input = await fujianInput(tx, f, inputs);
      return { style: 'fujian', params, inputs: input, result: computeFujian(params, input) };
    }
    const params = shanxiParamsAt(rule, on);
    checkInputsFile(f, inputs, null, name);
    const input = await shanxiInput(tx, f);
    return { style: 'shanxi', params, inputs: input, result: computeShanxi(params, input) };
  } catch (e) {
    return asServiceError(e);
  }
}

async function prepare(
  tx: Sql,
  r: ReturnType<typeof parseRequest>,
): Promise<AdjustmentReport & { packHash: string }> {
  const province = await resolveProvince(tx, r.province);
  const { pack, rule } = await provincialRule(tx, province.code, `${r.year}-01-01`, r.scheme);
  const cities = await repo.citiesOf(tx, province.code);
  if (cities.length === 0)
    throw new ServiceError('INVALID_INPUT', `province ${province.code} has no city to adjust`, 'province');
  const frame: Frame = { province, scheme: rule.scheme, year: r.year, cities };
  const styled = await compute(tx, frame, rule, r.inputs, r.inputsName ?? 'the inputs file');
  const hash = inputHash({
    pack: pack.hash,
    province: province.code,
    scheme: rule.scheme,
    year: r.year,
    inputs: styled.inputs,
  });
  return {
    ...styled,
    ...{ province: { code: province.code, name: province.name }, scheme: rule.scheme, year: r.year },
    ...{ pack: pack.label, packHash: pack.hash, date: `${r.year}-12-31`, inputHash: hash },
    cityNames: Object.fromEntries(cities.map((c) => [c.code, c.name])),
    ...{ status: 'computed', journalId: null, posted: null },
  };
}

function alreadyPosted(r: AdjustmentReport): ServiceError {
  const message = `the ${r.year} adjustment of ${r.province.code} (${r.scheme}) was posted from other inputs; a posted year is not recomputed — compare with --dry-run, and reverse its journal first if it must change`;
  return new ServiceError('ALREADY_POSTED', message, 'year');
}

function withoutHash(r: AdjustmentReport & { packHash: string }): AdjustmentReport {
  const out: AdjustmentReport & { packHash?: string } = { ...r };
  delete out.packHash;
  return out;
}

type RunKey = { province: string; scheme: Scheme; year: number };

/** A year posted already: its first result for the same inputs; ALREADY_POSTED for other inputs. */
function answerPosted(done: repo.RunRow | undefined, r: AdjustmentReport): AdjustmentReport {
  if (!done)
    throw new ServiceError(
      'IDEMPOTENCY_CONFLICT',
      `the journal key of ${r.year} is taken by another journal`,
      'year',
    );
  if (done.input_hash !== r.inputHash) throw alreadyPosted(r);
  return { ...(done.result as AdjustmentReport), status: 'replayed' };
}

async function refuseOutOfOrder(tx: Sql, k: RunKey): Promise<void> {
  const later = await repo.laterRun(tx, k.province, k.scheme, k.year);
  if (later === null) return;
  const message = `${later} is already posted for ${k.province} (${k.scheme}): adjustment years are posted in order`;
  throw new ServiceError('INVALID_INPUT', message, 'year');
}

/** The year's one journal: its id, null when every figure is 0, 'taken' when a concurrent run posted it. */
async function postYear(tx: Sql, r: AdjustmentReport, k: RunKey): Promise<number | null | 'taken'> {
  const frame = { province: k.province, scheme: k.scheme };
  const transfers =
    r.style === 'fujian' ? fujianTransfers(frame, r.result) : shanxiTransfers(frame, r.result);
  if (transfers.length === 0) return null;
  const memo = { ...k, style: r.style, pack: r.pack, inputHash: r.inputHash };
  const key = `adjustment:${k.province}:${k.scheme}:${k.year}`;
  const journal = { key, kind: 'adjustment', date: r.date, memo, transfers };
  const posted = await postJournal(tx, journal).catch((e: unknown) => {
    if (e instanceof ServiceError && e.code === 'IDEMPOTENCY_CONFLICT') throw alreadyPosted(r);
    throw e;
  });
  return posted.replay ? 'taken' : posted.journalId;
}

/** Post the computed year in one journal and record it; a year already posted replays or is refused. */
async function post(tx: Sql, r: AdjustmentReport & { packHash: string }): Promise<AdjustmentReport> {
  const k: RunKey = { province: r.province.code, scheme: r.scheme, year: r.year };
  const done = await repo.findRun(tx, k.province, k.scheme, k.year);
  if (done) return answerPosted(done, r);
  await refuseOutOfOrder(tx, k);
  const journalId = await postYear(tx, r, k);
  if (journalId !== 'taken') {
    const report: AdjustmentReport = { ...withoutHash(r), status: 'posted', journalId };
    const run = {
      ...k,
      style: r.style,
      packHash: r.packHash,
      inputHash: r.inputHash,
      journalId,
      result: report,
    };
    if (await repo.insertRun(tx, run)) return report;
  }
  // A concurrent run of the same year committed first (we waited for it): answer as it did.
  return answerPosted(await repo.findRun(tx, k.province, k.scheme, k.year), r);
}

/** Compute a year of the province's adjustment fund and post it (or, with dryRun, only compute it). */
export async function runAdjustment(db: Database, input: AdjustRequest): Promise<AdjustmentReport> {
  const r = parseRequest(input);
  return db.transaction(async (tx) => {
    const report = await prepare(tx, r);
    if (!r.dryRun) return post(tx, report);
    const done = await repo.findRun(tx, report.province.code, report.scheme, r.year);
    const posted = done ? (done.input_hash === report.inputHash ? 'same inputs' : 'other inputs') : null;
    return { ...withoutHash(report), posted };
  });
}
