import { describe, expect, it } from 'vitest';
import type { Settlement } from '../../domain/settlement/types.js';
import { parseExactJson } from './exact-json.js';
import { messagePath, reverseRequestOf, settlementOutput, settleRequestOf } from './settlement-mapping.js';

/** 2025-03-10 00:30 in China is still 2025-03-09 in UTC: the settlement is booked on the China date. */
const call = { institution: 'H002', requestKey: 'nhsa:H002:M1', now: Date.parse('2025-03-09T16:30:00Z') };

const input = (feedetail: string, data = '"medfee_sumamt": 912.35') =>
  parseExactJson(`{"data": {"psn_no": "P1", "mdtrt_id": "V1", "med_type": "11", "acct_used_flag": "1", ${data}},
    "feedetail": ${feedetail}, "diseinfo": [{"diag_code": "J18.9"}]}`);

describe(settleRequestOf.name, () => {
  it('turns a 2207 input into the service request, yuan to fen from the text', () => {
    const lines =
      '[{"med_list_codg": "D-A01", "cnt": 2, "det_item_fee_sumamt": 500.10}, {"med_list_codg": "D-B01", "cnt": 0.5, "det_item_fee_sumamt": "412.25"}]';
    expect(settleRequestOf(input(lines), call)).toEqual({
      key: 'nhsa:H002:M1',
      psnNo: 'P1',
      scheme: undefined,
      institution: 'H002',
      mdtrtId: 'V1',
      medType: '11',
      date: '2025-03-10',
      diseases: ['J18.9'],
      tags: [],
      useAccount: true,
      lines: [
        { code: 'D-A01', count: 2, amount: 500_10 },
        { code: 'D-B01', count: 0.5, amount: 412_25 },
      ],
    });
  });

  it('refuses medfee_sumamt that is not the sum of the lines, naming both', () => {
    const lines = '[{"med_list_codg": "D-A01", "cnt": 1, "det_item_fee_sumamt": 912.34}]';
    expect(() => settleRequestOf(input(lines), call)).toThrow(
      expect.objectContaining({
        path: 'input.data.medfee_sumamt',
        message: 'is 912.35 but the fee lines add up to 912.34',
      }),
    );
  });

  it.each([
    [
      '[{"med_list_codg": "D-A01", "cnt": 1, "det_item_fee_sumamt": 912.345}]',
      'input.feedetail[0].det_item_fee_sumamt',
      /at most two decimals \(got 912\.345\)/,
    ],
    [
      '[{"med_list_codg": "D-A01", "cnt": 1, "det_item_fee_sumamt": 9.1235e2}]',
      'input.feedetail[0].det_item_fee_sumamt',
      /at most two decimals/,
    ],
    [
      '[{"med_list_codg": "D-A01", "cnt": 1e0, "det_item_fee_sumamt": 912.35}]',
      'input.feedetail[0].cnt',
      /quantity/,
    ],
    ['[{"cnt": 1, "det_item_fee_sumamt": 912.35}]', 'input.feedetail[0].med_list_codg', /is required/],
    ['[]', 'input.feedetail', /at least one fee line/],
    ['{}', 'input.feedetail', /must be an array/],
  ])('refuses %s at %s', (lines, path, message) => {
    const thrown = (() => {
      try {
        settleRequestOf(input(lines), call);
      } catch (e) {
        return e as Error & { path: string; code: string };
      }
      throw new Error('not refused');
    })();
    expect(thrown).toMatchObject({ code: 'INVALID_INPUT', path });
    expect(thrown.message).toMatch(message);
  });
});

describe(reverseRequestOf.name, () => {
  it('turns a 2208 input into the reversal request, dated on the China date', () => {
    const r = reverseRequestOf(
      parseExactJson('{"data": {"setl_id": "S1", "mdtrt_id": "V1", "psn_no": "P1"}}'),
      call,
    );
    expect(r).toEqual({ key: 'nhsa:H002:M1', psnNo: 'P1', setlId: 'S1', date: '2025-03-10', mdtrtId: 'V1' });
  });
});

describe(settlementOutput.name, () => {
  // Sanming, active employee, level 2 (the online settlement test's case): 900.00 billed, pool 52.50, account 847.50.
  const settlement: Settlement = {
    medfeeSum: 900_00,
    ownPay: 100_00,
    overLimit: 0,
    preSelfPay: 30_00,
    inScope: 770_00,
    deductible: 700_00,
    poolPay: 52_50,
    poolRate: 7500,
    largeAmountPay: 0,
    criticalIllnessPay: 0,
    assistancePay: 0,
    fundPaySum: 52_50,
    personPart: 847_50,
    accountPay: 847_50,
    cashPay: 0,
    balance: 2_152_50,
    details: [{ fundPayType: '310100', amount: 52_50 }],
  };
  const result = {
    setlId: 'S1',
    psnNo: 'P1',
    mdtrtId: 'V1',
    scheme: '310',
    date: '2025-03-10',
    pack: 'p',
    settlement,
    trace: null,
  };

  it('writes setlinfo and setldetail in yuan, with the identities of DESIGN §6 holding', () => {
    const { setlinfo, setldetail } = settlementOutput(result, call.now);
    expect(setlinfo).toMatchObject({
      setl_id: 'S1',
      mdtrt_id: 'V1',
      psn_no: 'P1',
      insutype: '310',
      setl_time: '2025-03-10 00:30:00',
      medfee_sumamt: 900,
      fulamt_ownpay_amt: 100,
      preselfpay_amt: 30,
      inscp_scp_amt: 770,
      act_pay_dedc: 700,
      hifp_pay: 52.5,
      pool_prop_selfpay: 0.75,
      fund_pay_sumamt: 52.5,
      psn_part_amt: 847.5,
      acct_pay: 847.5,
      psn_cash_pay: 0,
      balc: 2152.5,
      cvlserv_pay: 0,
    });
    expect(setldetail).toEqual([
      { fund_pay_type: '310100', fund_pay_type_name: '职工基本医疗保险统筹基金', fund_payamt: 52.5 },
    ]);
    const i = setlinfo;
    expect(i.fulamt_ownpay_amt + i.overlmt_selfpay + i.preselfpay_amt + i.inscp_scp_amt).toBe(
      i.medfee_sumamt,
    );
    expect(i.acct_pay + i.psn_cash_pay).toBe(i.psn_part_amt);
  });

  it('leaves setl_id out of a pre-settlement', () => {
    const pre: Omit<typeof result, 'setlId'> & { setlId?: string } = { ...result };
    delete pre.setlId;
    expect(settlementOutput(pre, call.now).setlinfo).not.toHaveProperty('setl_id');
  });
});

describe(messagePath.name, () => {
  const lines = [{ code: 'A' }, { code: 'A' }, { code: 'B' }, { code: 'C' }];
  it.each([
    ['lines[3].amount', 'input.feedetail[3].det_item_fee_sumamt'],
    ['lines[0].count', 'input.feedetail[0].cnt'],
    ['psn_no', 'input.data.psn_no'],
    ['key', 'msgid'],
    ['fixmedins_code', 'fixmedins_code'],
    ['diseases[1]', 'input.diseinfo[1].diag_code'],
    // The registry counts distinct codes: the second distinct code (B) is on line 2.
    ['feedetail[1].med_list_codg', 'input.feedetail[2].med_list_codg'],
    ['benefits.outpatient.deductible', 'benefits.outpatient.deductible'],
  ])('%s → %s', (path, want) => expect(messagePath(path, lines)).toBe(want));
});
