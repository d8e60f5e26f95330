import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_BAND_BOUNDS } from '../../src/domain/simulation/bands.js';
import { simulate, type SimulateOptions } from '../../src/pooling/simulate/simulate.js';
import type { SimulationSummary } from '../../src/pooling/simulate/summary-file.js';
import type { SimulateOutcome } from '../../src/pooling/simulate/simulate.js';

/*
 * Golden test of `simulate`: two county pools merged into one city pool (test/fixtures/simulate,
 * made-up fixture packs) and seven claims of five persons (claims.jsonl), each amount worked by hand.
 *
 * Packs. County A (350421, county-pooled): resident inpatient deductible 500 in the county / 1,000
 * out of it, rate 70% / 50%; employee outpatient annual deductible 600, 80% at level 0–1, 70% at
 * 2–3. County B (350422): resident inpatient 300 / 800, 80% / 55%; no employee outpatient benefit
 * (POLICY_GAP). City (350400, city-pooled, so the whole city is in-area): resident inpatient
 * deductible 200 / 400 / 600 / 800 and rate 90 / 85 / 75 / 65% by level 0–3; critical-illness
 * insurance 50% of the year's in-scope out-of-pocket above 10,000; employee outpatient annual
 * deductible 500, 85% at level 0–1, 75% at 2–3. MAP: A → county A (income proxy 30,000), B → county
 * B (20,000); burden threshold 40%, so 12,000 in A and 8,000 in B.
 *
 * The claims are given out of date order; each person's are settled in date order:
 * E1 (employee, A, outpatient): e1-a 2025-02-10 level 1, 800; e1-b 2025-06-10 level 2, 1,000.
 *   Baseline: e1-a deductible 600, pool (800 − 600) × 80% = 160, burden 640;
 *             e1-b deductible used up, pool 1,000 × 70% = 700, burden 300.  Year 940.
 *   Reform:   e1-a deductible 500, pool 300 × 85% = 255, burden 545;
 *             e1-b pool 1,000 × 75% = 750, burden 250.                       Year 795.
 *   (In input order, e1-b first, the baseline would give 720 + 160 = 880: the order matters.)
 *   Change −145: gainer.
 * R1 (resident, A): r1-a 2025-03-01 level 2 in A, 10,000; r1-b 2025-05-10 level 3 in the city
 *   district 350402 (out of county A, in the city), 30,000.
 *   Baseline: r1-a 500, (10,000 − 500) × 70% = 6,650, burden 3,350;
 *             r1-b out of county: 1,000, (30,000 − 1,000) × 50% = 14,500, burden 15,500. Year 18,850.
 *   Reform:   r1-a 600, 9,400 × 75% = 7,050, burden 2,950 (critical illness: year's base 2,950 < 10,000);
 *             r1-b 800, 29,200 × 65% = 18,980; critical illness on base 2,950 + 11,020 = 13,970:
 *             50% × (13,970 − 10,000) − 0 = 1,985; burden 30,000 − 18,980 − 1,985 = 9,035. Year 11,985.
 *   Change −6,865: gainer. Over the threshold 12,000 under the baseline (18,850), not the reform.
 * R2 (resident, B): r2-a 2025-04-01 level 3 in B, 5,000.
 *   Baseline 300, 4,700 × 80% = 3,760, burden 1,240. Reform 800, 4,200 × 65% = 2,730, burden 2,270.
 *   Change +1,030: loser.
 * R3 (resident, B): r3-a 2025-04-02 level 1 in B, 2,010.
 *   Baseline 300, 1,710 × 80% = 1,368, burden 642. Reform 400, 1,610 × 85% = 1,368.50, burden 641.50.
 *   Change −0.50: unchanged (within ±1 yuan).
 * E2 (employee, B): e2-a 2025-03-03 level 2, 500: POLICY_GAP under county B; under the city the
 *   deductible takes all 500 (burden 500). Refused under one side: listed, not compared.
 *
 * Funds (compared claims): 310100 860 → 1,005 (+145); 390100 6,650 + 14,500 + 3,760 + 1,368 =
 * 26,278 → 7,050 + 18,980 + 2,730 + 1,368.50 = 30,128.50 (+3,850.50); 390200 0 → 1,985.
 * Bills 48,810; burden 21,672 → 15,691.50 (−5,980.50) = bills − funds on each side.
 */

const FIXTURES = fileURLToPath(new URL('../fixtures/simulate/', import.meta.url));
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function outDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tongchou-sim-'));
  dirs.push(dir);
  return dir;
}

export function goldenOptions(out: string, over: Partial<SimulateOptions> = {}): SimulateOptions {
  return {
    claims: { kind: 'file', file: join(FIXTURES, 'claims.jsonl') },
    baseline: join(FIXTURES, 'map.yaml'),
    reform: join(FIXTURES, 'city.yaml'),
    out,
    incomeProxy: null,
    thresholdBp: 4000,
    bands: [...DEFAULT_BAND_BOUNDS],
    workers: 0,
    ...over,
  };
}

function row(rows: SimulationSummary['byArea'], key: string) {
  const found = rows.find((r) => r.key === key);
  expect(found, `row ${key}`).toBeDefined();
  return found!;
}

describe('simulate: two county packs merged into a city pack (golden)', () => {
  let out: string;
  let run: SimulateOutcome;
  beforeAll(async () => {
    out = outDir();
    run = await simulate(goldenOptions(out));
  });

  it('fund totals and person burden, by hand', async () => {
    const { summary } = run;
    expect(summary.comparedClaims).toBe(6);
    expect(summary.medfee).toBe(48810);
    const fund = (f: string) => summary.funds.find((x) => x.fund === f)!;
    expect(fund('310100')).toMatchObject({ baseline: 860, reform: 1005, change: 145 });
    expect(fund('390100')).toMatchObject({ baseline: 26278, reform: 30128.5, change: 3850.5 });
    expect(fund('390200')).toMatchObject({ baseline: 0, reform: 1985, change: 1985 });
    expect(fund('330100')).toMatchObject({ baseline: 0, reform: 0 });
    expect(summary.personBurden).toEqual({ baseline: 21672, reform: 15691.5, change: -5980.5 });
  });

  it('overall: 2 gainers, 1 loser, 1 unchanged; average −1,495.125 rounded half away from zero', async () => {
    const { summary } = run;
    expect(summary.overall).toMatchObject({
      claims: 6,
      persons: 4,
      gainers: 2,
      losers: 1,
      unchanged: 1,
      baselineBurden: 21672,
      reformBurden: 15691.5,
      totalChange: -5980.5,
      averageChange: -1495.13,
      // R1 alone passes 40% of the income proxy, under the baseline only: 1 of 4 = 2,500 bp.
      overThreshold: { incomeKnown: 4, baseline: 1, reform: 0, baselineShareBp: 2500, reformShareBp: 0 },
    });
    expect(summary.input).toMatchObject({ claims: 7, persons: 5, personYears: 5, rejectedAtInput: 0 });
  });

  it('by area: county A gains (E1, R1), county B has a loser (R2) and an unchanged (R3)', async () => {
    const { summary } = run;
    expect(summary.byArea.map((r) => r.key)).toEqual(['350421', '350422']);
    expect(row(summary.byArea, '350421')).toMatchObject({
      claims: 4,
      persons: 2,
      gainers: 2,
      losers: 0,
      unchanged: 0,
      baselineBurden: 19790, // 940 + 18,850
      reformBurden: 12780, // 795 + 11,985
      totalChange: -7010,
      averageChange: -3505,
      overThreshold: { incomeKnown: 2, baseline: 1, reform: 0, baselineShareBp: 5000, reformShareBp: 0 },
    });
    expect(row(summary.byArea, '350422')).toMatchObject({
      claims: 2,
      persons: 2,
      gainers: 0,
      losers: 1,
      unchanged: 1,
      baselineBurden: 1882, // 1,240 + 642
      reformBurden: 2911.5, // 2,270 + 641.50
      totalChange: 1029.5,
      averageChange: 514.75,
    });
  });

  it('by institution level: each person counted with the change on their claims at that level', async () => {
    const { summary } = run;
    expect(summary.byLevel.map((r) => r.key)).toEqual(['1', '2', '3']);
    // Level 1: R3 −0.50 (unchanged), E1's e1-a 545 − 640 = −95 (gainer).
    expect(row(summary.byLevel, '1')).toMatchObject({
      claims: 2,
      persons: 2,
      gainers: 1,
      unchanged: 1,
      losers: 0,
      totalChange: -95.5,
      averageChange: -47.75,
    });
    // Level 2: R1's r1-a −400, E1's e1-b 250 − 300 = −50.
    expect(row(summary.byLevel, '2')).toMatchObject({
      claims: 2,
      persons: 2,
      gainers: 2,
      totalChange: -450,
      averageChange: -225,
    });
    // Level 3: R1's r1-b 9,035 − 15,500 = −6,465 (gainer), R2 +1,030 (loser).
    expect(row(summary.byLevel, '3')).toMatchObject({
      claims: 2,
      persons: 2,
      gainers: 1,
      losers: 1,
      totalChange: -5435,
      averageChange: -2717.5,
    });
  });

  it('by person type and by bill-size band', async () => {
    const { summary } = run;
    // Residents R1 −6,865, R2 +1,030, R3 −0.50: −5,835.50 / 3 = −1,945.1666… → −1,945.17.
    expect(row(summary.byPersonType, 'resident')).toMatchObject({
      persons: 3,
      gainers: 1,
      losers: 1,
      unchanged: 1,
      totalChange: -5835.5,
      averageChange: -1945.17,
      // 1 of 3 = 3,333.33… bp → 3,333.
      overThreshold: { incomeKnown: 3, baseline: 1, reform: 0, baselineShareBp: 3333, reformShareBp: 0 },
    });
    expect(row(summary.byPersonType, 'active')).toMatchObject({ persons: 1, gainers: 1, totalChange: -145 });
    // Bands: 800 → 200–1,000; 1,000 and 2,010 → 1,000–5,000; 5,000 and 10,000 → 5,000–20,000; 30,000 → 20,000–50,000.
    expect(summary.byBand.map((r) => r.label)).toEqual([
      '200 – 1,000',
      '1,000 – 5,000',
      '5,000 – 20,000',
      '20,000 – 50,000',
    ]);
    expect(row(summary.byBand, 'band-1')).toMatchObject({ persons: 1, gainers: 1, totalChange: -95 });
    expect(row(summary.byBand, 'band-2')).toMatchObject({
      persons: 2,
      gainers: 1,
      unchanged: 1,
      totalChange: -50.5,
      averageChange: -25.25,
    });
    expect(row(summary.byBand, 'band-3')).toMatchObject({
      persons: 2,
      gainers: 1,
      losers: 1,
      totalChange: 630,
      averageChange: 315,
    });
    expect(row(summary.byBand, 'band-4')).toMatchObject({ persons: 1, gainers: 1, totalChange: -6465 });
  });

  it('the claim refused under the baseline is listed by code and kept out of the comparison', async () => {
    const { summary, refused } = run;
    expect(refused).toBe(1);
    expect(summary.refused.baseline).toEqual({
      POLICY_GAP: {
        claims: 1,
        byPath: { benefits: 1 },
        claimIds: ['e2-a'],
        example: expect.stringContaining('sim-county-b'),
      },
    });
    expect(summary.refused.reform).toEqual({});
    expect(summary.refused.settledUnderOneSideOnly.reform).toMatchObject({
      claims: 1,
      medfee: 500,
      personBurden: 500,
    });
    expect(summary.refused.settledUnderOneSideOnly.baseline).toMatchObject({ claims: 0 });
    const lines = readFileSync(join(out, 'refused.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      {
        side: 'baseline',
        claim_id: 'e2-a',
        psn_no: 'E2',
        error: { code: 'POLICY_GAP', path: 'benefits', message: expect.any(String) },
      },
    ]);
  });

  it('persons.jsonl: each person-year under both, persons in order of first appearance', async () => {
    const lines = readFileSync(join(out, 'persons.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const common = { year: 2025 };
    expect(lines).toEqual([
      {
        ...common,
        psn_no: 'E1',
        insuplc_admdvs: '350421',
        claims: 2,
        compared: 2,
        baseline: 940,
        reform: 795,
        change: -145,
        income_proxy: 30000,
        baseline_over_threshold: false,
        reform_over_threshold: false,
      },
      {
        ...common,
        psn_no: 'R1',
        insuplc_admdvs: '350421',
        claims: 2,
        compared: 2,
        baseline: 18850,
        reform: 11985,
        change: -6865,
        income_proxy: 30000,
        baseline_over_threshold: true,
        reform_over_threshold: false,
      },
      {
        ...common,
        psn_no: 'R2',
        insuplc_admdvs: '350422',
        claims: 1,
        compared: 1,
        baseline: 1240,
        reform: 2270,
        change: 1030,
        income_proxy: 20000,
        baseline_over_threshold: false,
        reform_over_threshold: false,
      },
      {
        ...common,
        psn_no: 'E2',
        insuplc_admdvs: '350422',
        claims: 1,
        compared: 0,
        baseline: 0,
        reform: 0,
        change: 0,
        income_proxy: 20000,
        baseline_over_threshold: null,
        reform_over_threshold: null,
      },
      {
        ...common,
        psn_no: 'R3',
        insuplc_admdvs: '350422',
        claims: 1,
        compared: 1,
        baseline: 642,
        reform: 641.5,
        change: -0.5,
        income_proxy: 20000,
        baseline_over_threshold: false,
        reform_over_threshold: false,
      },
    ]);
  });

  it('without an income proxy, no share is computed and summary.json says why', async () => {
    const { summary } = await simulate(
      goldenOptions(outDir(), { baseline: join(FIXTURES, 'county-a.yaml') }),
    );
    expect(summary.overThreshold.available).toBe(false);
    expect(summary.overThreshold.note).toMatch(/--income-proxy/);
    expect(summary.overall.overThreshold).toMatchObject({ incomeKnown: 0, baselineShareBp: null });
  });
});
