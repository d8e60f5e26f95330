import type { PersonType, Scheme } from '../domain/policy/dimensions.js';
import { ServiceError } from '../common/service-error.js';
import type { Sql } from '../db/index.js';

/** What settlement and contributions read of the registry. Every miss is a ServiceError. */

export interface PersonRecord {
  psnNo: string;
  certno: string;
  name: string;
  gender: '1' | '2';
  birthday: string;
  areaCode: string;
}

export interface EnrolmentRecord {
  psnNo: string;
  scheme: Scheme;
  beginDate: string;
  endDate: string | null;
  status: 'active' | 'suspended' | 'ended';
  personType: PersonType;
  areaCode: string;
  empNo: string | null;
}

export interface InstitutionRecord {
  code: string;
  name: string;
  level: string;
  priceClass: string | null;
  areaCode: string;
  agreementStatus: 'active' | 'suspended' | 'ended';
  agreementBegin: string;
  agreementEnd: string | null;
}

export interface CatalogueItem {
  code: string;
  itemKind: 'drug' | 'service' | 'material';
  name: string;
  class: '01' | '02' | '03';
  selfpayBp: number;
  priceCapFen: number | null;
  validFrom: string;
  validTo: string | null;
}

/** The columns of a PersonRecord, from `person`. */
export const PERSON_COLUMNS = `psn_no AS "psnNo", certno, name, gender, birthday, area_code AS "areaCode"`;

/** The person found, or NOT_FOUND. */
export function requirePerson(row: PersonRecord | undefined, psnNo: string): PersonRecord {
  if (!row) throw new ServiceError('NOT_FOUND', `no insured person ${psnNo}`, 'psn_no');
  return row;
}

export async function findPerson(tx: Sql, psnNo: string): Promise<PersonRecord> {
  const [row] = await tx.query<PersonRecord>(`SELECT ${PERSON_COLUMNS} FROM person WHERE psn_no = $1`, [
    psnNo,
  ]);
  return requirePerson(row, psnNo);
}

/** The columns of an EnrolmentRecord, from `enrolment`. */
export const ENROLMENT_COLUMNS = `psn_no AS "psnNo", scheme, begin_date AS "beginDate", end_date AS "endDate", status,
  person_type AS "personType", area_code AS "areaCode", emp_no AS "empNo"`;

/**
 * The enrolments of a person on a date (in a scheme, or any when the scheme is null), the one that
 * decides first: one in force before one that has ended, an active one before a suspended one,
 * the latest begun first. The arguments name the statement's parameters.
 */
export function enrolmentOnSql(psnNo = '$1', scheme = '$2', date = '$3'): string {
  return `SELECT ${ENROLMENT_COLUMNS}
    FROM enrolment WHERE psn_no = ${psnNo} AND (${scheme}::text IS NULL OR scheme = ${scheme}) AND begin_date <= ${date}
    ORDER BY (end_date IS NULL OR end_date >= ${date}) DESC, (status = 'active') DESC, begin_date DESC`;
}

const ENROLMENT_ON = enrolmentOnSql();

/**
 * The enrolment that decides the date (the first of enrolmentOnSql): refused when there is none, or when
 * it is suspended or has ended.
 */
export function requireEnrolment(
  e: EnrolmentRecord | undefined,
  psnNo: string,
  date: string,
  scheme?: Scheme,
): EnrolmentRecord {
  const what = scheme ? `scheme ${scheme}` : 'any scheme';
  if (!e)
    throw new ServiceError(
      'ENROLMENT_NOT_ACTIVE',
      `person ${psnNo} is not enrolled in ${what} on ${date}`,
      'psn_no',
    );
  if (e.endDate !== null && e.endDate < date) {
    throw new ServiceError(
      'ENROLMENT_NOT_ACTIVE',
      `person ${psnNo}'s enrolment in ${e.scheme} ended on ${e.endDate}`,
      'psn_no',
    );
  }
  // An ended enrolment still covers care up to its end date (a claim or arrears settled late).
  if (e.status === 'suspended' || (e.status === 'ended' && e.endDate === null)) {
    throw new ServiceError(
      'ENROLMENT_NOT_ACTIVE',
      `person ${psnNo}'s enrolment in ${e.scheme} is ${e.status}`,
      'psn_no',
    );
  }
  return e;
}

/**
 * The person's enrolment in force on a date (in the scheme, if given): refused when there is none,
 * or when the one in force is suspended or has ended.
 */
export async function enrolmentOn(
  tx: Sql,
  psnNo: string,
  date: string,
  scheme?: Scheme,
): Promise<EnrolmentRecord> {
  const rows = await tx.query<EnrolmentRecord>(ENROLMENT_ON, [psnNo, scheme ?? null, date]);
  return requireEnrolment(rows[0], psnNo, date, scheme);
}

/** The columns of an InstitutionRecord, from `institution`. */
export const INSTITUTION_COLUMNS = `code, name, level, price_class AS "priceClass", area_code AS "areaCode",
  agreement_status AS "agreementStatus", agreement_begin AS "agreementBegin", agreement_end AS "agreementEnd"`;

/** The institution found, with its agreement in force on the date; NOT_FOUND or INSTITUTION_NOT_ACTIVE. */
export function requireInstitution(
  row: InstitutionRecord | undefined,
  code: string,
  date: string,
): InstitutionRecord {
  if (!row) throw new ServiceError('NOT_FOUND', `no designated institution ${code}`, 'fixmedins_code');
  const inForce = row.agreementBegin <= date && (row.agreementEnd === null || row.agreementEnd >= date);
  if (row.agreementStatus !== 'active' || !inForce) {
    throw new ServiceError(
      'INSTITUTION_NOT_ACTIVE',
      `institution ${code}'s agreement is ${row.agreementStatus === 'active' ? `not in force on ${date}` : row.agreementStatus}`,
      'fixmedins_code',
    );
  }
  return row;
}

/** A designated institution whose agreement is in force on the date. */
export async function activeInstitution(tx: Sql, code: string, date: string): Promise<InstitutionRecord> {
  const [row] = await tx.query<InstitutionRecord>(
    `SELECT ${INSTITUTION_COLUMNS} FROM institution WHERE code = $1`,
    [code],
  );
  return requireInstitution(row, code, date);
}

/** The id of the items catalogue version in force on a date: the latest with valid_from on or before it. */
export function catalogueVersionSql(date = '$1'): string {
  return `SELECT id FROM catalogue_version WHERE kind = 'items' AND valid_from <= ${date}
    ORDER BY valid_from DESC, id DESC LIMIT 1`;
}

const CATALOGUE_VERSION = catalogueVersionSql();

/** The catalogue version found, or UNKNOWN_CATALOGUE_CODE: no catalogue is in force. */
export function requireCatalogueVersion(id: number | undefined, date: string): number {
  if (id === undefined)
    throw new ServiceError('UNKNOWN_CATALOGUE_CODE', `no catalogue is in force on ${date}`, 'setl_time');
  return id;
}

/** The items catalogue version in force on a date (the latest imported with valid_from on or before it). */
export async function catalogueVersionOn(tx: Sql, date: string): Promise<number> {
  const [row] = await tx.query<{ id: number }>(CATALOGUE_VERSION, [date]);
  return requireCatalogueVersion(row?.id, date);
}

/**
 * The items of the given codes in a catalogue version, whatever their validity: requireItems keeps
 * those valid on the claim's date, so that the rule is stated once (and an item kept by the
 * registry cache is judged by it as one just read).
 */
export function catalogueItemsSql(versionId = '$1', codes = '$2'): string {
  return `SELECT code, item_kind AS "itemKind", name, class, selfpay_bp AS "selfpayBp",
      price_cap_fen AS "priceCapFen", valid_from AS "validFrom", valid_to AS "validTo"
    FROM catalogue_item WHERE version_id = ${versionId} AND code = ANY(${codes}::text[])`;
}

/** Whether an item may be claimed on a date: its validity has begun and not ended. */
export function itemValidOn(item: CatalogueItem, date: string): boolean {
  return item.validFrom <= date && (item.validTo === null || item.validTo >= date);
}

const CATALOGUE_ITEMS = catalogueItemsSql();

/**
 * The items found by code that are valid on the date; a code asked for and not found valid is
 * refused, naming its fee line.
 */
export function requireItems(
  rows: readonly CatalogueItem[],
  codes: readonly string[],
  date: string,
): Map<string, CatalogueItem> {
  const items = new Map(rows.filter((r) => itemValidOn(r, date)).map((r) => [r.code, r]));
  codes.forEach((code, i) => {
    if (!items.has(code)) {
      throw new ServiceError(
        'UNKNOWN_CATALOGUE_CODE',
        `catalogue code ${code} is not in the catalogue in force on ${date}`,
        `feedetail[${i}].med_list_codg`,
      );
    }
  });
  return items;
}

/** The catalogue items of the given codes in a version, valid on the date; a code missing is refused. */
export async function catalogueItems(
  tx: Sql,
  versionId: number,
  codes: readonly string[],
  date: string,
): Promise<Map<string, CatalogueItem>> {
  const rows = await tx.query<CatalogueItem>(CATALOGUE_ITEMS, [versionId, codes]);
  return requireItems(rows, codes, date);
}
