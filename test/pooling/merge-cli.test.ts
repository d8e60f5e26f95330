import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigrated } from '../../src/db/index.js';
import { assignPack, storePack } from '../../src/registry/packs.js';
import { createArea } from '../../src/registry/service.js';
import { shippedPacks } from '../../src/policy/load.js';
import { ROOT } from '../cli/helpers.js';
import { COUNTY_PACK_FILE } from '../fixtures/pooling/world.js';

/**
 * `tongchou pool …` end to end: the built CLI (npm test builds it first) on an embedded database in
 * a folder of its own, holding a city 220100 with one county 220112 and their packs from 2020.
 */

let dir: string;

function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/tongchou.js', ...args], {
      cwd: ROOT,
      env: { ...process.env, TONGCHOU_DATA: dir, DATABASE_URL: '', NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tongchou-merge-'));
  const db = await openMigrated({ kind: 'pglite', dataDir: dir });
  try {
    await createArea(db, { code: '220000', name: '吉林省', level: 'province' });
    await createArea(db, { code: '220100', name: '长春市', level: 'city', parentCode: '220000' });
    await createArea(db, { code: '220112', name: '双阳区', level: 'county', parentCode: '220100' });
    await db.transaction(async (tx) => {
      const city = await storePack(tx, readFileSync(shippedPacks().get('demo-city-2025')!, 'utf8'), 'demo');
      const county = await storePack(tx, readFileSync(COUNTY_PACK_FILE, 'utf8'), 'county');
      await assignPack(tx, { area: '220100', scheme: '310', beginDate: '2020-01-01', packHash: city.hash });
      await assignPack(tx, { area: '220112', scheme: '310', beginDate: '2020-01-01', packHash: county.hash });
    });
  } finally {
    await db.close();
  }
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// Each call starts the CLI and opens the embedded database: seconds each on a loaded machine.
describe('tongchou pool', { timeout: 90_000 }, () => {
  it('lists no merges on a new database', async () => {
    expect(await cli('pool', 'merges')).toMatchObject({ code: 0, stdout: 'no merges\n' });
  });

  it('prints each reason of a refusal on a line of its own, exit 2', async () => {
    const r = await cli('pool', 'merge', '--into', '220100', '--from', '220112,229999', '--on', '2199-01-01');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'tongchou: MERGE_REFUSED: the merge is refused:\n  229999 unknown-area: no pooling area 229999\n',
    );
  });

  it('refuses a call without its options as a usage error', async () => {
    const r = await cli('pool', 'merge', '--into', '220100');
    expect(r).toMatchObject({ code: 2, stderr: 'tongchou: pool merge needs --from, --on\n' });
  });

  it('schedules a merge in the future and cancels it, naming who did each', async () => {
    const s = await cli(
      'pool',
      'merge',
      '--into',
      '220100',
      '--from',
      '220112',
      '--on',
      '2199-01-01',
      '--actor',
      'ana',
    );
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(
      /^merge 1: 220112 into 220100 from 2199-01-01: scheduled \(scheduled \S+ by ana\)\n/,
    );
    expect(s.stdout).toContain(
      "registry: 1 pack assignments ended on the eve, 1 assigned the city's pack from 2199-01-01",
    );
    const c = await cli('pool', 'merge', 'cancel', '1', '--actor', 'bo');
    expect(c.stdout).toMatch(/^merge 1: .*: cancelled \(scheduled \S+ by ana, cancelled \S+ by bo\)\n/);
    expect(c.stdout).toContain("1 assignments of the city's pack removed, 1 county assignments restored");
  });

  it('runs a merge whose date has passed at once', async () => {
    const r = await cli(
      'pool',
      'merge',
      '--into',
      '220100',
      '--from',
      '220112',
      '--on',
      '2021-01-01',
      '--actor',
      'ana',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^merge 2: 220112 into 220100 from 2021-01-01: done/);
    expect(r.stdout).toContain('no county account held a balance: nothing to transfer');
    const list = await cli('pool', 'merges');
    expect(
      list.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(':')[0] + ' ' + /: (\w+) \(/.exec(l)![1]),
    ).toEqual(['merge 1 cancelled', 'merge 2 done']);
  });
});
