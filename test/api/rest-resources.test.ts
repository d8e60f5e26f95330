/**
 * The REST resources end to end, each through its service: areas, employers, institutions and their
 * agreements, persons and enrolment, contributions, catalogue imports (CSV text), policy packs
 * (store, assign, list), ledger journals; pages of at most 200 rows in a stable order; and
 * `tongchou staff create` reading the password from standard input.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigrated } from '../../src/db/index.js';
import { shippedPacks } from '../../src/policy/load.js';
import { openTestDatabase, type TestDatabase } from '../support/db.js';
import { runCli } from '../cli/helpers.js';
import { auditAfter, lastAuditId, rest, staffToken } from './rest-support.js';
import { seedApiWorld, startServer, type RunningServer } from './support.js';

const COUNTY = '350425';

describe('staff REST resources', () => {
  let t: TestDatabase;
  let server: RunningServer;
  let admin: string;
  let handler: string;
  let approver: string;
  let fund: string;

  beforeAll(async () => {
    t = await openTestDatabase(4);
    await seedApiWorld(t.db, ['P1']);
    server = await startServer(t.db, { logLevel: 'silent' });
    admin = await staffToken(t.db, server, 'admin', 'administrator', ['350000']);
    handler = await staffToken(t.db, server, 'hand', 'handler', ['350400']);
    approver = await staffToken(t.db, server, 'appr', 'approver', ['350400']);
    fund = await staffToken(t.db, server, 'fund', 'fund_manager', ['350400']);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await t?.drop();
  });

  it('registers an area, an employer and an institution, and changes its agreement', async () => {
    const area = await rest(server, 'POST', '/api/v1/areas', {
      token: admin,
      body: { code: '350427', name: '沙县', level: 'county', parentCode: '350400' },
    });
    expect(area.status).toBe(201);
    expect(area.body).toEqual({ code: '350427', name: '沙县', level: 'county', parentCode: '350400' });
    const emp = await rest(server, 'POST', '/api/v1/employers', {
      token: handler,
      body: { empNo: 'E777', name: '沙县公司', areaCode: '350427' },
    });
    expect(emp.status).toBe(201);
    expect((await rest(server, 'GET', '/api/v1/employers/E777', { token: handler })).body).toEqual({
      empNo: 'E777',
      name: '沙县公司',
      areaCode: '350427',
    });
    const inst = await rest(server, 'POST', '/api/v1/institutions', {
      token: approver,
      body: { code: 'H777', name: '沙县医院', level: '2', areaCode: '350427', agreementBegin: '2025-01-01' },
    });
    expect(inst.status).toBe(201);
    const ended = await rest(server, 'POST', '/api/v1/institutions/H777/agreement', {
      token: approver,
      body: { status: 'ended', agreementEnd: '2025-06-30' },
    });
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({ code: 'H777', agreementStatus: 'ended', agreementEnd: '2025-06-30' });
    const byHandler = await rest(server, 'POST', '/api/v1/institutions', {
      token: handler,
      body: { code: 'H778', name: 'x', level: '1', areaCode: '350427', agreementBegin: '2025-01-01' },
    });
    expect(byHandler.status).toBe(403);
  });

  it('registers and enrols a person, records a contribution, and lists the journals', async () => {
    const p = await rest(server, 'POST', '/api/v1/persons', {
      token: handler,
      body: { psnNo: 'P20', certno: '11010519491231002X', name: '王五', areaCode: '350400' },
    });
    expect(p.status).toBe(201);
    const e = await rest(server, 'POST', '/api/v1/persons/P20/enrolments', {
      token: handler,
      body: {
        scheme: '310',
        personType: 'active',
        areaCode: '350400',
        empNo: 'E001',
        beginDate: '2025-01-01',
      },
    });
    expect(e.status).toBe(201);
    expect(e.body).toMatchObject({ psnNo: 'P20', scheme: '310', status: 'active', beginDate: '2025-01-01' });
    // The Sanming pack states no employee contribution rates (its source does not): POLICY_GAP,
    // recorded as refused, nothing written.
    const before = await lastAuditId(t.db);
    const c = await rest(server, 'POST', '/api/v1/persons/P20/contributions/employee', {
      token: fund,
      body: { key: 'c-1', date: '2025-03-10', period: '2025-03', baseFen: 800_000 },
    });
    expect(c.status).toBe(422);
    expect(c.body.error).toMatchObject({ code: 'POLICY_GAP', path: 'contributions.employee.employerRate' });
    expect(
      (await rest(server, 'GET', '/api/v1/persons/P20/contributions', { token: fund })).body.items,
    ).toEqual([]);
    expect((await auditAfter(t.db, before)).map((r) => [r.actor, r.action, r.outcome])).toEqual([
      ['fund', 'contribution.record', 'refused'],
    ]);
  });

  it('pages lists by offset in a stable order', async () => {
    const first = await rest(server, 'GET', '/api/v1/areas?limit=2', { token: handler });
    expect(first.body.nextOffset).toBe(2);
    const second = await rest(server, 'GET', '/api/v1/areas?limit=2&offset=2', { token: handler });
    const codes = [
      ...(first.body.items as { code: string }[]),
      ...(second.body.items as { code: string }[]),
    ].map((a) => a.code);
    expect(codes).toEqual(['350000', '350400', '350425', '350427']);
    expect(second.body.nextOffset).toBeNull();
  });

  it('imports a catalogue from CSV text, refusing a bad file whole', async () => {
    const csv =
      '编码,类别,名称,甲乙类,先行自付比例,最高限价,开始日期,结束日期\nX-1,药品,测试药,甲,,,,\nX-2,药品,测试药二,乙,10%,,,\n';
    const ok = await rest(server, 'POST', '/api/v1/catalogue/imports', {
      token: admin,
      body: { sourceName: 'items.csv', csv, validFrom: '2025-04-01' },
    });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({
      kind: 'items',
      validFrom: '2025-04-01',
      sourceName: 'items.csv',
      rowCount: 2,
    });
    const bad = await rest(server, 'POST', '/api/v1/catalogue/imports', {
      token: admin,
      body: { sourceName: 'bad.csv', csv: `${csv}X-3,药品,坏,丁,,,,\n`, validFrom: '2025-05-01' },
    });
    expect(bad.status).toBe(400);
    const versions = await rest(server, 'GET', '/api/v1/catalogue/versions', { token: handler });
    expect((versions.body.items as { sourceName: string }[]).map((v) => v.sourceName)).toEqual([
      'test',
      'items.csv',
    ]);
  });

  it('stores and assigns a policy pack; an invalid pack is refused naming the problems', async () => {
    const yaml = readFileSync(shippedPacks().get('shanxi-resident-2025')!, 'utf8');
    const stored = await rest(server, 'POST', '/api/v1/packs', { token: admin, body: { yaml } });
    expect(stored.status).toBe(201);
    const hash = stored.body.hash as string;
    const before = await lastAuditId(t.db);
    const assigned = await rest(server, 'POST', '/api/v1/packs/assignments', {
      token: admin,
      body: { packHash: hash, areaCode: COUNTY, scheme: '390', beginDate: '2025-01-01' },
    });
    expect(assigned.status).toBe(201);
    expect((await auditAfter(t.db, before)).map((r) => [r.action, r.subject, r.outcome])).toEqual([
      ['pack.assign', `area_pack/${COUNTY}/390`, 'done'],
    ]);
    const again = await rest(server, 'POST', '/api/v1/packs/assignments', {
      token: admin,
      body: { packHash: hash, areaCode: COUNTY, scheme: '390', beginDate: '2025-01-01' },
    });
    expect(again.status).toBe(409);
    const bad = await rest(server, 'POST', '/api/v1/packs', {
      token: admin,
      body: { yaml: 'id: x\nversion: [' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error!.message).toContain('the pack is invalid');
    const packs = await rest(server, 'GET', '/api/v1/packs', { token: handler });
    // A resident of the county pays 380.00 and the treasury adds 640.00 (the pack states no amounts,
    // so the amounts collected are given): 1,020.00 of resident-pool income.
    const person = await rest(server, 'POST', '/api/v1/persons', {
      token: handler,
      body: { psnNo: 'P21', certno: '350427199001011231', name: '赵六', areaCode: COUNTY },
    });
    expect(person.status).toBe(201);
    const e = await rest(server, 'POST', '/api/v1/persons/P21/enrolments', {
      token: handler,
      body: { scheme: '390', personType: 'resident', areaCode: COUNTY, beginDate: '2025-01-01' },
    });
    expect(e.status).toBe(201);
    const paid = await rest(server, 'POST', '/api/v1/persons/P21/contributions/resident', {
      token: fund,
      body: { key: 'r-1', date: '2025-03-10', year: 2025, individualFen: 38_000, subsidyFen: 64_000 },
    });
    expect(paid.status).toBe(201);
    expect(paid.body).toMatchObject({
      employeeFen: 38_000,
      subsidyFen: 64_000,
      poolFen: 102_000,
      areaCode: COUNTY,
    });
    const replay = await rest(server, 'POST', '/api/v1/persons/P21/contributions/resident', {
      token: fund,
      body: { key: 'r-1', date: '2025-03-10', year: 2025, individualFen: 38_000, subsidyFen: 64_000 },
    });
    expect(replay.body).toMatchObject({ poolFen: 102_000, replay: true });
    const balances = await rest(
      server,
      'GET',
      `/api/v1/ledger/balances?areaCode=${COUNTY}&book=resident-pool`,
      {
        token: fund,
      },
    );
    expect(balances.body.items).toEqual([
      expect.objectContaining({ code: `fund:${COUNTY}`, balanceFen: 102_000 }),
      expect.objectContaining({ code: `income:${COUNTY}`, balanceFen: 102_000 }),
    ]);
    const journals = await rest(server, 'GET', `/api/v1/ledger/journals?areaCode=${COUNTY}`, { token: fund });
    expect(
      (journals.body.items as { postings: { amountFen: number }[] }[]).map((j) =>
        j.postings.map((x) => x.amountFen),
      ),
    ).toEqual([[38_000, 64_000]]);
    const shanxi = (packs.body.items as { hash: string; assignments: { areaCode: string }[] }[]).find(
      (p) => p.hash === hash,
    );
    expect(shanxi!.assignments).toEqual([
      { areaCode: COUNTY, scheme: '390', beginDate: '2025-01-01', endDate: null },
    ]);
  });

  it('creates a staff user from the command line, the password read from standard input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tongchou-staff-'));
    try {
      const db = await openMigrated({ kind: 'pglite', dataDir: dir });
      await db.exec(`INSERT INTO pooling_area (code, name, level) VALUES ('350000', '福建省', 'province')`);
      await db.close();
      const env = { TONGCHOU_DATA: dir, DATABASE_URL: undefined };
      const run = await runCli(
        ['staff', 'create', 'wang.li', '--role', 'handler', '--areas', '350000'],
        'a long enough secret\n',
        env,
      );
      expect(run.stderr).toBe('');
      expect(run.stdout).toBe('wang.li\thandler\t350000\n');
      const dup = await runCli(
        ['staff', 'create', 'wang.li', '--role', 'handler', '--areas', '350000'],
        'another long secret\n',
        env,
      );
      expect(dup.code).toBe(2);
      expect(dup.stderr).toContain('ALREADY_EXISTS');
      const badRole = await runCli(
        ['staff', 'create', 'li', '--role', 'king', '--areas', '350000'],
        'a long enough secret\n',
        env,
      );
      expect(badRole.code).toBe(2);
      expect(badRole.stderr).toContain('role must be one of');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
