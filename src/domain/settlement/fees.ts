import { divRoundHalfUp, type Fen } from '../money/money.js';
import { FULL_RATE } from '../money/rate.js';
import type { FeeLine, TraceEntry } from './types.js';

export interface FeeSplit {
  total: Fen;
  ownPay: Fen;
  overLimit: Fen;
  preSelfPay: Fen;
  inScope: Fen;
}

/**
 * Step 1 of DESIGN §6, per line: class 03 → own pay; above the price cap → over-limit self-pay;
 * class 02 × self-pay proportion → pre-self-pay (rounded half up per line); the rest is in scope.
 */
export function splitFees(fees: readonly FeeLine[], trace: TraceEntry[] | null): FeeSplit {
  const s: FeeSplit = { total: 0, ownPay: 0, overLimit: 0, preSelfPay: 0, inScope: 0 };
  for (let i = 0; i < fees.length; i++) {
    const line = fees[i] as FeeLine;
    s.total += line.amount;
    if (line.catalogClass === '03') {
      s.ownPay += line.amount;
      continue;
    }
    const over =
      line.priceCapTotal !== null && line.amount > line.priceCapTotal ? line.amount - line.priceCapTotal : 0;
    const rest = line.amount - over;
    const pre = line.catalogClass === '02' ? divRoundHalfUp(rest * line.selfPayRate, FULL_RATE) : 0;
    s.overLimit += over;
    s.preSelfPay += pre;
    s.inScope += rest - pre;
    if (trace && (over > 0 || pre > 0)) {
      trace.push({
        step: 'fee-line',
        param: `fees[${i}]`,
        value: (rest - pre) / 100,
        note: `${line.code}: over-limit ${over / 100}, pre-self-pay ${pre / 100} (rounded half up), in scope ${(rest - pre) / 100}`,
      });
    }
  }
  return s;
}
