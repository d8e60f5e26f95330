/**
 * The demo city: 长春市 with the seven pooling areas that seeds/000 names (双阳, 九台, 公主岭, 榆树,
 * 德惠, 农安 and 市本级) merged into one city pool. The city node 220100 is both the pool and 市本级;
 * the six counties sit under it, so one pack (poolingLevel: city) governs them all and care anywhere
 * in the city is in-area (DESIGN §8). Everything else here — people, wages, hospitals, prices — is
 * synthetic.
 */

export const DEMO_PACK_ID = 'demo-city-2025';

/** The demo's contribution year; care is settled from the first day of the year after it. */
export const CONTRIBUTION_YEAR = 2025;
export const CARE_START = '2026-01-01';
/** Enrolments begin well before the contribution year. */
export const ENROLMENT_BEGIN = '2020-01-01';

/**
 * Last year's provincial average monthly wage of on-post employees, which retirees' account credits
 * are a share of. It is a published statistic, an input and not policy; this figure is synthetic.
 */
export const DEMO_PROVINCIAL_AVERAGE_MONTHLY_WAGE_FEN = 700_000;

export const PROVINCE = { code: '220000', name: '吉林省' } as const;
export const CITY = { code: '220100', name: '长春市 (demo)' } as const;

export interface DemoArea {
  code: string;
  name: string;
  /** The share of the demo's insured who live here. */
  share: number;
  county: boolean;
}

export const AREAS: readonly DemoArea[] = [
  { code: '220100', name: '市本级', share: 0.45, county: false },
  { code: '220112', name: '双阳区', share: 0.05, county: true },
  { code: '220113', name: '九台区', share: 0.08, county: true },
  { code: '220184', name: '公主岭市', share: 0.11, county: true },
  { code: '220183', name: '德惠市', share: 0.09, county: true },
  { code: '220182', name: '榆树市', share: 0.11, county: true },
  { code: '220122', name: '农安县', share: 0.11, county: true },
];

export const AREA_CODES: readonly string[] = AREAS.map((a) => a.code);

export function areaName(code: string): string {
  return AREAS.find((a) => a.code === code)?.name ?? code;
}

export interface InstitutionPlan {
  level: '0' | '1' | '2' | '3';
  priceClass: '1' | '2-city' | '2-county' | '3';
  name: string;
}

/**
 * The designated institutions of an area: every level in every area, more in 市本级. Price classes
 * follow the usual reading — level 3 charges class-1 prices, level 2 class-2 (city or county), level 1
 * and grassroots class 3.
 */
export function institutionPlan(area: DemoArea): InstitutionPlan[] {
  const town = area.county ? area.name : '长春市';
  const two: InstitutionPlan['priceClass'] = area.county ? '2-county' : '2-city';
  const plan: InstitutionPlan[] = [
    { level: '0', priceClass: '3', name: `${town}第一社区卫生服务中心` },
    { level: '0', priceClass: '3', name: `${town}中心乡镇卫生院` },
    { level: '1', priceClass: '3', name: `${town}第一医院` },
    { level: '2', priceClass: two, name: `${town}人民医院` },
    { level: '3', priceClass: '1', name: `${town}中心医院` },
  ];
  if (!area.county) {
    plan.push(
      { level: '0', priceClass: '3', name: '长春市第二社区卫生服务中心' },
      { level: '2', priceClass: two, name: '长春市中医院' },
      { level: '3', priceClass: '1', name: '长春市第一人民医院' },
    );
  }
  return plan;
}

/** A catalogue item with the typical unit price the demo bills it at. */
export interface DemoItem {
  code: string;
  kind: 'drug' | 'service' | 'material';
  name: string;
  class: '01' | '02' | '03';
  selfpayBp: number;
  /** The catalogue's unit price cap, if any (fen). */
  priceCapFen: number | null;
  /** The unit price billed, before the demo's random spread (fen). */
  priceFen: number;
  /** Which claims use it: outpatient, inpatient or both. */
  use: 'out' | 'in' | 'both';
}

const item = (
  code: string,
  kind: DemoItem['kind'],
  name: string,
  cls: DemoItem['class'],
  selfpayBp: number,
  priceFen: number,
  use: DemoItem['use'],
  priceCapFen: number | null = null,
): DemoItem => ({ code, kind, name, class: cls, selfpayBp, priceCapFen, priceFen, use });

/** 甲 (01) items are fully in scope, 乙 (02) carry a self-pay share first, 丙 (03) are own pay. */
export const CATALOGUE: readonly DemoItem[] = [
  item('DM-XA001', 'drug', '阿莫西林胶囊', '01', 0, 1_850, 'both'),
  item('DM-XA002', 'drug', '二甲双胍片', '01', 0, 2_400, 'both'),
  item('DM-XA003', 'drug', '硝苯地平缓释片', '01', 0, 3_200, 'both'),
  item('DM-XA004', 'drug', '阿司匹林肠溶片', '01', 0, 1_500, 'both'),
  item('DM-XA005', 'drug', '0.9%氯化钠注射液', '01', 0, 600, 'in'),
  item('DM-XB001', 'drug', '头孢呋辛酯片', '02', 1_000, 4_600, 'both'),
  item('DM-XB002', 'drug', '阿托伐他汀钙片', '02', 500, 5_800, 'both'),
  item('DM-XB003', 'drug', '胰岛素注射液', '02', 1_000, 9_800, 'both'),
  item('DM-XB004', 'drug', '注射用头孢曲松钠', '02', 1_500, 12_000, 'in'),
  item('DM-XB005', 'drug', '复方丹参滴丸', '02', 2_000, 3_600, 'out'),
  item('DM-XC001', 'drug', '进口营养补充剂', '03', 0, 16_000, 'both'),
  item('DM-FA001', 'service', '普通门诊诊查费', '01', 0, 1_000, 'out', 1_000),
  item('DM-FA002', 'service', '血常规检查', '01', 0, 2_500, 'both', 2_500),
  item('DM-FA003', 'service', 'CT平扫（单部位）', '01', 0, 24_000, 'both', 23_000),
  item('DM-FA004', 'service', '床位费（三人间）', '01', 0, 3_000, 'in', 2_800),
  item('DM-FA005', 'service', '一级护理', '01', 0, 4_000, 'in'),
  item('DM-FB001', 'service', '彩色多普勒超声检查', '02', 1_000, 18_000, 'both', 18_000),
  item('DM-FB002', 'service', '磁共振扫描', '02', 2_000, 60_000, 'in', 55_000),
  item('DM-FB003', 'service', '腹腔镜手术', '02', 1_000, 300_000, 'in'),
  item('DM-FC001', 'service', '特需病房费', '03', 0, 50_000, 'in'),
  item('DM-MB001', 'material', '一次性输液器', '02', 1_000, 800, 'in', 800),
  item('DM-MB002', 'material', '人工髋关节', '02', 3_000, 2_800_000, 'in', 2_500_000),
];
