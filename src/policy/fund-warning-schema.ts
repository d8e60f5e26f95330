import { z } from 'zod';
import { BAND_NAMES, type Band, type FundWarning } from '../domain/budget/bands.js';
import { isCalendarDate } from '../domain/dates.js';
import type { Ctx } from './benefits.js';
import { checkDates, type PackProblem } from './tables.js';

/**
 * The pack section `fundWarning`: the risk-warning bands on the months of expenditure a fund's
 * accumulated balance covers. Optional; without it the defaults apply (domain/budget/bands.ts).
 *
 *   fundWarning:
 *     monthsCovered:
 *       source: "…the sentence that states the bands…"
 *       values:
 *         '2025-01-01':
 *           - { band: severe, below: 3 }      # months < 3
 *           - { band: low, below: 6 }         # 3 ≤ months < 6
 *           - { band: sound, below: 9 }
 *           - { band: high, upTo: 15 }        # … ≤ 15 (15 included)
 *           - { band: excessive }             # the rest
 *
 * `below: x` leaves x to the next band, `upTo: x` keeps it; the last band has neither. Months have at
 * most two decimals. A date with `null` states no bands from then on (the defaults apply again).
 * This file does not import schema.ts, which imports it.
 */

const date = z.string().refine(isCalendarDate, { message: 'must be a calendar date YYYY-MM-DD' });
const source = z.string().trim().min(8, 'must quote the source sentence');
const months = z.union([z.number(), z.string()], { error: 'must be a number of months, e.g. 3 or "4.5"' });

const band = z.strictObject({
  band: z.enum(BAND_NAMES),
  below: months.optional(),
  upTo: months.optional(),
});

export const fundWarningSchema = z.strictObject({
  monthsCovered: z
    .strictObject({ source, values: z.record(date, z.array(band).min(2).nullable()) })
    .optional(),
});

export type FundWarningInput = z.infer<typeof fundWarningSchema>;
type BandInput = z.infer<typeof band>;

const MONTHS_TEXT = /^(0|[1-9]\d{0,3})(\.\d{1,2})?$/;
/** A century of months is far beyond any sensible band. */
const MAX_HUNDREDTHS = 120_000;

/** Months as hundredths, exactly; a problem is recorded (and null returned) when it is not. */
function hundredthsOf(value: string | number, path: string, problems: PackProblem[]): number | null {
  const m = MONTHS_TEXT.exec(String(value).trim());
  const h = m ? Number(m[1]) * 100 + Number((m[2] ?? '').slice(1).padEnd(2, '0')) : NaN;
  if (!m || h <= 0 || h > MAX_HUNDREDTHS) {
    problems.push({
      path,
      message: `must be months above 0 and up to 1200 with at most two decimals (got ${value})`,
    });
    return null;
  }
  return h;
}

/** One dated list of bands, checked: a bound on every band but the last, ascending, names unique. */
function compileBands(list: BandInput[], at: string, problems: PackProblem[]): Band[] {
  const out: Band[] = [];
  list.forEach((b, i) => {
    const path = `${at}[${i}]`;
    const last = i === list.length - 1;
    const given = b.below ?? b.upTo;
    if (b.below !== undefined && b.upTo !== undefined)
      problems.push({ path, message: 'give either below or upTo, not both' });
    if (last && given !== undefined) problems.push({ path, message: 'the last band has no upper bound' });
    if (!last && given === undefined) problems.push({ path, message: 'needs an upper bound: below or upTo' });
    if (out.some((o) => o.name === b.band))
      problems.push({ path, message: `band ${b.band} is listed twice` });
    const upTo =
      given === undefined
        ? null
        : hundredthsOf(given, `${path}.${b.below !== undefined ? 'below' : 'upTo'}`, problems);
    // Against the highest bound so far, so that a bound that failed to parse does not hide the next.
    const prev = Math.max(0, ...out.map((o) => o.upTo ?? 0));
    if (upTo !== null && prev > 0 && upTo <= prev)
      problems.push({ path, message: 'upper bounds must rise from one band to the next' });
    out.push({ name: b.band, upTo, inclusive: b.upTo !== undefined });
  });
  return out;
}

/** The section checked and compiled (months in hundredths); null when the pack has none. */
export function compileFundWarning(raw: FundWarningInput | undefined, ctx: Ctx): FundWarning | null {
  const m = raw?.monthsCovered;
  if (!m) return raw ? { monthsCovered: null } : null;
  const path = 'fundWarning.monthsCovered';
  const dates = Object.keys(m.values);
  checkDates(dates, path, ctx.validFrom, ctx.problems);
  const versions = [...dates].sort().map((from) => {
    const list = m.values[from];
    return { from, bands: list ? compileBands(list, `${path}.values.${from}`, ctx.problems) : null };
  });
  return { monthsCovered: { path, source: m.source, versions } };
}
