/**
 * Bad input is never a 500: every malformed message is answered HTTP 200 with infcode -1 and the
 * field path, writing nothing; REST refusals (including Fastify's own: bad JSON, wrong content
 * type, body too large, schema validation) have the { error: { code, message, path, requestId } }
 * shape; /healthz and /readyz; a message that outlives its deadline is answered TIMEOUT and its
 * outcome is learnt by sending the same msgid again.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceError } from '../../src/common/service-error.js';
import type { Database } from '../../src/db/index.js';
import { openTestDatabase, type TestDatabase } from '../support/db.js';
import { ITEMS } from '../support/world.js';
import {
  call,
  certnoOf,
  credentialFor,
  envelope,
  seedApiWorld,
  sendRaw,
  signIn,
  startServer,
  writes,
  type Credential,
  type RunningServer,
} from './support.js';

const BODY_LIMIT = 64 * 1024;

/** Routes that exist only in this test, to show how REST refusals come out. */
function restProbe(app: FastifyInstance): void {
  app.post(
    '/api/v1/probe',
    {
      schema: {
        body: {
          type: 'object',
          required: ['amount'],
          properties: {
            amount: { type: 'integer' },
            lines: { type: 'array', items: { type: 'object', required: ['code'] } },
          },
        },
      },
    },
    async (request) => request.body,
  );
  app.post('/api/v1/refuse', async () => {
    throw new ServiceError('ALREADY_REVERSED', 'settlement S1 has already been reversed', 'setl_id');
  });
  app.get('/api/v1/fail', async () => {
    throw new TypeError(`cannot read certno 11010519491231002X of undefined`);
  });
}

describe('refusals never a 500', () => {
  let t: TestDatabase;
  let server: RunningServer;
  let h002: Credential;
  let signNo: string;

  beforeAll(async () => {
    t = await openTestDatabase(4);
    await seedApiWorld(t.db, ['P1']);
    server = await startServer(t.db, { bodyLimitBytes: BODY_LIMIT }, restProbe);
    h002 = await credentialFor(t.db, 'H002');
    signNo = await signIn(server, h002);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await t?.drop();
  });

  const settleInput = (amount: unknown) => ({
    data: { psn_no: 'P1', mdtrt_id: 'V1', med_type: '11', medfee_sumamt: 100 },
    feedetail: [{ med_list_codg: ITEMS.classA, cnt: 1, det_item_fee_sumamt: amount }],
  });
  const good = (over: Record<string, unknown> = {}) => ({
    ...envelope('H002', '2207', settleInput(100), { sign_no: signNo }),
    ...over,
  });
  const json = (v: unknown) => JSON.stringify(v);
  const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

  const cases: [string, () => string | Buffer, string, string, string?][] = [
    ['text that is not JSON', () => 'hello', 'INVALID_INPUT', ''],
    ['JSON cut short', () => json(good()).slice(0, 40), 'INVALID_INPUT', ''],
    ['an empty body', () => '', 'INVALID_INPUT', ''],
    ['bytes that are not UTF-8', () => Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]), 'INVALID_INPUT', ''],
    ['a JSON array', () => '[1,2]', 'INVALID_INPUT', ''],
    ['a duplicate key', () => json(good()).replace('{', '{"msgid":"x",'), 'INVALID_INPUT', ''],
    ['a msgid that is a number', () => json(good({ msgid: 12345 })), 'INVALID_INPUT', 'msgid'],
    ['no input', () => json(good({ input: undefined })), 'INVALID_INPUT', 'input'],
    ['no infno', () => json(good({ infno: undefined })), 'INVALID_INPUT', 'infno'],
    ['an unsupported transaction', () => json(good({ infno: '1234' })), 'INVALID_INPUT', 'infno'],
    [
      'fee lines that are an object',
      () => json(good({ input: { ...settleInput(1), feedetail: {} } })),
      'INVALID_INPUT',
      'input.feedetail',
    ],
    [
      'a missing psn_no',
      () =>
        json(
          good({
            input: { ...settleInput(100), data: { mdtrt_id: 'V', med_type: '11', medfee_sumamt: 100 } },
          }),
        ),
      'INVALID_INPUT',
      'input.data.psn_no',
    ],
    [
      'an amount as a boolean',
      () => json(good({ input: settleInput(true) })),
      'INVALID_INPUT',
      'input.feedetail[0].det_item_fee_sumamt',
    ],
    [
      'an amount with three decimals',
      () => json(good({ input: settleInput(100.005) })),
      'INVALID_INPUT',
      'input.feedetail[0].det_item_fee_sumamt',
    ],
    [
      'an amount in exponent form',
      () => json(good()).replace('"det_item_fee_sumamt":100', '"det_item_fee_sumamt":1e2'),
      'INVALID_INPUT',
      'input.feedetail[0].det_item_fee_sumamt',
    ],
    [
      'a huge amount',
      () => json(good()).replace('"det_item_fee_sumamt":100', `"det_item_fee_sumamt":${'9'.repeat(400)}`),
      'INVALID_INPUT',
      'input.feedetail[0].det_item_fee_sumamt',
    ],
    [
      'an amount beyond double range',
      () => json(good()).replace('"det_item_fee_sumamt":100', '"det_item_fee_sumamt":1e400'),
      'INVALID_INPUT',
      'input.feedetail[0].det_item_fee_sumamt',
    ],
    [
      'a negative amount',
      () => json(good({ input: settleInput(-5) })),
      'INVALID_INPUT',
      'input.feedetail[0].det_item_fee_sumamt',
    ],
    [
      'nesting 10,000 deep',
      () => json(good()).replace('"input":{', `"deep":${deep(10_000)},"input":{`),
      'INVALID_INPUT',
      '',
    ],
    ['a body over the limit', () => json(good({ padding: 'x'.repeat(BODY_LIMIT) })), 'PAYLOAD_TOO_LARGE', ''],
    ['a wrong content type', () => json(good()), 'UNSUPPORTED_MEDIA_TYPE', 'content-type', 'text/xml'],
  ];

  it.each(cases)(
    'answers %s with infcode -1, writing nothing',
    async (_what, body, code, path, contentType) => {
      const before = await writes(t.db);
      const sent = await sendRaw(server, h002, body(), contentType ? { contentType } : {});
      expect(sent.status).toBe(200);
      expect(sent.body).toMatchObject({ infcode: -1, err_code: code, err_path: path, output: null });
      expect(sent.body.err_msg).toMatch(new RegExp(`^${code}`));
      expect(sent.body.inf_refmsgid).toBe(sent.headers.get('x-request-id'));
      expect(await writes(t.db)).toEqual(before);
    },
  );

  it('answers a message without a content type as unsupported', async () => {
    const sent = await sendRaw(server, h002, json(good()), { contentType: null });
    expect(sent.body).toMatchObject({ infcode: -1, err_code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('gives REST refusals their shape and status, with the request id', async () => {
    const post = (path: string, body: string, type = 'application/json') =>
      fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': type }, body });
    const cases: [Promise<Response>, number, string, string][] = [
      [post('/api/v1/probe', '{"lines":[{}]}'), 400, 'INVALID_INPUT', 'amount'],
      [post('/api/v1/probe', '{"amount":1,"lines":[{}]}'), 400, 'INVALID_INPUT', 'lines[0].code'],
      [post('/api/v1/probe', '{"amount":"x"}'), 400, 'INVALID_INPUT', 'amount'],
      [post('/api/v1/probe', '{"amount":'), 400, 'INVALID_INPUT', ''],
      [post('/api/v1/probe', ''), 400, 'INVALID_INPUT', ''],
      [
        post('/api/v1/probe', 'amount=1', 'application/x-www-form-urlencoded'),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        'content-type',
      ],
      [post('/api/v1/probe', `{"amount":1,"x":"${'y'.repeat(BODY_LIMIT)}"}`), 413, 'PAYLOAD_TOO_LARGE', ''],
      [post('/api/v1/refuse', '{}'), 409, 'ALREADY_REVERSED', 'setl_id'],
      [fetch(`${server.url}/api/v1/nowhere?certno=${certnoOf('P1')}`), 404, 'NOT_FOUND', ''],
      [fetch(`${server.url}/fsi/api/rsfComIfsService/callService`), 404, 'NOT_FOUND', ''],
    ];
    for (const [pending, status, code, path] of cases) {
      const res = await pending;
      const body = (await res.json()) as { error: Record<string, unknown> };
      expect({ status: res.status, code: body.error.code, path: body.error.path }).toEqual({
        status,
        code,
        path,
      });
      expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
      expect(body.error.message).toEqual(expect.any(String));
    }
  });

  it('answers a fault of ours 500 with the request id and no cause, and logs it masked', async () => {
    const res = await fetch(`${server.url}/api/v1/fail`);
    const body = (await res.json()) as { error: Record<string, unknown> };
    expect(res.status).toBe(500);
    expect(body.error).toEqual({
      code: 'INTERNAL',
      message: `an internal error occurred; quote request id ${res.headers.get('x-request-id')} when reporting it`,
      path: '',
      requestId: res.headers.get('x-request-id'),
    });
    const logged = server.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === 'request failed');
    expect(logged).toMatchObject({ reqId: body.error.requestId, level: 50, err: { type: 'TypeError' } });
    expect(JSON.stringify(logged)).toContain('110105********002X');
    const all = server.logs.join('\n');
    expect(all).not.toContain('11010519491231002X');
    expect(all).not.toContain(certnoOf('P1'));
  });

  it('answers /healthz and /readyz', async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.url}/readyz`);
    expect({ status: ready.status, body: await ready.json() }).toEqual({
      status: 200,
      body: { status: 'ready' },
    });
  });

  it('is not ready when the database does not answer', async () => {
    const down: Database = { ...t.db, query: () => Promise.reject(new Error('connection refused')) };
    const s = await startServer(down);
    try {
      const res = await fetch(`${s.url}/readyz`);
      const body = (await res.json()) as { error: Record<string, unknown> };
      expect(res.status).toBe(503);
      expect(body.error).toMatchObject({ code: 'UNAVAILABLE', message: 'the database does not answer' });
      expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('answers TIMEOUT when the answer is late; the same msgid then tells the outcome, settled once', async () => {
    // A database whose statements and transactions start 200 ms late: the settlement outlives a 50 ms deadline.
    const later = () => new Promise((resolve) => setTimeout(resolve, 200));
    const late: Database = {
      ...t.db,
      query: (text, params) => later().then(() => t.db.query(text, params)),
      transaction: (fn) => later().then(() => t.db.transaction(fn)),
    };
    const slow = await startServer(late, { handlerTimeoutMs: 50 });
    const message = envelope('H002', '2207', settleInput(100), { sign_no: signNo });
    const before = await writes(t.db);
    const timedOut = await call(slow, h002, message);
    expect(timedOut).toMatchObject({ infcode: -1, err_code: 'TIMEOUT' });
    expect(timedOut.err_msg).toMatch(/send the same message \(same msgid\) again/);
    await slow.close(); // waits for the settlement still running
    const after = await writes(t.db);
    expect(after.settlement).toBe(before.settlement! + 1);
    const retried = await call(server, h002, message);
    expect(retried).toMatchObject({ infcode: 0, output: { setlinfo: { hifp_pay: expect.any(Number) } } });
    expect(await writes(t.db)).toEqual(after);
  });
});
