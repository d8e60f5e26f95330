/**
 * A whole admission as an HIS drives it, on the real server (PGlite, or PostgreSQL with
 * TEST_DATABASE_URL): 2401 → 2301 → 2303 → 2402 → 2304 → 2305, for a resident under Shanxi's
 * provincial pack (seed 003), every amount checked by hand and against the settlement service, and
 * the ledger and totals afterwards.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLedger } from '../../src/fund/ledger/check.js';
import { shippedPacks } from '../../src/policy/load.js';
import { assignPack, storePack } from '../../src/registry/packs.js';
import { preSettle } from '../../src/settlement/online/service.js';
import { openTestDatabase, type TestDatabase } from '../support/db.js';
import { halfWritten, totalsMismatches } from '../support/integrity.js';
import { ITEMS, WORLD } from '../support/world.js';
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

type Out = Record<string, Record<string, unknown>>;

/** A resident of the city under shanxi-resident-2025 (governing scheme 390 there from 2025-01-01). */
async function addResident(db: TestDatabase['db'], psnNo: string): Promise<void> {
  const text = readFileSync(shippedPacks().get('shanxi-resident-2025')!, 'utf8');
  await db.transaction(async (tx) => {
    const pack = await storePack(tx, text, 'shanxi-resident-2025');
    await assignPack(tx, { area: WORLD.city, scheme: '390', beginDate: '2025-01-01', packHash: pack.hash });
  });
  await db.query(
    `INSERT INTO person (psn_no, certno, name, gender, birthday, area_code) VALUES ($1, '350402199001010013', '居民R1', '2', '1990-01-01', $2)`,
    [psnNo, WORLD.city],
  );
  await db.query(
    `INSERT INTO enrolment (psn_no, scheme, begin_date, status, person_type, area_code) VALUES ($1, '390', '2025-01-01', 'active', 'resident', $2)`,
    [psnNo, WORLD.city],
  );
}

describe('national interface: a whole admission', () => {
  let t: TestDatabase;
  let server: RunningServer;
  let h002: Credential;
  let signNo: string;
  let mdtrtId: string;
  let setlId: string;

  beforeAll(async () => {
    t = await openTestDatabase(4);
    await seedApiWorld(t.db, []);
    await addResident(t.db, 'R1');
    server = await startServer(t.db);
    h002 = await credentialFor(t.db, WORLD.hospital);
    signNo = await signIn(server, h002);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await t?.drop();
  });

  const send = (infno: string, input: unknown) =>
    call(server, h002, envelope('H002', infno, input, { sign_no: signNo }));

  // Shanxi (seed 003), resident inpatient care at a 2-city price-class hospital: deductible 500.00
  // per admission, then 70 %. 甲 2 × 2,500.00 = 5,000.00 in scope; 乙 3,000.00 with 10 % first
  // self-paid: 300.00 and 2,700.00 in scope; 丙 1,000.00 own pay; the capped service 4 × 60.00 =
  // 240.00 against 4 × 50.00: 40.00 over, 200.00 in scope. In scope 7,900.00 − 500.00 = 7,400.00
  // × 70 % = 5,180.00 from the pool; the resident pays 9,240.00 − 5,180.00 = 4,060.00 in cash.
  const lines = () =>
    [
      { feedetl_sn: 'Z1', med_list_codg: ITEMS.classA, cnt: 2, pric: 2500, det_item_fee_sumamt: 5000 },
      { feedetl_sn: 'Z2', med_list_codg: ITEMS.classB, cnt: 1, det_item_fee_sumamt: 3000 },
      { feedetl_sn: 'Z3', med_list_codg: ITEMS.classC, cnt: 1, det_item_fee_sumamt: 1000 },
      { feedetl_sn: 'Z4', med_list_codg: ITEMS.capped, cnt: 4, pric: 60, det_item_fee_sumamt: 240 },
    ].map((l) => ({ ...l, mdtrt_id: mdtrtId, psn_no: 'R1', fee_ocur_time: '2025-03-05 08:00:00' }));
  const expected = {
    medfee_sumamt: 9240,
    fulamt_ownpay_amt: 1000,
    overlmt_selfpay: 40,
    preselfpay_amt: 300,
    inscp_scp_amt: 7900,
    act_pay_dedc: 500,
    hifp_pay: 5180,
    pool_prop_selfpay: 0.7,
    hifob_pay: 0,
    hifmi_pay: 0,
    maf_pay: 0,
    fund_pay_sumamt: 5180,
    psn_part_amt: 4060,
    acct_pay: 0,
    psn_cash_pay: 4060,
  };
  const settleData = () => ({
    data: { psn_no: 'R1', mdtrt_id: mdtrtId, medfee_sumamt: 9240, insutype: '390' },
  });

  it('2401 admits the resident and answers the mdtrt_id', async () => {
    const a = await send('2401', {
      mdtrtinfo: {
        psn_no: 'R1',
        insutype: '390',
        med_type: '21',
        ipt_no: 'ZY0001',
        begntime: '2025-03-05 08:00:00',
      },
      diseinfo: [{ diag_code: 'K35.8', maindiag_flag: '1' }],
    });
    expect(a.infcode).toBe(0);
    const result = (a.output as Out).result!;
    mdtrtId = result.mdtrt_id as string;
    expect(result).toEqual({ mdtrt_id: mdtrtId, psn_no: 'R1', ipt_otp_no: 'ZY0001' });
  });

  it('2301 uploads the inpatient fees with each line’s classification', async () => {
    const a = await send('2301', { feedetail: lines() });
    expect(a.infcode).toBe(0);
    const rows = (a.output as { result: Record<string, unknown>[] }).result;
    expect(
      rows.map((r) => [
        r.feedetl_sn,
        r.chrgitm_lv,
        r.fulamt_ownpay_amt,
        r.overlmt_amt,
        r.preselfpay_amt,
        r.inscp_scp_amt,
      ]),
    ).toEqual([
      ['Z1', '01', 0, 0, 0, 5000],
      ['Z2', '02', 0, 0, 300, 2700],
      ['Z3', '03', 1000, 0, 0, 0],
      ['Z4', '01', 0, 40, 0, 200],
    ]);
    // An outpatient upload to an admission is refused.
    const wrong = await send('2204', { feedetail: [{ ...lines()[0]!, feedetl_sn: 'Z9' }] });
    expect(wrong).toMatchObject({
      infcode: -1,
      err_code: 'INVALID_INPUT',
      err_path: 'input.feedetail[0].mdtrt_id',
    });
  });

  it('2303 pre-settles to the calculator’s amounts; 2304 waits for the discharge', async () => {
    const before = await writes(t.db);
    const a = await send('2303', settleData());
    expect(a.infcode).toBe(0);
    const out = a.output as Out;
    expect(out.setlinfo).toMatchObject({ ...expected, mdtrt_id: mdtrtId, insutype: '390', balc: 0 });
    const direct = await preSettle(t.db, {
      key: 'direct',
      psnNo: 'R1',
      institution: 'H002',
      mdtrtId,
      medType: '21',
      date: WORLD.date,
      diseases: ['K35.8'],
      lines: lines().map((l) => ({
        code: l.med_list_codg,
        count: l.cnt,
        amount: l.det_item_fee_sumamt * 100,
      })),
    });
    expect(out.setlinfo).toMatchObject({
      hifp_pay: direct.settlement.poolPay / 100,
      act_pay_dedc: direct.settlement.deductible / 100,
      psn_cash_pay: direct.settlement.cashPay / 100,
    });
    expect(await writes(t.db)).toEqual({ ...before, api_message: before.api_message! + 1 });
    const early = await send('2304', settleData());
    expect(early).toMatchObject({ infcode: -1, err_code: 'INVALID_INPUT', err_path: 'input.data.mdtrt_id' });
    expect(early.err_msg).toContain('discharge it with 2402 first');
  });

  it('2402 discharges, 2304 settles: the settlement, the ledger, the admission counted', async () => {
    const d = await send('2402', {
      dscginfo: {
        mdtrt_id: mdtrtId,
        psn_no: 'R1',
        insutype: '390',
        endtime: '2025-03-10 09:00:00',
        dscg_way: '1',
      },
      diseinfo: [{ diag_code: 'K35.8', maindiag_flag: '1' }],
    });
    expect(d).toMatchObject({ infcode: 0, output: {} });
    const a = await send('2304', settleData());
    expect(a.infcode).toBe(0);
    const out = a.output as Out;
    expect(out.setlinfo).toMatchObject({ ...expected, mdtrt_id: mdtrtId, setl_time: '2025-03-10 10:00:00' });
    expect(out.setldetail).toEqual([
      { fund_pay_type: '390100', fund_pay_type_name: '城乡居民基本医疗保险基金', fund_payamt: 5180 },
    ]);
    setlId = out.setlinfo!.setl_id as string;
    const [row] = await t.db.query(
      'SELECT med_type, medfee_sumamt, hifp_pay, psn_cash_pay FROM settlement WHERE setl_id = $1',
      [setlId],
    );
    expect(row).toEqual({ med_type: '21', medfee_sumamt: 9240_00, hifp_pay: 5180_00, psn_cash_pay: 4060_00 });
    const [posted] = await t.db.query<{ s: number }>(
      `SELECT sum(p.amount)::bigint AS s FROM posting p JOIN settlement s ON s.journal_id = p.journal_id WHERE s.setl_id = $1`,
      [setlId],
    );
    expect(posted!.s).toBe(5180_00);
    expect((await checkLedger(t.db)).problems).toEqual([]);
    expect(await halfWritten(t.db)).toEqual([]);
    const cum = await send('5206', { data: { psn_no: 'R1', cum_ym: '202503' } });
    const rows = (cum.output as { cuminfo: { cum_type_code: string; cum: number }[] }).cuminfo;
    expect(Object.fromEntries(rows.map((r) => [r.cum_type_code.split(':')[0], r.cum]))).toMatchObject({
      admissions: 1,
      deductible: 500,
      cap: 5180,
    });
    // Settled: the discharge cannot be cancelled, nor the admission.
    const undo = await send('2405', { data: { mdtrt_id: mdtrtId, psn_no: 'R1' } });
    expect(undo).toMatchObject({ infcode: -1, err_code: 'VISIT_SETTLED' });
    const cancel = await send('2404', { data: { mdtrt_id: mdtrtId, psn_no: 'R1' } });
    expect(cancel).toMatchObject({ infcode: -1, err_code: 'VISIT_SETTLED' });
  });

  it('2305 reverses the settlement: ledger, totals and the admission count restored', async () => {
    const a = await send('2305', { data: { setl_id: setlId, mdtrt_id: mdtrtId, psn_no: 'R1' } });
    expect(a).toMatchObject({ infcode: 0, output: { setlinfo: { setl_id: setlId, mdtrt_id: mdtrtId } } });
    expect((await checkLedger(t.db)).problems).toEqual([]);
    expect(await halfWritten(t.db)).toEqual([]);
    expect(await totalsMismatches(t.db)).toEqual([]);
    const cum = await send('5206', { data: { psn_no: 'R1', cum_ym: '202503' } });
    expect((cum.output as { cuminfo: { cum: number }[] }).cuminfo.every((r) => r.cum === 0)).toBe(true);
    // Open again: the discharge can be cancelled (2405), then the admission (2404).
    expect(await send('2405', { data: { mdtrt_id: mdtrtId, psn_no: 'R1' } })).toMatchObject({ infcode: 0 });
    expect(await send('2404', { data: { mdtrt_id: mdtrtId, psn_no: 'R1' } })).toMatchObject({ infcode: 0 });
    const gone = await send('2303', settleData());
    expect(gone).toMatchObject({ infcode: -1, err_code: 'INVALID_INPUT' });
    expect(gone.err_msg).toContain('was cancelled');
  });
});
