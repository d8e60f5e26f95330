import { preSettle, settle, type AlsoWrite } from '../../settlement/online/service.js';
import { inMessageTerms, settleRequestOf, settlementOutput, type SettleCall } from './settlement-mapping.js';
import type { CallContext, Transaction } from './transaction.js';
import { preSettleVisit, reversal, settleVisit } from './visit-settlement.js';

/**
 * 2206 pre-settlement, 2207 settlement and 2208 reversal. A message without `feedetail` settles
 * the registered visit's uploaded fee lines (2201, 2203, 2204); one with `feedetail[]` settles the
 * lines it carries, as before visits existed (kept for HISs that send them so).
 */

function callOf(ctx: CallContext): SettleCall {
  return { institution: ctx.institution, requestKey: ctx.requestKey, now: ctx.now };
}

function carriesLines(ctx: CallContext): boolean {
  return ctx.envelope.input.feedetail !== undefined;
}

export const preSettleTransaction: Transaction = {
  infno: '2206',
  name: '预结算 pre-settlement',
  needsSignIn: true,
  async run(ctx) {
    if (!carriesLines(ctx)) return preSettleVisit(ctx, 'outpatient');
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
    if (!carriesLines(ctx)) return settleVisit(ctx, 'outpatient');
    const request = settleRequestOf(ctx.envelope.input, callOf(ctx));
    const { keeper } = ctx;
    const alsoWrite: AlsoWrite | undefined =
      keeper && ((result, first) => keeper.write(settlementOutput(result, ctx.now), first));
    const result = await settle(ctx.db, request, { alsoWrite }).catch((e: unknown) => {
      throw inMessageTerms(e, request.lines);
    });
    return settlementOutput(result, ctx.now);
  },
};

/**
 * An institution reverses only its own settlements: another's is answered as not found, so that
 * nothing is learnt about it. A visit's settlement is cleared from the visit in the same transaction.
 */
export const reverseTransaction = reversal('2208', '结算撤销 settlement reversal');
