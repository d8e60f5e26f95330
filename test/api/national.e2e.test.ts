/**
 * The national interface end to end: the real server on an ephemeral port, on the test database
 * (PGlite, or PostgreSQL with TEST_DATABASE_URL), signed requests, 9001 → 1101 → 2206 → 2207 →
 * 2208 → 9002, every amount checked against the settlement service and by hand, and the ledger
 * and the settlement tables checked afterwards.
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

describe('national interface', () => {
  let t: TestDatabase;
  let server: RunningServer;
  let h002: Credential;
  let signNo: string;

  beforeAll(async () => {
    t = await openTestDatabase(4);
    await seedApiWorld(t.db, ['P1', 'P2']);
    server = await startServer(t.db);
    h002 = await credentialFor(t.db, WORLD.hospital);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await t?.drop();
  });

  const send = (infno: string, input: unknown, extra: Record<string, unknown> = {}) =>
    call(server, h002, envelope(h002.institution, infno, input, { sign_no: signNo, ...extra }));

  // Sanming (seed 002): annual deductible 700; active employee at a level-2 hospital: 75 %.
  // 甲 500.00 in scope; 乙 300.00 with 10 % first self-paid: 30.00 pre-self-pay, 270.00 in scope;
  // 丙 100.00 own pay. In scope 770.00 − deductible 700.00 = 70.00 × 75 % = 52.50 from the pool.
  // The rest, 847.50, from the personal account (3,000.00), which keeps 2,152.50.
  const visit = {
    data: {
      psn_no: 'P1',
      mdtrt_id: 'V-P1-1',
      med_type: '11',
      medfee_sumamt: 900,
      acct_used_flag: '1',
      insutype: '310',
    },
    feedetail: [
      { feedetl_sn: '1', med_list_codg: ITEMS.classA, cnt: 1, det_item_fee_sumamt: 500 },
      { feedetl_sn: '2', med_list_codg: ITEMS.classB, cnt: 2, det_item_fee_sumamt: '300.00' },
      { feedetl_sn: '3', med_list_codg: ITEMS.classC, cnt: 1, det_item_fee_sumamt: 100.0 },
    ],
  };
  const expected = {
    medfee_sumamt: 900,
    fulamt_ownpay_amt: 100,
    overlmt_selfpay: 0,
    preselfpay_amt: 30,
    inscp_scp_amt: 770,
    act_pay_dedc: 700,
    hifp_pay: 52.5,
    pool_prop_selfpay: 0.75,
    hifob_pay: 0,
    hifmi_pay: 0,
    maf_pay: 0,
    fund_pay_sumamt: 52.5,
    psn_part_amt: 847.5,
    acct_pay: 847.5,
    psn_cash_pay: 0,
    balc: 2152.5,
  };
  let setlId: string;

  it('9001 signs in and answers a sign_no and the time', async () => {
    const a = await call(
      server,
      h002,
      envelope('H002', '9001', { signIn: { opter_no: 'OP01', mac: 'x', ip: '127.0.0.1' } }),
    );
    expect(a).toMatchObject({ infcode: 0, err_msg: null, refmsg_time: '20250310100000000' });
    const out = (a.output as Out).signinoutb!;
    expect(out.sign_time).toBe('2025-03-10 10:00:00');
    expect(out.sign_no).toMatch(/^20250310100000[0-9a-f]{12}$/);
    signNo = await signIn(server, h002);
    expect(signNo).not.toBe(out.sign_no);
  });

  it('1101 answers the person and each enrolment, the ID number in full to the institution and masked in the logs', async () => {
    const a = await send('1101', {
      data: { mdtrt_cert_type: '02', mdtrt_cert_no: certnoOf('P1'), psn_name: '参保人P1' },
    });
    expect(a.infcode).toBe(0);
    expect(a.output).toEqual({
      baseinfo: {
        psn_no: 'P1',
        psn_cert_type: '01',
        certno: certnoOf('P1'),
        psn_name: '参保人P1',
        gend: '1',
        brdy: '1980-05-01',
        age: 44,
      },
      insuinfo: [
        {
          insutype: '310',
          psn_type: '1101',
          balc: 3000,
          psn_insu_stas: '1',
          psn_insu_date: '2020-01-01',
          paus_insu_date: null,
          insuplc_admdvs: '350400',
        },
      ],
      idetinfo: [],
    });
    const logs = server.logs.join('\n');
    expect(logs).not.toContain(certnoOf('P1'));
    for (const line of server.logs.slice(1)) expect(JSON.parse(line)).toHaveProperty('reqId');
  });

  it('1101 refuses an unknown ID number and a name that does not match, masking the number', async () => {
    const unknown = await send('1101', {
      data: { mdtrt_cert_type: '02', mdtrt_cert_no: '11010519491231002X' },
    });
    expect(unknown).toMatchObject({
      infcode: -1,
      err_msg: 'NOT_FOUND at input.data.mdtrt_cert_no: no insured person with ID number 110105********002X',
    });
    const name = await send('1101', {
      data: { mdtrt_cert_type: '02', mdtrt_cert_no: certnoOf('P1'), psn_name: '别人' },
    });
    expect(name).toMatchObject({ infcode: -1, err_code: 'INVALID_INPUT', err_path: 'input.data.psn_name' });
  });

  it('2206 pre-settles to the calculator’s amounts and writes nothing but its answer', async () => {
    const before = await writes(t.db);
    const a = await send('2206', visit);
    expect(a.infcode).toBe(0);
    const out = a.output as Out;
    expect(out.setlinfo).toMatchObject({ ...expected, mdtrt_id: 'V-P1-1', psn_no: 'P1', insutype: '310' });
    expect(out.setlinfo).not.toHaveProperty('setl_id');
    expect(out.setldetail).toEqual([
      { fund_pay_type: '310100', fund_pay_type_name: '职工基本医疗保险统筹基金', fund_payamt: 52.5 },
    ]);
    // The same claim straight through the service: every amount its fen / 100.
    const direct = await preSettle(t.db, {
      key: 'direct',
      psnNo: 'P1',
      institution: 'H002',
      mdtrtId: 'V-P1-1',
      medType: '11',
      date: WORLD.date,
      useAccount: true,
      lines: [
        { code: ITEMS.classA, count: 1, amount: 500_00 },
        { code: ITEMS.classB, count: 2, amount: 300_00 },
        { code: ITEMS.classC, count: 1, amount: 100_00 },
      ],
    });
    const s = direct.settlement;
    expect(out.setlinfo).toMatchObject({
      hifp_pay: s.poolPay / 100,
      acct_pay: s.accountPay / 100,
      balc: s.balance / 100,
    });
    expect(await writes(t.db)).toEqual({ ...before, api_message: before.api_message! + 1 });
  });

  it('2207 settles the same amounts in one transaction: the settlement, the ledger, the account', async () => {
    const before = await writes(t.db);
    const message = envelope(h002.institution, '2207', visit, { sign_no: signNo });
    const a = await call(server, h002, message);
    expect(a.infcode).toBe(0);
    // The answer was kept as the msgid's first in the settlement's own statement: the same one,
    // and a copy of the message is answered with it, settling nothing more.
    const [kept] = await t.db.query<{ answer: unknown }>(
      'SELECT answer FROM api_message WHERE institution_code = $1 AND msgid = $2',
      [h002.institution, message.msgid],
    );
    expect(kept!.answer).toEqual(a);
    expect(await call(server, h002, message)).toEqual(a);
    const out = a.output as Out;
    expect(out.setlinfo).toMatchObject({ ...expected, setl_time: '2025-03-10 10:00:00' });
    setlId = out.setlinfo!.setl_id as string;
    expect(setlId).toMatch(/^20250310[0-9a-f]{16}$/);
    const [row] = await t.db.query<Record<string, unknown>>(
      'SELECT institution_code, setl_date, medfee_sumamt, hifp_pay, acct_pay, psn_cash_pay FROM settlement WHERE setl_id = $1',
      [setlId],
    );
    expect(row).toEqual({
      institution_code: 'H002',
      setl_date: '2025-03-10',
      medfee_sumamt: 900_00,
      hifp_pay: 52_50,
      acct_pay: 847_50,
      psn_cash_pay: 0,
    });
    const after = await writes(t.db);
    expect(after.api_message).toBe(before.api_message! + 1);
    expect(after.settlement).toBe(before.settlement! + 1);
    expect(after.settlement_line).toBe(before.settlement_line! + 3);
    expect(after.journal).toBe(before.journal! + 1);
    expect((await checkLedger(t.db)).problems).toEqual([]);
    expect(await halfWritten(t.db)).toEqual([]);
    const info = await send('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: certnoOf('P1') } });
    expect((info.output as { insuinfo: { balc: number }[] }).insuinfo[0]!.balc).toBe(2152.5);
  });

  it('2208 reverses it once: totals, account and ledger restored exactly', async () => {
    const a = await send('2208', { data: { setl_id: setlId, mdtrt_id: 'V-P1-1', psn_no: 'P1' } });
    expect(a).toMatchObject({
      infcode: 0,
      output: { setlinfo: { setl_id: setlId, psn_no: 'P1', mdtrt_id: 'V-P1-1' } },
    });
    const again = await send('2208', { data: { setl_id: setlId, mdtrt_id: 'V-P1-1', psn_no: 'P1' } });
    expect(again).toMatchObject({
      infcode: -1,
      err_code: 'ALREADY_REVERSED',
      err_path: 'input.data.setl_id',
    });
    expect((await checkLedger(t.db)).problems).toEqual([]);
    expect(await halfWritten(t.db)).toEqual([]);
    expect(await totalsMismatches(t.db)).toEqual([]);
    // The deductible is whole again and the account back at 3,000.00: the visit pre-settles as before.
    const pre = await send('2206', visit);
    expect((pre.output as Out).setlinfo).toMatchObject(expected);
  });

  it('refuses a business error with the code and the message’s own field path, writing nothing', async () => {
    const before = await writes(t.db);
    const lines = [...visit.feedetail, { med_list_codg: 'NO-SUCH', cnt: 1, det_item_fee_sumamt: 1 }];
    const a = await send('2207', { ...visit, data: { ...visit.data, medfee_sumamt: 901 }, feedetail: lines });
    expect(a).toMatchObject({
      infcode: -1,
      err_code: 'UNKNOWN_CATALOGUE_CODE',
      err_path: 'input.feedetail[3].med_list_codg',
      output: null,
    });
    expect(a.err_msg).toMatch(
      /^UNKNOWN_CATALOGUE_CODE at input\.feedetail\[3\]\.med_list_codg: catalogue code NO-SUCH is not/,
    );
    const wrongSum = await send('2207', { ...visit, data: { ...visit.data, medfee_sumamt: 899.99 } });
    expect(wrongSum.err_msg).toBe(
      'INVALID_INPUT at input.data.medfee_sumamt: is 899.99 but the fee lines add up to 900.00',
    );
    const nobody = await send('2207', { ...visit, data: { ...visit.data, psn_no: 'NOBODY' } });
    expect(nobody).toMatchObject({ err_code: 'NOT_FOUND', err_path: 'input.data.psn_no' });
    expect(await writes(t.db)).toEqual(before);
  });

  it('9002 signs out; the sign_no then opens nothing', async () => {
    const out = await send('9002', { signOut: { sign_no: signNo, opter_no: 'OP01' } });
    expect(out).toMatchObject({ infcode: 0, output: { signoutoutb: { sign_time: '2025-03-10 10:00:00' } } });
    const after = await send('2206', visit);
    expect(after).toMatchObject({ infcode: -1, err_code: 'FORBIDDEN', err_path: 'sign_no' });
    const twice = await send('9002', { signOut: { sign_no: signNo, opter_no: 'OP01' } });
    expect(twice).toMatchObject({ infcode: -1, err_code: 'NOT_FOUND' });
  });
});
