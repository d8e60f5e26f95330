import { fenToYuan } from '../domain/money/money.js';
import { bpToDecimal } from '../domain/money/rate.js';
import type { Refusal } from '../domain/errors.js';
import type { Settlement, TraceEntry } from '../domain/settlement/types.js';

/** The national interface's setlinfo, amounts in yuan (exact two-decimal JSON numbers). */
export function toSetlinfo(s: Settlement) {
  return {
    medfee_sumamt: fenToYuan(s.medfeeSum),
    fulamt_ownpay_amt: fenToYuan(s.ownPay),
    overlmt_selfpay: fenToYuan(s.overLimit),
    preselfpay_amt: fenToYuan(s.preSelfPay),
    inscp_scp_amt: fenToYuan(s.inScope),
    act_pay_dedc: fenToYuan(s.deductible),
    hifp_pay: fenToYuan(s.poolPay),
    pool_prop_selfpay: bpToDecimal(s.poolRate),
    hifob_pay: fenToYuan(s.largeAmountPay),
    hifmi_pay: fenToYuan(s.criticalIllnessPay),
    maf_pay: fenToYuan(s.assistancePay),
    fund_pay_sumamt: fenToYuan(s.fundPaySum),
    psn_part_amt: fenToYuan(s.personPart),
    acct_pay: fenToYuan(s.accountPay),
    psn_cash_pay: fenToYuan(s.cashPay),
    balc: fenToYuan(s.balance),
  };
}

/** One result line of `tongchou calc` for a settled claim. */
export function settledLine(claimId: string, s: Settlement, trace: TraceEntry[] | null): string {
  const setldetail = s.details.map((d) => ({
    fund_pay_type: d.fundPayType,
    fund_payamt: fenToYuan(d.amount),
  }));
  const out: Record<string, unknown> = { claim_id: claimId, setlinfo: toSetlinfo(s), setldetail };
  if (trace) out.trace = trace;
  return JSON.stringify(out);
}

/** One result line for a refused claim; `line` is given when the claim id cannot be. */
export function refusedLine(claimId: string | null, lineNo: number, error: Refusal): string {
  const out = claimId === null ? { claim_id: null, line: lineNo, error } : { claim_id: claimId, error };
  return JSON.stringify(out);
}
