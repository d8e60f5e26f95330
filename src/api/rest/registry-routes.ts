import { z } from 'zod';
import { ServiceError } from '../../common/service-error.js';
import * as registry from '../../registry/service.js';
import { op } from './operation.js';
import * as read from './read-repository.js';
import { areaCode, code, date, page } from './schema.js';

/**
 * Pooling areas, employers, persons and enrolment, institutions: each operation one registry
 * service call. The registry's own schemas check the fields again (they hold the cross-field rules);
 * these describe the request for the OpenAPI document and refuse what is plainly malformed.
 */

const notFound = (what: string): never => {
  throw new ServiceError('NOT_FOUND', `no ${what}`, '');
};

const areaBody = z.strictObject({
  code: areaCode,
  name: z.string().min(1).max(100),
  level: z.enum(['province', 'city', 'county']),
  parentCode: areaCode.nullish(),
});
const employerBody = z.strictObject({ empNo: code, name: z.string().min(1).max(200), areaCode });
const personBody = z.strictObject({
  psnNo: code,
  certno: z.string().length(18),
  name: z.string().min(1).max(100),
  areaCode,
});
const enrolmentBody = z.strictObject({
  scheme: z.enum(['310', '390']),
  personType: z.enum(['active', 'retired', 'resident', 'minor']),
  areaCode,
  empNo: code.nullish(),
  beginDate: date,
  endDate: date.nullish(),
});
const statusBody = z.strictObject({
  scheme: z.enum(['310', '390']),
  beginDate: date.optional(),
  status: z.enum(['active', 'suspended', 'ended']),
  endDate: date.optional(),
});
const institutionBody = z.strictObject({
  code,
  name: z.string().min(1).max(200),
  level: z.enum(['0', '1', '2', '3']),
  priceClass: z.enum(['1', '2-city', '2-county', '3']).nullish(),
  areaCode,
  agreementStatus: z.enum(['active', 'suspended', 'ended']).optional(),
  agreementBegin: date,
  agreementEnd: date.nullish(),
});
const agreementBody = z.strictObject({
  status: z.enum(['active', 'suspended', 'ended']),
  agreementBegin: date.optional(),
  agreementEnd: date.nullish(),
});
const psnParams = z.strictObject({ psnNo: code });
const codeParams = z.strictObject({ code });

export const registryOperations = [
  op({
    method: 'GET',
    url: '/areas',
    operation: 'area.read',
    summary: 'Pooling areas by code, under one parent (within your areas) or at one level',
    tag: 'registry',
    write: false,
    query: z.strictObject({
      ...page,
      parentCode: areaCode.optional(),
      level: z.enum(['province', 'city', 'county']).optional(),
    }),
    target: (i) => ({
      area: i.query.parentCode ?? null,
      subject: `pooling_area/${i.query.parentCode ?? '*'}`,
    }),
    run: (i, db) => registry.listAreas(db, i.query),
  }),
  op({
    method: 'POST',
    url: '/areas',
    operation: 'area.create',
    summary: 'Register a pooling area under its parent (the parent must be within your areas)',
    tag: 'registry',
    write: true,
    status: 201,
    body: areaBody,
    target: (i) => ({ area: i.body.parentCode ?? i.body.code, subject: `pooling_area/${i.body.code}` }),
    run: (i, db) => registry.createArea(db, i.body),
  }),
  op({
    method: 'POST',
    url: '/employers',
    operation: 'employer.create',
    summary: 'Register an employer in an area',
    tag: 'registry',
    write: true,
    status: 201,
    body: employerBody,
    target: (i) => ({ area: i.body.areaCode, subject: `employer/${i.body.empNo}` }),
    run: (i, db) => registry.createEmployer(db, i.body),
  }),
  op({
    method: 'GET',
    url: '/employers/:empNo',
    operation: 'employer.read',
    summary: 'One employer',
    tag: 'registry',
    write: false,
    params: z.strictObject({ empNo: code }),
    target: async (i, db) => ({
      area: await read.employerArea(db, i.params.empNo),
      subject: `employer/${i.params.empNo}`,
    }),
    run: async (i, db) =>
      (await read.findEmployer(db, i.params.empNo)) ?? notFound(`employer ${i.params.empNo}`),
  }),
  op({
    method: 'GET',
    url: '/persons',
    operation: 'person.read',
    summary:
      'Insured persons of an area (and its subtree is not included: the area itself), by person number',
    tag: 'registry',
    write: false,
    query: z.strictObject({ ...page, areaCode }),
    target: (i) => ({ area: i.query.areaCode, subject: `pooling_area/${i.query.areaCode}` }),
    run: (i, db) => registry.listPersons(db, i.query),
  }),
  op({
    method: 'GET',
    url: '/persons/:psnNo',
    operation: 'person.read',
    summary: 'One insured person with their enrolments',
    tag: 'registry',
    write: false,
    params: psnParams,
    target: async (i, db) => ({
      area: await read.personArea(db, i.params.psnNo),
      subject: `person/${i.params.psnNo}`,
    }),
    run: async (i, db) =>
      (await read.findPerson(db, i.params.psnNo)) ?? notFound(`insured person ${i.params.psnNo}`),
  }),
  op({
    method: 'POST',
    url: '/persons',
    operation: 'person.create',
    summary: 'Register an insured person (gender and birthday come from the ID number)',
    tag: 'registry',
    write: true,
    status: 201,
    body: personBody,
    target: (i) => ({ area: i.body.areaCode, subject: `person/${i.body.psnNo}` }),
    run: (i, db) => registry.createPerson(db, i.body),
  }),
  op({
    method: 'POST',
    url: '/persons/:psnNo/enrolments',
    operation: 'enrolment.create',
    summary: 'Enrol a person in a scheme (both the person and the enrolment area must be within your areas)',
    tag: 'registry',
    write: true,
    status: 201,
    params: psnParams,
    body: enrolmentBody,
    target: async (i, db) => {
      const home = await read.personArea(db, i.params.psnNo);
      // The enrolment's own area is checked here; the person's home area below, by the same rule.
      return { area: home ?? i.body.areaCode, subject: `person/${i.params.psnNo}`, also: i.body.areaCode };
    },
    run: (i, db) => registry.enrol(db, { ...i.body, psnNo: i.params.psnNo }),
  }),
  op({
    method: 'POST',
    url: '/persons/:psnNo/enrolments/status',
    operation: 'enrolment.status',
    summary: 'Suspend, resume or end an enrolment',
    tag: 'registry',
    write: true,
    params: psnParams,
    body: statusBody,
    target: async (i, db) => ({
      area: await read.personArea(db, i.params.psnNo),
      subject: `person/${i.params.psnNo}`,
    }),
    run: (i, db) => registry.setEnrolmentStatus(db, { ...i.body, psnNo: i.params.psnNo }),
  }),
  op({
    method: 'GET',
    url: '/institutions',
    operation: 'institution.read',
    summary: 'Designated institutions by code, of one area or level',
    tag: 'registry',
    write: false,
    query: z.strictObject({
      ...page,
      areaCode: areaCode.optional(),
      level: z.enum(['0', '1', '2', '3']).optional(),
    }),
    target: (i) => ({ area: i.query.areaCode ?? null, subject: `institution/*` }),
    run: (i, db) => registry.listInstitutions(db, i.query),
  }),
  op({
    method: 'POST',
    url: '/institutions',
    operation: 'institution.create',
    summary: 'Register a designated institution with its agreement',
    tag: 'registry',
    write: true,
    status: 201,
    body: institutionBody,
    target: (i) => ({ area: i.body.areaCode, subject: `institution/${i.body.code}` }),
    run: (i, db) => registry.createInstitution(db, i.body),
  }),
  op({
    method: 'POST',
    url: '/institutions/:code/agreement',
    operation: 'institution.agreement',
    summary: "Suspend, resume, end or renew an institution's agreement",
    tag: 'registry',
    write: true,
    params: codeParams,
    body: agreementBody,
    target: async (i, db) => ({
      area: await read.institutionArea(db, i.params.code),
      subject: `institution/${i.params.code}`,
    }),
    run: (i, db) => registry.setInstitutionAgreement(db, { ...i.body, code: i.params.code }),
  }),
];
