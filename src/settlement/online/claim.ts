import { mulDivRoundHalfUp } from '../../domain/money/money.js';
import type { CompiledPack } from '../../domain/policy/model.js';
import type { Accumulators, Claim, FeeLine } from '../../domain/settlement/types.js';
import type {
  CatalogueItem,
  EnrolmentRecord,
  InstitutionRecord,
  PersonRecord,
} from '../../registry/lookup.js';
import type { ValidSettleRequest } from './request.js';

/** A person-year's counters by slot name, as stored in person_totals.totals. */
export type StoredTotals = Record<string, number>;

/** Stored totals laid out as the pack's counters; names the pack does not use are ignored. */
export function toSlots(pack: CompiledPack, stored: StoredTotals): Accumulators {
  return pack.slots.names.map((name) => stored[name] ?? 0);
}

/** Counters back to names, keeping any stored name the pack does not use. */
export function fromSlots(pack: CompiledPack, stored: StoredTotals, counters: Accumulators): StoredTotals {
  const out: StoredTotals = { ...stored };
  pack.slots.names.forEach((name, i) => {
    out[name] = counters[i] ?? 0;
  });
  return out;
}

/** What a settlement added to each counter, by name (zeros left out). */
export function totalsDelta(before: StoredTotals, after: StoredTotals): StoredTotals {
  const delta: StoredTotals = {};
  for (const [name, value] of Object.entries(after)) {
    const d = value - (before[name] ?? 0);
    if (d !== 0) delta[name] = d;
  }
  return delta;
}

/** Take a settlement's delta back out of the current totals (a reversal). */
export function subtractDelta(current: StoredTotals, delta: StoredTotals): StoredTotals {
  const out: StoredTotals = { ...current };
  for (const [name, d] of Object.entries(delta)) out[name] = (out[name] ?? 0) - d;
  return out;
}

/** Whole years of age on a date, from a YYYY-MM-DD birthday. */
export function ageOn(birthday: string, date: string): number {
  const years = Number(date.slice(0, 4)) - Number(birthday.slice(0, 4));
  return date.slice(5) < birthday.slice(5) ? years - 1 : years;
}

/** The price cap of a whole line: the catalogue's unit cap × the quantity, rounded half up once. */
function lineCap(item: CatalogueItem, count: number): number | null {
  if (item.priceCapFen === null) return null;
  return mulDivRoundHalfUp(item.priceCapFen, Math.round(count * 10_000), 10_000);
}

export interface ClaimSources {
  request: ValidSettleRequest;
  person: PersonRecord;
  enrolment: EnrolmentRecord;
  institution: InstitutionRecord;
  items: Map<string, CatalogueItem>;
  accountBalance: number;
}

/** The calculator's claim, from the request and what the registry says; the catalogue decides each line. */
export function buildClaim(s: ClaimSources): Claim {
  const { request: r, enrolment: e, institution: inst } = s;
  const fees: FeeLine[] = r.lines.map((line) => {
    const item = s.items.get(line.code)!;
    return {
      code: line.code,
      catalogClass: item.class,
      amount: line.amount,
      selfPayRate: item.class === '02' ? item.selfpayBp : 0,
      priceCapTotal: lineCap(item, line.count),
    };
  });
  return {
    claimId: r.mdtrtId,
    psnNo: r.psnNo,
    scheme: e.scheme,
    personType: e.personType,
    age: ageOn(s.person.birthday, r.date),
    familyDoctor: r.tags.includes('family-doctor'),
    assistance: r.tags.includes('assistance'),
    medType: r.medType,
    institution: inst.code,
    level: inst.level,
    priceClass: inst.priceClass ?? undefined,
    personArea: e.areaCode,
    careArea: inst.areaCode,
    date: r.date,
    diseases: r.diseases,
    useAccount: r.useAccount,
    accountBalance: s.accountBalance,
    fees,
    prior: undefined,
  };
}
