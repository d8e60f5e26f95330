import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ServiceError } from '../../common/service-error.js';
import { parseRate, type Bp } from '../../domain/money/rate.js';
import { zodProblems } from '../../policy/values.js';

/**
 * The adjustment inputs that the database does not hold: each city's fund collection rate (征收率)
 * and reform assessment score (医改考核结果). A JSON or YAML file:
 *
 *   year: 2025                # optional; must be the year adjusted when given
 *   province: "350000"        # optional; must be the province adjusted when given
 *   cities:
 *     "350100": { collectionRate: "98.5%", assessmentScore: 92.5 }
 *     "350200": { collectionRate: 0.97, assessmentScore: "88" }
 *
 * A rate is a percentage or a fraction with at most two decimals of a percent (one basis point),
 * from 0 to 100 %; a score has at most two decimals, from 0 to 1,000 points. Every problem is
 * listed by path, and nothing is written.
 */

const MAX_SCORE_HUNDREDTHS = 100_000;
const SCORE_TEXT = /^(0|[1-9]\d{0,3})(\.\d{1,2})?$/;

const rate = z
  .union([z.number(), z.string()], { error: 'must be a rate such as "98.5%" or 0.985' })
  .transform((v, ctx): Bp => {
    const r = parseRate(v);
    if (!r.ok) ctx.issues.push({ code: 'custom', message: `collection rate ${r.reason}`, input: v });
    return r.ok ? r.value : 0;
  });

/** A score in hundredths of a point, exactly. */
const score = z
  .union([z.number(), z.string()], { error: 'must be a score such as 92.5' })
  .transform((v, ctx) => {
    const m = SCORE_TEXT.exec(typeof v === 'number' ? String(v) : v.trim());
    const hundredths = m ? Number(m[1]) * 100 + Number((m[2] ?? '').slice(1).padEnd(2, '0')) : NaN;
    if (!m || hundredths > MAX_SCORE_HUNDREDTHS) {
      const message = `must be a score from 0 to 1000 with at most two decimals (got ${String(v)})`;
      ctx.issues.push({ code: 'custom', message, input: v });
      return 0;
    }
    return hundredths;
  });

const areaCode = z.string().regex(/^\d{6}$/, 'must be a 6-digit area code');

export const adjustmentInputsSchema = z.strictObject({
  year: z.int({ error: 'must be a year such as 2025' }).min(1900).max(2199).optional(),
  province: areaCode.optional(),
  cities: z.record(
    areaCode,
    z.strictObject({ collectionRate: rate.optional(), assessmentScore: score.optional() }),
  ),
});

export type AdjustmentInputs = z.output<typeof adjustmentInputsSchema>;

/** An inputs file refused: INVALID_INPUT listing every problem, one per line, by path. */
export class InputsRefused extends ServiceError {
  constructor(
    readonly problems: readonly { path: string; message: string }[],
    what: string,
  ) {
    const lines = problems.map((p) => `  ${p.path}: ${p.message}`);
    const count = `${problems.length} problem${problems.length === 1 ? '' : 's'}`;
    super(
      'INVALID_INPUT',
      `${what} refused, nothing was written: ${count}\n${lines.join('\n')}`,
      problems[0]?.path ?? '',
    );
    this.name = 'InputsRefused';
  }
}

/** Validate parsed inputs (an object from JSON or YAML); every problem is listed by path. */
export function parseAdjustmentInputs(doc: unknown, name = 'the inputs'): AdjustmentInputs {
  const parsed = adjustmentInputsSchema.safeParse(doc);
  if (parsed.success) return parsed.data;
  const problems = zodProblems(parsed.error.issues).map((p) => ({
    path: p.path === '(pack)' ? '(file)' : p.path,
    message: p.message,
  }));
  throw new InputsRefused(problems, name);
}

/** Parse the text of an inputs file, JSON or YAML (JSON is YAML), duplicate keys refused. */
export function parseInputsText(text: string, name: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => ({
      path: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '(file)',
      message: e.message.split('\n')[0] ?? e.message,
    }));
    throw new InputsRefused(problems, name);
  }
  return doc.toJS();
}
