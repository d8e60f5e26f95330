import { z } from 'zod';
import { isCalendarDate } from '../domain/dates.js';
import { DIMENSIONS } from '../domain/policy/dimensions.js';
import { parseYuan } from '../domain/money/money.js';
import { parseRate } from '../domain/money/rate.js';

/**
 * The policy pack file format (YAML). Every parameter is dated (values keyed by start date, as in
 * OpenFisca) and every value carries the quoted source sentence. See docs/policy-packs.md.
 */

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export const dateSchema = z.string().refine((s) => DATE.test(s) && isCalendarDate(s), {
  message: 'must be a calendar date YYYY-MM-DD',
});

const yuan = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const r = parseYuan(v);
  if (!r.ok) ctx.addIssue({ code: 'custom', message: `amount ${r.reason}` });
  return r.ok ? r.value : 0;
});

const rate = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const r = parseRate(v);
  if (!r.ok) ctx.addIssue({ code: 'custom', message: `rate ${r.reason}` });
  return r.ok ? r.value : 0;
});

const source = z.string().trim().min(8, 'must quote the source sentence');
const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes');
const dim = z.enum(Object.keys(DIMENSIONS) as [keyof typeof DIMENSIONS, ...(keyof typeof DIMENSIONS)[]]);
const oneOrMany = <T extends z.ZodType>(t: T) => z.union([t, z.array(t).min(1)]);

const when = z.strictObject({
  scheme: oneOrMany(z.enum(DIMENSIONS.scheme)).optional(),
  personType: oneOrMany(z.enum(DIMENSIONS.personType)).optional(),
  medType: oneOrMany(z.enum(DIMENSIONS.medType)).optional(),
  level: oneOrMany(z.enum(DIMENSIONS.level)).optional(),
  priceClass: oneOrMany(z.enum(DIMENSIONS.priceClass)).optional(),
  area: oneOrMany(z.enum(DIMENSIONS.area)).optional(),
  familyDoctor: oneOrMany(z.enum(DIMENSIONS.familyDoctor)).optional(),
  assistance: oneOrMany(z.enum(DIMENSIONS.assistance)).optional(),
});
export type WhenInput = z.infer<typeof when>;

const ruleBase = { when: when.optional(), source: source.optional() };
const absentRule = z.strictObject({ ...ruleBase, absent: z.string().trim().min(1) });

const segment = z.strictObject({ upTo: yuan.optional(), rate });
const rateValue = { rate: rate.optional(), segments: z.array(segment).min(1).optional() };

function table<T extends z.ZodRawShape>(valueShape: T) {
  const rule = z.union([z.strictObject({ ...ruleBase, ...valueShape }), absentRule]);
  return z.strictObject({
    source: source.optional(),
    by: z.array(dim).default([]),
    values: z.record(dateSchema, z.array(rule).min(1).nullable()),
  });
}

const amountTable = table({ amount: yuan });
const rateTable = table(rateValue);
const layerTable = table({ threshold: yuan, ...rateValue, cap: z.union([yuan, z.literal('none')]) });

const tag = z.enum(['family-doctor', 'assistance']);

const deductible = amountTable.partial({ values: true }).extend({
  basis: z.enum(['annual', 'per-admission']),
  group: id.optional(),
  nthAdmission: z
    .array(z.strictObject({ from: dateSchema, fromAdmission: z.int().min(2), amount: yuan, source }))
    .optional(),
  waivedFor: z.strictObject({ tags: z.array(tag).min(1), source }).optional(),
});

const modifier = z
  .strictObject({
    id,
    source,
    from: dateSchema,
    until: dateSchema.optional(),
    when: z.strictObject({
      diseases: z
        .array(z.string().regex(/^[A-Z]\d{0,2}(\.\d{1,4})?$/, 'must be an ICD-10 code or prefix'))
        .min(1),
      ageBelow: z.int().min(1).max(150).optional(),
    }),
    add: rate.optional(),
    set: rate.optional(),
  })
  .refine((m) => (m.add === undefined) !== (m.set === undefined), {
    message: 'a modifier either adds to the rate (add) or sets it (set), exactly one',
  });

const benefit = z.strictObject({
  id,
  name: z.string().min(1),
  schemes: z.array(z.enum(DIMENSIONS.scheme)).min(1),
  medTypes: z.array(z.enum(DIMENSIONS.medType)).min(1),
  deductible: deductible.optional(),
  rate: rateTable.optional(),
  modifiers: z.array(modifier).default([]),
  caps: z.array(id).optional(),
});

const layer = layerTable.extend({
  schemes: z.array(z.enum(DIMENSIONS.scheme)).min(1),
  medTypes: z.array(z.enum(DIMENSIONS.medType)).min(1).optional(),
  requiresTag: tag.optional(),
});

function dated<T extends z.ZodType>(value: T) {
  return z.strictObject({ source, values: z.record(dateSchema, value.nullable()) });
}

/** Contribution parameters; their calculator comes with the fund ledger. Shares may exceed 100 %. */
const share = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const r = parseRate(v, 100_000);
  if (!r.ok) ctx.addIssue({ code: 'custom', message: `share ${r.reason}` });
  return r.ok ? r.value : 0;
});

const contributions = z.strictObject({
  employee: z
    .strictObject({
      baseFloorShareOfAverageWage: dated(share).optional(),
      baseCeilingShareOfAverageWage: dated(share).optional(),
      employerRate: dated(rate).optional(),
      employeeRate: dated(rate).optional(),
      accountCrediting: z
        .strictObject({
          activeRateOfBase: dated(rate).optional(),
          activeFromEmployeeRateOfBase: dated(rate).optional(),
          retiredRateOfProvincialAverageMonthlyWage: dated(rate).optional(),
        })
        .optional(),
    })
    .optional(),
  resident: z
    .strictObject({ individualAmount: dated(yuan).optional(), fiscalSubsidyAmount: dated(yuan).optional() })
    .optional(),
});

export const packSchema = z.strictObject({
  id,
  version: z.string().min(1),
  title: z.string().min(1),
  region: id,
  document: z.string().min(1),
  poolingLevel: z.enum(['county', 'city', 'province']),
  validFrom: dateSchema,
  validUntil: dateSchema.optional(),
  notes: z.array(z.string()).default([]),
  benefits: z.array(benefit).default([]),
  caps: z.record(id, amountTable).default({}),
  layers: z
    .strictObject({
      largeAmount: layer.optional(),
      criticalIllness: layer.optional(),
      assistance: layer.optional(),
    })
    .default({}),
  contributions: contributions.optional(),
});

export type PackInput = z.infer<typeof packSchema>;
export type BenefitInput = PackInput['benefits'][number];
