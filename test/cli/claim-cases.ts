import { shanxiClaim, type Json } from './helpers.js';

/**
 * Malformed claims for the shanxi-resident-2025 pack, each with the refusal specs/calc.md asks for:
 * the code, the exact field path and a pattern the message must match (it names the field or the
 * problem, so a person can act on it).
 */
export interface BadClaim {
  name: string;
  line: string;
  code: 'INVALID_CLAIM' | 'POLICY_GAP';
  path: string;
  mention: RegExp;
}

type Path = (string | number)[];

function parsePath(path: string): Path {
  return path.split(/\.|(?=\[)/).map((p) => (p.startsWith('[') ? Number(p.slice(1, -1)) : p));
}

/** The base claim with the value at `path` replaced (or removed when `value` is `DROP`). */
export const DROP = Symbol('drop');
export function withValue(path: string, value: unknown, claim: Json = shanxiClaim()): string {
  const copy = structuredClone(claim);
  const keys = parsePath(path);
  let at: Record<string | number, unknown> = copy;
  for (const k of keys.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
  const last = keys[keys.length - 1]!;
  if (value === DROP) delete at[last];
  else at[last] = value;
  return JSON.stringify(copy);
}

/** The base claim's JSON text with one raw piece of text replaced (for forms JSON.stringify never writes). */
export function rawReplace(from: string, to: string, claim: Json = shanxiClaim()): string {
  const text = JSON.stringify(claim);
  if (!text.includes(from)) throw new Error(`test bug: ${from} not in the claim`);
  return text.replace(from, to);
}

const BASE = JSON.stringify(shanxiClaim());
const FEE = 'fees[0].det_item_fee_sumamt';
const withPrior = (over: Json) =>
  shanxiClaim({ prior: { deductible_used: 0, pool_paid: 0, admissions: 0, ...over } });
const withFee = (over: Json) =>
  shanxiClaim({ fees: [{ code: 'F001', chrgitm_lv: '02', det_item_fee_sumamt: 100, ...over }] });

const invalid = (name: string, line: string, path: string, mention: RegExp): BadClaim => ({
  name,
  line,
  code: 'INVALID_CLAIM',
  path,
  mention,
});
const bad = (path: string, value: unknown, mention: RegExp, claim?: Json): BadClaim =>
  invalid(`${path} = ${JSON.stringify(value)?.slice(0, 40)}`, withValue(path, value, claim), path, mention);
const missing = (path: string): BadClaim =>
  invalid(`${path} missing`, withValue(path, DROP), path, new RegExp(`${escape(path)}.*(required|must)`));
const gap = (name: string, line: string, path: string, mention: RegExp): BadClaim => ({
  name,
  line,
  code: 'POLICY_GAP',
  path,
  mention,
});

function escape(s: string): string {
  return s.replace(/[.[\]]/g, '\\$&');
}

const NOT_JSON = /JSON/;
const NOT_OBJECT = /object/;
const TWO_DECIMALS = /two decimals/;
const EXPONENT = /exponent|plain decimal/;
const DATE = /date|YYYY-MM-DD/;
const AREA = /6-digit area code/;
const LONG = 'x'.repeat(100_000);

export const BAD_CLAIMS: BadClaim[] = [
  // Not JSON at all: refused with the line number, claim_id null.
  invalid('plain text', 'this is not a claim', '', NOT_JSON),
  invalid('truncated object', BASE.slice(0, 60), '', NOT_JSON),
  invalid('trailing comma', BASE.replace(/}$/, ',}'), '', NOT_JSON),
  invalid('single quotes', "{'claim_id':'c1'}", '', NOT_JSON),
  invalid('NaN literal', rawReplace('10000', 'NaN'), '', NOT_JSON),
  invalid('Infinity literal', rawReplace('10000', 'Infinity'), '', NOT_JSON),
  invalid('hexadecimal number', rawReplace('10000', '0x2710'), '', NOT_JSON),
  invalid('leading zero', rawReplace('10000', '010000'), '', NOT_JSON),
  // JSON, but not an object.
  invalid('a JSON array', '[1,2]', '', NOT_OBJECT),
  invalid('an array holding the claim', `[${BASE}]`, '', NOT_OBJECT),
  invalid('a JSON string', '"c1"', '', NOT_OBJECT),
  invalid('JSON null', 'null', '', NOT_OBJECT),
  invalid('a JSON number', '42', '', NOT_OBJECT),
  invalid('JSON true', 'true', '', NOT_OBJECT),
  invalid('an empty object', '{}', 'claim_id', /claim_id.*required/),
  // Each required field missing.
  ...[
    'claim_id',
    'psn_no',
    'insutype',
    'psn_type',
    'age',
    'med_type',
    'fixmedins_code',
    'fixmedins_lv',
    'insuplc_admdvs',
    'mdtrtarea_admvs',
    'setl_date',
    'fees',
    'fees[0].code',
    'fees[0].chrgitm_lv',
    FEE,
  ].map(missing),
  invalid(
    'price_class missing (this pack splits on it)',
    withValue('price_class', DROP),
    'price_class',
    /price_class/,
  ),
  // Wrong types.
  bad('claim_id', 123, /claim_id/),
  bad('claim_id', { id: 'c1' }, /claim_id/),
  bad('claim_id', ['c1'], /claim_id/),
  bad('claim_id', '', /claim_id.*empty/),
  bad('psn_no', 1001, /psn_no/),
  bad('psn_no', '   ', /psn_no.*empty/),
  bad('insutype', 390, /insutype/),
  bad('psn_type', 1501, /psn_type/),
  bad('age', '40', /age/),
  bad('age', 40.5, /age/),
  bad('age', true, /age/),
  bad('age', -1, /age/),
  bad('age', 151, /age/),
  bad('med_type', 21, /med_type/),
  bad('fixmedins_code', '', /fixmedins_code.*empty/),
  bad('fixmedins_lv', 2, /fixmedins_lv/),
  bad('price_class', 1, /price_class/),
  bad('insuplc_admdvs', 140100, /insuplc_admdvs/),
  bad('setl_date', 20250301, /setl_date/),
  bad('dise_codes', 'J18.9', /dise_codes/),
  bad('dise_codes[0]', 18, /dise_codes\[0\]/),
  bad('psn_tags', 'family-doctor', /psn_tags/),
  bad('fees', { code: 'F001', chrgitm_lv: '01', det_item_fee_sumamt: 1 }, /fees/),
  bad('fees', 'F001', /fees/),
  bad('fees[0]', null, /fees\[0\]/),
  bad('fees[0]', [['F001', '01', 100]], /fees\[0\]/),
  bad('fees[0].code', 12345, /fees\[0\]\.code/),
  bad('fees[0].code', '', /fees\[0\]\.code.*empty/),
  bad('fees[0].chrgitm_lv', 1, /chrgitm_lv/),
  bad(FEE, '10000', /det_item_fee_sumamt/),
  bad(FEE, true, /det_item_fee_sumamt/),
  bad(FEE, null, /det_item_fee_sumamt/),
  bad(FEE, [10000], /det_item_fee_sumamt/),
  bad(FEE, { yuan: 10000 }, /det_item_fee_sumamt/),
  bad('acct_balc', '100', /acct_balc/),
  bad('acct_used_flag', 1, /acct_used_flag/),
  bad('prior', 'none', /prior/),
  bad('prior', [], /prior/),
  bad('prior.pool_paid', '100', /pool_paid/, withPrior({})),
  bad('fees[0].selfpay_prop', '0.1', /selfpay_prop/, withFee({})),
  bad('fees[0].cnt', '2', /cnt/, withFee({})),
  // Amounts: yuan with at most two decimals, not negative, at most 100,000,000.00, no exponent.
  bad(FEE, 100.123, TWO_DECIMALS),
  bad(FEE, 0.001, TWO_DECIMALS),
  bad(FEE, 0.30000000000000004, TWO_DECIMALS),
  bad(FEE, -1, /negative/),
  bad(FEE, -0.01, /negative/),
  bad(FEE, 100_000_000.01, /limit/),
  invalid('amount of 22 digits', rawReplace('10000', '1000000000000000000000'), FEE, /limit|amount/),
  invalid('amount of 20 digits', rawReplace('10000', '12345678901234567890'), FEE, /limit|amount/),
  invalid(
    'claim total above the limit',
    withValue('fees', [
      { code: 'A', chrgitm_lv: '01', det_item_fee_sumamt: 60_000_000 },
      { code: 'B', chrgitm_lv: '01', det_item_fee_sumamt: 60_000_000 },
    ]),
    'fees',
    /100,000,000/,
  ),
  invalid('amount 1e4', rawReplace('10000', '1e4'), FEE, EXPONENT),
  invalid('amount 1E+4', rawReplace('10000', '1E+4'), FEE, EXPONENT),
  invalid('amount 1.5e3', rawReplace('10000', '1.5e3'), FEE, EXPONENT),
  invalid('acct_balc 1e2', withValue('acct_balc', 777).replace('777', '1e2'), 'acct_balc', EXPONENT),
  invalid(
    'prior.pool_paid 1e3',
    JSON.stringify(withPrior({ pool_paid: 777 })).replace('777', '1e3'),
    'prior.pool_paid',
    EXPONENT,
  ),
  bad('fees[0].pric', 1.234, TWO_DECIMALS, withFee({})),
  bad('fees[0].pric_uplmt_amt', -5, /negative/, withFee({})),
  bad('acct_balc', 1.001, TWO_DECIMALS),
  bad('acct_balc', -1, /negative/),
  bad('prior.pool_paid', -1, /negative/, withPrior({})),
  bad('prior.deductible_used', 1.234, TWO_DECIMALS, withPrior({})),
  bad('prior.admissions', -1, /admissions/, withPrior({})),
  bad('prior.admissions', 1.5, /admissions/, withPrior({})),
  bad('prior.admissions', '2', /admissions/, withPrior({})),
  // Proportions and counts.
  bad('fees[0].selfpay_prop', 1.5, /selfpay_prop.*0 to 1/, withFee({})),
  bad('fees[0].selfpay_prop', 0.12345, /4 decimals/, withFee({})),
  bad('fees[0].selfpay_prop', -0.1, /selfpay_prop.*0 to 1/, withFee({})),
  bad('fees[0].cnt', 0, /cnt/, withFee({})),
  bad('fees[0].cnt', -1, /cnt/, withFee({})),
  bad('fees[0].cnt', 1_000_000, /cnt/, withFee({})),
  bad('fees[0].cnt', 1.23456, /cnt/, withFee({})),
  bad('fees[0].cnt', 2 ** 60, /cnt/, withFee({})),
  // Dates.
  ...['2025-02-30', '2025-02-29', '2025/01/01', '', '2025-1-1', '2025-13-01', '2025-03-01T00:00:00Z'].map(
    (d) => bad('setl_date', d, DATE),
  ),
  // Area codes.
  ...['14010', '1401000', '14010a', '', ' 140100'].map((a) => bad('insuplc_admdvs', a, AREA)),
  bad('mdtrtarea_admvs', 'abcdef', AREA),
  // Unknown codes.
  bad('insutype', '320', /insutype/),
  bad('insutype', '', /insutype/),
  bad('psn_type', '9999', /psn_type/),
  bad('psn_type', '1406', /psn_type/),
  bad('psn_type', '', /psn_type/),
  bad('med_type', '12', /med_type/),
  bad('fixmedins_lv', '4', /fixmedins_lv/),
  bad('price_class', '2', /price_class/),
  bad('price_class', '2-town', /price_class/),
  bad('fees[0].chrgitm_lv', '04', /chrgitm_lv/),
  bad('fees[0].chrgitm_lv', '1', /chrgitm_lv/),
  invalid('psn_tags[0] unknown', withValue('psn_tags', ['vip']), 'psn_tags[0]', /psn_tags/),
  invalid('psn_tags[1] unknown', withValue('psn_tags', ['family-doctor', 'vip']), 'psn_tags[1]', /psn_tags/),
  bad('acct_used_flag', '2', /acct_used_flag/),
  // A person type that does not belong to the scheme.
  bad('psn_type', '1101', /insutype|1101/),
  bad('psn_type', '1201', /insutype|1201/),
  invalid('employee scheme with a resident type', withValue('insutype', '310'), 'psn_type', /insutype|1501/),
  // Fees and diagnoses.
  bad('fees', [], /fee/),
  ...['j18.9', '18.9', '', 'J1', 'ICD-J18', 'J18.9;K29'].map((d) => bad('dise_codes[0]', d, /ICD/)),
  // Very long input: refused by field, with a short message.
  bad('claim_id', 'c'.repeat(65), /claim_id/),
  bad('psn_no', 'p'.repeat(10_000), /psn_no/),
  bad('fees[0].code', LONG, /code/),
  bad('psn_type', LONG, /psn_type/),
  bad('insutype', LONG, /insutype/),
  bad('setl_date', LONG, DATE),
  bad('dise_codes[0]', `J18${LONG}`, /ICD/),
  bad(
    'dise_codes',
    Array.from({ length: 65 }, () => 'J18.9'),
    /dise_codes/,
  ),
  bad(
    'fees',
    Array.from({ length: 5001 }, () => ({ code: 'F', chrgitm_lv: '01', det_item_fee_sumamt: 1 })),
    /fees/,
  ),
  // The pack does not state what the claim needs.
  gap('a date before the pack', withValue('setl_date', '2024-12-31'), 'validFrom', /2025-01-01/),
  gap('general outpatient', withValue('med_type', '11'), 'benefits', /11/),
  gap('chronic-special outpatient', withValue('med_type', '14'), 'benefits', /14/),
  gap(
    'an employee claim',
    JSON.stringify(shanxiClaim({ insutype: '310', psn_type: '1101' })),
    'benefits',
    /310/,
  ),
];

/** Claims that look odd but are valid and settle. */
export const ODD_BUT_VALID: [string, string][] = [
  [
    'exponent-like text inside strings',
    JSON.stringify(shanxiClaim({ psn_no: '9e9', fixmedins_code: 'H1E5' })),
  ],
  ['a fee code that looks like a number in exponent form', withValue('fees[0].code', '1e3')],
  ['the largest amount', withValue(FEE, 100_000_000)],
  ['selfpay_prop with 4 decimals', JSON.stringify(withFee({ selfpay_prop: 0.1234 }))],
  ['cnt with 4 decimals', JSON.stringify(withFee({ cnt: 999_999.9999, pric: 1 }))],
  ['unknown extra fields', JSON.stringify(shanxiClaim({ mdtrt_id: 'M1', extra: { a: [1, 2] } }))],
  ['amount with one decimal and zero fen', withValue(FEE, 0.1)],
  ['no dise_codes', withValue('dise_codes', DROP)],
  ['a leap day', withValue('setl_date', '2028-02-29')],
  [
    'prior accumulators',
    JSON.stringify(withPrior({ pool_paid: 69_000, deductible_used: 400, admissions: 2 })),
  ],
];
