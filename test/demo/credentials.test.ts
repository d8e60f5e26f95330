import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoAccess, type DemoAccess } from '../../src/demo/credentials.js';
import { DemoCityExists, runDemo, type DemoResult } from '../../src/demo/run.js';
import { login } from '../../src/staff/service.js';
import { ROLES } from '../../src/staff/roles.js';
import { call, envelope, signIn, startServer, type RunningServer } from '../api/support.js';
import { openTestDatabase, type TestDatabase } from '../support/db.js';

/**
 * The demo issues a credential to every demo institution and `--out` writes them with a sample of
 * enrolled persons; here the file is read back and used as a client would: sign in (9001), find a
 * sample person by ID number (1101) and settle a visit (2207) through a real server.
 */

let t: TestDatabase;
let result: DemoResult;
let access: DemoAccess;
let server: RunningServer;
const dir = mkdtempSync(join(tmpdir(), 'tongchou-demo-access-'));
const file = join(dir, 'demo.json');

beforeAll(async () => {
  t = await openTestDatabase();
  result = await runDemo(t.db, { persons: 60, days: 1, seed: 3 });
  writeDemoAccess(file, result.access);
  access = JSON.parse(readFileSync(file, 'utf8')) as DemoAccess;
  server = await startServer(t.db);
}, 300_000);

afterAll(async () => {
  await server?.close();
  await t?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('tongchou demo --out', () => {
  it('lists a credential for every demo institution, as stored, in an owner-only file', async () => {
    const rows = await t.db.query<{ code: string; key_id: string }>(
      `SELECT institution_code AS code, key_id FROM api_credential ORDER BY key_id`,
    );
    expect(access.institutions).toHaveLength(result.institutions);
    // 5 institutions in each of the 7 areas, 3 more in 市本级 (city.ts institutionPlan).
    expect(result.institutions).toBe(38);
    expect(rows.map((r) => [r.code, r.key_id]).sort()).toEqual(
      access.institutions.map((i) => [i.code, i.keyId]).sort(),
    );
    for (const i of access.institutions) expect(i.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(access.institutions[0]).toMatchObject({
      code: 'H22010000001',
      name: '长春市第一社区卫生服务中心',
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('lists 20 enrolled persons with their ID numbers, as the registry holds them', async () => {
    expect(access.persons).toHaveLength(20);
    for (const p of access.persons) {
      const [row] = await t.db.query<{ certno: string; scheme: string; area: string }>(
        `SELECT p.certno, e.scheme, e.area_code AS area FROM person p JOIN enrolment e USING (psn_no)
         WHERE p.psn_no = $1`,
        [p.psnNo],
      );
      expect(row).toEqual({ certno: p.certno, scheme: p.scheme, area: p.area });
    }
    expect(new Set(access.persons.map((p) => p.personType)).size).toBeGreaterThan(1);
    expect(access.server.national).toBe('http://127.0.0.1:8080/fsi/api/rsfComIfsService/callService');
  });

  it('lists a staff user for every role over the city, who can sign in with the password written', async () => {
    expect(access.staff.map((u) => u.role)).toEqual([...ROLES]);
    for (const u of access.staff)
      expect(u).toMatchObject({ username: `demo-${u.role.replace('_', '-')}`, areas: ['220100'] });
    const admin = access.staff.find((u) => u.role === 'administrator')!;
    const session = await login(
      t.db,
      { username: admin.username, password: admin.password },
      { ip: null, requestId: null },
      Date.now(),
    );
    expect(session).toMatchObject({
      username: 'demo-administrator',
      role: 'administrator',
      areas: ['220100'],
    });
  });

  it('gives credentials a client signs in, looks a person up and settles with', async () => {
    const inst = access.institutions.find((i) => i.level === '2' && i.area === '220100')!;
    const cred = { institution: inst.code, secret: inst.secret };
    const signNo = await signIn(server, cred);
    expect(signNo).toMatch(/\S/);
    const person = access.persons.find((p) => p.personType === 'active')!;
    const info = await call(
      server,
      cred,
      envelope(
        inst.code,
        '1101',
        { data: { mdtrt_cert_type: '02', mdtrt_cert_no: person.certno } },
        { sign_no: signNo },
      ),
    );
    expect(info).toMatchObject({ infcode: 0, output: { baseinfo: { psn_no: person.psnNo } } });
    // One 甲 line of 18.50 (阿莫西林胶囊, city.ts), general outpatient, no personal account.
    const settled = await call(
      server,
      cred,
      envelope(
        inst.code,
        '2207',
        {
          data: {
            psn_no: person.psnNo,
            mdtrt_id: 'V1',
            med_type: '11',
            medfee_sumamt: '18.50',
            insutype: '310',
          },
          feedetail: [{ med_list_codg: 'DM-XA001', cnt: 1, det_item_fee_sumamt: '18.50' }],
        },
        { sign_no: signNo },
      ),
    );
    expect(settled).toMatchObject({
      infcode: 0,
      output: { setlinfo: { psn_no: person.psnNo, medfee_sumamt: 18.5 } },
    });
  });

  it('still refuses a second run, and issues no credential or staff user then', async () => {
    const counts = () =>
      t.db.query(
        'SELECT (SELECT count(*) FROM api_credential)::int AS c, (SELECT count(*) FROM staff_user)::int AS s',
      );
    const before = await counts();
    expect(before).toEqual([{ c: 38, s: 7 }]);
    await expect(runDemo(t.db, { persons: 60, days: 1, seed: 3 })).rejects.toBeInstanceOf(DemoCityExists);
    expect(await counts()).toEqual(before);
  });
});
