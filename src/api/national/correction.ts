import { z } from 'zod';
import { ServiceError } from '../../common/service-error.js';
import type { Tx } from '../../db/index.js';
import { findSettlement } from '../../settlement/online/repository.js';
import { cancelUploadOf } from './fees.js';
import { code, parseField, text } from './fields.js';
import { findMessage, type StoredMessage } from './repository.js';
import type { CallContext, Transaction } from './transaction.js';
import { once } from './visit-access.js';
import { reverseSettlement } from './visit-settlement.js';

/**
 * 2601 correction (冲正) by omsgid: the effect of an earlier message of the institution undone — a
 * settlement (2207, 2304) reversed, an upload (2204, 2301) cancelled. Undoing what is undone
 * already changes nothing and is answered as done; other transactions are refused.
 */

const correctionInput = z.object({
  data: z.object({
    psn_no: text(30),
    omsgid: text(50),
    oinfno: code(['2207', '2304', '2204', '2301']).optional(),
  }),
});

const KINDS = { '2204': 'outpatient', '2301': 'inpatient' } as const;

type Data = z.output<typeof correctionInput>['data'];

/** The original message, answered to this institution, of the transaction the correction names. */
async function original(tx: Tx, ctx: CallContext, data: Data) {
  const orig = await findMessage(tx, ctx.institution, data.omsgid);
  if (!orig) {
    const message = `no answered message ${data.omsgid} of institution ${ctx.institution}`;
    throw new ServiceError('NOT_FOUND', message, 'input.data.omsgid');
  }
  if (data.oinfno && data.oinfno !== orig.infno) {
    const message = `message ${data.omsgid} was a ${orig.infno}, not a ${data.oinfno}`;
    throw new ServiceError('INVALID_INPUT', message, 'input.data.oinfno');
  }
  return orig;
}

/** Reverse the settlement a 2207/2304 made, unless it is reversed already. */
async function undoSettlement(tx: Tx, ctx: CallContext, data: Data, orig: StoredMessage) {
  type Setlinfo = { setl_id: string; psn_no: string; mdtrt_id: string };
  const s = (orig.answer.output as { setlinfo: Setlinfo }).setlinfo;
  if (s.psn_no !== data.psn_no) {
    const message = `message ${data.omsgid} was not about person ${data.psn_no}`;
    throw new ServiceError('INVALID_INPUT', message, 'input.data.psn_no');
  }
  if (!(await findSettlement(tx, s.psn_no, s.setl_id))?.reversed) {
    const key = `${ctx.requestKey}#reverse`;
    await reverseSettlement(tx, ctx, { psnNo: s.psn_no, setlId: s.setl_id, mdtrtId: s.mdtrt_id, key });
  }
  return { omsgid: data.omsgid, oinfno: orig.infno, setl_id: s.setl_id };
}

export const correctionTransaction: Transaction = {
  infno: '2601',
  name: '冲正交易 correction',
  needsSignIn: true,
  async run(ctx) {
    const { data } = parseField(correctionInput, ctx.envelope.input, 'input');
    return once(ctx, async (tx) => {
      const orig = await original(tx, ctx, data);
      if (orig.infno === '2207' || orig.infno === '2304') return undoSettlement(tx, ctx, data, orig);
      if (orig.infno === '2204' || orig.infno === '2301') {
        const key = `nhsa:${ctx.institution}:${data.omsgid}`;
        const cancelled = await cancelUploadOf(tx, ctx, key, KINDS[orig.infno]);
        return { omsgid: data.omsgid, oinfno: orig.infno, feedetl_sn: cancelled };
      }
      throw new ServiceError(
        'INVALID_INPUT',
        `message ${data.omsgid} was a ${orig.infno}: 2601 corrects only settlements (2207, 2304) and fee uploads (2204, 2301); use that transaction's own cancellation`,
        'input.data.omsgid',
      );
    });
  },
};
