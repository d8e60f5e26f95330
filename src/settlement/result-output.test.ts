import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Settlement } from '../domain/settlement/types.js';
import { settledLine, toSetlinfo } from './result-output.js';

const fen = fc.integer({ min: 0, max: 10_000_000_000 });

const settlement = fc.record({
  medfeeSum: fen,
  ownPay: fen,
  overLimit: fen,
  preSelfPay: fen,
  inScope: fen,
  deductible: fen,
  poolPay: fen,
  poolRate: fc.integer({ min: 0, max: 10_000 }),
  largeAmountPay: fen,
  criticalIllnessPay: fen,
  assistancePay: fen,
  fundPaySum: fen,
  personPart: fen,
  accountPay: fen,
  cashPay: fen,
  balance: fen,
  details: fc.array(fc.record({ fundPayType: fc.constantFrom('310100', '390100', '330100'), amount: fen }), {
    maxLength: 3,
  }),
}) satisfies fc.Arbitrary<Settlement>;

describe(settledLine.name, () => {
  it('writes the same JSON as the national field mapping, with exact two-decimal yuan', () => {
    fc.assert(
      fc.property(fc.string(), settlement, (id, s) => {
        const parsed = JSON.parse(settledLine(id, s, null)) as Record<string, unknown>;
        expect(parsed).toEqual({
          claim_id: id,
          setlinfo: toSetlinfo(s),
          setldetail: s.details.map((d) => ({ fund_pay_type: d.fundPayType, fund_payamt: d.amount / 100 })),
        });
        expect(Object.keys(parsed.setlinfo as object)).toEqual(Object.keys(toSetlinfo(s)));
      }),
    );
  });

  it('appends the trace when explaining', () => {
    const s = fc.sample(settlement, 1)[0]!;
    const line = JSON.parse(settledLine('c1', s, [{ step: 'cash', param: 'psn_cash_pay', value: 1 }]));
    expect(line.trace).toEqual([{ step: 'cash', param: 'psn_cash_pay', value: 1 }]);
  });
});
