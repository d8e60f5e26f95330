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

export async function findPerson(tx: Sql, psnNo: string): Promise<PersonRecord> {
  const [row] = await tx.query<PersonRecord>(
    `SELECT psn_no AS "psnNo", certno, name, gender, birthday, area_code AS "areaCode" FROM person WHERE psn_no = $1`,
    [psnNo],
  );
  if (!row) throw new ServiceError('NOT_FOUND', `no insured person ${psnNo}`, 'psn_no');
  return row;
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
  const rows = await tx.query<EnrolmentRecord>(
    `SELECT psn_no AS "psnNo", scheme, begin_date AS "beginDate", end_date AS "endDate", status,
            person_type AS "personType", area_code AS "areaCode", emp_no AS "empNo"
     FROM enrolment WHERE psn_no = $1 AND ($2::text IS NULL OR scheme = $2) AND begin_date <= $3
     ORDER BY (end_date IS NULL OR end_date >= $3) DESC, (status = 'active') DESC, begin_date DESC`,
    [psnNo, scheme ?? null, date],
  );
  const e = rows[0];
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
  if (e.status !== 'active') {
    throw new ServiceError(
      'ENROLMENT_NOT_ACTIVE',
      `person ${psnNo}'s enrolment in ${e.scheme} is ${e.status}`,
      'psn_no',
    );
  }
  return e;
}

/** A designated institution whose agreement is in force on the date. */
export async function activeInstitution(tx: Sql, code: string, date: string): Promise<InstitutionRecord> {
  const [row] = await tx.query<InstitutionRecord>(
    `SELECT code, name, level, price_class AS "priceClass", area_code AS "areaCode", agreement_status AS "agreementStatus",
            agreement_begin AS "agreementBegin", agreement_end AS "agreementEnd" FROM institution WHERE code = $1`,
    [code],
  );
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

/** The items catalogue version in force on a date (the latest imported with valid_from on or before it). */
export async function catalogueVersionOn(tx: Sql, date: string): Promise<number> {
  const [row] = await tx.query<{ id: number }>(
    `SELECT id FROM catalogue_version WHERE kind = 'items' AND valid_from <= $1 ORDER BY valid_from DESC, id DESC LIMIT 1`,
    [date],
  );
  if (!row)
    throw new ServiceError('UNKNOWN_CATALOGUE_CODE', `no catalogue is in force on ${date}`, 'setl_time');
  return row.id;
}

/** The catalogue items of the given codes in a version, valid on the date; a code missing is refused. */
export async function catalogueItems(
  tx: Sql,
  versionId: number,
  codes: readonly string[],
  date: string,
): Promise<Map<string, CatalogueItem>> {
  const rows = await tx.query<CatalogueItem>(
    `SELECT code, item_kind AS "itemKind", name, class, selfpay_bp AS "selfpayBp", price_cap_fen AS "priceCapFen",
            valid_from AS "validFrom", valid_to AS "validTo"
     FROM catalogue_item WHERE version_id = $1 AND code = ANY($2::text[])
       AND valid_from <= $3 AND (valid_to IS NULL OR valid_to >= $3)`,
    [versionId, codes, date],
  );
  const items = new Map(rows.map((r) => [r.code, r]));
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
