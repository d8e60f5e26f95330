/**
 * Who may call, and what a refused or repeated message writes: every refusal answers infcode -1
 * and writes nothing (a nonce is spent only when a well-formed message, signed by the institution it
 * names, is first read); a repeated msgid answers the first answer and writes nothing more.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createInstitutionCredential,
  purgeExpiredNonces,
  revokeInstitutionCredential,
} from '../../src/api/auth/credentials.js';
import { openTestDatabase, type TestDatabase } from '../support/db.js';
import { ITEMS } from '../support/world.js';
import {
  call,
  credentialFor,
  envelope,
  NOW,
  seedApiWorld,
  sendRaw,
  signIn,
  startServer,
  writes,
  type Credential,
  type RunningServer,
} from './support.js';

type Out = Record<string, Record<string, unknown>>;

/** The worked example of docs/api.md (its signature computed with openssl; see src/api/auth/hmac.test.ts). */
const EXAMPLE = {
  secret: 'e1b0c4429a8f7d3b6c5e2f1a0d9c8b7a6e5f4d3c2b1a09f8e7d6c5b4a3928170',
  nonce: 'a3f1c2d4e5b6978812345678',
  body:
    '{"infno":"9001","msgid":"H00220250310100000000001","mdtrtarea_admvs":"350400","insuplc_admdvs":"350400",' +
    '"recer_sys_code":"TC","opter":"OP01","opter_type":"1","fixmedins_code":"H002","sign_no":"",' +
    '"inf_time":"2025-03-10 10:00:00","input":{"signIn":{"opter_no":"OP01","mac":"00-16-3E-00-00-01","ip":"10.0.0.8"}}}',
  signature: '7c1aa53f3fca430efb2633c28ead2e02e26d9fd92406e655340d5a2a8dfb164b',
};

const visit = (psnNo: string, mdtrtId: string) => ({
  data: { psn_no: psnNo, mdtrt_id: mdtrtId, med_type: '11', medfee_sumamt: 100 },
  feedetail: [{ med_list_codg: ITEMS.classA, cnt: 1, det_item_fee_sumamt: 100 }],
});

describe('national interface security', () => {
  let t: TestDatabase;
  let server: RunningServer;
  let h002: Credential;
  let h001: Credential;
  let sign002: string;
  let sign001: string;

  beforeAll(async () => {
    t = await openTestDatabase(4);
    await seedApiWorld(t.db, ['P1', 'P2', 'P3']);
    server = await startServer(t.db);
    h002 = await credentialFor(t.db, 'H002');
    h001 = await credentialFor(t.db, 'H001');
    sign002 = await signIn(server, h002);
    sign001 = await signIn(server, h001);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await t?.drop();
  });

  const nonces = async () =>
    (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM api_nonce'))[0]!.n;

  /** Send, expect a refusal with the code (HTTP 200, infcode -1), and that nothing was written. */
  async function refused(
    send: () => Promise<Record<string, unknown>>,
    code: string,
    path?: string,
    spendsNonce = false,
  ) {
    const before = await writes(t.db);
    const spent = await nonces();
    const a = await send();
    expect(a).toMatchObject({ infcode: -1, err_code: code, output: null });
    if (path !== undefined) expect(a.err_path).toBe(path);
    expect(a.inf_refmsgid).toMatch(/^[0-9a-f-]{36}$/);
    expect(await writes(t.db)).toEqual(before);
    expect(await nonces()).toBe(spent + (spendsNonce ? 1 : 0));
    return a;
  }

  it('authenticates the documented worked example, byte for byte', async () => {
    await t.db.query(
      `INSERT INTO api_credential (key_id, institution_code, secret) VALUES ('tck_00000000000000d0', 'H002', $1)`,
      [EXAMPLE.secret],
    );
    const sent = await sendRaw(server, { institution: 'H002', secret: EXAMPLE.secret }, EXAMPLE.body, {
      nonce: EXAMPLE.nonce,
    });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({
      infcode: 0,
      output: { signinoutb: { sign_time: '2025-03-10 10:00:00' } },
    });
    await revokeInstitutionCredential(t.db, 'tck_00000000000000d0');
  });

  const message = () => JSON.stringify(envelope('H002', '2206', visit('P1', 'V1'), { sign_no: sign002 }));

  it('refuses a wrong signature, naming the header', async () => {
    const wrongSecret = await refused(
      async () => (await sendRaw(server, h002, message(), { secret: 'f'.repeat(64) })).body,
      'UNAUTHENTICATED',
      'x-tc-signature',
    );
    expect(wrongSecret.err_msg).toMatch(/not that of an active credential of institution H002/);
    // A signature of another body: the body was changed on the way.
    await refused(
      async () =>
        (await sendRaw(server, h002, message(), { headers: { 'x-tc-signature': 'ab'.repeat(32) } })).body,
      'UNAUTHENTICATED',
      'x-tc-signature',
    );
  });

  it('refuses a stale or early timestamp (±300 s)', async () => {
    const stale = await refused(
      async () => (await sendRaw(server, h002, message(), { timestamp: NOW / 1000 - 301 })).body,
      'UNAUTHENTICATED',
      'x-tc-timestamp',
    );
    expect(stale.err_msg).toMatch(/301 s behind the server's time/);
    await refused(
      async () => (await sendRaw(server, h002, message(), { timestamp: NOW / 1000 + 301 })).body,
      'UNAUTHENTICATED',
      'x-tc-timestamp',
    );
    // 300 s either way is still within the window.
    const late = await sendRaw(server, h002, message(), { timestamp: NOW / 1000 - 300 });
    expect(late.body.infcode).toBe(0);
  });

  it('refuses a replayed nonce, also after a restart', async () => {
    const body = message();
    const first = await sendRaw(server, h002, body, { nonce: 'replay-nonce-0001' });
    expect(first.body.infcode).toBe(0);
    await refused(
      async () => (await sendRaw(server, h002, body, { nonce: 'replay-nonce-0001' })).body,
      'UNAUTHENTICATED',
      'x-tc-nonce',
    );
    await server.close();
    server = await startServer(t.db);
    await refused(
      async () => (await sendRaw(server, h002, body, { nonce: 'replay-nonce-0001' })).body,
      'UNAUTHENTICATED',
      'x-tc-nonce',
    );
    // Another institution's nonces are its own.
    const other = JSON.stringify(envelope('H001', '2206', visit('P1', 'V1'), { sign_no: sign001 }));
    expect((await sendRaw(server, h001, other, { nonce: 'replay-nonce-0001' })).body.infcode).toBe(0);
  });

  it('forgets a nonce only when its timestamp has left the window, when a replay is refused as stale', async () => {
    const body = message();
    expect((await sendRaw(server, h002, body, { nonce: 'purge-nonce-00001' })).body.infcode).toBe(0);
    const kept = async () =>
      (await t.db.query(`SELECT 1 FROM api_nonce WHERE nonce = 'purge-nonce-00001'`)).length === 1;
    await purgeExpiredNonces(t.db, NOW + 300_000);
    expect(await kept()).toBe(true);
    await purgeExpiredNonces(t.db, NOW + 301_000);
    expect(await kept()).toBe(false);
    server.setNow(NOW + 301_000);
    try {
      await refused(
        async () => (await sendRaw(server, h002, body, { nonce: 'purge-nonce-00001' })).body,
        'UNAUTHENTICATED',
        'x-tc-timestamp',
      );
    } finally {
      server.setNow(NOW);
    }
  });

  it('refuses an unknown institution, a revoked credential and missing headers alike', async () => {
    await refused(
      async () => (await sendRaw(server, { institution: 'H777', secret: h002.secret }, message())).body,
      'UNAUTHENTICATED',
      'x-tc-signature',
    );
    const issued = await createInstitutionCredential(t.db, 'H002');
    const cred = { institution: 'H002', secret: issued.secret };
    expect((await sendRaw(server, cred, message())).body.infcode).toBe(0);
    await revokeInstitutionCredential(t.db, issued.keyId);
    await refused(
      async () => (await sendRaw(server, cred, message())).body,
      'UNAUTHENTICATED',
      'x-tc-signature',
    );
    await refused(
      async () => (await sendRaw(server, h002, message(), { headers: { 'x-tc-nonce': '' } })).body,
      'UNAUTHENTICATED',
      'x-tc-nonce',
    );
    const bare = await fetch(`${server.url}/fsi/api/rsfComIfsService/callService`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: message(),
    });
    expect(bare.status).toBe(200);
    expect(await bare.json()).toMatchObject({
      infcode: -1,
      err_code: 'UNAUTHENTICATED',
      err_path: 'x-tc-institution',
    });
  });

  it('refuses a message naming another institution than the one that signed it', async () => {
    const forged = envelope('H001', '2207', visit('P1', 'V1'), { sign_no: sign002 });
    await refused(() => call(server, h002, forged), 'FORBIDDEN', 'fixmedins_code');
  });

  it('refuses without an open sign-in of the institution itself', async () => {
    await refused(
      () => call(server, h002, envelope('H002', '2207', visit('P1', 'V1'))),
      'INVALID_INPUT',
      'sign_no',
      true,
    );
    await refused(
      () => call(server, h002, envelope('H002', '2207', visit('P1', 'V1'), { sign_no: sign001 })),
      'FORBIDDEN',
      'sign_no',
      true,
    );
  });

  it('lets an institution reverse only its own settlements', async () => {
    const settled = await call(
      server,
      h002,
      envelope('H002', '2207', visit('P2', 'V-P2'), { sign_no: sign002 }),
    );
    const setlId = (settled.output as Out).setlinfo!.setl_id as string;
    const reversal = { data: { setl_id: setlId, mdtrt_id: 'V-P2', psn_no: 'P2' } };
    const a = await refused(
      () => call(server, h001, envelope('H001', '2208', reversal, { sign_no: sign001 })),
      'NOT_FOUND',
      'input.data.setl_id',
      true,
    );
    expect(a.err_msg).toBe(
      `NOT_FOUND at input.data.setl_id: no settlement ${setlId} of person P2 at institution H001`,
    );
    const own = await call(server, h002, envelope('H002', '2208', reversal, { sign_no: sign002 }));
    expect(own.infcode).toBe(0);
  });

  it('answers a repeated msgid with the first answer and writes nothing more', async () => {
    const first = envelope('H002', '2207', visit('P3', 'V-P3'), { sign_no: sign002 });
    const a = await call(server, h002, first);
    expect(a.infcode).toBe(0);
    const before = await writes(t.db);
    // The same message again (new nonce), and again with its envelope written differently.
    const again = await call(server, h002, first);
    expect(again).toEqual(a);
    const reordered = {
      ...first,
      inf_time: '2025-03-10 10:00:05',
      input: { feedetail: visit('P3', 'V-P3').feedetail, data: visit('P3', 'V-P3').data },
    };
    expect(await call(server, h002, reordered)).toEqual(a);
    expect(await writes(t.db)).toEqual(before);
    // The same msgid with another input or transaction is refused.
    await refused(
      () => call(server, h002, { ...first, input: visit('P3', 'V-P3-other') }),
      'IDEMPOTENCY_CONFLICT',
      'msgid',
      true,
    );
    await refused(
      () => call(server, h002, { ...first, infno: '2206' }),
      'IDEMPOTENCY_CONFLICT',
      'msgid',
      true,
    );
    // Another institution's msgid space is its own: its message is not answered with H002's answer.
    const theirs = await call(server, h001, {
      ...first,
      fixmedins_code: 'H001',
      sign_no: sign001,
      infno: '2206',
    });
    expect(theirs.infcode).toBe(0);
    expect((theirs.output as Out).setlinfo).not.toHaveProperty('setl_id');
  });

  it('limits each institution’s rate', async () => {
    const limited = await startServer(t.db, { rateLimit: { perSecond: 1, burst: 2 } });
    try {
      const msg = () => JSON.stringify(envelope('H002', '2206', visit('P1', 'V1'), { sign_no: sign002 }));
      expect((await sendRaw(limited, h002, msg())).body.infcode).toBe(0);
      expect((await sendRaw(limited, h002, msg())).body.infcode).toBe(0);
      const third = await sendRaw(limited, h002, msg());
      expect(third.body).toMatchObject({ infcode: -1, err_code: 'RATE_LIMITED' });
      expect(third.body.err_msg).toMatch(/more than 1 messages a second; retry in 1 s/);
      const other = JSON.stringify(envelope('H001', '2206', visit('P1', 'V1'), { sign_no: sign001 }));
      expect((await sendRaw(limited, h001, other)).body.infcode).toBe(0);
      limited.setNow(NOW + 1_000);
      expect((await sendRaw(limited, h002, msg())).body.infcode).toBe(0);
    } finally {
      await limited.close();
    }
  });
});
