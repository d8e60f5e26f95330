/**
 * The visit's cancellations (2202, 2205, 2302, 2404/2405 are in national-inpatient), correction by
 * omsgid (2601), reconciliation (3201, 3202), the queries (5203, 5204) and another institution's
 * visit refused with nothing written, on the real server (PGlite, or PostgreSQL with TEST_DATABASE_URL).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLedger } from '../../src/fund/ledger/check.js';
import { openTestDatabase, type TestDatabase } from '../support/db.js';
import { halfWritten, totalsMismatches } from '../support/integrity.js';
import { ITEMS } from '../support/world.js';
import {
  call,
  credentialFor,
  envelope,
  seedApiWorld,
  signIn,
  startServer,
  writes,
  type Credential,
  type RunningServer,
} from './support.js';

type Msg = Record<string, unknown>;
type Out = Record<string, Record<string, unknown>>;

describe('national interface: cancellations, correction, reconciliation, queries', () => {
  let t: TestDatabase;
  let server: RunningServer;
  const creds: Record<string, Credential> = {};
  const signNos: Record<string, string> = {};
  let settledVisit: string;
  let settledId: string;
  let otherId: string;

  beforeAll(async () => {
    t = await openTestDatabase(4);
    await seedApiWorld(t.db, ['P1', 'P2', 'P3']);
    server = await startServer(t.db);
    for (const h of ['H002', 'H001']) {
      creds[h] = await credentialFor(t.db, h);
      signNos[h] = await signIn(server, creds[h]);
    }
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await t?.drop();
  });

  const message = (infno: string, input: unknown, h = 'H002'): Msg =>
    envelope(h, infno, input, { sign_no: signNos[h] });
  const send = (infno: string, input: unknown, h = 'H002') =>
    call(server, creds[h]!, message(infno, input, h));
  const line = (sn: string, code: string, yuan: number) => ({
    feedetl_sn: sn,
    med_list_codg: code,
    cnt: 1,
    det_item_fee_sumamt: yuan,
  });

  async function register(psnNo: string): Promise<string> {
    const a = await send('2201', {
      data: { psn_no: psnNo, insutype: '310', begntime: '2025-03-10 09:00:00', ipt_otp_no: `MZ-${psnNo}` },
    });
    return (a.output as Out).data!.mdtrt_id as string;
  }
  async function upload(mdtrtId: string, psnNo: string, lines: ReturnType<typeof line>[], infno = '2204') {
    const msg = message(infno, { feedetail: lines.map((l) => ({ ...l, mdtrt_id: mdtrtId, psn_no: psnNo })) });
    const a = await call(server, creds.H002!, msg);
    expect(a.infcode).toBe(0);
    return msg;
  }
  const settleInput = (mdtrtId: string, psnNo: string, yuan: number) => ({
    data: { psn_no: psnNo, mdtrt_id: mdtrtId, med_type: '11', medfee_sumamt: yuan, acct_used_flag: '1' },
  });
  const sns = async (mdtrtId: string, psnNo: string) => {
    const a = await send('5204', { data: { psn_no: psnNo, mdtrt_id: mdtrtId } });
    return (a.output as { feedetail: { feedetl_sn: string }[] }).feedetail.map((f) => f.feedetl_sn);
  };
  const visitRows = async () =>
    (
      await t.db.query<{ v: number; f: number; live: number }>(
        `SELECT (SELECT count(*) FROM visit)::int AS v, (SELECT count(*) FROM visit_fee)::int AS f,
              (SELECT count(*) FROM visit_fee WHERE cancelled_at IS NULL)::int AS live`,
      )
    )[0]!;

  it('2205 cancels one line by feedetl_sn, then all; 2202 cancels the registration', async () => {
    const v = await register('P1');
    await upload(v, 'P1', [line('1', ITEMS.classA, 100), line('2', ITEMS.classC, 50)]);
    const one = await send('2205', { data: { mdtrt_id: v, psn_no: 'P1', feedetl_sn: '1' } });
    expect(one).toMatchObject({ infcode: 0, output: { result: [{ feedetl_sn: '1' }] } });
    expect(await sns(v, 'P1')).toEqual(['2']);
    await upload(v, 'P1', [line('1', ITEMS.classA, 80)]); // the cancelled sn may be sent again
    expect(await sns(v, 'P1')).toEqual(['2', '1']);
    const all = await send('2205', { data: { mdtrt_id: v, psn_no: 'P1', chrg_bchno: '0000' } });
    expect(all).toMatchObject({ infcode: 0, output: { result: [{ feedetl_sn: '1' }, { feedetl_sn: '2' }] } });
    const none = await send('2205', { data: { mdtrt_id: v, psn_no: 'P1' } });
    expect(none).toMatchObject({ infcode: -1, err_code: 'NOT_FOUND' });
    const empty = await send('2206', settleInput(v, 'P1', 100));
    expect(empty.err_msg).toContain('has no fee lines: upload them with 2204');
    expect(await send('2202', { data: { mdtrt_id: v, psn_no: 'P1' } })).toMatchObject({
      infcode: 0,
      output: {},
    });
    const after = await send('2203', { mdtrtinfo: { mdtrt_id: v, psn_no: 'P1', med_type: '11' } });
    expect(after).toMatchObject({
      infcode: -1,
      err_code: 'INVALID_INPUT',
      err_msg: `INVALID_INPUT at input.mdtrtinfo.mdtrt_id: visit ${v} was cancelled`,
    });
  });

  it('2202 is refused while a settlement of the visit is in force, writing nothing', async () => {
    settledVisit = await register('P2');
    await upload(settledVisit, 'P2', [line('1', ITEMS.classA, 1000)]);
    // 1,000.00 in scope − 700.00 deductible = 300.00 × 75 % = 225.00 pool; 775.00 from the account.
    const s = await send('2207', settleInput(settledVisit, 'P2', 1000));
    expect((s.output as Out).setlinfo).toMatchObject({ hifp_pay: 225, acct_pay: 775, medfee_sumamt: 1000 });
    settledId = (s.output as Out).setlinfo!.setl_id as string;
    const before = { ...(await writes(t.db)), ...(await visitRows()) };
    const a = await send('2202', { data: { mdtrt_id: settledVisit, psn_no: 'P2' } });
    expect(a).toMatchObject({ infcode: -1, err_code: 'VISIT_SETTLED', err_path: 'input.data.mdtrt_id' });
    expect({ ...(await writes(t.db)), ...(await visitRows()) }).toEqual(before);
  });

  it('another institution’s visit is refused (FORBIDDEN) and nothing is written', async () => {
    const before = { ...(await writes(t.db)), ...(await visitRows()) };
    const v = settledVisit;
    const tries: [string, unknown][] = [
      ['2203', { mdtrtinfo: { mdtrt_id: v, psn_no: 'P2', med_type: '11' } }],
      ['2204', { feedetail: [{ ...line('9', ITEMS.classA, 1), mdtrt_id: v, psn_no: 'P2' }] }],
      ['2205', { data: { mdtrt_id: v, psn_no: 'P2' } }],
      ['2206', settleInput(v, 'P2', 1000)],
      ['2207', settleInput(v, 'P2', 1000)],
      ['2202', { data: { mdtrt_id: v, psn_no: 'P2' } }],
      ['5204', { data: { mdtrt_id: v, psn_no: 'P2' } }],
    ];
    for (const [infno, input] of tries) {
      const a = await send(infno, input, 'H001');
      expect(a, infno).toMatchObject({ infcode: -1, err_code: 'FORBIDDEN' });
      expect(a.err_msg, infno).toContain(`visit ${v} belongs to another institution`);
    }
    const rev = await send('2208', { data: { setl_id: settledId, mdtrt_id: v, psn_no: 'P2' } }, 'H001');
    expect(rev).toMatchObject({ infcode: -1, err_code: 'NOT_FOUND' });
    const q = await send('5203', { data: { setl_id: settledId, psn_no: 'P2' } }, 'H001');
    expect(q).toMatchObject({ infcode: -1, err_code: 'NOT_FOUND' });
    expect({ ...(await writes(t.db)), ...(await visitRows()) }).toEqual(before);
  });

  it('2302 cancels an inpatient fee line, then the rest', async () => {
    const adm = await send('2401', {
      mdtrtinfo: {
        psn_no: 'P3',
        insutype: '310',
        med_type: '21',
        ipt_no: 'ZY9',
        begntime: '2025-03-08 08:00:00',
      },
    });
    const v = (adm.output as Out).result!.mdtrt_id as string;
    await upload(v, 'P3', [line('A', ITEMS.classA, 10), line('B', ITEMS.classB, 20)], '2301');
    expect(await send('2302', { data: { mdtrt_id: v, psn_no: 'P3', feedetl_sn: 'B' } })).toMatchObject({
      infcode: 0,
      output: { result: [{ feedetl_sn: 'B' }] },
    });
    expect(await sns(v, 'P3')).toEqual(['A']);
    expect(await send('2302', { data: { mdtrt_id: v, psn_no: 'P3', feedetl_sn: '0000' } })).toMatchObject({
      infcode: 0,
      output: { result: [{ feedetl_sn: 'A' }] },
    });
    expect(await sns(v, 'P3')).toEqual([]);
    const wrong = await send('2205', { data: { mdtrt_id: v, psn_no: 'P3' } });
    expect(wrong.err_msg).toContain('is not an outpatient visit');
  });

  it('2601 undoes an upload and a settlement by omsgid, once; refuses other transactions', async () => {
    const v = await register('P1');
    const up = await upload(v, 'P1', [line('a', ITEMS.classA, 200)]);
    const c1 = await send('2601', { data: { psn_no: 'P1', omsgid: up.msgid, oinfno: '2204' } });
    expect(c1).toMatchObject({ infcode: 0, output: { omsgid: up.msgid, oinfno: '2204', feedetl_sn: ['a'] } });
    expect(await sns(v, 'P1')).toEqual([]);
    const c2 = await send('2601', { data: { psn_no: 'P1', omsgid: up.msgid } });
    expect(c2).toMatchObject({ infcode: 0, output: { feedetl_sn: [] } });

    await upload(v, 'P1', [line('b', ITEMS.classA, 1000)]);
    const settleMsg = message('2207', settleInput(v, 'P1', 1000));
    const s = await call(server, creds.H002!, settleMsg);
    const setlId = (s.output as Out).setlinfo!.setl_id as string;
    const c3 = await send('2601', { data: { psn_no: 'P1', omsgid: settleMsg.msgid } });
    expect(c3).toMatchObject({ infcode: 0, output: { oinfno: '2207', setl_id: setlId } });
    expect((await t.db.query('SELECT setl_id FROM visit WHERE mdtrt_id = $1', [v]))[0]).toEqual({
      setl_id: null,
    });
    expect(
      await t.db.query('SELECT setl_id FROM settlement_reversal WHERE setl_id = $1', [setlId]),
    ).toHaveLength(1);
    expect((await checkLedger(t.db)).problems).toEqual([]);
    expect(await halfWritten(t.db)).toEqual([]);
    expect(await totalsMismatches(t.db)).toEqual([]);
    const before = await writes(t.db);
    const c4 = await send('2601', { data: { psn_no: 'P1', omsgid: settleMsg.msgid } });
    expect(c4).toMatchObject({ infcode: 0, output: { setl_id: setlId } });
    const after = await writes(t.db);
    expect({ ...after, api_message: 0, idempotency: 0 }).toEqual({
      ...before,
      api_message: 0,
      idempotency: 0,
    });

    const reg = message('2201', {
      data: { psn_no: 'P1', insutype: '310', begntime: '2025-03-10 09:00:00', ipt_otp_no: 'X' },
    });
    await call(server, creds.H002!, reg);
    const refused = await send('2601', { data: { psn_no: 'P1', omsgid: reg.msgid } });
    expect(refused).toMatchObject({ infcode: -1, err_code: 'INVALID_INPUT', err_path: 'input.data.omsgid' });
    expect(refused.err_msg).toContain(
      '2601 corrects only settlements (2207, 2304) and fee uploads (2204, 2301)',
    );
    const unknown = await send('2601', { data: { psn_no: 'P1', omsgid: 'NO-SUCH-MSG' } });
    expect(unknown).toMatchObject({ infcode: -1, err_code: 'NOT_FOUND', err_path: 'input.data.omsgid' });
  });

  const period = { insutype: '310', clr_type: '11', stmt_begndate: '2025-03-01', stmt_enddate: '2025-03-31' };

  it('3201 agrees when the totals are the same, and names each difference when not', async () => {
    // In force: P2's settlement only (1,000.00, fund 225.00, account 775.00); P1's was corrected.
    const agree = await send('3201', {
      data: {
        ...period,
        medfee_sumamt: 1000,
        fund_pay_sumamt: '225.00',
        acct_pay: 775,
        fixmedins_setl_cnt: 1,
      },
    });
    expect(agree.output).toEqual({
      stmtinfo: { setl_optins: null, stmt_rslt: '0', stmt_rslt_dscr: '对账一致 the totals agree' },
      diffs: [],
    });
    const differ = await send('3201', {
      data: { ...period, medfee_sumamt: 1000, fund_pay_sumamt: 230, acct_pay: 775, fixmedins_setl_cnt: 2 },
    });
    expect(differ.output).toEqual({
      stmtinfo: {
        setl_optins: null,
        stmt_rslt: '1',
        stmt_rslt_dscr:
          '基金支付总额 fund payments: institution 230.00, Tongchou 225.00; 结算笔数 settlements: institution 2, Tongchou 1',
      },
      diffs: [
        { field: 'fund_pay_sumamt', fixmedins: 230, center: 225 },
        { field: 'fixmedins_setl_cnt', fixmedins: 2, center: 1 },
      ],
    });
  });

  it('3202 names the settlements missing on either side and those that differ', async () => {
    const v = await register('P3');
    await upload(v, 'P3', [line('1', ITEMS.classA, 100)]);
    const s = await send('2207', settleInput(v, 'P3', 100));
    otherId = (s.output as Out).setlinfo!.setl_id as string;
    const all = [
      { setl_id: settledId, psn_no: 'P2', medfee_sumamt: 1000, fund_pay_sumamt: 225, acct_pay: 775 },
      { setl_id: otherId, psn_no: 'P3', medfee_sumamt: 100, fund_pay_sumamt: 0, acct_pay: 100 },
    ];
    const agree = await send('3202', { data: period, detail: all });
    expect(agree.output).toEqual({ stmtinfo: { setl_optins: null, stmt_rslt: '0', dif_cnt: 0 }, detail: [] });
    const differ = await send('3202', {
      data: period,
      detail: [
        { ...all[0]!, acct_pay: 700 },
        { setl_id: 'X1', psn_no: 'P9', medfee_sumamt: 5, fund_pay_sumamt: 0, acct_pay: 0 },
      ],
    });
    expect(differ.output).toEqual({
      stmtinfo: { setl_optins: null, stmt_rslt: '1', dif_cnt: 3 },
      detail: [
        {
          setl_id: settledId,
          psn_no: 'P2',
          stmt_rslt: '1',
          dif_type: 'amount_differs',
          stmt_rslt_dscr: 'acct_pay: institution 700.00, Tongchou 775.00',
        },
        {
          setl_id: 'X1',
          psn_no: 'P9',
          stmt_rslt: '1',
          dif_type: 'center_missing',
          stmt_rslt_dscr: 'Tongchou has no such settlement in force in the period',
        },
        {
          setl_id: otherId,
          psn_no: 'P3',
          stmt_rslt: '1',
          dif_type: 'fixmedins_missing',
          stmt_rslt_dscr: 'the institution did not list this settlement (medfee_sumamt 100.00)',
        },
      ],
    });
  });

  it('5203 answers a settlement with its funds; 5204 the visit’s live lines with their classification', async () => {
    const a = await send('5203', { data: { psn_no: 'P2', setl_id: settledId, mdtrt_id: settledVisit } });
    expect(a.output).toMatchObject({
      setlinfo: {
        setl_id: settledId,
        mdtrt_id: settledVisit,
        medfee_sumamt: 1000,
        hifp_pay: 225,
        acct_pay: 775,
        balc: 2225,
        refd_setl_flag: '0',
      },
      setldetail: [{ fund_pay_type: '310100', fund_payamt: 225 }],
    });
    const wrongVisit = await send('5203', { data: { psn_no: 'P2', setl_id: settledId, mdtrt_id: 'OTHER' } });
    expect(wrongVisit).toMatchObject({ infcode: -1, err_code: 'NOT_FOUND' });
    const f = await send('5204', { data: { psn_no: 'P2', mdtrt_id: settledVisit } });
    expect(f.output).toEqual({
      feedetail: [
        {
          mdtrt_id: settledVisit,
          setl_id: settledId,
          feedetl_sn: '1',
          med_list_codg: ITEMS.classA,
          det_item_fee_sumamt: 1000,
          cnt: 1,
          pric: null,
          pric_uplmt_amt: null,
          selfpay_prop: 0,
          fulamt_ownpay_amt: 0,
          overlmt_amt: 0,
          preselfpay_amt: 0,
          inscp_scp_amt: 1000,
          chrgitm_lv: '01',
        },
      ],
    });
  });

  it('2204 refuses a line whose amount is not pric × cnt, a feedetl_sn twice, an unknown code, writing nothing', async () => {
    const v = await register('P3');
    await upload(v, 'P3', [line('1', ITEMS.classA, 10)]);
    const before = { ...(await writes(t.db)), ...(await visitRows()) };
    const at = (l: Record<string, unknown>) => ({ ...l, mdtrt_id: v, psn_no: 'P3' });
    const product = await send('2204', {
      feedetail: [at({ ...line('2', ITEMS.classA, 10.01), cnt: 3, pric: 3.33 })],
    });
    expect(product.err_msg).toBe(
      'INVALID_INPUT at input.feedetail[0].det_item_fee_sumamt: is 10.01 but pric × cnt is 9.99',
    );
    const again = await send('2204', {
      feedetail: [at(line('2', ITEMS.classA, 1)), at(line('1', ITEMS.classA, 1))],
    });
    expect(again).toMatchObject({ err_code: 'ALREADY_EXISTS', err_path: 'input.feedetail[1].feedetl_sn' });
    const twice = await send('2204', {
      feedetail: [at(line('2', ITEMS.classA, 1)), at(line('2', ITEMS.classA, 1))],
    });
    expect(twice).toMatchObject({ err_code: 'ALREADY_EXISTS', err_path: 'input.feedetail[1].feedetl_sn' });
    const unknown = await send('2204', {
      feedetail: [at(line('2', ITEMS.classA, 1)), at(line('3', 'NO-SUCH', 1))],
    });
    expect(unknown).toMatchObject({
      err_code: 'UNKNOWN_CATALOGUE_CODE',
      err_path: 'input.feedetail[1].med_list_codg',
    });
    const money = await send('2204', { feedetail: [at(line('2', ITEMS.classA, 12.345))] });
    expect(money).toMatchObject({
      err_code: 'INVALID_INPUT',
      err_path: 'input.feedetail[0].det_item_fee_sumamt',
    });
    expect({ ...(await writes(t.db)), ...(await visitRows()) }).toEqual(before);
  });

  it('two 2207 of one visit sent at once settle it once; the other is refused', async () => {
    const v = await register('P3');
    await upload(v, 'P3', [line('1', ITEMS.classA, 300)]);
    const answers = await Promise.all([1, 2].map(() => send('2207', settleInput(v, 'P3', 300))));
    expect(answers.map((a) => a.infcode).sort()).toEqual([-1, 0]);
    expect(answers.find((a) => a.infcode === -1)).toMatchObject({ err_code: 'VISIT_SETTLED' });
    const rows = await t.db.query('SELECT setl_id FROM settlement WHERE mdtrt_id = $1', [v]);
    expect(rows).toHaveLength(1);
    expect((await checkLedger(t.db)).problems).toEqual([]);
    expect(await halfWritten(t.db)).toEqual([]);
    expect(await totalsMismatches(t.db)).toEqual([]);
  });
});
