/**
 * The staff REST API end to end, on a real server on an ephemeral port: sign-in (a wrong password and
 * an unknown user answered alike), each role allowed and refused by the permission table, the area
 * scope (a county's handler refused a person of the city; the city's handler allowed a person of
 * its county), every refusal in the REST error shape and in the audit log with nothing else written,
 * every write audited with who, role, what, subject, from where and the request id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminOperations } from '../../src/api/rest/admin-routes.js';
import { fundOperations } from '../../src/api/rest/fund-routes.js';
import { registryOperations } from '../../src/api/rest/registry-routes.js';
import { settlementOperations } from '../../src/api/rest/settlement-routes.js';
import { settle } from '../../src/settlement/online/service.js';
import { openTestDatabase, type TestDatabase } from '../support/db.js';
import { addEmployee, claimAt, ITEMS } from '../support/world.js';
import { auditAfter, dataRows, lastAuditId, PASSWORD, rest, staffToken } from './rest-support.js';
import { NOW, seedApiWorld, startServer, type RunningServer } from './support.js';

const CITY = '350400';
const COUNTY = '350425';

describe('staff REST API: sign-in, roles, area scopes, audit', () => {
  let t: TestDatabase;
  let server: RunningServer;
  const token: Record<string, string> = {};
  let setlId: string;

  beforeAll(async () => {
    t = await openTestDatabase(4);
    await seedApiWorld(t.db, ['P1']);
    await addEmployee(t.db, 'P2', { area: COUNTY });
    const s = await settle(t.db, claimAt('P1', 'k1', [{ code: ITEMS.classA, amount: 100_000 }]));
    setlId = s.setlId;
    server = await startServer(t.db);
    const users = [
      ['admin', 'administrator', ['350000']],
      ['hcity', 'handler', [CITY]],
      ['hcounty', 'handler', [COUNTY]],
      ['rev', 'reviewer', [CITY]],
      ['revcounty', 'reviewer', [COUNTY]],
      ['ana', 'analyst', [CITY]],
      ['sup', 'supervisor', ['350000']],
    ] as const;
    for (const [name, role, areas] of users)
      token[name] = await staffToken(t.db, server, name, role, [...areas]);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await t?.drop();
  });

  it('signs in with the right password and says who the token is', async () => {
    const me = await rest(server, 'GET', '/api/v1/auth/me', { token: token.hcity });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ username: 'hcity', role: 'handler', areas: [CITY] });
    const [login] = (await auditAfter(t.db, 0)).filter(
      (a) => a.action === 'auth.login' && a.actor === 'hcity',
    );
    expect(login).toMatchObject({ outcome: 'done', role: 'handler', ip: '127.0.0.1' });
    expect(login!.request_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers a wrong password and an unknown user alike, and logs both', async () => {
    const before = await lastAuditId(t.db);
    const wrong = await rest(server, 'POST', '/api/v1/auth/login', {
      body: { username: 'hcity', password: 'wrong password!' },
    });
    const unknown = await rest(server, 'POST', '/api/v1/auth/login', {
      body: { username: 'nobody', password: PASSWORD },
    });
    for (const a of [wrong, unknown]) {
      expect(a.status).toBe(401);
      expect(a.body.error).toMatchObject({
        code: 'UNAUTHENTICATED',
        message: 'the username or the password is wrong',
        path: '',
      });
      expect(a.body.error!.requestId).toBe(a.headers.get('x-request-id'));
    }
    const rows = await auditAfter(t.db, before);
    expect(rows.map((r) => [r.actor, r.action, r.outcome])).toEqual([
      ['hcity', 'auth.login', 'refused'],
      ['nobody', 'auth.login', 'refused'],
    ]);
  });

  it('slows down password guessing: after 10 attempts from one address, 429 even for the right password', async () => {
    await staffToken(t.db, server, 'guessed', 'handler', [CITY]); // one attempt
    for (let i = 0; i < 9; i++) {
      const a = await rest(server, 'POST', '/api/v1/auth/login', {
        body: { username: 'guessed', password: `guess ${i}` },
      });
      expect(a.status).toBe(401);
    }
    const blocked = await rest(server, 'POST', '/api/v1/auth/login', {
      body: { username: 'guessed', password: PASSWORD },
    });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error!.code).toBe('RATE_LIMITED');
    server.setNow(NOW + 10_000); // one attempt more every 10 s
    const later = await rest(server, 'POST', '/api/v1/auth/login', {
      body: { username: 'guessed', password: PASSWORD },
    });
    expect(later.status).toBe(200);
    server.setNow(NOW);
  });

  it('refuses a missing, malformed or ended session with 401', async () => {
    expect((await rest(server, 'GET', '/api/v1/persons/P1')).status).toBe(401);
    expect((await rest(server, 'GET', '/api/v1/persons/P1', { token: 'tcs_' + 'x'.repeat(43) })).status).toBe(
      401,
    );
    const extra = await staffToken(t.db, server, 'leaver', 'handler', [CITY]);
    expect((await rest(server, 'POST', '/api/v1/auth/logout', { token: extra })).status).toBe(204);
    const after = await rest(server, 'GET', '/api/v1/persons/P1', { token: extra });
    expect(after.status).toBe(401);
    expect(after.body.error!.code).toBe('UNAUTHENTICATED');
  });

  it('lets the city handler read a person of its county (the scope covers the subtree)', async () => {
    const a = await rest(server, 'GET', '/api/v1/persons/P2', { token: token.hcity });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({
      psnNo: 'P2',
      areaCode: COUNTY,
      enrolments: [{ scheme: '310', areaCode: COUNTY }],
    });
  });

  it('refuses the county handler a person of the city, logs it, writes nothing else', async () => {
    const rows = await dataRows(t.db);
    const before = await lastAuditId(t.db);
    const a = await rest(server, 'GET', '/api/v1/persons/P1', { token: token.hcounty });
    expect(a.status).toBe(403);
    expect(a.body.error).toMatchObject({ code: 'FORBIDDEN', path: '' });
    expect(a.body.error!.message).toContain(`pooling area ${CITY}, outside the areas of hcounty`);
    const w = await rest(server, 'POST', '/api/v1/persons', {
      token: token.hcounty,
      body: { psnNo: 'P9', certno: '11010519491231002X', name: '张三', areaCode: CITY },
    });
    expect(w.status).toBe(403);
    expect(await dataRows(t.db)).toEqual(rows);
    const logged = await auditAfter(t.db, before);
    expect(logged.map((r) => [r.actor, r.role, r.action, r.subject, r.outcome])).toEqual([
      ['hcounty', 'handler', 'person.read', 'person/P1', 'refused'],
      ['hcounty', 'handler', 'person.create', 'person/P9', 'refused'],
    ]);
    expect(logged[1]!.details).toMatchObject({ code: 'FORBIDDEN', request: { psnNo: 'P9', areaCode: CITY } });
    // The audit log keeps ID numbers masked, as every log does.
    expect((logged[1]!.details.request as { certno: string }).certno).toBe('110105********002X');
  });

  it('lets the county handler register a person of its county, audited in the same transaction', async () => {
    const before = await lastAuditId(t.db);
    const a = await rest(server, 'POST', '/api/v1/persons', {
      token: token.hcounty,
      body: { psnNo: 'P10', certno: '11010519491231002X', name: '李四', areaCode: COUNTY },
    });
    expect(a.status).toBe(201);
    // GB 11643: the 17th character 2 is even, so a woman, born 1949-12-31.
    expect(a.body).toMatchObject({ psnNo: 'P10', gender: '2', birthday: '1949-12-31', areaCode: COUNTY });
    const [row] = await auditAfter(t.db, before);
    expect(row).toMatchObject({
      actor: 'hcounty',
      role: 'handler',
      action: 'person.create',
      subject: 'person/P10',
      outcome: 'done',
      ip: '127.0.0.1',
    });
    expect(row!.request_id).toBe(a.headers.get('x-request-id'));
  });

  it('records a refusal of the service (a duplicate) as refused, with nothing else written', async () => {
    const rows = await dataRows(t.db);
    const before = await lastAuditId(t.db);
    const a = await rest(server, 'POST', '/api/v1/persons', {
      token: token.hcounty,
      body: { psnNo: 'P10', certno: '11010519491231002X', name: '李四', areaCode: COUNTY },
    });
    expect(a.status).toBe(409);
    expect(a.body.error!.code).toBe('ALREADY_EXISTS');
    expect(await dataRows(t.db)).toEqual(rows);
    expect((await auditAfter(t.db, before)).map((r) => [r.action, r.outcome, r.details.code])).toEqual([
      ['person.create', 'refused', 'ALREADY_EXISTS'],
    ]);
  });

  it('refuses a handler the reversal (reviewer or approver only), and a reviewer of another county', async () => {
    const rows = await dataRows(t.db);
    const before = await lastAuditId(t.db);
    const path = `/api/v1/settlements/P1/${setlId}/reversal`;
    const body = { key: 'rev-1', date: '2025-03-10' };
    const byHandler = await rest(server, 'POST', path, { token: token.hcity, body });
    expect(byHandler.status).toBe(403);
    expect(byHandler.body.error!.message).toBe('the role handler may not settlement.reverse');
    const byCounty = await rest(server, 'POST', path, { token: token.revcounty, body });
    expect(byCounty.status).toBe(403);
    expect(await dataRows(t.db)).toEqual(rows);
    expect((await auditAfter(t.db, before)).map((r) => [r.actor, r.outcome])).toEqual([
      ['hcity', 'refused'],
      ['revcounty', 'refused'],
    ]);
  });

  it("lets the city's reviewer reverse it once; the list shows it reversed", async () => {
    const before = await lastAuditId(t.db);
    const path = `/api/v1/settlements/P1/${setlId}/reversal`;
    const a = await rest(server, 'POST', path, {
      token: token.rev,
      body: { key: 'rev-1', date: '2025-03-10' },
    });
    expect(a.status).toBe(200);
    expect(a.body).toEqual({ setlId, psnNo: 'P1', reversedOn: '2025-03-10' });
    const again = await rest(server, 'POST', path, {
      token: token.rev,
      body: { key: 'rev-2', date: '2025-03-10' },
    });
    expect(again.status).toBe(409);
    expect(again.body.error!.code).toBe('ALREADY_REVERSED');
    expect((await auditAfter(t.db, before)).map((r) => [r.action, r.outcome])).toEqual([
      ['settlement.reverse', 'done'],
      ['settlement.reverse', 'refused'],
    ]);
    const list = await rest(server, 'GET', '/api/v1/settlements?psnNo=P1&limit=10', { token: token.hcity });
    expect(list.status).toBe(200);
    const items = list.body.items as {
      setlId: string;
      reversed: boolean;
      amountsFen: Record<string, number>;
    }[];
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ setlId, reversed: true });
    // 1,000.00 of a class-A drug: the whole bill is in scope (medfee 100,000 fen).
    expect(items[0]!.amountsFen.medfee_sumamt).toBe(100_000);
    expect(list.body.nextOffset).toBeNull();
  });

  it('lets the analyst read the fund report and ledger of its city, and refuses the handler', async () => {
    const report = await rest(server, 'GET', `/api/v1/fund/report?areaCode=${CITY}&year=2025`, {
      token: token.ana,
    });
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ year: 2025, area: { code: CITY } });
    const balances = await rest(server, 'GET', `/api/v1/ledger/balances?areaCode=${CITY}&limit=200`, {
      token: token.ana,
    });
    expect(balances.status).toBe(200);
    expect((balances.body.items as unknown[]).length).toBeGreaterThan(0);
    const refused = await rest(server, 'GET', `/api/v1/fund/report?areaCode=${CITY}&year=2025`, {
      token: token.hcity,
    });
    expect(refused.status).toBe(403);
  });

  it('lets only the administrator schedule, list and cancel a pool merge', async () => {
    const body = { into: CITY, from: [COUNTY], on: '2025-06-01' };
    const byAnalyst = await rest(server, 'POST', '/api/v1/pool/merges', { token: token.ana, body });
    expect(byAnalyst.status).toBe(403);
    const before = await lastAuditId(t.db);
    const a = await rest(server, 'POST', '/api/v1/pool/merges', { token: token.admin, body });
    expect(a.status).toBe(201);
    const merge = (a.body as { merge: { id: number; status: string } }).merge;
    expect(merge.status).toBe('scheduled');
    const list = await rest(server, 'GET', '/api/v1/pool/merges', { token: token.ana });
    expect((list.body.items as { id: number }[]).map((m) => m.id)).toEqual([merge.id]);
    const cancel = await rest(server, 'POST', `/api/v1/pool/merges/${merge.id}/cancel`, {
      token: token.admin,
    });
    expect(cancel.status).toBe(200);
    expect((cancel.body as { merge: { status: string } }).merge.status).toBe('cancelled');
    const logged = await auditAfter(t.db, before);
    // The merge service writes its own event; the REST layer adds who, in which role, from where.
    expect(logged.map((r) => [r.actor, r.action, r.outcome])).toEqual([
      ['staff:admin', 'pool.merge.schedule', 'done'],
      ['admin', 'pool.merge.schedule', 'done'],
      ['staff:admin', 'pool.merge.cancel', 'done'],
      ['admin', 'pool.merge.cancel', 'done'],
    ]);
  });

  it('shows the audit log to the supervisor only', async () => {
    const a = await rest(server, 'GET', '/api/v1/audit/events?actor=hcounty&limit=200', { token: token.sup });
    expect(a.status).toBe(200);
    expect((a.body.items as { outcome: string }[]).some((e) => e.outcome === 'refused')).toBe(true);
    expect((await rest(server, 'GET', '/api/v1/audit/events', { token: token.hcity })).status).toBe(403);
  });

  it('publishes the OpenAPI document with every route and its request schema, and the docs page', async () => {
    const doc = await rest(server, 'GET', '/api/docs/json');
    expect(doc.status).toBe(200);
    const paths = doc.body.paths as Record<
      string,
      Record<string, { requestBody?: unknown; parameters?: unknown[] }>
    >;
    const operations = [
      ...registryOperations,
      ...settlementOperations,
      ...fundOperations,
      ...adminOperations,
    ];
    for (const o of operations) {
      const path = `/api/v1${o.url.replace(/:(\w+)/g, '{$1}')}`;
      const entry = paths[path]?.[o.method.toLowerCase()];
      expect(entry, `${o.method} ${path}`).toBeDefined();
      if (o.body)
        expect(entry!.requestBody, `${o.method} ${path} body`).toMatchObject({
          content: { 'application/json': { schema: { type: 'object' } } },
        });
      const declared =
        Object.keys((o.query as { shape?: object } | undefined)?.shape ?? {}).length +
        Object.keys((o.params as { shape?: object } | undefined)?.shape ?? {}).length;
      expect(entry!.parameters?.length ?? 0, `${o.method} ${path} parameters`).toBe(declared);
    }
    expect(paths['/api/v1/auth/login']!.post!.requestBody).toBeDefined();
    const ids = Object.values(paths).flatMap((p) =>
      Object.values(p).map((e) => (e as { operationId: string }).operationId),
    );
    expect(new Set(ids).size).toBe(ids.length);
    expect(paths['/api/v1/persons']!.post!.requestBody).toMatchObject({
      content: {
        'application/json': {
          schema: { type: 'object', required: expect.arrayContaining(['psnNo', 'certno']) },
        },
      },
    });
    const ui = await fetch(`${server.url}/api/docs/`, { redirect: 'follow' });
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });
});
