import { certnoCheckChar } from '../domain/idcard.js';
import type { PersonType } from '../domain/policy/dimensions.js';
import { AREAS, CONTRIBUTION_YEAR, ENROLMENT_BEGIN, type DemoArea } from './city.js';
import type { Rng } from './rng.js';

/** The synthetic insured of the demo city: who they are, where they live, and how they are insured. */

export interface DemoPerson {
  psnNo: string;
  certno: string;
  name: string;
  areaCode: string;
  birthday: string;
  scheme: '310' | '390';
  personType: PersonType;
  empNo: string | null;
  /** An active employee's monthly contribution base (fen); 0 for everyone else. */
  baseFen: number;
  beginDate: string;
}

export interface DemoEmployer {
  empNo: string;
  name: string;
  areaCode: string;
}

export interface Population {
  employers: DemoEmployer[];
  persons: DemoPerson[];
}

/** The mix of the insured: employees active and retired, adult residents and minors. */
const TYPE_MIX: readonly (readonly [PersonType, number])[] = [
  ['active', 0.45],
  ['retired', 0.15],
  ['resident', 0.28],
  ['minor', 0.12],
];

/** Ages (on 1 January of the contribution year) by person type. */
const AGES: Record<PersonType, readonly [number, number]> = {
  active: [20, 59],
  retired: [60, 88],
  resident: [18, 85],
  minor: [0, 17],
};

/** About this many active employees per employer. */
const EMPLOYEES_PER_EMPLOYER = 30;

const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰红建国志文斌宇浩然欣怡子涵雨轩';
const TRADES = ['汽车零部件', '食品', '物流', '建材', '软件', '商贸', '光电', '农业科技', '医药', '机械'];

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** A birthday for an age on 1 January of the contribution year (days 1–28 are real in every month). */
function birthdayFor(rng: Rng, type: PersonType): string {
  const [min, max] = AGES[type];
  const year = CONTRIBUTION_YEAR - 1 - rng.int(min, max);
  return `${year}-${pad(rng.int(1, 12), 2)}-${pad(rng.int(1, 28), 2)}`;
}

/**
 * A valid GB 11643 number: the area's address code, the birthday, a sequence whose parity gives the
 * gender, and the check character. `taken` keeps numbers unique across the population.
 */
export function certnoFor(rng: Rng, areaCode: string, birthday: string, taken: Set<string>): string {
  for (;;) {
    const first17 = `${areaCode}${birthday.replaceAll('-', '')}${pad(rng.int(0, 999), 3)}`;
    const certno = first17 + certnoCheckChar(first17);
    if (!taken.has(certno)) {
      taken.add(certno);
      return certno;
    }
  }
}

function nameFor(rng: Rng): string {
  const given = rng.chance(0.6) ? rng.pick([...GIVEN]) + rng.pick([...GIVEN]) : rng.pick([...GIVEN]);
  return rng.pick([...SURNAMES]) + given;
}

/** A monthly contribution base from 3,000 to 15,000 yuan in steps of 10, skewed low as wages are. */
function baseFor(rng: Rng): number {
  const u = rng.next();
  return Math.round((3_000 + 12_000 * u * u) / 10) * 10 * 100;
}

function employersOf(area: DemoArea, actives: number, start: number): DemoEmployer[] {
  const count = Math.max(1, Math.ceil(actives / EMPLOYEES_PER_EMPLOYER));
  return Array.from({ length: count }, (_, i) => ({
    empNo: `E${area.code}${pad(i + 1, 4)}`,
    name: `${area.county ? area.name : '长春'}${TRADES[(start + i) % TRADES.length]!}有限公司${pad(i + 1, 3)}`,
    areaCode: area.code,
  }));
}

/** How many of n persons live in each area, by the areas' shares, summing to n exactly. */
function areaCounts(n: number): number[] {
  const counts = AREAS.map((a) => Math.floor(n * a.share));
  counts[0]! += n - counts.reduce((s, c) => s + c, 0);
  return counts;
}

/** The demo's employers and n persons, the same for the same generator state. */
export function generatePopulation(rng: Rng, n: number): Population {
  const employers: DemoEmployer[] = [];
  const persons: DemoPerson[] = [];
  const taken = new Set<string>();
  const counts = areaCounts(n);
  AREAS.forEach((area, a) => {
    const types = Array.from({ length: counts[a]! }, () => rng.weighted(TYPE_MIX));
    const mine = employersOf(area, types.filter((t) => t === 'active').length, employers.length);
    employers.push(...mine);
    for (const personType of types) {
      const birthday = birthdayFor(rng, personType);
      const employee = personType === 'active' || personType === 'retired';
      persons.push({
        psnNo: `${area.code}${pad(persons.length + 1, 8)}`,
        certno: certnoFor(rng, area.code, birthday, taken),
        name: nameFor(rng),
        areaCode: area.code,
        birthday,
        scheme: employee ? '310' : '390',
        personType,
        empNo: personType === 'active' ? rng.pick(mine).empNo : null,
        baseFen: personType === 'active' ? baseFor(rng) : 0,
        beginDate: birthday > ENROLMENT_BEGIN ? birthday : ENROLMENT_BEGIN,
      });
    }
  });
  return { employers, persons };
}
