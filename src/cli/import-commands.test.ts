import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { seedAreas } from '../../test/support/registry.js';
import { openMigrated } from '../db/index.js';
import { addImportCommands } from './import-commands.js';

const EXAMPLES = new URL('../../examples/catalogue/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'tongchou-import-'));
const dataDir = join(dir, 'data');

/** Run `tongchou import …` in-process against the embedded database in dataDir. */
async function run(...args: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  const program = new Command('tongchou').exitOverride();
  addImportCommands(program);
  try {
    process.exitCode = 0;
    await program.parseAsync(['node', 'tongchou', 'import', ...args]);
    return { status: Number(process.exitCode ?? 0), out, err };
  } finally {
    process.exitCode = 0;
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

describe('tongchou import', () => {
  const saved = { data: process.env.TONGCHOU_DATA, url: process.env.DATABASE_URL };
  beforeAll(async () => {
    process.env.TONGCHOU_DATA = dataDir;
    delete process.env.DATABASE_URL;
    const db = await openMigrated({ kind: 'pglite', dataDir });
    await seedAreas(db);
    await db.query(`INSERT INTO employer (emp_no, name, area_code) VALUES ('E001', '某公司', '350102')`);
    await db.close();
  }, 60_000);
  afterAll(() => {
    if (saved.data === undefined) delete process.env.TONGCHOU_DATA;
    else process.env.TONGCHOU_DATA = saved.data;
    if (saved.url !== undefined) process.env.DATABASE_URL = saved.url;
  });

  it('imports a catalogue', async () => {
    const r = await run('catalogue', join(EXAMPLES, 'items.xlsx'), '--valid-from', '2025-01-01');
    expect(r).toMatchObject({ status: 0, err: '' });
    expect(r.out).toMatch(
      /^catalogue version 1: 8 items from items.xlsx, in force from 2025-01-01 \(sha256 [0-9a-f]{12}…\)\n$/,
    );
    const d = await run(
      'catalogue',
      join(EXAMPLES, 'diseases.csv'),
      '--valid-from',
      '2025-01-01',
      '--kind',
      'diseases',
    );
    expect(d.out).toMatch(/^catalogue version 2: 5 diseases from diseases.csv/);
  });

  it('prints a refusal with its code and path and exits 2', async () => {
    const r = await run('catalogue', join(EXAMPLES, 'items.csv'), '--valid-from', '2025-02-30');
    expect(r).toEqual({
      status: 2,
      out: '',
      err: 'tongchou: INVALID_INPUT at validFrom: validFrom must be a real date YYYY-MM-DD\n',
    });
    const k = await run(
      'catalogue',
      join(EXAMPLES, 'items.csv'),
      '--valid-from',
      '2025-01-01',
      '--kind',
      'drugs',
    );
    expect(k.err).toBe('tongchou: INVALID_INPUT at kind: kind must be "items" or "diseases"\n');
  });

  it('enrols persons from a CSV file, and lists the problems of a bad one by line', async () => {
    const good = join(dir, 'persons.csv');
    writeFileSync(
      good,
      [
        '人员编号,身份证号,姓名,参保地,险种,人员类别,单位编号,开始日期',
        'P001,350102199003071234,张三,350102,310,1101,E001,2025-01-01',
        '',
        'P002,350426198507150000,李四,350102,390,1501,,2025-01-01',
      ].join('\n'),
    );
    expect(await run('persons', good)).toEqual({
      status: 0,
      out: `enrolled 2 new persons from ${good}\n`,
      err: '',
    });

    const bad = join(dir, 'bad-persons.csv');
    writeFileSync(
      bad,
      [
        'psnNo,certno,name,areaCode,scheme,personType,empNo,beginDate',
        'P003,11010519491231002X,王五,350102,310,retired,,2025-01-01',
        '',
        'P004,110105200002290012,赵六,350102,390,minor,,2025-01-01',
        'P001,110105200002290013,赵六,350102,390,minor,,2025-01-01',
      ].join('\n'),
    );
    const r = await run('persons', bad);
    expect(r.status).toBe(2);
    expect(r.err).toBe(
      'tongchou: INVALID_INPUT at rows: bulk enrolment refused, nothing was written: 2 problems\n' +
        'row 4, column certno: has a wrong check character (expected 3, got 2)\n' +
        'row 5, column psnNo: P001 is already registered\n',
    );
  });

  it('refuses a persons file without a required column or that does not exist', async () => {
    const file = join(dir, 'no-certno.csv');
    writeFileSync(
      file,
      'psnNo,name,areaCode,scheme,personType,beginDate\nP9,某人,350102,390,resident,2025-01-01\n',
    );
    expect((await run('persons', file)).err).toMatch(
      /^tongchou: INVALID_INPUT at file: column certno is missing/,
    );
    expect((await run('persons', join(dir, 'nope.csv'))).err).toBe(
      `tongchou: NOT_FOUND at file: no file ${join(dir, 'nope.csv')}\n`,
    );
  });
});
