import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  fujianParamsAt,
  shanxiParamsAt,
  type FujianRule,
  type ShanxiRule,
} from '../../src/domain/adjustment/index.js';
import { compilePack, PackInvalid } from '../../src/policy/compile.js';
import { loadPack, shippedPacks } from '../../src/policy/load.js';

/**
 * The `adjustment` pack section: the shipped packs state what their sources state and nothing more,
 * quoting them; a bad section is refused with every problem by path; dated values resolve by date.
 */

/** The sentences of seed 002 (明医保函〔2023〕20号, section 二) that give the numbers, as the seed writes them. */
const SEED_002 = {
  cap9: '对净上缴金额较大地区,其净上缴金额占其当年职工医保基金收入比例超过9%的部分,予以返还',
  cap20: '对净拨付金额较大地区,净拨付金额超过其当年职工医保基金收入20%部分,予以留存用于全省风险调节金',
  holdBack: '对净拨付地区所得调剂基金总额按5%集中,年终根据各地医改考核结果进行二次分配',
};
/** Seed 003's sentence on the adjustment fund, without the page's pinyin residue. */
const SEED_003 = '省級統籌調劑金每年按比例分擔各市基金收支缺口，差額部分由各市累計結余承擔';

describe('shipped adjustment sections', () => {
  it('Fujian (seed 002): 9 %, 20 % and 5 % quoted; pay-in, weights and who shares the redistribution left out', () => {
    const pack = loadPack('fujian-employee-adjustment-2019');
    const rule = pack.adjustment as FujianRule;
    expect(pack.poolingLevel).toBe('province');
    expect(pack.benefits).toEqual([]);
    expect(rule).toMatchObject({
      style: 'fujian',
      scheme: '310',
      payInShare: null,
      factors: null,
      redistributionAmong: null,
    });
    expect(rule.netPaymentCap?.versions).toEqual([{ from: '2019-01-01', value: 900 }]);
    expect(rule.netReceiptCap?.versions).toEqual([{ from: '2019-01-01', value: 2000 }]);
    expect(rule.holdBack?.versions).toEqual([{ from: '2019-01-01', value: 500 }]);
    expect(rule.netPaymentCap!.source).toBe(SEED_002.cap9);
    expect(rule.netReceiptCap!.source).toBe(SEED_002.cap20);
    expect(rule.holdBack!.source).toBe(SEED_002.holdBack);
    expect(() => fujianParamsAt(rule, '2025-01-01')).toThrow(
      /does not state adjustment\.payInShareOfIncome, adjustment\.allocationFactors, adjustment\.redistributionAmong on 2025-01-01/,
    );
  });

  it('Shanxi (seed 003): the rule quoted, neither proportion stated', () => {
    const pack = loadPack('shanxi-resident-2025');
    const rule = pack.adjustment as ShanxiRule;
    expect(rule).toMatchObject({ style: 'shanxi', scheme: '390', payInShare: null, deficitCover: null });
    expect(rule.source).toContain(SEED_003);
    expect(() => shanxiParamsAt(rule, '2025-01-01')).toThrow(
      /adjustment\.payInShareOfIncome, adjustment\.deficitCoverShare/,
    );
  });

  it('no other shipped pack has an adjustment section', () => {
    const withSection = [...shippedPacks().keys()].filter((id) => loadPack(id).adjustment !== null).sort();
    expect(withSection).toEqual(['fujian-employee-adjustment-2019', 'shanxi-resident-2025']);
  });
});

const PACK = (section: string, level = 'province') => `
id: fixture
version: "1"
title: fixture
region: fixture
document: fixture
poolingLevel: ${level}
validFrom: "2020-01-01"
adjustment:
${section}`;

function problems(text: string): string[] {
  try {
    compilePack(parse(text), text, 'fixture');
  } catch (e) {
    if (e instanceof PackInvalid) return e.problems.map((p) => `${p.path}: ${p.message}`);
    throw e;
  }
  return [];
}

describe('a bad adjustment section', () => {
  it('lists every value problem by path', () => {
    const found = problems(
      PACK(`  style: fujian
  scheme: "310"
  source: "fixture: the fund"
  payInShareOfIncome: { source: "fixture: pay-in", values: { "2019-01-01": "3%", "2021-01-01": "120%" } }
  allocationFactors:
    source: "fixture: weights"
    values:
      "2020-01-01":
        - { factor: insuredCount, weight: "70%" }
        - { factor: insuredCount, weight: "20%" }
`),
    );
    expect(found).toEqual([
      "adjustment.payInShareOfIncome.values.2019-01-01: starts before the pack's validFrom 2020-01-01",
      'adjustment.payInShareOfIncome.values.2021-01-01: rate must be between 0 and 100% (got 120%)',
      'adjustment.allocationFactors.values.2020-01-01[1].factor: factor insuredCount is listed twice',
      'adjustment.allocationFactors.values.2020-01-01: the factor weights must sum to 100% (they sum to 90%)',
    ]);
  });

  it('refuses an unknown style, factor or key, and a section outside a provincial pack', () => {
    expect(problems(PACK('  style: zhejiang\n  scheme: "310"\n  source: "fixture: the fund"\n'))).toEqual([
      'adjustment.style: style must be fujian or shanxi',
    ]);
    const unknown = problems(
      PACK(`  style: shanxi
  scheme: "390"
  source: "fixture: the fund"
  holdBackShareOfAllocation: { source: "fixture: not a Shanxi key", values: { "2020-01-01": "5%" } }
`),
    );
    expect(unknown).toEqual([
      'adjustment.holdBackShareOfAllocation: unknown key "holdBackShareOfAllocation"',
    ]);
    expect(
      problems(PACK('  style: shanxi\n  scheme: "390"\n  source: "fixture: the fund"\n', 'city')),
    ).toEqual(['adjustment: an adjustment fund belongs to a provincial pack (poolingLevel: province)']);
  });
});

describe('dated adjustment parameters', () => {
  it('take the value in force on the year’s first day; null ends a parameter (POLICY_GAP again)', () => {
    const text = PACK(`  style: shanxi
  scheme: "390"
  source: "fixture: the fund"
  payInShareOfIncome: { source: "fixture: pay-in", values: { "2020-01-01": "3%", "2023-01-01": "3.5%", "2025-01-01": null } }
  deficitCoverShare: { source: "fixture: cover", values: { "2020-01-01": "60%" } }
`);
    const rule = compilePack(parse(text), text, 'fixture').adjustment as ShanxiRule;
    expect(shanxiParamsAt(rule, '2022-01-01').payInShare.value).toBe(300);
    expect(shanxiParamsAt(rule, '2024-01-01').payInShare).toMatchObject({
      value: 350,
      path: 'adjustment.payInShareOfIncome',
    });
    expect(() => shanxiParamsAt(rule, '2025-01-01')).toThrow(
      /does not state adjustment\.payInShareOfIncome on 2025-01-01/,
    );
  });
});
