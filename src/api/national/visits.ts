import { randomHex } from '../../common/random.js';
import { z } from 'zod';
import { ServiceError } from '../../common/service-error.js';
import type { Tx } from '../../db/index.js';
import { enrolmentOn, findPerson } from '../../registry/lookup.js';
import { messageTime } from './envelope.js';
import { code, dateTime, parseField, text } from './fields.js';
import type { CallContext, Transaction } from './transaction.js';
import { once, requireVisit } from './visit-access.js';
import * as repo from './visit-repository.js';

/**
 * The visit (就诊): 2201 outpatient registration and 2202 its cancellation, 2203 visit
 * information; 2401 admission, 2402 discharge, 2404 and 2405 their cancellations. Tongchou
 * assigns mdtrt_id; every later message names it, and only the registering institution may.
 */

const opt = (max: number) => z.string({ error: 'must be a string' }).max(max).optional();
const diagCode = z
  .string({ error: 'must be an ICD-10 code' })
  .regex(/^[A-Z]\d{2}[0-9A-Za-z.+*]{0,12}$/, 'must be an ICD-10 code such as "J18.9"');
/** diseinfo[]: main diagnosis first (maindiag_flag "1" or diag_srt_no 1), the others in order. */
const diseinfo = z
  .array(
    z.object({
      diag_code: diagCode,
      diag_name: opt(300),
      diag_type: opt(3),
      diag_srt_no: z.unknown().optional(),
      maindiag_flag: opt(3),
    }),
    { error: 'must be an array of diagnoses' },
  )
  .max(64, 'must list at most 64 diagnoses');

function diagnoses(list: z.output<typeof diseinfo> | undefined): string[] {
  const rows = list ?? [];
  const main = rows.filter((d) => d.maindiag_flag === '1');
  return [...main, ...rows.filter((d) => d.maindiag_flag !== '1')].map((d) => d.diag_code);
}

function newMdtrtId(now: number): string {
  return `${messageTime(now).slice(0, 8)}${randomHex(8)}`;
}

/** The person must exist and be insured (in the insutype, if named) on the visit's date. */
async function checkInsured(tx: Tx, psnNo: string, insutype: '310' | '390' | undefined, begntime: string) {
  await findPerson(tx, psnNo).catch((e: unknown) => {
    throw e instanceof ServiceError ? new ServiceError(e.code, e.message, 'input.data.psn_no') : e;
  });
  await enrolmentOn(tx, psnNo, begntime.slice(0, 10), insutype).catch((e: unknown) => {
    throw e instanceof ServiceError ? new ServiceError(e.code, e.message, 'input.data.psn_no') : e;
  });
}

const registerInput = z.object({
  data: z.object({
    psn_no: text(30),
    insutype: code(['310', '390']),
    begntime: dateTime,
    mdtrt_cert_type: opt(3),
    mdtrt_cert_no: opt(50),
    ipt_otp_no: text(30),
    atddr_no: opt(30),
    dr_name: opt(50),
    dept_code: opt(30),
    dept_name: opt(100),
    caty: opt(10),
  }),
});

export const registerTransaction: Transaction = {
  infno: '2201',
  name: '门诊挂号 outpatient registration',
  needsSignIn: true,
  async run(ctx) {
    const { data } = parseField(registerInput, ctx.envelope.input, 'input');
    return once(ctx, async (tx) => {
      await checkInsured(tx, data.psn_no, data.insutype, data.begntime);
      const mdtrtId = newMdtrtId(ctx.now);
      await repo.insertVisit(tx, {
        mdtrtId,
        psnNo: data.psn_no,
        institution: ctx.institution,
        kind: 'outpatient',
        insutype: data.insutype,
        medType: null,
        iptOtpNo: data.ipt_otp_no,
        begntime: data.begntime,
        diseases: [],
      });
      return {
        data: { mdtrt_id: mdtrtId, psn_no: data.psn_no, ipt_otp_no: data.ipt_otp_no, exp_content: '' },
      };
    });
  },
};

const visitRef = z.object({ data: z.object({ psn_no: text(30), mdtrt_id: text(30), ipt_otp_no: opt(30) }) });

/** A cancellation of a visit (2202, 2404): only while no settlement of it is in force. */
function cancellation(infno: string, name: string, kind: repo.VisitRow['kind']): Transaction {
  return {
    infno,
    name,
    needsSignIn: true,
    async run(ctx) {
      const { data } = parseField(visitRef, ctx.envelope.input, 'input');
      return once(ctx, async (tx) => {
        const ask = { mdtrtId: data.mdtrt_id, psnNo: data.psn_no, path: 'input.data.mdtrt_id', kind };
        await requireVisit(tx, ctx, { ...ask, lock: true, unsettled: true });
        await repo.cancelVisit(tx, data.mdtrt_id);
        return {};
      });
    },
  };
}

export const cancelRegistrationTransaction = cancellation(
  '2202',
  '门诊挂号撤销 registration cancellation',
  'outpatient',
);
export const cancelAdmissionTransaction = cancellation(
  '2404',
  '入院办理撤销 admission cancellation',
  'inpatient',
);

const visitInfoInput = z.object({
  mdtrtinfo: z.object({
    mdtrt_id: text(30),
    psn_no: text(30),
    med_type: code(['11', '14']),
    begntime: dateTime.optional(),
    main_cond_dscr: opt(1000),
    dise_codg: opt(30),
    dise_name: opt(300),
  }),
  diseinfo: diseinfo.optional(),
});

export const visitInfoTransaction: Transaction = {
  infno: '2203',
  name: '门诊就诊信息上传 visit information',
  needsSignIn: true,
  async run(ctx) {
    const { mdtrtinfo: m, diseinfo: d } = parseField(visitInfoInput, ctx.envelope.input, 'input');
    return once(ctx, async (tx) => {
      const path = 'input.mdtrtinfo.mdtrt_id';
      await requireVisit(tx, ctx, {
        mdtrtId: m.mdtrt_id,
        psnNo: m.psn_no,
        path,
        kind: 'outpatient',
        lock: true,
        unsettled: true,
      });
      await repo.updateVisit(tx, m.mdtrt_id, {
        medType: m.med_type,
        ...(m.begntime ? { begntime: m.begntime } : {}),
        diseases: diagnoses(d),
      });
      return {};
    });
  },
};

const admissionInput = z.object({
  mdtrtinfo: z.object({
    psn_no: text(30),
    insutype: code(['310', '390']),
    med_type: code(['21']),
    ipt_no: text(30),
    begntime: dateTime,
    mdtrt_cert_type: opt(3),
    mdtrt_cert_no: opt(50),
    adm_dept_codg: opt(30),
    adm_dept_name: opt(100),
    atddr_no: opt(30),
    chfpdr_name: opt(50),
    adm_diag_dscr: opt(200),
  }),
  diseinfo: diseinfo.optional(),
});

export const admissionTransaction: Transaction = {
  infno: '2401',
  name: '入院办理 admission',
  needsSignIn: true,
  async run(ctx) {
    const { mdtrtinfo: m, diseinfo: d } = parseField(admissionInput, ctx.envelope.input, 'input');
    return once(ctx, async (tx) => {
      await checkInsured(tx, m.psn_no, m.insutype, m.begntime).catch((e: unknown) => {
        throw e instanceof ServiceError ? new ServiceError(e.code, e.message, 'input.mdtrtinfo.psn_no') : e;
      });
      const mdtrtId = newMdtrtId(ctx.now);
      await repo.insertVisit(tx, {
        mdtrtId,
        psnNo: m.psn_no,
        institution: ctx.institution,
        kind: 'inpatient',
        insutype: m.insutype,
        medType: m.med_type,
        iptOtpNo: m.ipt_no,
        begntime: m.begntime,
        diseases: diagnoses(d),
      });
      return { result: { mdtrt_id: mdtrtId, psn_no: m.psn_no, ipt_otp_no: m.ipt_no } };
    });
  },
};

const dischargeInput = z.object({
  dscginfo: z.object({
    mdtrt_id: text(30),
    psn_no: text(30),
    insutype: code(['310', '390']).optional(),
    endtime: dateTime,
    dscg_way: opt(3),
    dscg_dept_codg: opt(30),
    dscg_dept_name: opt(100),
  }),
  diseinfo: diseinfo.optional(),
});

export const dischargeTransaction: Transaction = {
  infno: '2402',
  name: '出院办理 discharge',
  needsSignIn: true,
  async run(ctx) {
    const { dscginfo: g, diseinfo: d } = parseField(dischargeInput, ctx.envelope.input, 'input');
    return once(ctx, async (tx) => {
      const path = 'input.dscginfo.mdtrt_id';
      const v = await requireVisit(tx, ctx, {
        mdtrtId: g.mdtrt_id,
        psnNo: g.psn_no,
        path,
        kind: 'inpatient',
        lock: true,
        unsettled: true,
      });
      if (v.endtime !== null)
        throw new ServiceError(
          'ALREADY_EXISTS',
          `visit ${v.mdtrtId} was discharged at ${v.endtime}; cancel it with 2405 first`,
          path,
        );
      if (g.endtime < v.begntime)
        throw new ServiceError(
          'INVALID_INPUT',
          `is before the admission (${v.begntime})`,
          'input.dscginfo.endtime',
        );
      await repo.updateVisit(tx, g.mdtrt_id, {
        endtime: g.endtime,
        ...(d && d.length > 0 ? { diseases: diagnoses(d) } : {}),
      });
      return {};
    });
  },
};

export const cancelDischargeTransaction: Transaction = {
  infno: '2405',
  name: '出院撤销 discharge cancellation',
  needsSignIn: true,
  async run(ctx: CallContext) {
    const { data } = parseField(visitRef, ctx.envelope.input, 'input');
    return once(ctx, async (tx) => {
      const path = 'input.data.mdtrt_id';
      const v = await requireVisit(tx, ctx, {
        mdtrtId: data.mdtrt_id,
        psnNo: data.psn_no,
        path,
        kind: 'inpatient',
        lock: true,
        unsettled: true,
      });
      if (v.endtime === null)
        throw new ServiceError('INVALID_INPUT', `visit ${v.mdtrtId} has not been discharged`, path);
      await repo.updateVisit(tx, data.mdtrt_id, { endtime: null });
      return {};
    });
  },
};
