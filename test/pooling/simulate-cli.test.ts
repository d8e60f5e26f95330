import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { ROOT, runCli, tempDirs, type CliRun } from '../cli/helpers.js';
import type { SimulationSummary } from '../../src/pooling/simulate/summary-file.js';
import { ProgressBar } from '../../src/cli/simulate-command.js';

// End-to-end runs of the built CLI (`npm run build` first; `npm test` does it): `tongchou simulate`
// on the golden claims (test/fixtures/simulate; the figures are worked by hand in
// simulate-golden.test.ts), the files it writes, the columnar round trip, and bad input.

const FIXTURES = fileURLToPath(new URL('../fixtures/simulate/', import.meta.url));
const CLAIMS = join(FIXTURES, 'claims.jsonl');
const MAP = join(FIXTURES, 'map.yaml');
const CITY = join(FIXTURES, 'city.yaml');
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const tmp = tempDirs();
afterAll(() => tmp.cleanup());

function simulateArgs(out: string, claims = CLAIMS, extra: string[] = []): string[] {
  return ['simulate', '--claims', claims, '--baseline', MAP, '--reform', CITY, '--out', out, ...extra];
}

function readSummary(out: string): SimulationSummary {
  return JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as SimulationSummary;
}

/** What must not differ between two runs on the same claims: the tables, not where they came from. */
function tables(s: SimulationSummary) {
  const { input, ...rest } = s;
  return { ...rest, input: { claims: input.claims, persons: input.persons, personYears: input.personYears } };
}

beforeAll(() => {
  expect(existsSync(join(ROOT, 'dist/cli/main.js')), 'run `npm run build` before these tests').toBe(true);
});

describe('tongchou simulate (end to end)', () => {
  let out: string;
  let run: CliRun;
  beforeAll(async () => {
    out = tmp.make();
    run = await runCli(simulateArgs(out, CLAIMS, ['--bands', '1000,20000']));
  });

  it('exits 3 (one claim refused under the baseline) and says what it found', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('7 claims of 5 persons (JSON Lines)');
    expect(run.stdout).toContain('refused: 1 under the baseline, 0 under the reform, 0 input lines');
    expect(run.stdout).toContain(
      'person burden 21,672.00 → 15,691.50 yuan (-5,980.50); gainers 2, unchanged 1, losers 1',
    );
    expect(run.stdout).toContain('fund 390200: 0.00 → 1,985.00 yuan (+1,985.00)');
  });

  it('writes summary.json with the hand-computed figures and the bands asked for', () => {
    const s = readSummary(out);
    expect(s.personBurden).toEqual({ baseline: 21672, reform: 15691.5, change: -5980.5 });
    expect(s.funds.find((f) => f.fund === '390100')).toMatchObject({ baseline: 26278, reform: 30128.5 });
    expect(s.overall).toMatchObject({
      persons: 4,
      gainers: 2,
      losers: 1,
      unchanged: 1,
      averageChange: -1495.13,
    });
    // --bands 1000,20000: 800 below 1,000; 1,000 to 10,000 in the middle band; 30,000 above 20,000.
    expect(s.byBand.map((b) => [b.label, b.persons, b.totalChange])).toEqual([
      ['< 1,000', 1, -95],
      ['1,000 – 20,000', 4, -400 - 50 + 1030 - 0.5],
      ['≥ 20,000', 1, -6465],
    ]);
    expect(s.refused.baseline.POLICY_GAP).toMatchObject({ claims: 1, claimIds: ['e2-a'] });
  });

  it('writes persons.jsonl: one line per person-year', () => {
    const lines = readFileSync(join(out, 'persons.jsonl'), 'utf8').trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { psn_no: string }).psn_no)).toEqual([
      'E1',
      'R1',
      'R2',
      'E2',
      'R3',
    ]);
    expect(JSON.parse(lines[1]!)).toMatchObject({
      baseline: 18850,
      reform: 11985,
      baseline_over_threshold: true,
    });
  });

  it('writes report.xlsx holding the tables', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(join(out, 'report.xlsx'));
    expect(book.worksheets.map((w) => w.name)).toEqual([
      'Summary',
      'Funds',
      'By area',
      'By level',
      'By person type',
      'By bill size',
      'Refused',
    ]);
    const funds = book.getWorksheet('Funds')!;
    const fundRows = funds.getSheetValues().filter(Boolean) as unknown[][];
    expect(fundRows.find((r) => r[1] === '390100')?.slice(3, 6)).toEqual([26278, 30128.5, 3850.5]);
    expect(fundRows.find((r) => r[1] === 'person')?.slice(3, 6)).toEqual([21672, 15691.5, -5980.5]);
    const areas = book.getWorksheet('By area')!.getSheetValues().filter(Boolean) as unknown[][];
    // key, group, claims, persons, gainers, losers, unchanged
    expect(areas.find((r) => r[1] === '350422')?.slice(1, 8)).toEqual([
      '350422',
      '350422 (sim-county-b)',
      2,
      2,
      0,
      1,
      1,
    ]);
    const refused = book.getWorksheet('Refused')!.getSheetValues().filter(Boolean) as unknown[][];
    expect(refused.find((r) => r[1] === 'baseline')?.slice(1, 4)).toEqual(['baseline', 'POLICY_GAP', 1]);
  });

  it('draws the three charts as SVG and PNG', () => {
    for (const name of ['gainers-losers-by-area', 'change-by-band', 'fund-expenditure']) {
      const svg = readFileSync(join(out, 'charts', `${name}.svg`), 'utf8');
      expect(svg.startsWith('<svg'), `${name}.svg`).toBe(true);
      expect(svg).toContain('</svg>');
      const png = readFileSync(join(out, 'charts', `${name}.png`));
      expect([...png.subarray(0, 8)], `${name}.png`).toEqual(PNG_SIGNATURE);
      expect(png.length).toBeGreaterThan(1000);
    }
    expect(readFileSync(join(out, 'charts', 'gainers-losers-by-area.svg'), 'utf8')).toContain('350421');
  });

  it('gives the same tables from the columnar file, settled in worker threads', async () => {
    const dir = tmp.make();
    const file = join(dir, 'claims.tcc');
    const convert = await runCli(['simulate', 'convert', CLAIMS, file]);
    expect(convert.code).toBe(0);
    expect(convert.stdout).toContain('7 claims of 5 persons in 1 row groups');
    const columnarOut = join(dir, 'out');
    const again = await runCli(simulateArgs(columnarOut, file, ['--bands', '1000,20000', '--workers', '2']));
    expect(again.code).toBe(3);
    expect(tables(readSummary(columnarOut))).toEqual(tables(readSummary(out)));
    expect(readSummary(columnarOut).input.source).toBe('columnar file');
    expect(readFileSync(join(columnarOut, 'persons.jsonl'), 'utf8')).toBe(
      readFileSync(join(out, 'persons.jsonl'), 'utf8'),
    );
    expect(readFileSync(join(columnarOut, 'refused.jsonl'), 'utf8')).toBe(
      readFileSync(join(out, 'refused.jsonl'), 'utf8'),
    );
  });
});

describe('tongchou simulate: bad input is refused with a clear message, exit 2', () => {
  const expectUsage = (run: CliRun, message: RegExp) => {
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  };

  it('a missing claims file, an unknown pack, no claims or both sources', async () => {
    const out = tmp.make();
    expectUsage(
      await runCli(simulateArgs(out, join(out, 'nope.jsonl'))),
      /--claims .*nope\.jsonl: no such file/,
    );
    expectUsage(
      await runCli([
        'simulate',
        '--claims',
        CLAIMS,
        '--baseline',
        MAP,
        '--reform',
        'no-such-pack',
        '--out',
        out,
      ]),
      /no shipped policy pack "no-such-pack"/,
    );
    expectUsage(await runCli(['simulate', '--baseline', MAP, '--reform', CITY]), /give the claims/);
    expectUsage(
      await runCli(['simulate', '--claims', CLAIMS, '--from-db', '--baseline', MAP, '--reform', CITY]),
      /either --claims FILE or --from-db/,
    );
    expectUsage(
      await runCli(['simulate', '--claims', CLAIMS, '--reform', CITY]),
      /--baseline PACK\|MAP is required/,
    );
  });

  it('an area the MAP does not cover is named', async () => {
    const dir = tmp.make();
    const map = tmp.write(dir, 'map.yaml', `areas:\n  "350421": ${join(FIXTURES, 'county-a.yaml')}\n`);
    expectUsage(
      await runCli([
        'simulate',
        '--claims',
        CLAIMS,
        '--baseline',
        map,
        '--reform',
        CITY,
        '--out',
        join(dir, 'o'),
      ]),
      /gives no pack for area 350422/,
    );
    expect(existsSync(join(dir, 'o')), 'nothing written, not even the folder').toBe(false);
    const bad = tmp.write(dir, 'bad.json', JSON.stringify({ areas: { '3504': 'sim-city' } }));
    expectUsage(
      await runCli(['simulate', '--claims', CLAIMS, '--baseline', bad, '--reform', CITY]),
      /areas\.3504 must be a 6-digit area code/,
    );
  });

  it('bad option values', async () => {
    const out = tmp.make();
    expectUsage(
      await runCli(simulateArgs(out, CLAIMS, ['--bands', '5000,1000'])),
      /--bands bounds must ascend/,
    );
    expectUsage(await runCli(simulateArgs(out, CLAIMS, ['--income-proxy', '12.345'])), /--income-proxy/);
    expectUsage(
      await runCli(simulateArgs(out, CLAIMS, ['--burden-threshold', '140%'])),
      /--burden-threshold/,
    );
    expectUsage(
      await runCli(simulateArgs(out, CLAIMS, ['--workers', 'two'])),
      /--workers must be a whole number/,
    );
  });

  it('a damaged columnar file is refused, naming the file', async () => {
    const dir = tmp.make();
    const file = join(dir, 'claims.tcc');
    expect((await runCli(['simulate', 'convert', CLAIMS, file])).code).toBe(0);
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, bytes.length - 20));
    expectUsage(
      await runCli(simulateArgs(join(dir, 'out'), file)),
      /claims\.tcc is not a readable columnar claims file/,
    );
  });

  it('a line that is not a claim is counted and listed, never dropped silently (exit 3)', async () => {
    const dir = tmp.make();
    const claims = tmp.write(
      dir,
      'claims.jsonl',
      readFileSync(CLAIMS, 'utf8') + '{"claim_id":"bad","psn_no":"X"}\nnot json\n',
    );
    const out = join(dir, 'out');
    const run = await runCli(simulateArgs(out, claims));
    expect(run.code).toBe(3);
    const s = readSummary(out);
    expect(s.input.rejectedAtInput).toBe(2);
    expect(s.refused.input.INVALID_CLAIM).toMatchObject({ claims: 2, claimIds: ['bad'] });
    const refused = readFileSync(join(out, 'refused.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(refused.filter((r) => r.side === 'input').map((r) => r.line)).toEqual([8, 9]);
    // The other claims are simulated as before.
    expect(s.personBurden.change).toBe(-5980.5);
  });
});

describe('the progress bar', () => {
  function fakeStream(isTTY: boolean) {
    const writes: string[] = [];
    return {
      writes,
      stream: { isTTY, write: (t: string) => writes.push(t) > 0 } as unknown as NodeJS.WritableStream,
    };
  }

  it('draws a bar with the share done on a terminal, and clears it at the end', () => {
    const { writes, stream } = fakeStream(true);
    const bar = new ProgressBar(stream);
    bar.settling(250_000, 1_000_000);
    bar.settling(1_000_000, 1_000_000); // the last one is always drawn
    bar.done();
    expect(writes[0]).toMatch(/^\r\[#{7}-{23}\] 25% 250,000 \/ 1,000,000 claims/);
    expect(writes[1]).toMatch(/^\r\[#{30}\] 100% 1,000,000 \/ 1,000,000 claims/);
    expect(writes[2]).toBe('\r\x1b[K');
  });

  it('writes nothing when standard error is not a terminal (pipes and CI logs stay clean)', () => {
    const { writes, stream } = fakeStream(false);
    const bar = new ProgressBar(stream);
    bar.reading(10);
    bar.settling(10, 10);
    bar.done();
    expect(writes).toEqual([]);
  });
});
