import { ServiceError } from '../../common/service-error.js';
import type { PoolingLevel, Scheme } from '../../domain/policy/dimensions.js';

/**
 * The pure half of a merge: given what the database holds, which reasons refuse it and which dated
 * pack assignments change. No I/O here; the service gathers the facts and writes the plan.
 */

export const SCHEMES: readonly Scheme[] = ['310', '390'];

export type ReasonCode =
  | 'unknown-area'
  | 'not-a-city'
  | 'is-the-city'
  | 'not-a-county'
  | 'not-under-city'
  | 'already-merged'
  | 'in-scheduled-merge'
  | 'pack-after-date'
  | 'city-pack-missing'
  | 'city-pack-level'
  | 'unreconciled-settlements'
  | 'open-periods'
  | 'period-closed'
  | 'journal-too-large'
  | 'not-due'
  | 'too-late'
  | 'cancelled'
  | 'done'
  | 'used-after-merge';

/** One reason a merge (or its run, or its cancellation) is refused, naming the area it is about. */
export interface Reason {
  area: string;
  code: ReasonCode;
  message: string;
}

/** A refusal listing every reason, area by area; nothing was written. */
export class MergeRefused extends ServiceError {
  constructor(
    readonly reasons: readonly Reason[],
    readonly what = 'the merge',
  ) {
    super('MERGE_REFUSED', `${what} is refused: ${describeReasons(reasons)}`, 'from');
    this.name = 'MergeRefused';
  }

  override toJSON() {
    return { ...super.toJSON(), reasons: [...this.reasons] };
  }
}

/** "220112: …; …. 220113: …" — each area once, its reasons in order. */
export function describeReasons(reasons: readonly Reason[]): string {
  const byArea = new Map<string, string[]>();
  for (const r of reasons) byArea.set(r.area, [...(byArea.get(r.area) ?? []), r.message]);
  return [...byArea].map(([area, messages]) => `${area}: ${messages.join('; ')}`).join('. ');
}

/** The day before a calendar date (UTC arithmetic: calendar dates carry no time zone). */
export function dayBefore(date: string): string {
  const t = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
  return new Date(t - 86_400_000).toISOString().slice(0, 10);
}

/** The months from `first` through `last` (YYYY-MM, both included); none when last is earlier. */
export function monthsThrough(first: string, last: string): string[] {
  const months: string[] = [];
  let [y, m] = [Number(first.slice(0, 4)), Number(first.slice(5, 7))];
  for (let at = first; at <= last; at = `${y}-${String(m).padStart(2, '0')}`) {
    months.push(at);
    [y, m] = m === 12 ? [y + 1, 1] : [y, m + 1];
  }
  return months;
}

/** Consecutive months as ranges: "2025-01…2025-12 (12 months), 2026-03". */
export function monthRanges(months: readonly string[]): string {
  const runs: string[][] = [];
  for (const month of [...months].sort()) {
    const run = runs.at(-1);
    const next = run && monthsThrough(run.at(-1)!, month);
    if (run && next && next.length === 2) run.push(month);
    else runs.push([month]);
  }
  return runs.map((r) => (r.length === 1 ? r[0]! : `${r[0]}…${r.at(-1)} (${r.length} months)`)).join(', ');
}

export interface AreaFact {
  code: string;
  name: string;
  level: 'province' | 'city' | 'county';
  parentCode: string | null;
}

/** A merge (scheduled or done) that already takes one of the counties. */
export interface BusyMerge {
  id: number;
  area: string;
  city: string;
  date: string;
  status: 'scheduled' | 'done';
}

/** An area_pack row: which pack governs an area's scheme over which dates. */
export interface PackRow {
  area: string;
  scheme: Scheme;
  beginDate: string;
  endDate: string | null;
  packHash: string;
}

export interface PackInfo {
  hash: string;
  label: string;
  poolingLevel: PoolingLevel;
  slots: readonly string[];
}

/** What the registry says about a merge of `counties` into `city` on `date`. */
export interface RegistryFacts {
  city: string;
  counties: readonly string[];
  date: string;
  areas: ReadonlyMap<string, AreaFact>;
  busy: readonly BusyMerge[];
  /** The counties' assignments in force on the eve of the merge or later. */
  countyPacks: readonly PackRow[];
  /** Assignments this merge made itself (from the date), left out of the checks. */
  ownAssigned: readonly PackRow[];
  /** The schemes the counties have enrolments in that reach the merge date. */
  enrolledSchemes: ReadonlyMap<string, readonly Scheme[]>;
  /** The city's pack in force on the merge date, by scheme. */
  cityPacks: ReadonlyMap<Scheme, PackInfo>;
}

function checkCity(f: RegistryFacts): Reason[] {
  const city = f.areas.get(f.city);
  if (!city) return [{ area: f.city, code: 'unknown-area', message: `no pooling area ${f.city}` }];
  if (city.level !== 'city') {
    const message = `${f.city} ${city.name} is a ${city.level}; counties merge into a city`;
    return [{ area: f.city, code: 'not-a-city', message }];
  }
  return [];
}

function checkCounty(f: RegistryFacts, code: string): Reason[] {
  const area = f.areas.get(code);
  const reason = (c: ReasonCode, message: string): Reason[] => [{ area: code, code: c, message }];
  if (code === f.city) return reason('is-the-city', `${code} is the city the counties merge into`);
  if (!area) return reason('unknown-area', `no pooling area ${code}`);
  if (area.level !== 'county') return reason('not-a-county', `${area.name} is a ${area.level}, not a county`);
  if (area.parentCode !== f.city)
    return reason('not-under-city', `${area.name} belongs to ${area.parentCode}, not to ${f.city}`);
  return f.busy
    .filter((b) => b.area === code)
    .map((b) =>
      b.status === 'done'
        ? {
            area: code,
            code: 'already-merged',
            message: `already merged into ${b.city} on ${b.date} (merge ${b.id})`,
          }
        : { area: code, code: 'in-scheduled-merge', message: `in merge ${b.id}, scheduled for ${b.date}` },
    );
}

const samePack = (a: PackRow, b: PackRow) =>
  a.area === b.area && a.scheme === b.scheme && a.beginDate === b.beginDate;

/** County assignments that begin on or after the merge date: the merge would contradict them. */
function checkLaterPacks(f: RegistryFacts): Reason[] {
  return f.countyPacks
    .filter((p) => p.beginDate >= f.date && !f.ownAssigned.some((o) => samePack(o, p)))
    .map((p) => ({
      area: p.area,
      code: 'pack-after-date' as const,
      message: `a pack is assigned to scheme ${p.scheme} from ${p.beginDate}, on or after the merge date ${f.date}`,
    }));
}

/** The schemes the city must have a pack for: every scheme a county has a pack or enrolments in. */
export function schemesNeeded(f: RegistryFacts): Scheme[] {
  const needed = new Set<Scheme>();
  for (const p of f.countyPacks) needed.add(p.scheme);
  for (const schemes of f.enrolledSchemes.values()) schemes.forEach((s) => needed.add(s));
  return SCHEMES.filter((s) => needed.has(s));
}

function checkCityPacks(f: RegistryFacts): Reason[] {
  return schemesNeeded(f).flatMap((scheme): Reason[] => {
    const pack = f.cityPacks.get(scheme);
    if (!pack) {
      const message = `no policy pack governs scheme ${scheme} in the city on ${f.date}; assign the city pack first`;
      return [{ area: f.city, code: 'city-pack-missing', message }];
    }
    if (pack.poolingLevel === 'county') {
      const message = `the city's pack ${pack.label} for scheme ${scheme} is pooled at county level, so care elsewhere in the city would stay out-of-area`;
      return [{ area: f.city, code: 'city-pack-level', message }];
    }
    return [];
  });
}

/** Every reason the registry gives to refuse the merge: areas, other merges, packs. */
export function registryReasons(f: RegistryFacts): Reason[] {
  const city = checkCity(f);
  const counties = f.counties.flatMap((c) => checkCounty(f, c));
  if (city.length > 0 || counties.length > 0) return [...city, ...counties];
  return [...checkLaterPacks(f), ...checkCityPacks(f)];
}

export interface PackChanges {
  /** County assignments to end on the eve of the merge. */
  end: PackRow[];
  /** Assignments of the city's pack to the counties from the merge date. */
  assign: PackRow[];
}

/**
 * The dated pack changes: each county assignment still in force on the merge date ends on its eve,
 * and from the date each county's schemes are governed by the city's pack (the one in force for the
 * city on that date). Assignments already made are not made again, so this also sweeps up what
 * was added since the merge was scheduled.
 */
export function packChanges(f: RegistryFacts): PackChanges {
  const eve = dayBefore(f.date);
  const end = f.countyPacks.filter((p) => p.beginDate < f.date && (p.endDate === null || p.endDate > eve));
  const schemes = schemesNeeded(f);
  const assign = f.counties.flatMap((area) =>
    schemes
      .filter(
        (scheme) =>
          !f.countyPacks.some((p) => p.area === area && p.scheme === scheme && p.beginDate === f.date),
      )
      .map((scheme) => ({
        area,
        scheme,
        beginDate: f.date,
        endDate: null,
        packHash: f.cityPacks.get(scheme)!.hash,
      })),
  );
  return { end, assign };
}

/** How a person's counters fare when the city's pack replaces a county's, for one scheme. */
export interface SlotNote {
  scheme: Scheme;
  countyPack: string;
  cityPack: string;
  counties: string[];
  /** Counters the city pack reads as they are: the year's totals carry over. */
  carried: string[];
  /** Counters only the county pack kept: stored, but no longer counted against anything. */
  notCarried: string[];
  /** Counters only the city pack keeps: they start from zero for the rest of the year. */
  startAtZero: string[];
}

/**
 * Per county pack replaced, which counters carry. person_totals is keyed by person, year and scheme
 * (not by area), so what the person accumulated under the county pack is read by the city pack
 * wherever the slot names agree; the rest is reported, never rewritten by guessing a mapping.
 */
export function slotNotes(
  replaced: readonly { area: string; scheme: Scheme; pack: PackInfo }[],
  cityPacks: ReadonlyMap<Scheme, PackInfo>,
): SlotNote[] {
  const notes = new Map<string, SlotNote>();
  for (const r of replaced) {
    const city = cityPacks.get(r.scheme);
    if (!city) continue;
    const key = `${r.scheme}|${r.pack.hash}|${city.hash}`;
    const seen = notes.get(key);
    if (seen) {
      if (!seen.counties.includes(r.area)) seen.counties.push(r.area);
      continue;
    }
    notes.set(key, {
      scheme: r.scheme,
      countyPack: r.pack.label,
      cityPack: city.label,
      counties: [r.area],
      carried: r.pack.slots.filter((s) => city.slots.includes(s)),
      notCarried: r.pack.slots.filter((s) => !city.slots.includes(s)),
      startAtZero: city.slots.filter((s) => !r.pack.slots.includes(s)),
    });
  }
  return [...notes.values()];
}
