/**
 * A whole outpatient visit as an HIS drives it, on the real server (PGlite, or PostgreSQL with
 * TEST_DATABASE_URL): 9001 → 1101 → 2201 → 2203 → 2204 → 2206 → 2207 → 5206 → 2208, every amount
 * checked by hand and against the settlement service, and the ledger and totals afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLedger } from '../../src/fund/ledger/check.js';
import { preSettle } from '../../src/settlement/online/service.js';
import { openTestDatabase, type TestDatabase } from '../support/db.js';
import { halfWritten, totalsMismatches } from '../support/integrity.js';
import { ITEMS, WORLD } from '../support/world.js';
import {
  call,
  certnoOf,
  credentialFor,
  envelope,
  seedApiWorld,
  signIn,
  startServer,
  writes,
  type Credential,
  type RunningServer,
} from './support.js';

type Out = Record<string, Record<string, unknown>>;

describe('national interface: a whole outpatient visit', () => {
  let t: TestDatabase;
  let server: RunningServer;
  let h002: Credential;
  let signNo: string;
  let mdtrtId: string;
  let setlId: string;
  let settledAnswer: Record<string, unknown>;

  beforeAll(async () => {
    t = await openTestDatabase(4);
    await seedApiWorld(t.db, ['P1']);
    server = await startServer(t.db);
    h002 = await credentialFor(t.db, WORLD.hospital);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await t?.drop();
  });

  const message = (infno: string, input: unknown) => envelope('H002', infno, input, { sign_no: signNo });
  const send = (infno: string, input: unknown) => call(server, h002, message(infno, input));

  // Sanming (seed 002), an active employee at a level-2 hospital: annual deductible 700, then 75 %.
  // 甲 2 × 250.00 = 500.00 in scope; 乙 2 × 150.00 = 300.00, 10 % first self-paid: 30.00 pre-self-pay
  // and 270.00 in scope; 丙 100.00 own pay; the capped service 2 × 60.00 = 120.00 against a cap of
  // 2 × 50.00: 20.00 over the limit, 100.00 in scope. In scope 870.00 − 700.00 = 170.00 × 75 % =
  // 127.50 from the pool; the rest, 892.50, from the personal account (3,000.00 → 2,107.50).
  const lines = () => [
    { feedetl_sn: '1', med_list_codg: ITEMS.classA, cnt: 2, pric: 250, det_item_fee_sumamt: 500 },
    { feedetl_sn: '2', med_list_codg: ITEMS.classB, cnt: 2, pric: '150.00', det_item_fee_sumamt: '300.00' },
    { feedetl_sn: '3', med_list_codg: ITEMS.classC, cnt: 1, pric: 100, det_item_fee_sumamt: 100 },
    { feedetl_sn: '4', med_list_codg: ITEMS.capped, cnt: 2, pric: 60, det_item_fee_sumamt: 120 },
  ];
  const expected = {
    medfee_sumamt: 1020,
    fulamt_ownpay_amt: 100,
    overlmt_selfpay: 20,
    preselfpay_amt: 30,
    inscp_scp_amt: 870,
    act_pay_dedc: 700,
    hifp_pay: 127.5,
    pool_prop_selfpay: 0.75,
    hifob_pay: 0,
    hifmi_pay: 0,
    maf_pay: 0,
    fund_pay_sumamt: 127.5,
    psn_part_amt: 892.5,
    acct_pay: 892.5,
    psn_cash_pay: 0,
    balc: 2107.5,
  };
  const settleData = () => ({
    data: { psn_no: 'P1', mdtrt_id: mdtrtId, medfee_sumamt: '1020.00', acct_used_flag: '1', insutype: '310' },
  });

  it('9001 signs in and 1101 finds the person with the account balance', async () => {
    signNo = await signIn(server, h002);
    const a = await send('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: certnoOf('P1') } });
    expect(a.infcode).toBe(0);
    expect((a.output as { insuinfo: unknown[] }).insuinfo).toEqual([
      expect.objectContaining({ insutype: '310', psn_type: '1101', balc: 3000 }),
    ]);
  });

  it('2201 registers the visit and answers the mdtrt_id Tongchou assigns', async () => {
    const before = await writes(t.db);
    const a = await send('2201', {
      data: {
        psn_no: 'P1',
        insutype: '310',
        begntime: '2025-03-10 09:30:00',
        ipt_otp_no: 'MZ0001',
        dept_code: 'A03',
      },
    });
    expect(a).toMatchObject({ infcode: 0, err_msg: null });
    const data = (a.output as Out).data!;
    mdtrtId = data.mdtrt_id as string;
    expect(mdtrtId).toMatch(/^20250310[0-9a-f]{16}$/);
    expect(data).toEqual({ mdtrt_id: mdtrtId, psn_no: 'P1', ipt_otp_no: 'MZ0001', exp_content: '' });
    const [visit] = await t.db.query(
      'SELECT institution_code, kind, insutype FROM visit WHERE mdtrt_id = $1',
      [mdtrtId],
    );
    expect(visit).toEqual({ institution_code: 'H002', kind: 'outpatient', insutype: '310' });
    expect((await writes(t.db)).settlement).toBe(before.settlement);
  });

  it('2203 records the medical type and the diagnoses, main first', async () => {
    const a = await send('2203', {
      mdtrtinfo: { mdtrt_id: mdtrtId, psn_no: 'P1', med_type: '11', begntime: '2025-03-10 09:30:00' },
      diseinfo: [
        { diag_code: 'I10', diag_srt_no: 2, maindiag_flag: '0' },
        { diag_code: 'J18.9', diag_srt_no: 1, maindiag_flag: '1' },
      ],
    });
    expect(a).toMatchObject({ infcode: 0, output: {} });
    const [visit] = await t.db.query('SELECT med_type, diseases FROM visit WHERE mdtrt_id = $1', [mdtrtId]);
    expect(visit).toEqual({ med_type: '11', diseases: ['J18.9', 'I10'] });
  });

  it('2204 uploads the fee lines and answers each line’s classification by the catalogue', async () => {
    const a = await send('2204', {
      feedetail: lines().map((l) => ({ ...l, mdtrt_id: mdtrtId, psn_no: 'P1' })),
    });
    expect(a.infcode).toBe(0);
    const zero = { fulamt_ownpay_amt: 0, overlmt_amt: 0, preselfpay_amt: 0 };
    expect((a.output as { result: unknown[] }).result).toEqual([
      {
        feedetl_sn: '1',
        med_list_codg: ITEMS.classA,
        det_item_fee_sumamt: 500,
        cnt: 2,
        pric: 250,
        pric_uplmt_amt: null,
        selfpay_prop: 0,
        ...zero,
        inscp_scp_amt: 500,
        chrgitm_lv: '01',
      },
      {
        feedetl_sn: '2',
        med_list_codg: ITEMS.classB,
        det_item_fee_sumamt: 300,
        cnt: 2,
        pric: 150,
        pric_uplmt_amt: null,
        selfpay_prop: 0.1,
        ...zero,
        preselfpay_amt: 30,
        inscp_scp_amt: 270,
        chrgitm_lv: '02',
      },
      {
        feedetl_sn: '3',
        med_list_codg: ITEMS.classC,
        det_item_fee_sumamt: 100,
        cnt: 1,
        pric: 100,
        pric_uplmt_amt: null,
        selfpay_prop: 0,
        ...zero,
        fulamt_ownpay_amt: 100,
        inscp_scp_amt: 0,
        chrgitm_lv: '03',
      },
      {
        feedetl_sn: '4',
        med_list_codg: ITEMS.capped,
        det_item_fee_sumamt: 120,
        cnt: 2,
        pric: 60,
        pric_uplmt_amt: 50,
        selfpay_prop: 0,
        ...zero,
        overlmt_amt: 20,
        inscp_scp_amt: 100,
        chrgitm_lv: '01',
      },
    ]);
  });

  it('2206 pre-settles the uploaded lines to the calculator’s amounts, writing nothing but its answer', async () => {
    const before = await writes(t.db);
    const a = await send('2206', settleData());
    expect(a.infcode).toBe(0);
    const out = a.output as Out;
    expect(out.setlinfo).toMatchObject({ ...expected, mdtrt_id: mdtrtId, psn_no: 'P1', insutype: '310' });
    expect(out.setlinfo).not.toHaveProperty('setl_id');
    // The same claim straight through the service: every amount its fen / 100.
    const direct = await preSettle(t.db, {
      key: 'direct',
      psnNo: 'P1',
      institution: 'H002',
      mdtrtId,
      medType: '11',
      date: WORLD.date,
      diseases: ['J18.9', 'I10'],
      useAccount: true,
      lines: lines().map((l) => ({
        code: l.med_list_codg,
        count: l.cnt,
        amount: Math.round(Number(l.det_item_fee_sumamt) * 100),
      })),
    });
    const s = direct.settlement;
    expect(out.setlinfo).toMatchObject({
      medfee_sumamt: s.medfeeSum / 100,
      inscp_scp_amt: s.inScope / 100,
      act_pay_dedc: s.deductible / 100,
      hifp_pay: s.poolPay / 100,
      acct_pay: s.accountPay / 100,
      psn_cash_pay: s.cashPay / 100,
      balc: s.balance / 100,
    });
    expect(await writes(t.db)).toEqual({ ...before, api_message: before.api_message! + 1 });
  });

  it('2207 settles the visit: settlement, ledger and account in one transaction; the visit records it', async () => {
    const msg = message('2207', settleData());
    const a = await call(server, h002, msg);
    expect(a.infcode).toBe(0);
    settledAnswer = a;
    const out = a.output as Out;
    expect(out.setlinfo).toMatchObject({ ...expected, mdtrt_id: mdtrtId, setl_time: '2025-03-10 10:00:00' });
    expect(out.setldetail).toEqual([
      { fund_pay_type: '310100', fund_pay_type_name: '职工基本医疗保险统筹基金', fund_payamt: 127.5 },
    ]);
    setlId = out.setlinfo!.setl_id as string;
    const [row] = await t.db.query(
      'SELECT medfee_sumamt, hifp_pay, acct_pay, mdtrt_id FROM settlement WHERE setl_id = $1',
      [setlId],
    );
    expect(row).toEqual({ medfee_sumamt: 1020_00, hifp_pay: 127_50, acct_pay: 892_50, mdtrt_id: mdtrtId });
    const [visit] = await t.db.query('SELECT setl_id FROM visit WHERE mdtrt_id = $1', [mdtrtId]);
    expect(visit).toEqual({ setl_id: setlId });
    expect((await checkLedger(t.db)).problems).toEqual([]);
    expect(await halfWritten(t.db)).toEqual([]);
    // The same message again: the first answer, nothing written.
    const before = await writes(t.db);
    expect(await call(server, h002, msg)).toEqual(settledAnswer);
    expect(await writes(t.db)).toEqual(before);
    // Another 2207 of the settled visit, or an upload to it, is refused.
    const twice = await send('2207', settleData());
    expect(twice).toMatchObject({ infcode: -1, err_code: 'VISIT_SETTLED', err_path: 'input.data.mdtrt_id' });
    const more = await send('2204', {
      feedetail: [{ ...lines()[0]!, feedetl_sn: '9', mdtrt_id: mdtrtId, psn_no: 'P1' }],
    });
    expect(more).toMatchObject({ infcode: -1, err_code: 'VISIT_SETTLED' });
  });

  it('5206 answers the person’s year totals: deductible used 700.00, pool paid 127.50', async () => {
    const a = await send('5206', { data: { psn_no: 'P1', cum_ym: '202503' } });
    expect(a.infcode).toBe(0);
    const rows = (
      a.output as { cuminfo: { nhsa_field: string | null; cum: number; insutype: string; year: string }[] }
    ).cuminfo;
    expect(rows.filter((r) => r.nhsa_field === 'act_pay_dedc').map((r) => r.cum)).toEqual([700]);
    expect(rows.filter((r) => r.nhsa_field === 'hifp_pay').map((r) => r.cum)).toEqual([127.5]);
    expect(rows.every((r) => r.insutype === '310' && r.year === '2025')).toBe(true);
  });

  it('5203 and 5204 answer the settlement and the lines as they were given', async () => {
    const s = await send('5203', { data: { psn_no: 'P1', setl_id: setlId } });
    const first = (settledAnswer.output as Out).setlinfo!;
    expect((s.output as Out).setlinfo).toEqual({ ...first, refd_setl_flag: '0' });
    expect((s.output as Out).setldetail).toEqual((settledAnswer.output as Out).setldetail);
    const f = await send('5204', { data: { psn_no: 'P1', mdtrt_id: mdtrtId } });
    const rows = (f.output as { feedetail: Record<string, unknown>[] }).feedetail;
    expect(rows.map((r) => [r.feedetl_sn, r.det_item_fee_sumamt, r.inscp_scp_amt, r.setl_id])).toEqual([
      ['1', 500, 500, setlId],
      ['2', 300, 270, setlId],
      ['3', 100, 0, setlId],
      ['4', 120, 100, setlId],
    ]);
  });

  it('2208 reverses it: totals, account and ledger restored exactly, the visit open again', async () => {
    const a = await send('2208', { data: { setl_id: setlId, mdtrt_id: mdtrtId, psn_no: 'P1' } });
    expect(a).toMatchObject({
      infcode: 0,
      output: { setlinfo: { setl_id: setlId, mdtrt_id: mdtrtId, psn_no: 'P1' } },
    });
    expect((await checkLedger(t.db)).problems).toEqual([]);
    expect(await halfWritten(t.db)).toEqual([]);
    expect(await totalsMismatches(t.db)).toEqual([]);
    const [visit] = await t.db.query('SELECT setl_id FROM visit WHERE mdtrt_id = $1', [mdtrtId]);
    expect(visit).toEqual({ setl_id: null });
    const cum = await send('5206', { data: { psn_no: 'P1', cum_ym: '202503' } });
    const rows = (cum.output as { cuminfo: { cum: number }[] }).cuminfo;
    expect(rows.every((r) => r.cum === 0)).toBe(true);
    const info = await send('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: certnoOf('P1') } });
    expect((info.output as { insuinfo: { balc: number }[] }).insuinfo[0]!.balc).toBe(3000);
    const q = await send('5203', { data: { psn_no: 'P1', setl_id: setlId } });
    expect((q.output as Out).setlinfo).toMatchObject({ refd_setl_flag: '1' });
    // The visit pre-settles exactly as before.
    const pre = await send('2206', settleData());
    expect((pre.output as Out).setlinfo).toMatchObject(expected);
  });
});
