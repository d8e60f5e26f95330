import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { claimSchema, fastPathAccepts, toClaim } from './claim-input.js';

const valid = {
  claim_id: 'c1',
  psn_no: 'p1',
  insutype: '390',
  psn_type: '1501',
  age: 40,
  psn_tags: ['family-doctor'],
  med_type: '21',
  fixmedins_code: 'H1',
  fixmedins_lv: '2',
  price_class: '2-county',
  insuplc_admdvs: '140100',
  mdtrtarea_admvs: '140100',
  setl_date: '2025-03-01',
  dise_codes: ['K35.8'],
  acct_used_flag: '0',
  acct_balc: 12.5,
  fees: [
    {
      code: 'X1',
      chrgitm_lv: '02',
      det_item_fee_sumamt: 100,
      selfpay_prop: 0.1,
      cnt: 2,
      pric: 50,
      pric_uplmt_amt: 40,
    },
  ],
  prior: { deductible_used: 1, pool_paid: 2, admissions: 1 },
};

const fields = Object.keys(valid);
const feeFields = Object.keys(valid.fees[0]!);

/** A valid claim with one field, or one field of its fee line, replaced by any JSON value or removed. */
const mutated = fc.oneof(
  fc
    .record({ key: fc.constantFrom(...fields), value: fc.option(fc.jsonValue(), { nil: undefined }) })
    .map(({ key, value }) => {
      const c: Record<string, unknown> = structuredClone(valid);
      if (value === undefined) delete c[key];
      else c[key] = value;
      return c;
    }),
  fc
    .record({ key: fc.constantFrom(...feeFields), value: fc.option(fc.jsonValue(), { nil: undefined }) })
    .map(({ key, value }) => {
      const c = structuredClone(valid) as { fees: Record<string, unknown>[] };
      if (value === undefined) delete c.fees[0]![key];
      else c.fees[0]![key] = value;
      return c;
    }),
  fc.jsonValue(),
);

describe('claim fast path', () => {
  it('accepts the valid claim', () => {
    expect(fastPathAccepts(valid)).toBe(true);
    expect(toClaim(valid).fees[0]!.amount).toBe(10_000);
  });

  it('never accepts what the zod schema refuses (they are generated from one schema)', () => {
    fc.assert(
      fc.property(mutated, (value) => {
        if (fastPathAccepts(value)) expect(claimSchema.safeParse(value).success).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with zod on common mistakes', () => {
    const cases: unknown[] = [
      { ...valid, age: 1.5 },
      { ...valid, insutype: 310 },
      { ...valid, setl_date: '2025/03/01' },
      { ...valid, fees: [] },
      { ...valid, claim_id: '   ' },
      { ...valid, dise_codes: ['k35'] },
      { ...valid, prior: { admissions: -1 } },
    ];
    for (const c of cases) {
      expect(fastPathAccepts(c)).toBe(false);
      expect(claimSchema.safeParse(c).success).toBe(false);
    }
  });
});
