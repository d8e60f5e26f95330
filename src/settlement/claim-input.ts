import { Ajv } from 'ajv';
import { z } from 'zod';
import { invalidClaim } from '../domain/errors.js';
import { MAX_AMOUNT_FEN, mulDivRoundHalfUp, parseYuan } from '../domain/money/money.js';
import { parseRate } from '../domain/money/rate.js';
import { personTypeOf } from '../domain/policy/dimensions.js';
import type { Claim, FeeLine } from '../domain/settlement/types.js';
import { isCalendarDate } from '../domain/dates.js';
import { pathText } from '../policy/values.js';

/**
 * The claim format of specs/calc.md (national-interface field names, amounts in yuan), validated
 * and converted to the calculator's Claim in fen. Unknown fields are ignored, as a HIS sends many.
 */

const yuan = z.number({ error: 'must be an amount in yuan (a JSON number)' });
const proportion = z.number({ error: 'must be a number from 0 to 1' });
const count = z.number({ error: 'must be a number' });

const code = (max: number) =>
  z.string({ error: 'must be a string' }).max(max).regex(/\S/, 'must not be empty');
const areaCode = z
  .string({ error: 'must be a 6-digit area code' })
  .regex(/^\d{6}$/, 'must be a 6-digit area code');

const feeLine = z.object({
  code: code(64),
  chrgitm_lv: z.enum(['01', '02', '03'], { error: 'must be "01" (甲), "02" (乙) or "03" (丙)' }),
  det_item_fee_sumamt: yuan,
  selfpay_prop: proportion.optional(),
  cnt: count.optional(),
  pric: yuan.optional(),
  pric_uplmt_amt: yuan.optional(),
});

export const claimSchema = z.object({
  claim_id: code(64),
  psn_no: code(64),
  insutype: z.enum(['310', '390'], { error: 'must be "310" (employee) or "390" (resident)' }),
  psn_type: z.string({ error: 'must be a string' }).max(8, 'must be an NHSA person type such as "1101"'),
  age: z.int({ error: 'must be a whole number of years' }).min(0).max(150),
  psn_tags: z
    .array(z.enum(['family-doctor', 'assistance'], { error: 'must be "family-doctor" or "assistance"' }))
    .max(8)
    .optional(),
  med_type: z.enum(['11', '14', '21'], { error: 'must be "11", "14" or "21"' }),
  fixmedins_code: code(64),
  fixmedins_lv: z.enum(['0', '1', '2', '3'], { error: 'must be "0" (grassroots), "1", "2" or "3"' }),
  price_class: z
    .enum(['1', '2-city', '2-county', '3'], { error: 'must be "1", "2-city", "2-county" or "3"' })
    .optional(),
  insuplc_admdvs: areaCode,
  mdtrtarea_admvs: areaCode,
  setl_date: z
    .string({ error: 'must be a date YYYY-MM-DD' })
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD'),
  dise_codes: z
    .array(z.string().regex(/^[A-Z]\d{2}[0-9A-Za-z.+*]{0,12}$/, 'must be an ICD-10 code'))
    .max(64)
    .optional(),
  acct_used_flag: z.enum(['0', '1'], { error: 'must be "0" or "1"' }).optional(),
  acct_balc: yuan.optional(),
  fees: z
    .array(feeLine, { error: 'must be an array of fee lines' })
    .min(1, 'needs at least one fee line')
    .max(5000),
  prior: z
    .object({
      deductible_used: yuan.optional(),
      pool_paid: yuan.optional(),
      admissions: z.int({ error: 'must be a whole number' }).min(0).max(1000).optional(),
    })
    .optional(),
});

type ClaimInput = z.infer<typeof claimSchema>;

/**
 * The same schema compiled by Ajv (the JSON-schema validator Fastify uses), as the fast path: a
 * claim it accepts is well-formed by the zod schema it was generated from (a property test holds
 * them together), and only a claim it refuses goes through zod, for the message and the path.
 */
const acceptsClaim = new Ajv({ strict: false, allErrors: false }).compile(
  z.toJSONSchema(claimSchema, { io: 'input', target: 'draft-07' }),
);

/** True when the claim schema accepts the value (for tests of the fast path). */
export function fastPathAccepts(value: unknown): boolean {
  return acceptsClaim(value);
}

/** Validate one parsed JSON value as a claim; throws a Refusal (INVALID_CLAIM) naming the field. */
export function toClaim(value: unknown): Claim {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidClaim('', 'a claim must be a JSON object');
  }
  if (acceptsClaim(value)) return convert(value as ClaimInput);
  const parsed = claimSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = pathText(issue.path);
    const message =
      issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message;
    throw invalidClaim(path, `${path || 'claim'} ${message}`);
  }
  return convert(parsed.data);
}

/** The path of a claim field, or of a field of fee line `line`; built only when refusing. */
function fieldPath(field: string, line?: number): string {
  return line === undefined ? field : `fees[${line}].${field}`;
}

/** Strict yuan → fen for a field already known to be a number; refuses with the field path. */
function fen(value: number, field: string, line?: number): number {
  const r = parseYuan(value);
  if (r.ok) return r.value;
  const path = fieldPath(field, line);
  throw invalidClaim(path, `${path} ${r.reason}`);
}

function optionalFen(value: number | undefined, field: string, line?: number): number | undefined {
  return value === undefined ? undefined : fen(value, field, line);
}

/** A count with at most four decimals, kept as ten-thousandths so that cap × count stays exact. */
function countE4(value: number, line: number): number {
  const units = Math.round(value * 10_000);
  // As for yuan: a value with at most four decimals is the double nearest units / 10^4.
  if (value > 0 && value < 1_000_000 && units / 10_000 === value) return units;
  const path = fieldPath('cnt', line);
  throw invalidClaim(
    path,
    `${path} must be above 0 and below 1,000,000 with at most 4 decimals (got ${String(value)})`,
  );
}

function convert(c: ClaimInput): Claim {
  const personType = personTypeOf(c.psn_type);
  if (!personType)
    throw invalidClaim(
      'psn_type',
      `psn_type "${c.psn_type}" is not a known person type (1101, 1201, 1501, 1401–1405)`,
    );
  const employee = c.insutype === '310';
  if (employee !== (personType === 'active' || personType === 'retired')) {
    throw invalidClaim('psn_type', `psn_type ${c.psn_type} does not belong to insutype ${c.insutype}`);
  }
  if (!isCalendarDate(c.setl_date))
    throw invalidClaim('setl_date', `setl_date ${c.setl_date} is not a calendar date`);
  const fees = c.fees.map(toFeeLine);
  let total = 0;
  for (const f of fees) total += f.amount;
  if (total > MAX_AMOUNT_FEN)
    throw invalidClaim('fees', 'the claim total is above the limit of 100,000,000.00 yuan');
  return {
    claimId: c.claim_id,
    psnNo: c.psn_no,
    scheme: c.insutype,
    personType,
    age: c.age,
    familyDoctor: c.psn_tags?.includes('family-doctor') ?? false,
    assistance: c.psn_tags?.includes('assistance') ?? false,
    medType: c.med_type,
    institution: c.fixmedins_code,
    level: c.fixmedins_lv,
    priceClass: c.price_class,
    personArea: c.insuplc_admdvs,
    careArea: c.mdtrtarea_admvs,
    date: c.setl_date,
    diseases: c.dise_codes ?? [],
    useAccount: c.acct_used_flag === '1',
    accountBalance: optionalFen(c.acct_balc, 'acct_balc') ?? 0,
    fees,
    prior: c.prior && {
      deductibleUsed: fen(c.prior.deductible_used ?? 0, 'prior.deductible_used'),
      poolPaid: fen(c.prior.pool_paid ?? 0, 'prior.pool_paid'),
      admissions: c.prior.admissions ?? 0,
    },
  };
}

function toFeeLine(f: ClaimInput['fees'][number], line: number): FeeLine {
  const amount = fen(f.det_item_fee_sumamt, 'det_item_fee_sumamt', line);
  optionalFen(f.pric, 'pric', line);
  const units = f.cnt === undefined ? 10_000 : countE4(f.cnt, line);
  const unitCap = optionalFen(f.pric_uplmt_amt, 'pric_uplmt_amt', line);
  let selfPayRate = 0;
  if (f.selfpay_prop !== undefined) {
    const r = parseRate(f.selfpay_prop);
    if (!r.ok) {
      const path = fieldPath('selfpay_prop', line);
      throw invalidClaim(
        path,
        `${path} must be from 0 to 1 with at most 4 decimals (got ${String(f.selfpay_prop)})`,
      );
    }
    if (f.chrgitm_lv === '02') selfPayRate = r.value;
  }
  return {
    code: f.code,
    catalogClass: f.chrgitm_lv,
    amount,
    selfPayRate,
    priceCapTotal: capTotal(unitCap, units),
  };
}

/** Unit price cap × count, rounded half up to the fen. */
function capTotal(unitCap: number | undefined, unitsE4: number): number | null {
  return unitCap === undefined ? null : mulDivRoundHalfUp(unitCap, unitsE4, 10_000);
}
