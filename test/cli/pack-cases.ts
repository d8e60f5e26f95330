import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers.js';

/**
 * Malformed policy packs: the shipped shanxi-resident-2025 pack with one thing (or several) broken,
 * and the problems (`path: message`, as PackInvalid lists them) each must produce.
 */
export interface BadPack {
  name: string;
  yaml: string;
  problems: RegExp[];
}

export const SHANXI_YAML = readFileSync(join(ROOT, 'policies/shanxi/shanxi-resident-2025.yaml'), 'utf8');

type Edit = [from: string, to: string];

/** Apply edits to the shipped pack; each `from` must occur (the tests fail loudly if the pack changes). */
export function edit(...edits: Edit[]): string {
  let text = SHANXI_YAML;
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`test bug: ${JSON.stringify(from)} not in the shanxi pack`);
    text = text.replace(from, to);
  }
  return text;
}

const DED = (cls: string, amount: number): string =>
  `          - { when: { priceClass: "${cls}" }, amount: ${amount} }\n`;
const RATE = (cls: string, rate: string): string =>
  `          - { when: { priceClass: "${cls}" }, rate: "${rate}" }\n`;
const CAPS = '    caps: [resident-pool-annual]\n';
const CAP_VALUES = '    values:\n      "2025-01-01":\n        - amount: 70000\n';
const RATE_SOURCE =
  '      source: "三類收費價格、二類收費價格縣級、二類收費價格省市級、一類收費價格醫療機構……支付比例分別為85%、75%、70%、60%"\n';
const BENEFIT = SHANXI_YAML.slice(
  SHANXI_YAML.indexOf('  - id: resident-inpatient'),
  SHANXI_YAML.indexOf('caps:\n'),
);
const MODIFIER = (body: string): Edit => [
  CAPS,
  `    modifiers:\n      - { id: m1, source: "治療惡性腫瘤報銷比例上浮5%", from: "2025-01-01", when: { diseases: [C50] }, ${body} }\n${CAPS}`,
];
const rate3 = (to: string): Edit => [RATE('3', '85%'), `          - { when: { priceClass: "3" }, ${to} }\n`];

// Problem patterns, matched against `path: message`.
const RATE_RULE0 = String.raw`^benefits(\.(0|resident-inpatient)|\[0\])\.rate\.values\.2025-01-01(\.0|\[0\])`;
const DED_RULE0 = String.raw`^benefits(\.(0|resident-inpatient)|\[0\])\.deductible\.values\.2025-01-01(\.0|\[0\])`;
const re = (...parts: string[]) => new RegExp(parts.join(''));
const MISSING_CLASS_1 =
  /^benefits\.resident-inpatient\.deductible\.values\.2025-01-01: .*priceClass=1 .*neither given nor declared absent/;
const UNKNOWN_CAP = /^benefits\.resident-inpatient\.caps\[1\]: .*no-such-cap/;
const UNTIL = /^validUntil: .*after validFrom/;

export const BAD_PACKS: BadPack[] = [
  {
    name: 'YAML syntax error',
    yaml: edit(['id: shanxi-resident-2025', 'id: [shanxi']),
    problems: [/^line 4, column \d+: \S/],
  },
  {
    name: 'a tab-indented line',
    yaml: edit(['  - id: resident-inpatient', '\t- id: resident-inpatient']),
    problems: [/^line \d+, column \d+: \S/],
  },
  {
    name: 'duplicate top-level key',
    yaml: edit(['version: "2025.1"\n', 'version: "2025.1"\nversion: "2"\n']),
    problems: [/^line 5, column \d+: .*unique/],
  },
  {
    name: 'duplicate key in a rule',
    yaml: edit([DED('3', 100), '          - { when: { priceClass: "3" }, amount: 100, amount: 200 }\n']),
    problems: [/^line \d+, column \d+: .*unique/],
  },
  { name: 'unknown top-level key', yaml: edit(['notes:\n', 'bonus: 1\nnotes:\n']), problems: [/bonus/] },
  {
    name: 'unknown key in a benefit',
    yaml: edit(['    deductible:\n', '    deductable: 1\n    deductible:\n']),
    problems: [/^benefits\[0\].*deductable/],
  },
  { name: 'missing id', yaml: edit(['id: shanxi-resident-2025\n', '']), problems: [/^id: /] },
  { name: 'missing validFrom', yaml: edit(['validFrom: "2025-01-01"\n', '']), problems: [/^validFrom: /] },
  {
    name: 'id with capitals',
    yaml: edit(['id: shanxi-resident-2025', 'id: Shanxi_2025']),
    problems: [/^id: .*lower-case/],
  },
  {
    name: 'unknown pooling level',
    yaml: edit(['poolingLevel: province', 'poolingLevel: village']),
    problems: [/^poolingLevel: /],
  },
  {
    name: 'rate 101%',
    yaml: edit([RATE('3', '85%'), RATE('3', '101%')]),
    problems: [re(RATE_RULE0, String.raw`\S*: .*101%`)],
  },
  {
    name: 'rate 75.123%',
    yaml: edit([RATE('3', '85%'), RATE('3', '75.123%')]),
    problems: [re(RATE_RULE0, String.raw`\S*: .*75\.123%`)],
  },
  {
    name: 'rate -5%',
    yaml: edit([RATE('3', '85%'), RATE('3', '-5%')]),
    problems: [re(RATE_RULE0, String.raw`\S*: .*-5%`)],
  },
  {
    name: 'negative amount',
    yaml: edit([DED('3', 100), DED('3', -100)]),
    problems: [re(DED_RULE0, String.raw`\S*: .*negative`)],
  },
  {
    name: 'amount with 3 decimals',
    yaml: edit([DED('3', 100), DED('3', 100.123)]),
    problems: [re(DED_RULE0, String.raw`\S*: .*two decimals`)],
  },
  {
    name: 'negative cap',
    yaml: edit(['- amount: 70000', '- amount: -70000']),
    problems: [/^caps\.resident-pool-annual\.values\.2025-01-01\S*: .*negative/],
  },
  {
    name: 'a cell neither given nor declared absent',
    yaml: edit([DED('1', 1000), '']),
    problems: [MISSING_CLASS_1],
  },
  {
    name: 'a cell given twice',
    yaml: edit([
      RATE('1', '60%'),
      RATE('1', '60%') + '          - { when: { priceClass: ["3", "1"] }, rate: "90%" }\n',
    ]),
    problems: [
      /^benefits\.resident-inpatient\.rate\.values\.2025-01-01\[4\]: .*priceClass=3 .*already given/,
      /\[4\]: .*priceClass=1 .*already given/,
    ],
  },
  {
    name: 'a when on a dimension not in by',
    yaml: edit([RATE('3', '85%'), '          - { when: { priceClass: "3", level: "2" }, rate: "85%" }\n']),
    problems: [/^benefits\.resident-inpatient\.rate\.values\.2025-01-01\[0\]\.when\.level: .*"by"/],
  },
  {
    name: 'a when value outside the dimension',
    yaml: edit([RATE('3', '85%'), RATE('4', '85%')]),
    problems: [re(RATE_RULE0, String.raw`\S*: .*(priceClass|"4")`)],
  },
  {
    name: 'an unknown dimension in by',
    yaml: edit([
      '      by: [priceClass]\n      values:\n        "2025-01-01":\n          - { when: { priceClass: "3" }, rate',
      '      by: [priceClass, hospital]\n      values:\n        "2025-01-01":\n          - { when: { priceClass: "3" }, rate',
    ]),
    problems: [/^benefits\[0\]\.rate\.by\S*: /],
  },
  {
    name: 'dates out of order',
    yaml: edit([
      CAP_VALUES,
      '    values:\n      "2026-01-01":\n        - amount: 80000\n      "2025-01-01":\n        - amount: 70000\n',
    ]),
    problems: [/^caps\.resident-pool-annual\.values\.2025-01-01: .*ascending/],
  },
  {
    name: 'a date before validFrom',
    yaml: edit([
      CAP_VALUES,
      '    values:\n      "2024-07-01":\n        - amount: 60000\n      "2025-01-01":\n        - amount: 70000\n',
    ]),
    problems: [/^caps\.resident-pool-annual\.values\.2024-07-01: .*before/],
  },
  {
    name: 'a bad calendar date as a key',
    yaml: edit([CAP_VALUES, CAP_VALUES.replace('2025-01-01', '2025-02-30')]),
    problems: [/^caps\.resident-pool-annual\.values\.2025-02-30: .*(calendar date|YYYY-MM-DD)/],
  },
  {
    name: 'a bad calendar validFrom',
    yaml: edit(['validFrom: "2025-01-01"', 'validFrom: "2025-02-30"']),
    problems: [/^validFrom: .*calendar date/],
  },
  {
    name: 'validUntil before validFrom',
    yaml: edit(['validFrom: "2025-01-01"\n', 'validFrom: "2025-01-01"\nvalidUntil: "2024-12-31"\n']),
    problems: [UNTIL],
  },
  {
    name: 'validUntil equal to validFrom',
    yaml: edit(['validFrom: "2025-01-01"\n', 'validFrom: "2025-01-01"\nvalidUntil: "2025-01-01"\n']),
    problems: [UNTIL],
  },
  {
    name: 'values without a source sentence',
    yaml: edit([RATE_SOURCE, '']),
    problems: [0, 1, 2, 3].map((i) =>
      re(String.raw`^benefits\.resident-inpatient\.rate\.values\.2025-01-01\[${i}\]\.source: .*source`),
    ),
  },
  {
    name: 'a source too short to be a quote',
    yaml: edit([RATE_SOURCE, '      source: "yes"\n']),
    problems: [/^benefits\[0\]\.rate\.source: .*source/],
  },
  {
    name: 'a benefit referencing an unknown cap',
    yaml: edit([CAPS, '    caps: [resident-pool-annual, no-such-cap]\n']),
    problems: [UNKNOWN_CAP],
  },
  {
    name: 'two benefits covering the same scheme and medical type',
    yaml: edit([
      'caps:\n',
      BENEFIT.replace('id: resident-inpatient', 'id: resident-inpatient-bis') + 'caps:\n',
    ]),
    problems: [/^benefits\[1\]: .*390.*21.*already covered by resident-inpatient/],
  },
  {
    name: 'an empty values table',
    yaml: edit([CAP_VALUES, '    values: {}\n']),
    problems: [/^caps\.resident-pool-annual\.values: .*at least one/],
  },
  {
    name: 'segments without upTo',
    yaml: edit(rate3('segments: [{ rate: "80%" }, { rate: "90%" }]')),
    problems: [re(RATE_RULE0, String.raw`\.segments\[0\]: .*upTo`)],
  },
  {
    name: 'a last segment with upTo',
    yaml: edit(rate3('segments: [{ upTo: 5000, rate: "80%" }, { upTo: 9000, rate: "90%" }]')),
    problems: [re(RATE_RULE0, String.raw`\.segments\[1\]: .*upTo`)],
  },
  {
    name: 'segment bounds not increasing',
    yaml: edit(
      rate3(
        'segments: [{ upTo: 5000, rate: "80%" }, { upTo: 3000, rate: "85%" }, { upTo: 3000, rate: "88%" }, { rate: "90%" }]',
      ),
    ),
    problems: [
      re(RATE_RULE0, String.raw`\.segments\[1\]\.upTo: .*increase`),
      re(RATE_RULE0, String.raw`\.segments\[2\]\.upTo: .*increase`),
    ],
  },
  {
    name: 'both rate and segments',
    yaml: edit(rate3('rate: "85%", segments: [{ rate: "90%" }]')),
    problems: [re(RATE_RULE0, ': .*either rate or segments')],
  },
  {
    name: 'neither rate nor segments',
    yaml: edit(rate3('source: "三類收費價格醫療機構支付比例為85%"')),
    problems: [re(RATE_RULE0, ': .*either rate or segments')],
  },
  {
    name: 'a modifier with both add and set',
    yaml: edit(MODIFIER('add: "5%", set: "100%"')),
    problems: [/^benefits\[0\]\.modifiers\[0\]: .*exactly one/],
  },
  {
    name: 'a modifier with neither add nor set',
    yaml: edit(MODIFIER('until: "2026-01-01"')),
    problems: [/^benefits\[0\]\.modifiers\[0\]\S*: /],
  },
  {
    name: 'a modifier before the pack',
    yaml: edit(MODIFIER('add: "5%"'), [
      'from: "2025-01-01", when: { diseases',
      'from: "2024-01-01", when: { diseases',
    ]),
    problems: [/^benefits\.resident-inpatient\.modifiers\[0\]\.from: .*before/],
  },
  {
    name: 'a modifier ending before it starts',
    yaml: edit(MODIFIER('add: "5%", until: "2024-06-01"')),
    problems: [/^benefits\.resident-inpatient\.modifiers\[0\]\.until: .*after from/],
  },
  {
    name: 'a modifier with a bad ICD prefix',
    yaml: edit(MODIFIER('add: "5%"'), ['diseases: [C50]', 'diseases: [c50]']),
    problems: [/^benefits\[0\]\.modifiers\[0\]\.when\.diseases\[0\]: .*ICD/],
  },
  { name: 'an empty file', yaml: '', problems: [/^\(pack\): .*object/] },
  { name: 'a YAML list instead of a pack', yaml: '- id: x\n', problems: [/^\(pack\): .*object/] },
  // Several problems at once: every one is listed.
  {
    name: 'several schema problems',
    yaml: edit(
      ['id: shanxi-resident-2025\n', ''],
      [RATE('2-city', '70%'), RATE('2-city', '101%')],
      [DED('2-city', 500), DED('2-city', -500)],
      ['notes:\n', 'bonus: 1\nnotes:\n'],
    ),
    problems: [
      /^id: /,
      /101%/,
      re(
        String.raw`^benefits(\.(0|resident-inpatient)|\[0\])\.deductible\.values\.2025-01-01(\.2|\[2\])\S*: .*negative`,
      ),
      /bonus/,
    ],
  },
  {
    name: 'several coverage and reference problems',
    yaml: edit(
      [DED('1', 1000), ''],
      [RATE('1', '60%'), RATE('1', '60%') + RATE('1', '65%')],
      [CAPS, '    caps: [resident-pool-annual, no-such-cap]\n'],
      ['validFrom: "2025-01-01"\n', 'validFrom: "2025-01-01"\nvalidUntil: "2024-12-31"\n'],
    ),
    problems: [
      MISSING_CLASS_1,
      /^benefits\.resident-inpatient\.rate\.values\.2025-01-01\[4\]: .*priceClass=1 .*already given/,
      UNKNOWN_CAP,
      UNTIL,
    ],
  },
  {
    name: 'schema and coverage problems together',
    yaml: edit(
      [DED('1', 1000), ''],
      [RATE('3', '85%'), RATE('3', '101%')],
      [CAPS, '    caps: [resident-pool-annual, no-such-cap]\n'],
    ),
    problems: [MISSING_CLASS_1, /101%/, UNKNOWN_CAP],
  },
];
