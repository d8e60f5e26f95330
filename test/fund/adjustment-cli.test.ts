import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { runCli, tempDirs } from '../cli/helpers.js';
import { FUJIAN_INPUTS, seedFujianWorld } from './adjustment-support.js';

/**
 * `tongchou adjust` end to end: the real CLI (bin/tongchou.js, built) on an embedded database in a
 * folder seeded with the Fujian-style province of the golden test.
 */

const INPUTS_YAML = `# collection rates and assessment scores, 2025
year: 2025
province: "350000"
cities:
  "350100": { collectionRate: "95%", assessmentScore: 95 }
  "350200": { collectionRate: "100%", assessmentScore: 85 }
  "350400": { collectionRate: 0.95, assessmentScore: "92.5" }
  "350700": { collectionRate: "90%", assessmentScore: 80 }
`;

describe('tongchou adjust', () => {
  const tmp = tempDirs();
  let dir: string;
  const saved = { data: process.env.TONGCHOU_DATA, url: process.env.DATABASE_URL };
  const file = (name: string) => join(dir, name);

  beforeAll(async () => {
    dir = tmp.make();
    const db = await openDatabase({ kind: 'pglite', dataDir: file('data') });
    await migrate(db);
    await seedFujianWorld(db);
    await db.close();
    tmp.write(dir, 'inputs.yaml', INPUTS_YAML);
    tmp.write(dir, 'inputs.json', JSON.stringify(FUJIAN_INPUTS));
    tmp.write(dir, 'bad.yaml', 'cities:\n  "350100": { collectionRate: "95", assessmentScore: -1 }\n');
    process.env.TONGCHOU_DATA = file('data'); // runCli passes the environment on
    delete process.env.DATABASE_URL;
  }, 120_000);
  afterAll(() => {
    if (saved.data === undefined) delete process.env.TONGCHOU_DATA;
    else process.env.TONGCHOU_DATA = saved.data;
    if (saved.url !== undefined) process.env.DATABASE_URL = saved.url;
    tmp.cleanup();
  });

  it('prints a table on a dry run, posts with --json, and replays a second run', async () => {
    const dry = await runCli(['adjust', '--year', '2025', '--inputs', file('inputs.yaml'), '--dry-run']);
    expect(dry.code).toBe(0);
    const lines = dry.stdout.split('\n');
    expect(lines[0]).toBe(
      'Fujian-style adjustment fund 2025: 350000 福建省, scheme 310 — dry run, nothing posted',
    );
    expect(lines[1]).toMatch(
      /^pack fixture-fujian-adjustment@1#[0-9a-f]{12}: pay-in 15%; net-payment cap 9%; net-receipt cap 20%; hold-back 5%; weights 80% insuredCount \+ 20% collectionRate; redistribution among net-recipients$/,
    );
    expect(dry.stdout).toMatch(
      /^350200\s+厦门市\s+5,000,000\.00\s+750,000\.00\s+0\.132632\s+198,947\.37\s+-551,052\.63\s+101,052\.63\s+0\.00\s+0\.00\s+0\.00\s+300,000\.00$/m,
    );
    expect(dry.stdout).toMatch(
      /^total\s+10,000,000\.00\s+1,500,000\.00\s+1\s+1,500,000\.00\s+101,052\.63\s+256,052\.63\s+36,500\.00\s+36,500\.00\s+1,345,000\.00$/m,
    );
    expect(dry.stdout).toContain(
      'risk fund: opening 0.00 + kept 256,052.63 − returned 101,052.63 = closing 155,000.00',
    );

    const posted = await runCli(['adjust', '--year', '2025', '--inputs', file('inputs.json'), '--json']);
    expect(posted.code).toBe(0);
    const report = JSON.parse(posted.stdout) as {
      status: string;
      journalId: number;
      result: { totals: object };
    };
    expect(report.status).toBe('posted');
    expect(report.result.totals).toMatchObject({
      paidIn: 150_000_000,
      kept: 25_605_263,
      heldBack: 3_650_000,
    });

    const again = await runCli([
      'adjust',
      '--year',
      '2025',
      '--province',
      '350000',
      '--inputs',
      file('inputs.yaml'),
    ]);
    expect(again.code).toBe(0);
    expect(again.stdout.split('\n')[0]).toBe(
      `Fujian-style adjustment fund 2025: 350000 福建省, scheme 310 — replayed as journal ${report.journalId} on 2025-12-31`,
    );
  }, 120_000);

  it('refuses a bad inputs file with every problem by path, and bad options before opening the database', async () => {
    const bad = await runCli(['adjust', '--year', '2026', '--inputs', file('bad.yaml')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      `tongchou: INVALID_INPUT at cities.350100.collectionRate: ${file('bad.yaml')} refused, nothing was written: 2 problems`,
    );
    expect(bad.stderr).toMatch(
      /cities\.350100\.collectionRate: collection rate must be a rate such as "75%"/,
    );
    expect(bad.stderr).toMatch(/cities\.350100\.assessmentScore: must be a score from 0 to 1000/);
    const usage = await runCli(['adjust', '--year', '25']);
    expect(usage).toMatchObject({
      code: 2,
      stderr: 'tongchou: --year must be a year such as 2025, not "25"\n',
    });
    const missing = await runCli(['adjust', '--year', '2025', '--inputs', file('none.yaml')]);
    expect(missing.stderr).toBe(`tongchou: cannot read --inputs ${file('none.yaml')}: no such file\n`);
  }, 120_000);
});
