import type { Sql } from '../db/index.js';
import type { EnrolmentRecord, InstitutionRecord, PersonRecord } from './lookup.js';

/** The registry's SQL: areas, employers, persons, enrolment and institutions. No rules here. */

export interface AreaRecord {
  code: string;
  name: string;
  level: 'province' | 'city' | 'county';
  parentCode: string | null;
}

export interface EmployerRecord {
  empNo: string;
  name: string;
  areaCode: string;
}

const AREA = `code, name, level, parent_code AS "parentCode"`;
const EMPLOYER = `emp_no AS "empNo", name, area_code AS "areaCode"`;
const PERSON = `psn_no AS "psnNo", certno, name, gender, birthday, area_code AS "areaCode"`;
const ENROLMENT = `psn_no AS "psnNo", scheme, begin_date AS "beginDate", end_date AS "endDate", status,
  person_type AS "personType", area_code AS "areaCode", emp_no AS "empNo"`;
const INSTITUTION = `code, name, level, price_class AS "priceClass", area_code AS "areaCode",
  agreement_status AS "agreementStatus", agreement_begin AS "agreementBegin", agreement_end AS "agreementEnd"`;

/** A page of rows: one more than asked is read to know whether another page follows. */
export interface Page {
  limit: number;
  offset: number;
}

export async function findArea(tx: Sql, code: string): Promise<AreaRecord | undefined> {
  const [row] = await tx.query<AreaRecord>(`SELECT ${AREA} FROM pooling_area WHERE code = $1`, [code]);
  return row;
}

/** Insert an area; undefined when its code is taken. */
export async function insertArea(tx: Sql, a: AreaRecord): Promise<AreaRecord | undefined> {
  const [row] = await tx.query<AreaRecord>(
    `INSERT INTO pooling_area (code, name, level, parent_code) VALUES ($1, $2, $3, $4)
     ON CONFLICT (code) DO NOTHING RETURNING ${AREA}`,
    [a.code, a.name, a.level, a.parentCode],
  );
  return row;
}

export function listAreas(
  tx: Sql,
  f: Page & { parentCode?: string | undefined; level?: string | undefined },
): Promise<AreaRecord[]> {
  return tx.query<AreaRecord>(
    `SELECT ${AREA} FROM pooling_area WHERE ($1::text IS NULL OR parent_code = $1)
       AND ($2::text IS NULL OR level = $2) ORDER BY code LIMIT $3 OFFSET $4`,
    [f.parentCode ?? null, f.level ?? null, f.limit + 1, f.offset],
  );
}

/** The area codes among `codes` that exist. */
export async function existingAreas(tx: Sql, codes: readonly string[]): Promise<string[]> {
  const rows = await tx.query<{ code: string }>(
    'SELECT code FROM pooling_area WHERE code = ANY($1::bpchar[])',
    [codes],
  );
  return rows.map((r) => r.code);
}

export async function insertEmployer(tx: Sql, e: EmployerRecord): Promise<EmployerRecord | undefined> {
  const [row] = await tx.query<EmployerRecord>(
    `INSERT INTO employer (emp_no, name, area_code) VALUES ($1, $2, $3)
     ON CONFLICT (emp_no) DO NOTHING RETURNING ${EMPLOYER}`,
    [e.empNo, e.name, e.areaCode],
  );
  return row;
}

/** The employer numbers among `empNos` that exist. */
export async function existingEmployers(tx: Sql, empNos: readonly string[]): Promise<string[]> {
  const rows = await tx.query<{ emp_no: string }>(
    'SELECT emp_no FROM employer WHERE emp_no = ANY($1::text[])',
    [empNos],
  );
  return rows.map((r) => r.emp_no);
}

/** Claim an ID number for a person; false when another person holds it. */
export async function claimCertno(tx: Sql, certno: string, psnNo: string): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO person_certno (certno, psn_no) VALUES ($1, $2) ON CONFLICT (certno) DO NOTHING RETURNING certno`,
    [certno, psnNo],
  );
  return rows.length === 1;
}

/** Insert a person; undefined when the person number is taken. */
export async function insertPerson(tx: Sql, p: PersonRecord): Promise<PersonRecord | undefined> {
  const [row] = await tx.query<PersonRecord>(
    `INSERT INTO person (psn_no, certno, name, gender, birthday, area_code) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (psn_no) DO NOTHING RETURNING ${PERSON}`,
    [p.psnNo, p.certno, p.name, p.gender, p.birthday, p.areaCode],
  );
  return row;
}

/** The person, locked so that two enrolments of one person are checked one after the other. */
export async function lockPerson(tx: Sql, psnNo: string): Promise<PersonRecord | undefined> {
  const [row] = await tx.query<PersonRecord>(`SELECT ${PERSON} FROM person WHERE psn_no = $1 FOR UPDATE`, [
    psnNo,
  ]);
  return row;
}

export function listPersons(tx: Sql, f: Page & { areaCode?: string | undefined }): Promise<PersonRecord[]> {
  return tx.query<PersonRecord>(
    `SELECT ${PERSON} FROM person WHERE ($1::text IS NULL OR area_code = $1)
     ORDER BY psn_no LIMIT $2 OFFSET $3`,
    [f.areaCode ?? null, f.limit + 1, f.offset],
  );
}

/**
 * Person numbers among `psnNos` already registered, each with whether it was written by the
 * current transaction (created_at is its start time, now()), to tell an earlier row of the same
 * import from a person registered before.
 */
export async function takenPsnNos(tx: Sql, psnNos: readonly string[]): Promise<Map<string, boolean>> {
  const rows = await tx.query<{ psn_no: string; mine: boolean }>(
    'SELECT psn_no, created_at = now() AS mine FROM person WHERE psn_no = ANY($1::text[])',
    [psnNos],
  );
  return new Map(rows.map((r) => [r.psn_no, r.mine]));
}

/**
 * ID numbers among `certnos` already registered, each with whether this transaction wrote it. The
 * array is bpchar like the column: compared as text the primary-key index could not be used.
 */
export async function takenCertnos(tx: Sql, certnos: readonly string[]): Promise<Map<string, boolean>> {
  const rows = await tx.query<{ certno: string; mine: boolean }>(
    `SELECT c.certno, p.created_at = now() AS mine FROM person_certno c JOIN person p ON p.psn_no = c.psn_no
     WHERE c.certno = ANY($1::bpchar[])`,
    [certnos],
  );
  return new Map(rows.map((r) => [r.certno, r.mine]));
}

/** An enrolment of the person in the scheme whose period meets [begin, end] (end null: open). */
export async function overlappingEnrolment(
  tx: Sql,
  e: { psnNo: string; scheme: string; beginDate: string; endDate: string | null },
): Promise<EnrolmentRecord | undefined> {
  const [row] = await tx.query<EnrolmentRecord>(
    `SELECT ${ENROLMENT} FROM enrolment WHERE psn_no = $1 AND scheme = $2
       AND ($4::date IS NULL OR begin_date <= $4) AND (end_date IS NULL OR end_date >= $3)
     ORDER BY begin_date LIMIT 1`,
    [e.psnNo, e.scheme, e.beginDate, e.endDate],
  );
  return row;
}

export async function insertEnrolment(tx: Sql, e: EnrolmentRecord): Promise<EnrolmentRecord> {
  const [row] = await tx.query<EnrolmentRecord>(
    `INSERT INTO enrolment (psn_no, scheme, begin_date, end_date, status, person_type, area_code, emp_no)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${ENROLMENT}`,
    [e.psnNo, e.scheme, e.beginDate, e.endDate, e.status, e.personType, e.areaCode, e.empNo],
  );
  return row!;
}

/** The enrolment beginning on the date, or the latest one in the scheme; locked for update. */
export async function lockEnrolment(
  tx: Sql,
  psnNo: string,
  scheme: string,
  beginDate: string | null,
): Promise<EnrolmentRecord | undefined> {
  const [row] = await tx.query<EnrolmentRecord>(
    `SELECT ${ENROLMENT} FROM enrolment WHERE psn_no = $1 AND scheme = $2
       AND ($3::date IS NULL OR begin_date = $3) ORDER BY begin_date DESC LIMIT 1 FOR UPDATE`,
    [psnNo, scheme, beginDate],
  );
  return row;
}

export async function updateEnrolmentStatus(
  tx: Sql,
  e: { psnNo: string; scheme: string; beginDate: string; status: string; endDate: string | null },
): Promise<EnrolmentRecord> {
  const [row] = await tx.query<EnrolmentRecord>(
    `UPDATE enrolment SET status = $4, end_date = $5 WHERE psn_no = $1 AND scheme = $2 AND begin_date = $3
     RETURNING ${ENROLMENT}`,
    [e.psnNo, e.scheme, e.beginDate, e.status, e.endDate],
  );
  return row!;
}

export async function insertInstitution(
  tx: Sql,
  i: InstitutionRecord,
): Promise<InstitutionRecord | undefined> {
  const [row] = await tx.query<InstitutionRecord>(
    `INSERT INTO institution (code, name, level, price_class, area_code, agreement_status, agreement_begin, agreement_end)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (code) DO NOTHING RETURNING ${INSTITUTION}`,
    [i.code, i.name, i.level, i.priceClass, i.areaCode, i.agreementStatus, i.agreementBegin, i.agreementEnd],
  );
  return row;
}

export async function lockInstitution(tx: Sql, code: string): Promise<InstitutionRecord | undefined> {
  const [row] = await tx.query<InstitutionRecord>(
    `SELECT ${INSTITUTION} FROM institution WHERE code = $1 FOR UPDATE`,
    [code],
  );
  return row;
}

export async function updateAgreement(
  tx: Sql,
  a: { code: string; status: string; begin: string; end: string | null },
): Promise<InstitutionRecord> {
  const [row] = await tx.query<InstitutionRecord>(
    `UPDATE institution SET agreement_status = $2, agreement_begin = $3, agreement_end = $4 WHERE code = $1
     RETURNING ${INSTITUTION}`,
    [a.code, a.status, a.begin, a.end],
  );
  return row!;
}

export function listInstitutions(
  tx: Sql,
  f: Page & { areaCode?: string | undefined; level?: string | undefined },
): Promise<InstitutionRecord[]> {
  return tx.query<InstitutionRecord>(
    `SELECT ${INSTITUTION} FROM institution WHERE ($1::text IS NULL OR area_code = $1)
       AND ($2::text IS NULL OR level = $2) ORDER BY code LIMIT $3 OFFSET $4`,
    [f.areaCode ?? null, f.level ?? null, f.limit + 1, f.offset],
  );
}

/** A new catalogue version; its rows follow by COPY in the same transaction. */
export async function insertCatalogueVersion(
  tx: Sql,
  v: { kind: string; validFrom: string; sourceName: string; contentHash: string; rowCount: number },
): Promise<number> {
  const [row] = await tx.query<{ id: number }>(
    `INSERT INTO catalogue_version (kind, valid_from, source_name, content_hash, row_count)
     VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [v.kind, v.validFrom, v.sourceName, v.contentHash, v.rowCount],
  );
  return row!.id;
}
