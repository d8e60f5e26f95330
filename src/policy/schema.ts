import { z } from 'zod';
import { isCalendarDate } from '../domain/dates.js';
import { DIMENSIONS } from '../domain/policy/dimensions.js';
import { adjustmentSchema } from './adjustment-schema.js';
import { fundWarningSchema } from './fund-warning-schema.js';

/**
 * The policy pack file format (YAML). Every parameter is dated (values keyed by start date, as in
 * OpenFisca) and every value carries the quoted source sentence. See docs/policy-packs.md.
 */

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export const dateSchema = z.string().refine((s) => DATE.test(s) && isCalendarDate(s), {
  message: 'must be a calendar date YYYY-MM-DD',
});

/** Amounts and rates are checked for type here and parsed exactly in compile.ts, so value problems
 *  are listed together with coverage and reference problems. */
const yuan = z.union([z.number(), z.string()], { error: 'must be an amount in yuan, e.g. 400 or "400.00"' });
const rate = z.union([z.number(), z.string()], { error: 'must be a rate such as "75%" or 0.75' });

const source = z.string().trim().min(8, 'must quote the source sentence');
const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes');
const dim = z.enum(Object.keys(DIMENSIONS) as [keyof typeof DIMENSIONS, ...(keyof typeof DIMENSIONS)[]]);
/** One value of a dimension or a list of them; the message names the allowed values. */
function oneOrMany<const V extends readonly [string, ...string[]]>(values: V) {
  const one = z.enum(values);
  return z.union([one, z.array(one).min(1)], {
    error: (issue) =>
      `must be one of ${values.join(', ')} (or a list of them); got ${JSON.stringify(issue.input)}`,
  });
}

const when = z.strictObject({
  scheme: oneOrMany(DIMENSIONS.scheme).optional(),
  personType: oneOrMany(DIMENSIONS.personType).optional(),
  medType: oneOrMany(DIMENSIONS.medType).optional(),
  level: oneOrMany(DIMENSIONS.level).optional(),
  priceClass: oneOrMany(DIMENSIONS.priceClass).optional(),
  area: oneOrMany(DIMENSIONS.area).optional(),
  familyDoctor: oneOrMany(DIMENSIONS.familyDoctor).optional(),
  assistance: oneOrMany(DIMENSIONS.assistance).optional(),
});
export type WhenInput = z.infer<typeof when>;

const ruleBase = { when: when.optional(), source: source.optional() };
const absent = z.string().trim().min(1, 'must say why the source gives no value').optional();

const segment = z.strictObject({ upTo: yuan.optional(), rate });
const rateValue = { rate: rate.optional(), segments: z.array(segment).min(1).optional() };

/** A dated rule table; a rule gives a value or is declared `absent` (checked in compile). */
function table<T extends z.ZodRawShape>(valueShape: T) {
  const rule = z.strictObject({ ...ruleBase, absent, ...valueShape });
  return z.strictObject({
    source: source.optional(),
    by: z.array(dim).default([]),
    values: z.record(dateSchema, z.array(rule).min(1).nullable()),
  });
}

const amountTable = table({ amount: yuan.optional() });
export const capTableSchema = amountTable;
const rateTable = table(rateValue);
const layerTable = table({ threshold: yuan.optional(), ...rateValue, cap: yuan.optional() });

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

export const benefitSchema = z.strictObject({
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
const share = rate;

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
  benefits: z.array(benefitSchema).default([]),
  caps: z.record(id, amountTable).default({}),
  layers: z
    .strictObject({
      largeAmount: layer.optional(),
      criticalIllness: layer.optional(),
      assistance: layer.optional(),
    })
    .default({}),
  contributions: contributions.optional(),
  fundWarning: fundWarningSchema.optional(),
  adjustment: adjustmentSchema.optional(),
});

export type PackInput = z.infer<typeof packSchema>;
export type BenefitInput = PackInput['benefits'][number];
export type ContributionsInput = NonNullable<PackInput['contributions']>;
