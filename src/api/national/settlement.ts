import { ServiceError } from '../../common/service-error.js';
import { findSettlement } from '../../settlement/online/repository.js';
import { preSettle, reverse, settle } from '../../settlement/online/service.js';
import { chinaDateTime } from './envelope.js';
import {
  inMessageTerms,
  reverseRequestOf,
  settleRequestOf,
  settlementOutput,
  type SettleCall,
} from './settlement-mapping.js';
import type { CallContext, Transaction } from './transaction.js';

/** 2206 pre-settlement, 2207 settlement and 2208 reversal, on the online settlement service. */

function callOf(ctx: CallContext): SettleCall {
  return { institution: ctx.institution, requestKey: ctx.requestKey, now: ctx.now };
}

export const preSettleTransaction: Transaction = {
  infno: '2206',
  name: '预结算 pre-settlement',
  needsSignIn: true,
  async run(ctx) {
    const request = settleRequestOf(ctx.envelope.input, callOf(ctx));
    const result = await preSettle(ctx.db, request).catch((e: unknown) => {
      throw inMessageTerms(e, request.lines);
    });
    return settlementOutput(result, ctx.now);
  },
};

export const settleTransaction: Transaction = {
  infno: '2207',
  name: '结算 settlement',
  needsSignIn: true,
  async run(ctx) {
    const request = settleRequestOf(ctx.envelope.input, callOf(ctx));
    const result = await settle(ctx.db, request).catch((e: unknown) => {
      throw inMessageTerms(e, request.lines);
    });
    return settlementOutput(result, ctx.now);
  },
};

/**
 * An institution reverses only its own settlements: another's is answered as not found, so that
 * nothing is learnt about it. The settlement's institution never changes (the table is
 * append-only), so checking before the reversal's own transaction is safe.
 */
export const reverseTransaction: Transaction = {
  infno: '2208',
  name: '结算撤销 settlement reversal',
  needsSignIn: true,
  async run(ctx) {
    const request = reverseRequestOf(ctx.envelope.input, callOf(ctx));
    const found = await findSettlement(ctx.db, request.psnNo, request.setlId);
    if (!found || found.institution_code !== ctx.institution) {
      throw new ServiceError(
        'NOT_FOUND',
        `no settlement ${request.setlId} of person ${request.psnNo} at institution ${ctx.institution}`,
        'input.data.setl_id',
      );
    }
    const { mdtrtId, ...reversal } = request;
    const done = await reverse(ctx.db, reversal).catch((e: unknown) => {
      throw inMessageTerms(e, []);
    });
    return {
      setlinfo: {
        setl_id: done.setlId,
        mdtrt_id: mdtrtId,
        psn_no: done.psnNo,
        setl_time: chinaDateTime(ctx.now),
      },
    };
  },
};
