import { z } from 'zod';
import { ServiceError } from '../../common/service-error.js';
import type { Sql, Tx } from '../../db/index.js';
import { joinTransaction } from '../../db/index.js';
import { formatYuan } from '../../domain/money/money.js';
import { findSettlement } from '../../settlement/online/repository.js';
import type { ValidSettleRequest } from '../../settlement/online/request.js';
import { preSettle, reverse, settle } from '../../settlement/online/service.js';
import { chinaDate, chinaDateTime } from './envelope.js';
import { code, parseField, text, yuan } from './fields.js';
import { inMessageTerms, settlementOutput } from './settlement-mapping.js';
import type { CallContext, Transaction } from './transaction.js';
import { requireVisit } from './visit-access.js';
import * as repo from './visit-repository.js';

/**
 * Settlement of a registered visit on its uploaded fee lines: 2206/2207/2208 for an outpatient
 * visit (when the message carries no feedetail of its own), 2303/2304/2305 for an admission. The
 * visit's row is locked with the settlement's own transaction, so the lines settled are the lines
 * uploaded and a visit has at most one settlement in force.
 */

const opt = (max: number) => z.string({ error: 'must be a string' }).max(max).optional();

const settleInput = z.object({
  data: z.object({
    psn_no: text(30),
    mdtrt_id: text(30),
    medfee_sumamt: yuan,
    med_type: code(['11', '14', '21']).optional(),
    insutype: code(['310', '390']).optional(),
    acct_used_flag: code(['0', '1']).optional(),
    mdtrt_cert_type: opt(3),
    mdtrt_cert_no: opt(50),
    psn_setlway: opt(6),
    chrg_bchno: opt(30),
    mid_setl_flag: code(['0']).optional(),
    invono: opt(30),
  }),
});
type SettleData = z.output<typeof settleInput>['data'];

/** The visit's live lines must add up to medfee_sumamt; answers the medical type to settle under. */
function checkSettleable(v: repo.VisitRow, fees: readonly repo.FeeRow[], data: SettleData): string {
  if (fees.length === 0) {
    const how = v.kind === 'inpatient' ? '2301' : '2204';
    const message = `visit ${v.mdtrtId} has no fee lines: upload them with ${how}`;
    throw new ServiceError('INVALID_INPUT', message, 'input.data.mdtrt_id');
  }
  const sum = fees.reduce((s, f) => s + f.amount, 0);
  if (sum !== data.medfee_sumamt) {
    const message = `is ${formatYuan(data.medfee_sumamt)} but the uploaded fee lines add up to ${formatYuan(sum)}`;
    throw new ServiceError('INVALID_INPUT', message, 'input.data.medfee_sumamt');
  }
  const medType = data.med_type ?? v.medType;
  if (!medType) {
    const message = 'is required: send it, or the visit information (2203) first';
    throw new ServiceError('INVALID_INPUT', message, 'input.data.med_type');
  }
  if (v.medType && medType !== v.medType) {
    const message = `is ${medType} but visit ${v.mdtrtId} is of med_type ${v.medType}`;
    throw new ServiceError('INVALID_INPUT', message, 'input.data.med_type');
  }
  return medType;
}

/** The service's request for a visit: its live lines, its diagnoses; and each line's feedetl_sn. */
async function requestOf(tx: Sql, ctx: CallContext, v: repo.VisitRow, data: SettleData) {
  const fees = await repo.liveFees(tx, v.mdtrtId);
  const medType = checkSettleable(v, fees, data);
  const request: ValidSettleRequest = {
    key: ctx.requestKey,
    psnNo: v.psnNo,
    scheme: data.insutype ?? v.insutype ?? undefined,
    institution: ctx.institution,
    mdtrtId: v.mdtrtId,
    medType: medType as ValidSettleRequest['medType'],
    date: chinaDate(ctx.now),
    diseases: v.diseases,
    tags: [],
    useAccount: data.acct_used_flag === '1',
    lines: fees.map((f) => ({ code: f.code, count: f.count, amount: f.amount })),
  };
  return { request, sns: fees.map((f) => f.feedetlSn) };
}

/**
 * A service's refusal in the visit's terms: a fee line is named by its feedetl_sn (the message
 * carries no lines of its own), the rest as in the message.
 */
function visitTerms(e: unknown, request: ValidSettleRequest, sns: readonly string[]): unknown {
  const mapped = inMessageTerms(e, request.lines);
  if (!(mapped instanceof ServiceError)) return mapped;
  const at = /^input\.feedetail\[(\d+)\]/.exec(mapped.path);
  if (!at) return mapped;
  const sn = sns[Number(at[1])];
  return new ServiceError(mapped.code, `uploaded fee line ${sn}: ${mapped.message}`, 'input.data.mdtrt_id');
}

function visitAsk(data: SettleData, kind: repo.VisitRow['kind']) {
  return { mdtrtId: data.mdtrt_id, psnNo: data.psn_no, path: 'input.data.mdtrt_id', kind };
}

/** Pre-settlement of a visit (2206, 2303): writes nothing. */
export async function preSettleVisit(ctx: CallContext, kind: repo.VisitRow['kind']) {
  const { data } = parseField(settleInput, ctx.envelope.input, 'input');
  const v = await requireVisit(ctx.db, ctx, { ...visitAsk(data, kind), unsettled: true });
  const { request, sns } = await requestOf(ctx.db, ctx, v, data);
  const result = await preSettle(ctx.db, request).catch((e: unknown) => {
    throw visitTerms(e, request, sns);
  });
  return settlementOutput(result, ctx.now);
}

/** Whether the visit's settlement in force was made by this very message (a retry after a lost answer). */
async function settledBy(tx: Sql, v: repo.VisitRow, key: string): Promise<boolean> {
  const [row] = await tx.query<{ idem_key: string }>(
    'SELECT idem_key FROM settlement WHERE psn_no = $1 AND setl_id = $2',
    [v.psnNo, v.setlId],
  );
  return row?.idem_key === key;
}

/** Settlement of a visit (2207, 2304) and the visit's record of it, in one transaction. */
export async function settleVisit(ctx: CallContext, kind: repo.VisitRow['kind']) {
  const { data } = parseField(settleInput, ctx.envelope.input, 'input');
  return ctx.db.transaction(async (tx) => {
    const v = await requireVisit(tx, ctx, { ...visitAsk(data, kind), lock: true });
    if (v.setlId !== null && !(await settledBy(tx, v, ctx.requestKey)))
      throw new ServiceError(
        'VISIT_SETTLED',
        `visit ${v.mdtrtId} is settled already (setl_id ${v.setlId})`,
        'input.data.mdtrt_id',
      );
    if (kind === 'inpatient' && v.endtime === null)
      throw new ServiceError(
        'INVALID_INPUT',
        `visit ${v.mdtrtId} is not discharged: discharge it with 2402 first`,
        'input.data.mdtrt_id',
      );
    const { request, sns } = await requestOf(tx, ctx, v, data);
    const result = await settle(joinTransaction(tx, ctx.db.kind), request).catch((e: unknown) => {
      throw visitTerms(e, request, sns);
    });
    // A replayed settlement (a copy of this message) may have been reversed since: keep it off the visit.
    if (!(await findSettlement(tx, v.psnNo, result.setlId))?.reversed)
      await repo.setVisitSettlement(tx, v.mdtrtId, result.setlId);
    return settlementOutput(result, ctx.now);
  });
}

export interface ReversalAsk {
  psnNo: string;
  setlId: string;
  mdtrtId: string | null;
  /** The reversal's idempotency key. */
  key: string;
}

/**
 * Reverse an institution's settlement (another's is NOT_FOUND, as one that does not exist) and,
 * when it is a visit's settlement in force, clear it from the visit, in one transaction.
 */
export async function reverseSettlement(tx: Tx, ctx: CallContext, ask: ReversalAsk) {
  const found = await findSettlement(tx, ask.psnNo, ask.setlId);
  if (!found || found.institution_code !== ctx.institution)
    throw new ServiceError(
      'NOT_FOUND',
      `no settlement ${ask.setlId} of person ${ask.psnNo} at institution ${ctx.institution}`,
      'input.data.setl_id',
    );
  const [row] = await tx.query<{ mdtrt_id: string }>(
    'SELECT mdtrt_id FROM settlement WHERE psn_no = $1 AND setl_id = $2',
    [ask.psnNo, ask.setlId],
  );
  const v = await repo.findVisit(tx, row!.mdtrt_id, true);
  const done = await reverse(joinTransaction(tx, ctx.db.kind), {
    key: ask.key,
    psnNo: ask.psnNo,
    setlId: ask.setlId,
    date: chinaDate(ctx.now),
  }).catch((e: unknown) => {
    throw inMessageTerms(e, []);
  });
  if (v && v.setlId === ask.setlId) await repo.setVisitSettlement(tx, v.mdtrtId, null);
  return {
    setlinfo: {
      setl_id: done.setlId,
      mdtrt_id: ask.mdtrtId ?? row!.mdtrt_id,
      psn_no: done.psnNo,
      setl_time: chinaDateTime(ctx.now),
    },
  };
}

const reverseInput = z.object({
  data: z.object({ setl_id: text(64), mdtrt_id: text(64), psn_no: text(64) }),
});

/** 2208 and 2305: reversal of a settlement; a visit's settlement is cleared from the visit. */
export function reversal(infno: string, name: string): Transaction {
  return {
    infno,
    name,
    needsSignIn: true,
    async run(ctx) {
      const { data } = parseField(reverseInput, ctx.envelope.input, 'input');
      const ask = { psnNo: data.psn_no, setlId: data.setl_id, mdtrtId: data.mdtrt_id, key: ctx.requestKey };
      return ctx.db.transaction((tx) => reverseSettlement(tx, ctx, ask));
    },
  };
}

export const inpatientPreSettleTransaction: Transaction = {
  infno: '2303',
  name: '住院预结算 inpatient pre-settlement',
  needsSignIn: true,
  run: (ctx) => preSettleVisit(ctx, 'inpatient'),
};

export const inpatientSettleTransaction: Transaction = {
  infno: '2304',
  name: '住院结算 inpatient settlement',
  needsSignIn: true,
  run: (ctx) => settleVisit(ctx, 'inpatient'),
};

export const inpatientReverseTransaction = reversal('2305', '住院结算撤销 inpatient settlement reversal');
