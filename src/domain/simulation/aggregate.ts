import { divRoundHalfUp, type Fen } from '../money/money.js';
import { FULL_RATE, type Bp } from '../money/rate.js';

/**
 * The arithmetic of a reform simulation: the same claims settled under a baseline and a reform,
 * added up per fund and per group of persons. Everything is integer fen held in JS numbers (exact
 * below 2^53, i.e. 90 trillion yuan); nothing is rounded here but the averages and shares, each
 * once, by the named functions at the end of this file.
 */

/** The dimensions a simulation breaks claims down by, in the order of `PersonYearClaims.group`. */
export const SIM_DIMENSIONS = ['area', 'level', 'personType', 'band'] as const;
export type SimDimension = (typeof SIM_DIMENSIONS)[number];
export const SIM_DIMENSION_COUNT = SIM_DIMENSIONS.length;

/** A change of burden within ±1 yuan (100 fen, inclusive) counts as unchanged. */
export const UNCHANGED_WITHIN: Fen = 100;

/** The funds a settlement pays from (national fund_pay_type), in the order of `FundSums.funds`. */
export const FUND_TYPES = ['310100', '390100', '330100', '390200', '610100'] as const;
export const FUND_NAMES: Record<(typeof FUND_TYPES)[number], string> = {
  '310100': 'employee basic pool (统筹基金)',
  '390100': 'resident basic pool (统筹基金)',
  '330100': 'employee large-amount aid (大额医疗补助)',
  '390200': 'resident critical-illness insurance (大病保险)',
  '610100': 'medical assistance (医疗救助)',
};

/** Persons (person-years) of one group and what their claims in that group cost them. */
export interface GroupStats {
  claims: number;
  persons: number;
  /** Burden went down by more than 1 yuan. */
  gainers: number;
  /** Burden went up by more than 1 yuan. */
  losers: number;
  unchanged: number;
  /** The persons' burden (psn_part_amt) on the group's claims under each side, fen. */
  baseline: Fen;
  reform: Fen;
  /** Persons whose income proxy is known, and of them those whose whole year's burden passes the threshold. */
  incomeKnown: number;
  overThresholdBaseline: number;
  overThresholdReform: number;
}

/** What a set of settled claims cost: the bill, the person's part, each fund's payment (fen). */
export interface FundSums {
  claims: number;
  medfee: Fen;
  burden: Fen;
  /** By FUND_TYPES. */
  funds: Fen[];
}

export interface SimulationTotals {
  /** Every person-year with a claim settled under both sides. */
  overall: GroupStats;
  /** [dimension][value]: the groups met so far (null: no claim in that group). */
  groups: (GroupStats | null)[][];
  /** Claims settled under both sides, as each side settled them: the comparison. */
  compared: { baseline: FundSums; reform: FundSums };
  /** Claims settled under one side only (refused under the other): kept out of the comparison. */
  baselineOnly: FundSums;
  reformOnly: FundSums;
  /** Claims refused under both sides. */
  refusedBoth: number;
  /** Person-years with any claim, compared or not. */
  personYears: number;
}

/** One person-year's claims settled under both sides, as parallel arrays (filled by the caller). */
export interface PersonYearClaims {
  count: number;
  /** The person's burden (psn_part_amt) on each claim under each side, fen. */
  baseline: Float64Array;
  reform: Float64Array;
  /** The value of claim i on dimension d at group[i * SIM_DIMENSION_COUNT + d] (a small integer ≥ 0). */
  group: Int32Array;
  /** The yearly burden above which the person counts as over the threshold, fen; -1 when unknown. */
  threshold: Fen;
}

/** An empty group. */
export function emptyGroup(): GroupStats {
  return {
    claims: 0,
    persons: 0,
    gainers: 0,
    losers: 0,
    unchanged: 0,
    baseline: 0,
    reform: 0,
    incomeKnown: 0,
    overThresholdBaseline: 0,
    overThresholdReform: 0,
  };
}

/** Empty fund sums. */
export function emptyFunds(): FundSums {
  return { claims: 0, medfee: 0, burden: 0, funds: FUND_TYPES.map(() => 0) };
}

/** Totals with nothing added yet. */
export function emptyTotals(): SimulationTotals {
  return {
    overall: emptyGroup(),
    groups: SIM_DIMENSIONS.map(() => []),
    compared: { baseline: emptyFunds(), reform: emptyFunds() },
    baselineOnly: emptyFunds(),
    reformOnly: emptyFunds(),
    refusedBoth: 0,
    personYears: 0,
  };
}

/** The index of a fund_pay_type in FUND_TYPES, or -1. */
export function fundIndex(fundPayType: string): number {
  return (FUND_TYPES as readonly string[]).indexOf(fundPayType);
}

/** Add one settled claim (its bill, the person's part and each fund's payment) to fund sums. */
export function addSettled(
  sums: FundSums,
  medfee: Fen,
  burden: Fen,
  details: readonly { fundPayType: string; amount: Fen }[],
): void {
  sums.claims++;
  sums.medfee += medfee;
  sums.burden += burden;
  for (const d of details) {
    const i = fundIndex(d.fundPayType);
    if (i < 0) throw new Error(`simulation: unknown fund_pay_type ${d.fundPayType}`);
    sums.funds[i]! += d.amount;
  }
}

/** −1 a gainer (burden down by more than 1 yuan), 1 a loser, 0 unchanged. */
export function changeClass(change: Fen): -1 | 0 | 1 {
  if (change < -UNCHANGED_WITHIN) return -1;
  return change > UNCHANGED_WITHIN ? 1 : 0;
}

function count(stats: GroupStats, claims: number, baseline: Fen, reform: Fen, over: Over): void {
  stats.claims += claims;
  stats.persons++;
  stats.baseline += baseline;
  stats.reform += reform;
  const c = changeClass(reform - baseline);
  if (c < 0) stats.gainers++;
  else if (c > 0) stats.losers++;
  else stats.unchanged++;
  if (over.known) {
    stats.incomeKnown++;
    if (over.baseline) stats.overThresholdBaseline++;
    if (over.reform) stats.overThresholdReform++;
  }
}

interface Over {
  known: boolean;
  baseline: boolean;
  reform: boolean;
}

// Scratch for the distinct values of one dimension within a person-year (a handful at most).
let values = new Int32Array(16);
let sumBaseline = new Float64Array(16);
let sumReform = new Float64Array(16);
let claimCount = new Int32Array(16);

function ensureScratch(n: number): void {
  if (values.length >= n) return;
  values = new Int32Array(n);
  sumBaseline = new Float64Array(n);
  sumReform = new Float64Array(n);
  claimCount = new Int32Array(n);
}

/** A person-year's burden under each side and whether it passes the threshold. */
export interface PersonYearOutcome {
  baseline: Fen;
  reform: Fen;
  /** False when the person's income proxy is unknown (the two flags are then false). */
  known: boolean;
  overBaseline: boolean;
  overReform: boolean;
}

/**
 * Add one person-year's compared claims: to the overall row, and to each group the person has a
 * claim in, with the change of the burden on that group's claims; whether the person is over the
 * threshold is read on the whole year's burden (strictly above it). Returns the year's outcome.
 */
export function addPersonYear(totals: SimulationTotals, py: PersonYearClaims): PersonYearOutcome {
  let baseline = 0;
  let reform = 0;
  for (let i = 0; i < py.count; i++) {
    baseline += py.baseline[i]!;
    reform += py.reform[i]!;
  }
  const known = py.threshold >= 0;
  const over: Over = {
    known,
    baseline: known && baseline > py.threshold,
    reform: known && reform > py.threshold,
  };
  const outcome = { baseline, reform, known, overBaseline: over.baseline, overReform: over.reform };
  if (py.count === 0) return outcome;
  count(totals.overall, py.count, baseline, reform, over);
  ensureScratch(py.count);
  for (let d = 0; d < SIM_DIMENSION_COUNT; d++) addGroups(totals.groups[d]!, py, d, over);
  return outcome;
}

/** Each value of dimension d among the person-year's claims, with the change on its claims. */
function addGroups(groups: (GroupStats | null)[], py: PersonYearClaims, d: number, over: Over): void {
  let distinct = 0;
  for (let i = 0; i < py.count; i++) {
    const v = py.group[i * SIM_DIMENSION_COUNT + d]!;
    let j = 0;
    while (j < distinct && values[j] !== v) j++;
    if (j === distinct) {
      values[j] = v;
      sumBaseline[j] = 0;
      sumReform[j] = 0;
      claimCount[j] = 0;
      distinct++;
    }
    sumBaseline[j]! += py.baseline[i]!;
    sumReform[j]! += py.reform[i]!;
    claimCount[j]!++;
  }
  for (let j = 0; j < distinct; j++) {
    const v = values[j]!;
    const stats = groups[v] ?? (groups[v] = emptyGroup());
    count(stats, claimCount[j]!, sumBaseline[j]!, sumReform[j]!, over);
  }
}

function addGroup(into: GroupStats, from: GroupStats): void {
  for (const k of Object.keys(into) as (keyof GroupStats)[]) into[k] += from[k];
}

function addFunds(into: FundSums, from: FundSums): void {
  into.claims += from.claims;
  into.medfee += from.medfee;
  into.burden += from.burden;
  for (let i = 0; i < into.funds.length; i++) into.funds[i]! += from.funds[i]!;
}

/** Add the totals of another part of the claims (another worker's persons) into `into`. */
export function mergeTotals(into: SimulationTotals, from: SimulationTotals): void {
  addGroup(into.overall, from.overall);
  from.groups.forEach((groups, d) => {
    const target = into.groups[d]!;
    groups.forEach((g, v) => {
      if (!g) return;
      const t = target[v] ?? (target[v] = emptyGroup());
      addGroup(t, g);
    });
  });
  addFunds(into.compared.baseline, from.compared.baseline);
  addFunds(into.compared.reform, from.compared.reform);
  addFunds(into.baselineOnly, from.baselineOnly);
  addFunds(into.reformOnly, from.reformOnly);
  into.refusedBoth += from.refusedBoth;
  into.personYears += from.personYears;
}

/** Average change per person in fen: total ÷ persons, rounded once, half away from zero (so ±x.5 fen mirror). */
export function averageChange(total: Fen, persons: number): Fen {
  if (persons === 0) return 0;
  const q = divRoundHalfUp(Math.abs(total), persons);
  return total < 0 && q > 0 ? -q : q;
}

/** A share in basis points: count × 10,000 ÷ of, rounded once, half up; null when `of` is 0. */
export function shareBp(part: number, of: number): Bp | null {
  return of === 0 ? null : divRoundHalfUp(part * FULL_RATE, of);
}

/** The burden threshold: income × rate, rounded once, half up, to the fen. */
export function burdenThreshold(income: Fen, rate: Bp): Fen {
  return divRoundHalfUp(income * rate, FULL_RATE);
}
