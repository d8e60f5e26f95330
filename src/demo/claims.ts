import type { PersonType } from '../domain/policy/dimensions.js';
import type { SettleRequest } from '../settlement/online/request.js';
import { CATALOGUE, type DemoItem } from './city.js';
import type { DemoPerson } from './population.js';
import type { Rng } from './rng.js';

/**
 * Synthetic care: who goes where on which day, and what the bill holds. The mix is chosen so that
 * most claims fall on the benefits the demo pack covers (employee general outpatient, resident
 * inpatient); the rest meet the pack's gaps and are refused with POLICY_GAP, as they should be.
 */

export interface DemoInstitution {
  code: string;
  level: '0' | '1' | '2' | '3';
  areaCode: string;
}

type MedType = '11' | '14' | '21';

/** Visits per person per year, by person type and medical type. */
const VISITS_PER_YEAR: Record<PersonType, readonly (readonly [MedType, number])[]> = {
  active: [
    ['11', 6],
    ['21', 0.08],
  ],
  retired: [
    ['11', 12],
    ['14', 1],
    ['21', 0.25],
  ],
  resident: [
    ['21', 0.4],
    ['11', 1],
  ],
  minor: [
    ['21', 0.25],
    ['11', 1],
  ],
};

const LEVELS: Record<'out' | 'in', readonly (readonly [DemoInstitution['level'], number])[]> = {
  out: [
    ['0', 0.4],
    ['1', 0.2],
    ['2', 0.25],
    ['3', 0.15],
  ],
  in: [
    ['1', 0.2],
    ['2', 0.4],
    ['3', 0.4],
  ],
};

const DIAGNOSES: Record<MedType, readonly string[]> = {
  '11': ['J06.9', 'I10', 'E11.9', 'K29.7', 'M54.5'],
  '14': ['I10', 'E11.9', 'N18.5'],
  '21': ['J18.9', 'I63.9', 'K35.8', 'I21.9', 'C34.9'],
};

const OUT_ITEMS = CATALOGUE.filter((i) => i.use !== 'in' && i.code !== 'DM-FA001');
const IN_ITEMS = CATALOGUE.filter((i) => i.use !== 'out' && !['DM-FA004', 'DM-FA005'].includes(i.code));
const byCode = (code: string) => CATALOGUE.find((i) => i.code === code)!;

/** One fee line: a unit price spread around the item's price (sometimes above its cap) × a count. */
function line(rng: Rng, item: DemoItem, count: number): { code: string; count: number; amount: number } {
  const unit = Math.round(item.priceFen * (0.85 + rng.next() * 0.3));
  return { code: item.code, count, amount: unit * count };
}

function outpatientLines(rng: Rng) {
  const lines = [line(rng, byCode('DM-FA001'), 1)];
  const n = rng.int(1, 4);
  for (let i = 0; i < n; i++) {
    const item = rng.pick(OUT_ITEMS);
    lines.push(line(rng, item, item.kind === 'drug' ? rng.int(2, 6) : 1));
  }
  return lines;
}

function inpatientLines(rng: Rng) {
  const days = rng.int(3, 14);
  const lines = [line(rng, byCode('DM-FA004'), days), line(rng, byCode('DM-FA005'), days)];
  const n = rng.int(4, 10);
  for (let i = 0; i < n; i++) {
    const item = rng.pick(IN_ITEMS);
    // Surgery and implants are rarer than the catalogue's even odds would make them.
    if (item.priceFen > 100_000 && !rng.chance(0.15)) continue;
    lines.push(line(rng, item, item.kind === 'drug' || item.kind === 'material' ? rng.int(2, 10) : 1));
  }
  return lines;
}

/** The institutions of the city by level, and of each area by level, to choose from quickly. */
export class InstitutionIndex {
  private readonly byAreaLevel = new Map<string, DemoInstitution[]>();
  private readonly byLevel = new Map<string, DemoInstitution[]>();

  constructor(institutions: readonly DemoInstitution[]) {
    for (const i of institutions) {
      const key = `${i.areaCode}|${i.level}`;
      this.byAreaLevel.set(key, [...(this.byAreaLevel.get(key) ?? []), i]);
      this.byLevel.set(i.level, [...(this.byLevel.get(i.level) ?? []), i]);
    }
  }

  /** Mostly at home; sometimes elsewhere in the city, which is in-area since the pool is the city. */
  choose(rng: Rng, areaCode: string, level: DemoInstitution['level']): DemoInstitution {
    const local = this.byAreaLevel.get(`${areaCode}|${level}`);
    const pool = local && rng.chance(0.75) ? local : this.byLevel.get(level)!;
    return rng.pick(pool);
  }
}

function claimFor(
  rng: Rng,
  p: DemoPerson,
  medType: MedType,
  date: string,
  key: string,
  index: InstitutionIndex,
): SettleRequest {
  const inpatient = medType === '21';
  const level = rng.weighted(LEVELS[inpatient ? 'in' : 'out']);
  const institution = index.choose(rng, p.areaCode, level);
  return {
    key,
    psnNo: p.psnNo,
    scheme: p.scheme,
    institution: institution.code,
    mdtrtId: `MD${key.replaceAll(/\D/g, '')}`,
    medType,
    date,
    diseases: [rng.pick(DIAGNOSES[medType])],
    useAccount: p.scheme === '310' && rng.chance(0.7),
    lines: inpatient ? inpatientLines(rng) : outpatientLines(rng),
  };
}

/** The claims of one day, in a fixed order: each person may have at most one visit a day. */
export function claimsOfDay(
  rng: Rng,
  persons: readonly DemoPerson[],
  date: string,
  index: InstitutionIndex,
): SettleRequest[] {
  const claims: SettleRequest[] = [];
  for (const p of persons) {
    let r = rng.next() * 365;
    for (const [medType, perYear] of VISITS_PER_YEAR[p.personType]) {
      r -= perYear;
      if (r < 0) {
        const key = `demo-${date.replaceAll('-', '')}-${String(claims.length + 1).padStart(6, '0')}`;
        claims.push(claimFor(rng, p, medType, date, key, index));
        break;
      }
    }
  }
  return claims;
}
