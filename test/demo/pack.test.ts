import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadPack, shippedPacks } from '../../src/policy/load.js';

/**
 * The demo pack states nothing of its own: every table is a copy of a shipped pack's, with that
 * pack's values and its quoted source sentence (prefixed with the city it comes from).
 */

type Table = { source?: string; by?: string[]; values: Record<string, unknown> };
type Doc = {
  notes: string[];
  benefits: { id: string; deductible?: Table & { basis: string }; rate?: Table; caps?: string[] }[];
  caps: Record<string, Table>;
  contributions: { employee: Record<string, Table> & { accountCrediting: Record<string, Table> } };
};

const doc = (id: string) => parse(readFileSync(shippedPacks().get(id)!, 'utf8')) as Doc;
const demo = doc('demo-city-2025');
const benefit = (d: Doc, id: string) => d.benefits.find((b) => b.id === id)!;

/** The copy has the original's only dated version (re-dated to the demo's year) and quotes its source. */
function expectCopied(copy: Table, original: Table, city: string): void {
  expect(copy.by ?? []).toEqual(original.by ?? []);
  expect(Object.values(copy.values)).toEqual(Object.values(original.values));
  expect(Object.keys(copy.values)).toEqual(['2025-01-01']);
  expect(copy.source).toBe(`${city}: ${original.source}`);
}

describe('demo-city-2025 pack', () => {
  it('is valid and says plainly that it is a composition, not any one city’s policy', () => {
    expect(loadPack('demo-city-2025').benefits).toHaveLength(2);
    expect(demo.notes[0]).toMatch(/demonstration pack composed of values from several cities' sources/);
    expect(demo.notes[0]).toMatch(/not any one city's policy/);
  });

  it('copies 三明’s employee general outpatient', () => {
    const [copy, original] = [demo, doc('sanming-employee-2022')].map((d) =>
      benefit(d, 'employee-general-outpatient'),
    );
    expectCopied(copy!.deductible!, original!.deductible!, '三明 (seeds/002)');
    expectCopied(copy!.rate!, original!.rate!, '三明 (seeds/002)');
    const sanming = doc('sanming-employee-2022');
    expectCopied(
      demo.caps['employee-outpatient-annual']!,
      sanming.caps['employee-outpatient-annual']!,
      '三明 (seeds/002)',
    );
  });

  it('copies 山西’s resident inpatient', () => {
    const shanxi = doc('shanxi-resident-2025');
    const [copy, original] = [benefit(demo, 'resident-inpatient'), benefit(shanxi, 'resident-inpatient')];
    expectCopied(copy.deductible!, original.deductible!, '山西 (seeds/003)');
    expectCopied(copy.rate!, original.rate!, '山西 (seeds/003)');
    expectCopied(
      demo.caps['resident-pool-annual']!,
      shanxi.caps['resident-pool-annual']!,
      '山西 (seeds/003)',
    );
  });

  it('copies 台州’s employee contributions and states no resident amounts', () => {
    const taizhou = doc('taizhou-2019').contributions.employee;
    const mine = demo.contributions.employee;
    for (const name of ['employerRate', 'employeeRate'])
      expectCopied(mine[name]!, taizhou[name]!, '台州 (seeds/001)');
    for (const name of Object.keys(taizhou.accountCrediting))
      expectCopied(mine.accountCrediting[name]!, taizhou.accountCrediting[name]!, '台州 (seeds/001)');
    expect(Object.keys(demo.contributions)).toEqual(['employee']);
  });
});
