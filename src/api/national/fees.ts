import { z } from 'zod';
import { ServiceError } from '../../common/service-error.js';
import type { Tx } from '../../db/index.js';
import { formatYuan, mulDivRoundHalfUp } from '../../domain/money/money.js';
import { splitFees } from '../../domain/settlement/fees.js';
import { buildClaim } from '../../settlement/online/claim.js';
import { readContext } from '../../settlement/online/context.js';
import type { ValidSettleRequest } from '../../settlement/online/request.js';
import { chinaDate } from './envelope.js';
import { count, dateTime, parseField, text, toYuan, yuan } from './fields.js';
import { messagePath } from './settlement-mapping.js';
import type { CallContext, Transaction } from './transaction.js';
import { once, requireVisit } from './visit-access.js';
import * as repo from './visit-repository.js';

/**
 * Fee-detail upload (2204 outpatient, 2301 inpatient) and its cancellation (2205, 2302). Each line
 * is classified as settlement will classify it — the catalogue in force on the day, and step 1 of
 * DESIGN §6 through the calculator's own splitFees — and the classification is answered per line.
 */

const opt = (max: number) => z.string({ error: 'must be a string' }).max(max).optional();

const feeLine = z.object({
  feedetl_sn: text(30),
  mdtrt_id: text(30),
  psn_no: text(30),
  chrg_bchno: opt(30),
  med_list_codg: text(64),
  medins_list_codg: opt(150),
  det_item_fee_sumamt: yuan,
  cnt: count,
  pric: yuan.optional(),
  fee_ocur_time: dateTime.optional(),
});
type FeeInput = z.output<typeof feeLine>;

const uploadInput = z.object({
  feedetail: z
    .array(feeLine, {
      error: (i) => (i.input === undefined ? 'is required' : 'must be an array of fee lines'),
    })
    .min(1, 'must list at least one fee line')
    .max(1_000, 'must list at most 1,000 fee lines'),
});

/** One visit per message, each feedetl_sn once, and det_item_fee_sumamt = pric × cnt (half up) when pric is given. */
function checkLines(lines: readonly FeeInput[]): void {
  const seen = new Set<string>();
  lines.forEach((l, i) => {
    const at = `input.feedetail[${i}]`;
    if (l.mdtrt_id !== lines[0]!.mdtrt_id || l.psn_no !== lines[0]!.psn_no)
      throw new ServiceError(
        'INVALID_INPUT',
        'every line of one message must be of the same visit and person',
        `${at}.mdtrt_id`,
      );
    if (seen.has(l.feedetl_sn))
      throw new ServiceError(
        'ALREADY_EXISTS',
        `feedetl_sn ${l.feedetl_sn} is listed twice`,
        `${at}.feedetl_sn`,
      );
    seen.add(l.feedetl_sn);
    if (l.pric === undefined) return;
    const product = mulDivRoundHalfUp(l.pric, Math.round(l.cnt * 10_000), 10_000);
    if (product !== l.det_item_fee_sumamt)
      throw new ServiceError(
        'INVALID_INPUT',
        `is ${formatYuan(l.det_item_fee_sumamt)} but pric × cnt is ${formatYuan(product)}`,
        `${at}.det_item_fee_sumamt`,
      );
  });
}

/** The lines as the calculator's fee lines (through the settlement's own context), split per line. */
async function classify(tx: Tx, ctx: CallContext, v: repo.VisitRow, lines: readonly FeeInput[]) {
  const request: ValidSettleRequest = {
    key: ctx.requestKey,
    psnNo: v.psnNo,
    scheme: v.insutype ?? undefined,
    institution: ctx.institution,
    mdtrtId: v.mdtrtId,
    medType: (v.medType ?? (v.kind === 'inpatient' ? '21' : '11')) as '11' | '14' | '21',
    date: chinaDate(ctx.now),
    diseases: v.diseases,
    tags: [],
    useAccount: false,
    lines: lines.map((l) => ({ code: l.med_list_codg, count: l.cnt, amount: l.det_item_fee_sumamt })),
  };
  const c = await readContext(tx, request).catch((e: unknown) => {
    throw e instanceof ServiceError
      ? new ServiceError(e.code, e.message, messagePath(e.path, request.lines))
      : e;
  });
  const claim = buildClaim({ ...c!, request, accountBalance: 0 });
  return claim.fees.map((f, i): repo.FeeRow => {
    const s = splitFees([f], null);
    const l = lines[i]!;
    return {
      feedetlSn: l.feedetl_sn,
      chrgBchno: l.chrg_bchno ?? null,
      code: f.code,
      count: l.cnt,
      pric: l.pric ?? null,
      amount: f.amount,
      chrgitmLv: f.catalogClass,
      selfpayBp: f.selfPayRate,
      priceCapFen: c!.items.get(f.code)!.priceCapFen,
      ownPay: s.ownPay,
      overLimit: s.overLimit,
      preSelfPay: s.preSelfPay,
      inScope: s.inScope,
      feeOcurTime: l.fee_ocur_time ?? null,
    };
  });
}

/** A stored line as the interface answers it (2204/2301 result, 5204). */
export function feeOutput(f: repo.FeeRow) {
  return {
    feedetl_sn: f.feedetlSn,
    med_list_codg: f.code,
    det_item_fee_sumamt: toYuan(f.amount),
    cnt: f.count,
    pric: f.pric === null ? null : toYuan(f.pric),
    pric_uplmt_amt: f.priceCapFen === null ? null : toYuan(f.priceCapFen),
    selfpay_prop: f.selfpayBp / 10_000,
    fulamt_ownpay_amt: toYuan(f.ownPay),
    overlmt_amt: toYuan(f.overLimit),
    preselfpay_amt: toYuan(f.preSelfPay),
    inscp_scp_amt: toYuan(f.inScope),
    chrgitm_lv: f.chrgitmLv,
  };
}

function upload(infno: string, name: string, kind: repo.VisitRow['kind']): Transaction {
  return {
    infno,
    name,
    needsSignIn: true,
    async run(ctx) {
      const { feedetail } = parseField(uploadInput, ctx.envelope.input, 'input');
      checkLines(feedetail);
      const { mdtrt_id: mdtrtId, psn_no: psnNo } = feedetail[0]!;
      return once(ctx, async (tx) => {
        const path = 'input.feedetail[0].mdtrt_id';
        const v = await requireVisit(tx, ctx, { mdtrtId, psnNo, path, kind, lock: true, unsettled: true });
        const live = new Set((await repo.liveFees(tx, mdtrtId)).map((f) => f.feedetlSn));
        const dup = feedetail.findIndex((l) => live.has(l.feedetl_sn));
        if (dup >= 0)
          throw new ServiceError(
            'ALREADY_EXISTS',
            `feedetl_sn ${feedetail[dup]!.feedetl_sn} is already uploaded on visit ${mdtrtId}; cancel it first`,
            `input.feedetail[${dup}].feedetl_sn`,
          );
        const rows = await classify(tx, ctx, v, feedetail);
        await repo.insertFees(tx, { mdtrtId, psnNo, uploadKey: ctx.requestKey }, rows);
        return { result: rows.map(feeOutput) };
      });
    },
  };
}

export const outpatientUploadTransaction = upload(
  '2204',
  '门诊费用明细信息上传 fee-detail upload',
  'outpatient',
);
export const inpatientUploadTransaction = upload(
  '2301',
  '住院费用明细上传 inpatient fee upload',
  'inpatient',
);

const cancelInput = z.object({
  data: z.object({
    mdtrt_id: text(30),
    psn_no: text(30),
    feedetl_sn: opt(30),
    chrg_bchno: opt(30),
  }),
});

/** "0000" (or nothing) names every line, as the specification's chrg_bchno / feedetl_sn do. */
const ALL = (v: string | undefined) => (v === undefined || v === '' || v === '0000' ? undefined : v);

function cancelUpload(infno: string, name: string, kind: repo.VisitRow['kind']): Transaction {
  return {
    infno,
    name,
    needsSignIn: true,
    async run(ctx) {
      const { data } = parseField(cancelInput, ctx.envelope.input, 'input');
      return once(ctx, async (tx) => {
        const ask = { mdtrtId: data.mdtrt_id, psnNo: data.psn_no, path: 'input.data.mdtrt_id', kind };
        await requireVisit(tx, ctx, { ...ask, lock: true, unsettled: true });
        const which = { feedetlSn: ALL(data.feedetl_sn), chrgBchno: ALL(data.chrg_bchno) };
        const done = await repo.cancelFees(tx, data.mdtrt_id, which);
        if (done.length === 0)
          throw new ServiceError(
            'NOT_FOUND',
            `no uploaded fee line to cancel on visit ${data.mdtrt_id}`,
            which.feedetlSn ? 'input.data.feedetl_sn' : 'input.data.mdtrt_id',
          );
        return { result: done.map((sn) => ({ feedetl_sn: sn })) };
      });
    },
  };
}

export const outpatientCancelUploadTransaction = cancelUpload(
  '2205',
  '门诊费用明细信息撤销 fee-detail cancellation',
  'outpatient',
);
export const inpatientCancelUploadTransaction = cancelUpload(
  '2302',
  '住院费用明细撤销 inpatient fee cancellation',
  'inpatient',
);

/** Cancel what an upload message wrote (2601), if it is still live; answers the sns cancelled. */
export async function cancelUploadOf(
  tx: Tx,
  ctx: CallContext,
  uploadKey: string,
  kind: repo.VisitRow['kind'],
) {
  const mdtrtId = await repo.visitOfUpload(tx, uploadKey);
  if (!mdtrtId) return [];
  const v = await repo.findVisit(tx, mdtrtId, true);
  await requireVisit(tx, ctx, {
    mdtrtId,
    psnNo: v!.psnNo,
    path: 'input.data.omsgid',
    kind,
    lock: true,
    unsettled: true,
  });
  return repo.cancelFees(tx, mdtrtId, { uploadKey });
}
