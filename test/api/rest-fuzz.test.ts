/**
 * Fuzzing the staff REST API with malformed bodies — wrong types, missing fields, 400-digit numbers,
 * deep nesting, duplicate keys, bodies that are not JSON or not UTF-8, oversized bodies, random JSON
 * (fast-check) — each sent by a role allowed to call the route: every answer is a 4xx in the REST
 * error shape, never a 500; nothing is written; the server keeps answering.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminOperations } from '../../src/api/rest/admin-routes.js';
import { fundOperations } from '../../src/api/rest/fund-routes.js';
import { registryOperations } from '../../src/api/rest/registry-routes.js';
import { settlementOperations } from '../../src/api/rest/settlement-routes.js';
import { PERMISSIONS, type Role } from '../../src/staff/roles.js';
import { openTestDatabase, type TestDatabase } from '../support/db.js';
import { auditAfter, dataRows, lastAuditId, rest, staffToken } from './rest-support.js';
import { seedApiWorld, startServer, type RunningServer } from './support.js';

const BODY_LIMIT = 64 * 1024;
const WRITES = [...registryOperations, ...settlementOperations, ...fundOperations, ...adminOperations].filter(
  (o) => o.write,
);
/** Path parameters filled with plausible values (merge 999 does not exist). */
const PARAMS: Record<string, string> = {
  psnNo: 'P1',
  setlId: 'S-none',
  code: 'H002',
  empNo: 'E001',
  id: '999',
};
const urlOf = (url: string) => `/api/v1${url.replace(/:(\w+)/g, (_, p: string) => PARAMS[p]!)}`;

const deep = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
const huge = '9'.repeat(400);

/** Malformed bodies (raw text), each with what it tries. */
const MALFORMED: [string, string | Buffer][] = [
  ['empty object: missing fields', '{}'],
  ['an array', '[]'],
  ['null', 'null'],
  ['a string', '"x"'],
  ['a 400-digit number', huge],
  [
    '400-digit numbers in fields',
    `{"key":${huge},"date":${huge},"baseFen":${huge},"year":${huge},"code":${huge},"id":${huge}}`,
  ],
  ['a negative 400-digit number', `{"baseFen":-${huge}}`],
  [
    'wrong types everywhere',
    '{"psnNo":1,"areaCode":true,"name":[],"key":{},"date":null,"csv":5,"yaml":6,"into":7,"from":"x"}',
  ],
  ['deep nesting', deep(5000)],
  ['deep arrays', `${'['.repeat(10000)}${']'.repeat(10000)}`],
  ['duplicate keys', '{"psnNo":"P1","psnNo":"P2"}'],
  ['not JSON', '{psnNo: P1'],
  ['trailing text', '{} {}'],
  ['not UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
  ['__proto__ key', '{"__proto__":{"admin":true},"constructor":{"prototype":{}}}'],
  ['an empty body', ''],
];

describe('REST fuzzing: malformed bodies are refused, never a 500, nothing written', () => {
  let t: TestDatabase;
  let server: RunningServer;
  const tokens = new Map<Role, string>();

  beforeAll(async () => {
    t = await openTestDatabase(4);
    await seedApiWorld(t.db, ['P1']);
    server = await startServer(t.db, { bodyLimitBytes: BODY_LIMIT, logLevel: 'silent' });
    const roles: Role[] = ['handler', 'reviewer', 'approver', 'fund_manager', 'administrator'];
    for (const role of roles)
      tokens.set(role, await staffToken(t.db, server, role.replace('_', '-'), role, ['350000']));
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await t?.drop();
  });

  /** A token of a role the route allows. */
  const tokenFor = (operation: keyof typeof PERMISSIONS) =>
    tokens.get((PERMISSIONS[operation] as readonly Role[]).find((r) => tokens.has(r))!)!;

  async function expectRefusedWithoutWrites(
    send: () => Promise<{ status: number; body: Record<string, unknown> }>,
    label: string,
  ): Promise<void> {
    const rows = await dataRows(t.db);
    const before = await lastAuditId(t.db);
    const a = await send();
    expect(a.status, label).toBeGreaterThanOrEqual(400);
    expect(a.status, label).toBeLessThan(500);
    expect(a.body.error, label).toMatchObject({ code: expect.any(String), requestId: expect.any(String) });
    expect(await dataRows(t.db), label).toEqual(rows);
    expect(
      (await auditAfter(t.db, before)).filter((r) => r.outcome !== 'refused'),
      label,
    ).toEqual([]);
  }

  it('refuses every malformed body on every write route with a 4xx', async () => {
    for (const o of WRITES) {
      for (const [what, raw] of MALFORMED) {
        await expectRefusedWithoutWrites(
          () => rest(server, o.method, urlOf(o.url), { token: tokenFor(o.operation), raw }),
          `${o.method} ${o.url}: ${what}`,
        );
      }
    }
  }, 120_000);

  it('refuses a body over the limit (413) and a body that is not JSON (415)', async () => {
    const o = WRITES.find((w) => w.url === '/persons')!;
    const big = JSON.stringify({ psnNo: 'P1', name: 'x'.repeat(BODY_LIMIT) });
    await expectRefusedWithoutWrites(async () => {
      const a = await rest(server, 'POST', urlOf(o.url), { token: tokenFor(o.operation), raw: big });
      expect(a.status).toBe(413);
      return a;
    }, 'oversized');
    await expectRefusedWithoutWrites(async () => {
      const a = await rest(server, 'POST', urlOf(o.url), {
        token: tokenFor(o.operation),
        raw: 'psnNo=P1',
        contentType: 'text/plain',
      });
      expect(a.status).toBe(415);
      return a;
    }, 'text/plain');
  });

  it('answers random JSON on random write routes with a 4xx and writes nothing (fast-check)', async () => {
    const keys = [
      'psnNo',
      'certno',
      'name',
      'areaCode',
      'key',
      'date',
      'period',
      'baseFen',
      'year',
      'scheme',
      'status',
      'into',
      'from',
      'on',
      'csv',
      'yaml',
      'validFrom',
      'sourceName',
      'code',
      'level',
      'beginDate',
    ];
    const body = fc.dictionary(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 8 });
    await fc.assert(
      fc.asyncProperty(fc.nat(WRITES.length - 1), body, async (i, b) => {
        const o = WRITES[i]!;
        await expectRefusedWithoutWrites(
          () => rest(server, o.method, urlOf(o.url), { token: tokenFor(o.operation), body: b }),
          `${o.method} ${o.url} ${JSON.stringify(b).slice(0, 200)}`,
        );
      }),
      { numRuns: 150 },
    );
  }, 120_000);

  it('refuses malformed query strings on reads with a 400', async () => {
    const token = tokens.get('administrator')!;
    for (const q of [
      `limit=${huge}`,
      'limit=-1',
      'limit=201',
      'offset=x',
      'areaCode=35',
      'nope=1',
      'limit=1.5',
    ]) {
      const a = await rest(server, 'GET', `/api/v1/ledger/balances?areaCode=350400&${q}`, { token });
      expect(a.status, q).toBe(400);
      expect(a.body.error!.code).toBe('INVALID_INPUT');
    }
  });

  it('keeps answering after all that', async () => {
    expect((await rest(server, 'GET', '/healthz')).status).toBe(200);
  });
});
