/**
 * fast-check generators of claims in the calc JSON format of specs/calc.md (amounts in yuan with at
 * most two decimals), converted by the tests with toClaim. Packs: arbitraries.ts.
 */
import fc from 'fast-check';
import {
  MED_TYPES,
  orNull,
  SCHEMES,
  tagArb,
  yuan,
  type ClaimDims,
  type MedType,
  type Scheme,
  type Tag,
} from './arbitraries.js';

/** Diagnoses: some match the generated modifiers' prefixes (C, F20, Q21, I10, E11), one never does. */
const DISEASE_CODES = ['C34.1', 'F20.0', 'Q21.1', 'I10', 'E11.9', 'J18.9'];

export interface JsonFee {
  code: string;
  chrgitm_lv: '01' | '02' | '03';
  det_item_fee_sumamt: number;
  selfpay_prop?: number;
  cnt?: number;
  pric_uplmt_amt?: number;
}
export interface JsonClaim {
  claim_id: string;
  psn_no: string;
  insutype: Scheme;
  psn_type: string;
  age: number;
  psn_tags: Tag[];
  med_type: MedType;
  fixmedins_code: string;
  fixmedins_lv: '0' | '1' | '2' | '3';
  price_class?: '1' | '2-city' | '2-county' | '3';
  insuplc_admdvs: string;
  mdtrtarea_admvs: string;
  setl_date: string;
  dise_codes: string[];
  acct_used_flag: '0' | '1';
  acct_balc: number;
  fees: JsonFee[];
  prior?: { deductible_used: number; pool_paid: number; admissions: number };
}

export interface Person {
  psn_no: string;
  insutype: Scheme;
  psn_type: string;
  age: number;
  psn_tags: Tag[];
}

export const personArb: fc.Arbitrary<Person> = fc
  .record({
    n: fc.integer({ min: 1, max: 3 }),
    scheme: fc.constantFrom(...SCHEMES),
    typeIndex: fc.nat(),
    age: fc.integer({ min: 0, max: 100 }),
    psn_tags: fc.uniqueArray(tagArb, { maxLength: 2 }),
  })
  .map(({ n, scheme, typeIndex, age, psn_tags }) => {
    const types = scheme === '310' ? ['1101', '1201'] : ['1501', '1401', '1403'];
    return { psn_no: `P${n}`, insutype: scheme, psn_type: types[typeIndex % types.length]!, age, psn_tags };
  });

/** Line amounts from 0 to large (10,000,000.00 yuan; at most 6 lines, under the claim limit). */
export const amountFen = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 200_000 }), weight: 3 },
  { arbitrary: fc.integer({ min: 0, max: 10_000_000 }), weight: 3 },
  { arbitrary: fc.integer({ min: 0, max: 1_000_000_000 }), weight: 1 },
);

export const feeArb: fc.Arbitrary<JsonFee> = fc
  .record({
    cls: fc.constantFrom('01' as const, '02' as const, '03' as const),
    amount: amountFen,
    selfPayBp: orNull(fc.oneof(fc.integer({ min: 0, max: 10_000 }), fc.constantFrom(0, 1000, 10_000)), 20),
    priceCap: orNull(
      fc.record({
        unitFen: fc.integer({ min: 0, max: 10_000_000 }),
        cntTenThousandths: orNull(fc.integer({ min: 1, max: 1_000_000 }), 40),
      }),
      70,
    ),
  })
  .map(({ cls, amount, selfPayBp, priceCap }) => ({
    code: `item-${cls}`,
    chrgitm_lv: cls,
    det_item_fee_sumamt: yuan(amount),
    ...(selfPayBp === null ? {} : { selfpay_prop: selfPayBp / 10_000 }),
    ...(priceCap
      ? {
          pric_uplmt_amt: yuan(priceCap.unitFen),
          ...(priceCap.cntTenThousandths === null ? {} : { cnt: priceCap.cntTenThousandths / 10_000 }),
        }
      : {}),
  }));

const AREAS = { same: '140105', county: '140106', city: '140200', province: '350100' } as const;

export interface Visit {
  med_type: MedType;
  fixmedins_lv: '0' | '1' | '2' | '3';
  /** May be missing: a pack splitting on it then refuses the claim (INVALID_CLAIM). */
  price_class: '1' | '2-city' | '2-county' | '3' | null;
  area: keyof typeof AREAS;
  day: number;
  dise_codes: string[];
  acct_used_flag: '0' | '1';
  acct_balc: number;
  fees: JsonFee[];
}

export const visitArb: fc.Arbitrary<Visit> = fc.record({
  med_type: fc.constantFrom(...MED_TYPES),
  fixmedins_lv: fc.constantFrom('0' as const, '1' as const, '2' as const, '3' as const),
  price_class: orNull(fc.constantFrom('1' as const, '2-city' as const, '2-county' as const, '3' as const), 5),
  area: fc.constantFrom(...(Object.keys(AREAS) as (keyof typeof AREAS)[])),
  day: fc.integer({ min: 0, max: 365 }),
  dise_codes: fc.subarray(DISEASE_CODES, { maxLength: 3 }),
  acct_used_flag: fc.constantFrom('0' as const, '1' as const),
  acct_balc: fc.oneof(fc.constant(0), amountFen).map(yuan),
  fees: fc.array(feeArb, { minLength: 1, maxLength: 6 }),
});

/** A date of 2024 (a leap year: day 0–365). */
function dateOf(day: number): string {
  return new Date(Date.UTC(2024, 0, 1 + day)).toISOString().slice(0, 10);
}

export function toJsonClaim(person: Person, v: Visit, claimId: string): JsonClaim {
  const { area, day, price_class, ...rest } = v;
  return {
    claim_id: claimId,
    ...person,
    ...rest,
    ...(price_class === null ? {} : { price_class }),
    fixmedins_code: `H${v.fixmedins_lv}`,
    insuplc_admdvs: AREAS.same,
    mdtrtarea_admvs: AREAS[area],
    setl_date: dateOf(day),
  };
}

/** The claims of one person in 2024, in date order. */
export function personClaims(person: Person, visits: Visit[]): JsonClaim[] {
  return [...visits]
    .sort((a, b) => a.day - b.day)
    .map((v, i) => toJsonClaim(person, v, `${person.psn_no}-c${i}`));
}

export const personYearArb = fc.record({
  person: personArb,
  visits: fc.array(visitArb, { minLength: 1, maxLength: 8 }),
});

/** A claim's position on the dimensions the generated caps, deductibles and layers split on. */
export function claimDims(c: JsonClaim): ClaimDims {
  const personType =
    c.psn_type === '1101'
      ? 'active'
      : c.psn_type === '1201'
        ? 'retired'
        : c.psn_type === '1501'
          ? 'resident'
          : 'minor';
  return {
    level: c.fixmedins_lv,
    familyDoctor: c.psn_tags.includes('family-doctor') ? 'yes' : 'no',
    personType,
    priceClass: c.price_class,
  };
}
