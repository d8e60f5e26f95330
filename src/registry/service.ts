import type { z } from 'zod';
import { ServiceError } from '../common/service-error.js';
import type { Database, Sql } from '../db/index.js';
import { birthdayOf, genderOf, maskCertno } from '../domain/idcard.js';
import type { EnrolmentRecord, InstitutionRecord, PersonRecord } from './lookup.js';
import * as repo from './repository.js';
import type { AreaRecord, EmployerRecord } from './repository.js';
import {
  agreementSchema,
  areaListSchema,
  areaSchema,
  employerSchema,
  enrolmentSchema,
  enrolmentStatusSchema,
  institutionListSchema,
  institutionSchema,
  parseInput,
  personListSchema,
  personSchema,
  type AgreementInput,
  type AreaInput,
  type AreaListInput,
  type InstitutionListInput,
  type PersonListInput,
  type EmployerInput,
  type EnrolmentInput,
  type EnrolmentStatusInput,
  type InstitutionInput,
  type PersonInput,
} from './schemas.js';

/**
 * The registry's write side. Each function validates its input (INVALID_INPUT naming the field),
 * then in one transaction finds what it refers to (NOT_FOUND), checks the business rule and writes.
 * A refusal writes nothing.
 */

export type { AreaRecord, EmployerRecord } from './repository.js';

/** One page of a listing; nextOffset is null on the last page. */
export interface Listing<T> {
  items: T[];
  nextOffset: number | null;
}

/** Refuse an area code that is not registered, naming the field that gave it. */
export async function requireArea(tx: Sql, code: string, path = 'areaCode'): Promise<AreaRecord> {
  const area = await repo.findArea(tx, code);
  if (!area) throw new ServiceError('NOT_FOUND', `no pooling area ${code}`, path);
  return area;
}

/** A city sits under a province, a county under a city (or a province: 省直管县), sharing its prefix. */
function checkParent(child: { code: string; level: string }, parent: AreaRecord): void {
  const allowed = child.level === 'city' ? ['province'] : ['city', 'province'];
  if (!allowed.includes(parent.level)) {
    throw new ServiceError(
      'INVALID_INPUT',
      `parentCode ${parent.code} is a ${parent.level}; a ${child.level} belongs to a ${allowed.join(' or a ')}`,
      'parentCode',
    );
  }
  const prefix = parent.code.slice(0, parent.level === 'province' ? 2 : 4);
  if (!child.code.startsWith(prefix)) {
    throw new ServiceError(
      'INVALID_INPUT',
      `code ${child.code} must start with ${prefix}, the prefix of its parent ${parent.code}`,
      'code',
    );
  }
}

/** Register a pooling area (统筹区) under its parent. */
export async function createArea(db: Database, input: AreaInput): Promise<AreaRecord> {
  const a = parseInput(areaSchema, input);
  return db.transaction(async (tx) => {
    const parentCode = a.parentCode ?? null;
    if (parentCode) checkParent(a, await requireArea(tx, parentCode, 'parentCode'));
    const row = await repo.insertArea(tx, { code: a.code, name: a.name, level: a.level, parentCode });
    if (!row) throw new ServiceError('ALREADY_EXISTS', `pooling area ${a.code} already exists`, 'code');
    return row;
  });
}

/** Register an employer (参保单位) in an area. */
export async function createEmployer(db: Database, input: EmployerInput): Promise<EmployerRecord> {
  const e = parseInput(employerSchema, input);
  return db.transaction(async (tx) => {
    await requireArea(tx, e.areaCode);
    const row = await repo.insertEmployer(tx, e);
    if (!row) throw new ServiceError('ALREADY_EXISTS', `employer ${e.empNo} already exists`, 'empNo');
    return row;
  });
}

/** Register an insured person; gender and birthday come from the ID number, which is unique. */
export async function createPerson(db: Database, input: PersonInput): Promise<PersonRecord> {
  const p = parseInput(personSchema, input);
  const record: PersonRecord = { ...p, gender: genderOf(p.certno), birthday: birthdayOf(p.certno) };
  return db.transaction(async (tx) => {
    await requireArea(tx, p.areaCode);
    if (!(await repo.claimCertno(tx, p.certno, p.psnNo))) {
      throw new ServiceError(
        'ALREADY_EXISTS',
        `a person with ID number ${maskCertno(p.certno)} is already registered`,
        'certno',
      );
    }
    const row = await repo.insertPerson(tx, record);
    if (!row) throw new ServiceError('ALREADY_EXISTS', `person ${p.psnNo} is already registered`, 'psnNo');
    return row;
  });
}

async function requireEmployer(tx: Sql, empNo: string): Promise<void> {
  const found = await repo.existingEmployers(tx, [empNo]);
  if (found.length === 0) throw new ServiceError('NOT_FOUND', `no employer ${empNo}`, 'empNo');
}

function periodText(e: { beginDate: string; endDate: string | null }): string {
  return e.endDate ? `from ${e.beginDate} to ${e.endDate}` : `from ${e.beginDate}`;
}

/** Enrol a registered person in a scheme; periods of one person in one scheme never overlap. */
export async function enrol(db: Database, input: EnrolmentInput): Promise<EnrolmentRecord> {
  const e = parseInput(enrolmentSchema, input);
  const record: EnrolmentRecord = { ...e, endDate: e.endDate ?? null, empNo: e.empNo ?? null };
  return db.transaction(async (tx) => {
    const person = await repo.lockPerson(tx, e.psnNo);
    if (!person) throw new ServiceError('NOT_FOUND', `no insured person ${e.psnNo}`, 'psnNo');
    await requireArea(tx, e.areaCode);
    if (e.empNo) await requireEmployer(tx, e.empNo);
    if (e.beginDate < person.birthday) {
      throw new ServiceError(
        'INVALID_INPUT',
        `beginDate ${e.beginDate} is before the person's birth on ${person.birthday}`,
        'beginDate',
      );
    }
    const clash = await repo.overlappingEnrolment(tx, record);
    if (clash) {
      throw new ServiceError(
        'ALREADY_EXISTS',
        `person ${e.psnNo} is already enrolled in ${e.scheme} ${periodText(clash)}`,
        'beginDate',
      );
    }
    return repo.insertEnrolment(tx, record);
  });
}

function refuseStatus(message: string, path: string): never {
  throw new ServiceError('INVALID_INPUT', message, path);
}

/** The end date of an enrolment being ended: within its period, never extending it. */
function endingOn(e: EnrolmentRecord, endDate: string): string {
  if (endDate < e.beginDate)
    refuseStatus(`endDate ${endDate} is before the enrolment began on ${e.beginDate}`, 'endDate');
  if (e.endDate !== null && endDate > e.endDate)
    refuseStatus(`endDate ${endDate} is after the enrolment's own end on ${e.endDate}`, 'endDate');
  return endDate;
}

/**
 * Suspend, resume or end an enrolment (the one beginning on beginDate, or the latest in the
 * scheme). An ended enrolment stays ended: a person who comes back is enrolled again.
 */
export async function setEnrolmentStatus(
  db: Database,
  input: EnrolmentStatusInput,
): Promise<EnrolmentRecord> {
  const s = parseInput(enrolmentStatusSchema, input);
  return db.transaction(async (tx) => {
    const e = await repo.lockEnrolment(tx, s.psnNo, s.scheme, s.beginDate ?? null);
    if (!e) {
      const which = s.beginDate ? ` beginning on ${s.beginDate}` : '';
      throw new ServiceError(
        'NOT_FOUND',
        `person ${s.psnNo} has no enrolment in ${s.scheme}${which}`,
        s.beginDate ? 'beginDate' : 'psnNo',
      );
    }
    if (e.status === 'ended')
      refuseStatus(`the enrolment ${periodText(e)} has ended; enrol again instead`, 'status');
    const endDate = s.status === 'ended' ? endingOn(e, s.endDate!) : e.endDate;
    return repo.updateEnrolmentStatus(tx, { ...e, status: s.status, endDate });
  });
}

/** Register a designated institution (定点医药机构) with its agreement. */
export async function createInstitution(db: Database, input: InstitutionInput): Promise<InstitutionRecord> {
  const i = parseInput(institutionSchema, input);
  const record: InstitutionRecord = {
    ...i,
    priceClass: i.priceClass ?? null,
    agreementEnd: i.agreementEnd ?? null,
  };
  return db.transaction(async (tx) => {
    await requireArea(tx, i.areaCode);
    const row = await repo.insertInstitution(tx, record);
    if (!row) throw new ServiceError('ALREADY_EXISTS', `institution ${i.code} already exists`, 'code');
    return row;
  });
}

/** The agreement dates after a change: a new begin (re-signing) clears the old end unless one is given. */
function agreementDates(a: z.output<typeof agreementSchema>, current: InstitutionRecord) {
  const begin = a.agreementBegin ?? current.agreementBegin;
  const end = a.agreementEnd !== undefined ? a.agreementEnd : a.agreementBegin ? null : current.agreementEnd;
  if (end !== null && end < begin)
    refuseStatus(`agreementEnd ${end} is before agreementBegin ${begin}`, 'agreementEnd');
  return { begin, end };
}

/**
 * Suspend, resume, end or renew an institution's agreement (协议). After an agreement has ended
 * only a new one (a new agreementBegin after the old end) brings the institution back.
 */
export async function setInstitutionAgreement(
  db: Database,
  input: AgreementInput,
): Promise<InstitutionRecord> {
  const a = parseInput(agreementSchema, input);
  return db.transaction(async (tx) => {
    const current = await repo.lockInstitution(tx, a.code);
    if (!current) throw new ServiceError('NOT_FOUND', `no designated institution ${a.code}`, 'code');
    const renewing = current.agreementStatus === 'ended' && a.status !== 'ended';
    if (renewing && !a.agreementBegin)
      refuseStatus(
        `agreementBegin of a new agreement is required: the one of ${a.code} has ended`,
        'agreementBegin',
      );
    if (renewing && a.agreementBegin! <= current.agreementEnd!)
      refuseStatus(
        `agreementBegin must be after the old agreement's end on ${current.agreementEnd}`,
        'agreementBegin',
      );
    const { begin, end } = agreementDates(a, current);
    return repo.updateAgreement(tx, { code: a.code, status: a.status, begin, end });
  });
}

function page<T>(rows: T[], f: repo.Page): Listing<T> {
  const more = rows.length > f.limit;
  return { items: more ? rows.slice(0, f.limit) : rows, nextOffset: more ? f.offset + f.limit : null };
}

/** Pooling areas by code, optionally under one parent or at one level. */
export async function listAreas(db: Database, input: AreaListInput = {}): Promise<Listing<AreaRecord>> {
  const f = parseInput(areaListSchema, input);
  return page(await repo.listAreas(db, f), f);
}

/** Insured persons by person number, optionally of one area. */
export async function listPersons(db: Database, input: PersonListInput = {}): Promise<Listing<PersonRecord>> {
  const f = parseInput(personListSchema, input);
  return page(await repo.listPersons(db, f), f);
}

/** Designated institutions by code, optionally of one area or level. */
export async function listInstitutions(
  db: Database,
  input: InstitutionListInput = {},
): Promise<Listing<InstitutionRecord>> {
  const f = parseInput(institutionListSchema, input);
  return page(await repo.listInstitutions(db, f), f);
}
