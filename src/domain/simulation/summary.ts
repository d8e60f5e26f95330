import { fenToYuan, type Fen } from '../money/money.js';
import type { Bp } from '../money/rate.js';
import {
  averageChange,
  FUND_NAMES,
  FUND_TYPES,
  shareBp,
  SIM_DIMENSIONS,
  type FundSums,
  type GroupStats,
  type SimDimension,
  type SimulationTotals,
} from './aggregate.js';

/**
 * The simulation's tables as written to summary.json and report.xlsx: amounts in yuan (exact, at
 * most two decimals, from whole fen), shares in basis points, each average and share rounded once.
 */

/** One row of a breakdown: a group of persons (person-years) and the change of their burden. */
export interface GroupRow {
  key: string;
  label: string;
  claims: number;
  persons: number;
  gainers: number;
  losers: number;
  unchanged: number;
  baselineBurden: number;
  reformBurden: number;
  totalChange: number;
  /** totalChange ÷ persons, in fen rounded half away from zero, as yuan. */
  averageChange: number;
  /** Persons whose yearly burden passes the threshold of their income proxy, under each side. */
  overThreshold: {
    incomeKnown: number;
    baseline: number;
    reform: number;
    /** Of incomeKnown, in basis points rounded half up; null when no income proxy is known. */
    baselineShareBp: Bp | null;
    reformShareBp: Bp | null;
  };
}

export interface FundRow {
  fund: string;
  name: string;
  baseline: number;
  reform: number;
  change: number;
}

export interface ClaimSetRow {
  claims: number;
  medfee: number;
  personBurden: number;
  funds: FundRow[];
}

export interface SimulationTables {
  funds: FundRow[];
  personBurden: { baseline: number; reform: number; change: number };
  medfee: number;
  comparedClaims: number;
  overall: GroupRow;
  breakdowns: Record<SimDimension, GroupRow[]>;
  /** Claims settled under one side only: not in the tables above. */
  settledUnderOneSideOnly: { baseline: ClaimSetRow; reform: ClaimSetRow };
  refusedUnderBothSides: number;
  personYears: number;
}

/** How the values of a dimension are named: key (a code) and label, by value index. */
export type DimensionLabels = Record<SimDimension, (value: number) => { key: string; label: string }>;

/** A group's row. */
export function groupRow(key: string, label: string, s: GroupStats): GroupRow {
  const change: Fen = s.reform - s.baseline;
  return {
    key,
    label,
    claims: s.claims,
    persons: s.persons,
    gainers: s.gainers,
    losers: s.losers,
    unchanged: s.unchanged,
    baselineBurden: fenToYuan(s.baseline),
    reformBurden: fenToYuan(s.reform),
    totalChange: fenToYuan(change),
    averageChange: fenToYuan(averageChange(change, s.persons)),
    overThreshold: {
      incomeKnown: s.incomeKnown,
      baseline: s.overThresholdBaseline,
      reform: s.overThresholdReform,
      baselineShareBp: shareBp(s.overThresholdBaseline, s.incomeKnown),
      reformShareBp: shareBp(s.overThresholdReform, s.incomeKnown),
    },
  };
}

function fundRows(baseline: FundSums, reform: FundSums): FundRow[] {
  return FUND_TYPES.map((fund, i) => ({
    fund,
    name: FUND_NAMES[fund],
    baseline: fenToYuan(baseline.funds[i]!),
    reform: fenToYuan(reform.funds[i]!),
    change: fenToYuan(reform.funds[i]! - baseline.funds[i]!),
  }));
}

function claimSet(sums: FundSums, side: 'baseline' | 'reform'): ClaimSetRow {
  return {
    claims: sums.claims,
    medfee: fenToYuan(sums.medfee),
    personBurden: fenToYuan(sums.burden),
    funds: FUND_TYPES.map((fund, i) => {
      const paid = fenToYuan(sums.funds[i]!);
      const row = { fund, name: FUND_NAMES[fund], baseline: 0, reform: 0, change: 0 };
      return side === 'baseline' ? { ...row, baseline: paid } : { ...row, reform: paid };
    }).filter((r) => r.baseline !== 0 || r.reform !== 0),
  };
}

/** The tables of a simulation from its totals; groups are listed in the order of their value index. */
export function simulationTables(totals: SimulationTotals, labels: DimensionLabels): SimulationTables {
  const { baseline, reform } = totals.compared;
  const breakdowns = {} as Record<SimDimension, GroupRow[]>;
  SIM_DIMENSIONS.forEach((dim, d) => {
    breakdowns[dim] = [];
    totals.groups[d]!.forEach((stats, value) => {
      if (!stats) return;
      const { key, label } = labels[dim](value);
      breakdowns[dim].push(groupRow(key, label, stats));
    });
  });
  return {
    funds: fundRows(baseline, reform),
    personBurden: {
      baseline: fenToYuan(baseline.burden),
      reform: fenToYuan(reform.burden),
      change: fenToYuan(reform.burden - baseline.burden),
    },
    medfee: fenToYuan(baseline.medfee),
    comparedClaims: baseline.claims,
    overall: groupRow('all', 'all persons', totals.overall),
    breakdowns,
    settledUnderOneSideOnly: {
      baseline: claimSet(totals.baselineOnly, 'baseline'),
      reform: claimSet(totals.reformOnly, 'reform'),
    },
    refusedUnderBothSides: totals.refusedBoth,
    personYears: totals.personYears,
  };
}
