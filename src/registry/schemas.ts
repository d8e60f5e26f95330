import { z } from 'zod';
import { ServiceError } from '../common/service-error.js';
import { isCalendarDate } from '../domain/dates.js';
import { certnoProblem, normaliseCertno } from '../domain/idcard.js';
import { pathText } from '../policy/values.js';

/**
 * The inputs of the registry's write functions. Messages read after the field name ("certno has a
 * wrong check character …"), so a refusal names the field and says what to fix.
 */

const text = (max: number) =>
  z
    .string({ error: 'must be text' })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`);

/** Codes are compared exactly, so they are not trimmed: a stray space is refused, not hidden. */
const code = (max: number) =>
  z
    .string({ error: 'must be text' })
    .max(max, `must be at most ${max} characters`)
    .regex(/^\S+$/, 'must not be empty or contain spaces');

const areaCode = z
  .string({ error: 'must be a 6-digit area code' })
  .regex(/^\d{6}$/, 'must be a 6-digit area code');

export const dateField = z
  .string({ error: 'must be a date YYYY-MM-DD' })
  .refine(isCalendarDate, 'must be a real date YYYY-MM-DD');

const certno = z
  .string({ error: 'must be an 18-character ID number' })
  .overwrite(normaliseCertno)
  .superRefine((v, ctx) => {
    const problem = certnoProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const scheme = z.enum(['310', '390'], { error: 'must be "310" (employee) or "390" (resident)' });
const personType = z.enum(['active', 'retired', 'resident', 'minor'], {
  error: 'must be "active", "retired", "resident" or "minor"',
});
const status = z.enum(['active', 'suspended', 'ended'], {
  error: 'must be "active", "suspended" or "ended"',
});

const AREA_CODE_SHAPE = {
  province: { test: /^\d{2}0000$/, says: 'a province code ends in 0000' },
  city: { test: /^\d{4}00$/, says: 'a city code ends in 00' },
  county: { test: /^\d{4}(?!00)\d{2}$/, says: 'a county code does not end in 00' },
} as const;

export const areaSchema = z
  .strictObject({
    code: areaCode,
    name: text(100),
    level: z.enum(['province', 'city', 'county'], { error: 'must be "province", "city" or "county"' }),
    parentCode: areaCode.nullish(),
  })
  .superRefine((a, ctx) => {
    // Area classification (in / out of county / city) compares code prefixes, so the tree must
    // follow the national code shape.
    const shape = AREA_CODE_SHAPE[a.level];
    if (!shape.test.test(a.code))
      ctx.addIssue({ code: 'custom', path: ['code'], message: `is not one: ${shape.says}` });
    if (a.level === 'province' && a.parentCode)
      ctx.addIssue({ code: 'custom', path: ['parentCode'], message: 'must be empty for a province' });
    if (a.level !== 'province' && !a.parentCode)
      ctx.addIssue({ code: 'custom', path: ['parentCode'], message: `is required for a ${a.level}` });
  });

export const employerSchema = z.strictObject({ empNo: code(64), name: text(200), areaCode });

export const personSchema = z.strictObject({ psnNo: code(64), certno, name: text(100), areaCode });

const enrolmentShape = {
  psnNo: code(64),
  scheme,
  personType,
  areaCode,
  empNo: code(64).nullish(),
  beginDate: dateField,
};

type EnrolmentFields = {
  scheme: '310' | '390';
  personType: string;
  empNo?: string | null | undefined;
  beginDate: string;
  endDate?: string | null | undefined;
  status?: string;
};

/** The rules between enrolment fields that the table's CHECKs also hold, refused here with a path. */
function checkEnrolment(e: EnrolmentFields, ctx: z.RefinementCtx): void {
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  const employee = e.scheme === '310';
  if (employee !== (e.personType === 'active' || e.personType === 'retired'))
    issue(
      'personType',
      `must be ${employee ? '"active" or "retired" for 310' : '"resident" or "minor" for 390'}`,
    );
  if (employee && e.personType === 'active' && !e.empNo) issue('empNo', 'is required for an active employee');
  // Resident insurance is taken out by the person, never through an employer.
  if (!employee && e.empNo) issue('empNo', 'must be empty for a resident (390) enrolment');
  if (e.endDate && e.endDate < e.beginDate) issue('endDate', `must not be before beginDate ${e.beginDate}`);
  if (e.status === 'ended' && !e.endDate) issue('endDate', 'is required for an ended enrolment');
}

export const enrolmentSchema = z
  .strictObject({ ...enrolmentShape, endDate: dateField.nullish(), status: status.default('active') })
  .superRefine(checkEnrolment);

export const enrolmentStatusSchema = z
  .strictObject({
    psnNo: code(64),
    scheme,
    beginDate: dateField.optional(),
    status,
    endDate: dateField.optional(),
  })
  .superRefine((s, ctx) => {
    if (s.status === 'ended' && !s.endDate)
      ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'is required to end an enrolment' });
    if (s.status !== 'ended' && s.endDate)
      ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'is only given to end an enrolment' });
  });

/** One row of a bulk enrolment: a new person and their first enrolment. */
export const bulkRowSchema = z
  .strictObject({ ...personSchema.shape, ...enrolmentShape })
  .superRefine(checkEnrolment);

export type BulkRowData = Omit<z.output<typeof bulkRowSchema>, 'empNo'> & { empNo: string | null };

const BULK_KEYS = new Set(Object.keys(bulkRowSchema.shape));
const PLAIN_CODE = /^\S{1,64}$/;
const PLAIN_AREA = /^\d{6}$/;

function plainEnrolment(scheme: unknown, personType: unknown, empNo: string | null): boolean {
  if (scheme === '310') return personType === 'retired' || (personType === 'active' && empNo !== null);
  return scheme === '390' && empNo === null && (personType === 'resident' || personType === 'minor');
}

/**
 * The row when it is plainly valid: bulkRowSchema's rules written out by hand, because zod takes
 * some 20 µs a row and a bulk file has a million. Undefined sends the row through the schema, for
 * its message (or for what the schema normalises, such as a lower-case x or spaces around a name).
 * A test holds the two together: whatever this accepts, the schema accepts unchanged.
 */
export function plainBulkRow(raw: unknown): BulkRowData | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const o = raw as Record<string, unknown>;
  for (const key in o) if (!BULK_KEYS.has(key)) return undefined;
  const { psnNo, certno, name, areaCode, scheme, personType, empNo, beginDate } = o;
  if (typeof psnNo !== 'string' || !PLAIN_CODE.test(psnNo)) return undefined;
  if (typeof certno !== 'string' || certnoProblem(certno) !== null) return undefined;
  if (typeof name !== 'string' || name.length === 0 || name.length > 100 || name.trim() !== name)
    return undefined;
  if (typeof areaCode !== 'string' || !PLAIN_AREA.test(areaCode)) return undefined;
  if (typeof beginDate !== 'string' || !isCalendarDate(beginDate)) return undefined;
  const emp = empNo === undefined || empNo === null ? null : empNo;
  if (emp !== null && (typeof emp !== 'string' || !PLAIN_CODE.test(emp))) return undefined;
  if (!plainEnrolment(scheme, personType, emp)) return undefined;
  const valid = { scheme, personType } as Pick<BulkRowData, 'scheme' | 'personType'>;
  return { psnNo, certno, name, areaCode, ...valid, empNo: emp, beginDate };
}

export const institutionSchema = z
  .strictObject({
    code: code(64),
    name: text(200),
    level: z.enum(['0', '1', '2', '3'], { error: 'must be "0" (grassroots), "1", "2" or "3"' }),
    priceClass: z
      .enum(['1', '2-city', '2-county', '3'], { error: 'must be "1", "2-city", "2-county" or "3"' })
      .nullish(),
    areaCode,
    agreementStatus: status.default('active'),
    agreementBegin: dateField,
    agreementEnd: dateField.nullish(),
  })
  .superRefine((i, ctx) => {
    if (i.agreementEnd && i.agreementEnd < i.agreementBegin)
      ctx.addIssue({
        code: 'custom',
        path: ['agreementEnd'],
        message: `must not be before ${i.agreementBegin}`,
      });
    if (i.agreementStatus === 'ended' && !i.agreementEnd)
      ctx.addIssue({ code: 'custom', path: ['agreementEnd'], message: 'is required for an ended agreement' });
  });

export const agreementSchema = z
  .strictObject({
    code: code(64),
    status,
    agreementBegin: dateField.optional(),
    agreementEnd: dateField.nullish(),
  })
  .superRefine((a, ctx) => {
    if (a.status === 'ended' && !a.agreementEnd)
      ctx.addIssue({ code: 'custom', path: ['agreementEnd'], message: 'is required to end an agreement' });
  });

const page = {
  limit: z.int({ error: 'must be a whole number' }).min(1).max(1000).default(50),
  offset: z.int({ error: 'must be a whole number' }).min(0).default(0),
};

export const areaListSchema = z.strictObject({
  ...page,
  parentCode: areaCode.optional(),
  level: z.enum(['province', 'city', 'county']).optional(),
});
export const personListSchema = z.strictObject({ ...page, areaCode: areaCode.optional() });
export const institutionListSchema = z.strictObject({
  ...page,
  areaCode: areaCode.optional(),
  level: z.enum(['0', '1', '2', '3']).optional(),
});

export type AreaInput = z.input<typeof areaSchema>;
export type EmployerInput = z.input<typeof employerSchema>;
export type PersonInput = z.input<typeof personSchema>;
export type EnrolmentInput = z.input<typeof enrolmentSchema>;
export type EnrolmentStatusInput = z.input<typeof enrolmentStatusSchema>;
export type BulkRow = z.input<typeof bulkRowSchema>;
export type InstitutionInput = z.input<typeof institutionSchema>;
export type AgreementInput = z.input<typeof agreementSchema>;
export type AreaListInput = z.input<typeof areaListSchema>;
export type PersonListInput = z.input<typeof personListSchema>;
export type InstitutionListInput = z.input<typeof institutionListSchema>;

/** A zod issue as the field path and what is wrong with it ("is required", "must be …"). */
export function issueProblem(issue: z.core.$ZodIssue): { path: string; reason: string } {
  if (issue.code === 'unrecognized_keys') {
    return { path: pathText([...issue.path, issue.keys[0]!]), reason: 'is not a known field' };
  }
  const missing = issue.code === 'invalid_type' && issue.input === undefined;
  return { path: pathText(issue.path), reason: missing ? 'is required' : issue.message };
}

/** Parse a service input, or refuse it with INVALID_INPUT naming the first bad field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  // reportInput tells a missing field (no input) from a wrong one, for "is required".
  const parsed = schema.safeParse(value, { reportInput: true });
  if (parsed.success) return parsed.data;
  const { path, reason } = issueProblem(parsed.error.issues[0]!);
  throw new ServiceError('INVALID_INPUT', `${path || 'input'} ${reason}`, path);
}
