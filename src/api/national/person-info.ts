import { z } from 'zod';
import { ServiceError } from '../../common/service-error.js';
import type { Sql } from '../../db/index.js';
import { maskCertno, normaliseCertno } from '../../domain/idcard.js';
import type { Scheme } from '../../domain/policy/dimensions.js';
import { enrolmentOnSql, type EnrolmentRecord, type PersonRecord } from '../../registry/lookup.js';
import { ageOn } from '../../settlement/online/claim.js';
import { accountBalance } from '../../settlement/online/repository.js';
import { chinaDate } from './envelope.js';
import { code, dateTime, parseField, toYuan } from './fields.js';
import * as repo from './repository.js';
import type { Transaction } from './transaction.js';

/**
 * 1101 person information (人员信息获取): the insured person found by ID number, with each of
 * their enrolments. The ID number is answered in full: the institution gave it to find the person
 * and its HIS records it (the specification's certno is not masked); logs mask it.
 */

const certText = z
  .string({ error: 'must be an 18-character ID number' })
  .transform(normaliseCertno)
  .refine((t) => /^\d{17}[\dX]$/.test(t), 'must be an 18-character ID number');

const personInfoInput = z.object({
  data: z.object({
    mdtrt_cert_type: code(['01', '02', '03']),
    mdtrt_cert_no: z.string({ error: 'must be a string' }).max(50).optional(),
    psn_cert_type: z.string({ error: 'must be a string' }).max(6).optional(),
    certno: certText.optional(),
    psn_name: z.string({ error: 'must be a string' }).max(50).optional(),
    begntime: dateTime.optional(),
  }),
});
type PersonInfoData = z.output<typeof personInfoInput>['data'];

/** The ID number a 1101 message asks about: mdtrt_cert_no under type 02, else certno. */
function certnoAsked(data: PersonInfoData): { certno: string; path: string } {
  if (data.mdtrt_cert_type === '02') {
    const path = 'input.data.mdtrt_cert_no';
    return { certno: parseField(certText, data.mdtrt_cert_no, path), path };
  }
  if (data.certno) return { certno: data.certno, path: 'input.data.certno' };
  throw new ServiceError(
    'INVALID_INPUT',
    'only the ID number is supported: send mdtrt_cert_type "02" with the ID number in mdtrt_cert_no ' +
      '(electronic vouchers "01" and social security cards "03" are not), or give certno',
    'input.data.mdtrt_cert_type',
  );
}

const PSN_TYPE: Record<EnrolmentRecord['personType'], string> = {
  active: '1101',
  retired: '1201',
  resident: '1501',
  // The registry keeps "minor" without the 14xx sub-type; 1401 is the first of them.
  minor: '1401',
};

/** psn_insu_stas: 1 正常参保, 2 暂停参保, 4 终止参保, on the date asked about. */
function insuranceStatus(e: EnrolmentRecord, date: string): '1' | '2' | '4' {
  if (e.status === 'ended' || (e.endDate !== null && e.endDate < date)) return '4';
  return e.status === 'suspended' ? '2' : '1';
}

async function enrolmentIn(db: Sql, psnNo: string, scheme: Scheme, date: string) {
  const [row] = await db.query<EnrolmentRecord>(`${enrolmentOnSql()} LIMIT 1`, [psnNo, scheme, date]);
  return row;
}

async function insuranceRows(db: Sql, person: PersonRecord, date: string) {
  const rows: Record<string, unknown>[] = [];
  for (const scheme of ['310', '390'] as const) {
    const e = await enrolmentIn(db, person.psnNo, scheme, date);
    if (!e) continue;
    const balance = scheme === '310' ? await accountBalance(db, person.psnNo) : 0;
    rows.push({
      insutype: scheme,
      psn_type: PSN_TYPE[e.personType],
      balc: toYuan(balance),
      psn_insu_stas: insuranceStatus(e, date),
      psn_insu_date: e.beginDate,
      paus_insu_date: e.endDate,
      insuplc_admdvs: e.areaCode,
    });
  }
  return rows;
}

export const personInfoTransaction: Transaction = {
  infno: '1101',
  name: '人员信息获取 person information',
  needsSignIn: true,
  async run(ctx) {
    const { data } = parseField(personInfoInput, ctx.envelope.input, 'input');
    const { certno, path } = certnoAsked(data);
    const person = await repo.personByCertno(ctx.db, certno);
    if (!person)
      throw new ServiceError('NOT_FOUND', `no insured person with ID number ${maskCertno(certno)}`, path);
    if (data.psn_name !== undefined && data.psn_name !== '' && data.psn_name !== person.name) {
      throw new ServiceError(
        'INVALID_INPUT',
        `psn_name does not match the name registered for ID number ${maskCertno(certno)}`,
        'input.data.psn_name',
      );
    }
    const date = data.begntime ? data.begntime.slice(0, 10) : chinaDate(ctx.now);
    return {
      baseinfo: {
        psn_no: person.psnNo,
        psn_cert_type: '01',
        certno: person.certno,
        psn_name: person.name,
        gend: person.gender,
        brdy: person.birthday,
        age: ageOn(person.birthday, date),
      },
      insuinfo: await insuranceRows(ctx.db, person, date),
      idetinfo: [],
    };
  },
};
