import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PackInvalid } from './compile.js';
import { parsePackText, shippedPacks } from './load.js';

/** The optional pack section fundWarning (months-covered bands): compiled exactly, or refused by path. */

const BASE = readFileSync(shippedPacks().get('sanming-employee-2022')!, 'utf8');

function withSection(yaml: string) {
  return parsePackText(`${BASE}fundWarning:\n${yaml}`, 'test-pack');
}

function problems(yaml: string): string[] {
  try {
    withSection(yaml);
  } catch (e) {
    if (e instanceof PackInvalid) return e.problems.map((p) => `${p.path}: ${p.message}`);
    throw e;
  }
  return [];
}

describe('fundWarning in a pack', () => {
  it('is absent from every shipped pack (no source states bands)', () => {
    for (const [id, file] of shippedPacks()) {
      expect(parsePackText(readFileSync(file, 'utf8'), id).fundWarning, id).toBeNull();
    }
  });

  it('compiles bands to hundredths of a month, below exclusive and upTo inclusive', () => {
    const pack = withSection(`  monthsCovered:
    source: "a sentence that states the bands"
    values:
      "2022-01-01":
        - { band: severe, below: 3 }
        - { band: low, below: "4.5" }
        - { band: sound, upTo: 12.25 }
        - { band: excessive }
      "2024-01-01": null
`);
    expect(pack.fundWarning!.monthsCovered).toEqual({
      path: 'fundWarning.monthsCovered',
      source: 'a sentence that states the bands',
      versions: [
        {
          from: '2022-01-01',
          bands: [
            { name: 'severe', upTo: 300, inclusive: false },
            { name: 'low', upTo: 450, inclusive: false },
            { name: 'sound', upTo: 1_225, inclusive: true },
            { name: 'excessive', upTo: null, inclusive: false },
          ],
        },
        { from: '2024-01-01', bands: null },
      ],
    });
  });

  it('lists every problem by path', () => {
    const found = problems(`  monthsCovered:
    source: "a sentence that states the bands"
    values:
      "2021-01-01":
        - { band: severe, below: 3, upTo: 4 }
        - { band: low }
        - { band: low, below: "2.999" }
        - { band: high, below: 1 }
`);
    const at = 'fundWarning.monthsCovered.values.2021-01-01';
    expect(found).toEqual(
      expect.arrayContaining([
        `${at}: starts before the pack's validFrom 2022-01-01`,
        `${at}[0]: give either below or upTo, not both`,
        `${at}[1]: needs an upper bound: below or upTo`,
        `${at}[2]: band low is listed twice`,
        `${at}[2].below: must be months above 0 and up to 1200 with at most two decimals (got 2.999)`,
        `${at}[3]: the last band has no upper bound`,
        `${at}[3]: upper bounds must rise from one band to the next`,
      ]),
    );
  });

  it('refuses an unknown band name and a missing source', () => {
    const found = problems(`  monthsCovered:
    values:
      "2022-01-01":
        - { band: dire, below: 3 }
        - { band: sound }
`);
    expect(found.some((p) => p.startsWith('fundWarning.monthsCovered.source'))).toBe(true);
    expect(found.some((p) => p.startsWith('fundWarning.monthsCovered.values.2022-01-01[0].band'))).toBe(true);
  });
});
