import { fenToYuan, type Fen } from '../../domain/money/money.js';
import type { Bp } from '../../domain/money/rate.js';
import { DIMENSIONS } from '../../domain/policy/dimensions.js';
import { UNCHANGED_WITHIN, type SimulationTotals } from '../../domain/simulation/aggregate.js';
import { bandCount, bandLabel, type BandBounds } from '../../domain/simulation/bands.js';
import {
  simulationTables,
  type DimensionLabels,
  type GroupRow,
  type SimulationTables,
} from '../../domain/simulation/summary.js';
import type { Baseline, PackSpec } from './baseline-map.js';
import type { Footer } from './columnar-format.js';
import type { RefusalSummary } from './refusals.js';

/** summary.json: what was simulated, on what, with which parameters, and the tables. */
export interface SimulationSummary {
  format: 'tongchou-simulation-summary';
  version: 1;
  units: Record<string, string>;
  input: {
    source: string;
    file: string | null;
    claims: number;
    persons: number;
    personYears: number;
    rejectedAtInput: number;
  };
  baseline: { source: string; packs: { ref: string; label: string; areas: string[] | 'all' }[] };
  reform: { ref: string; label: string };
  parameters: {
    unchangedWithin: number;
    bands: { key: string; label: string; from: number; below: number | null }[];
    burdenThresholdBp: Bp;
    incomeProxy: { default: number | null; byArea: Record<string, number> };
  };
  overThreshold: { available: boolean; note: string };
  funds: SimulationTables['funds'];
  personBurden: SimulationTables['personBurden'];
  medfee: number;
  comparedClaims: number;
  overall: GroupRow;
  byArea: GroupRow[];
  byLevel: GroupRow[];
  byPersonType: GroupRow[];
  byBand: GroupRow[];
  refused: RefusalSummary & {
    settledUnderOneSideOnly: SimulationTables['settledUnderOneSideOnly'];
    refusedUnderBothSides: number;
  };
}

export interface SummaryContext {
  source: string;
  file: string | null;
  footer: Footer;
  baseline: Baseline;
  reform: PackSpec;
  bands: BandBounds;
  thresholdBp: Bp;
  incomeProxy: Fen | null;
  refusals: RefusalSummary;
}

const LEVEL_LABELS = ['grassroots (0)', 'level 1', 'level 2', 'level 3'];
const PERSON_TYPE_LABELS: Record<string, string> = {
  active: 'active employee (1101)',
  retired: 'retired employee (1201)',
  resident: 'resident (1501)',
  minor: 'minor or student (1401–1405)',
};

function labelsFor(footer: Footer, bands: BandBounds, baseline: Baseline): DimensionLabels {
  const areaLabel = (code: string) => {
    const pack = baseline.areaPack ? baseline.packs[baseline.areaPack.get(code) ?? -1] : undefined;
    return pack ? `${code} (${pack.pack.id})` : code;
  };
  return {
    area: (v) => ({ key: footer.dictionaries.areas[v]!, label: areaLabel(footer.dictionaries.areas[v]!) }),
    level: (v) => ({ key: DIMENSIONS.level[v]!, label: LEVEL_LABELS[v]! }),
    personType: (v) => ({
      key: DIMENSIONS.personType[v]!,
      label: PERSON_TYPE_LABELS[DIMENSIONS.personType[v]!]!,
    }),
    band: (v) => ({ key: `band-${v}`, label: bandLabel(bands, v) }),
  };
}

function bandsOf(bands: BandBounds): SimulationSummary['parameters']['bands'] {
  return Array.from({ length: bandCount(bands) }, (_, v) => ({
    key: `band-${v}`,
    label: bandLabel(bands, v),
    from: v === 0 ? 0 : fenToYuan(bands[v - 1]!),
    below: v < bands.length ? fenToYuan(bands[v]!) : null,
  }));
}

function baselinePacks(b: Baseline): SimulationSummary['baseline']['packs'] {
  return b.packs.map((p, i) => ({
    ref: p.ref,
    label: p.pack.label,
    areas: b.areaPack ? [...b.areaPack].filter(([, j]) => j === i).map(([a]) => a) : 'all',
  }));
}

const UNITS = {
  amounts: 'yuan, exact (whole fen / 100)',
  averageChange: 'yuan: total change ÷ persons, in fen, rounded once, half away from zero',
  shares:
    'basis points (10,000 = 100%): count × 10,000 ÷ persons with a known income proxy, rounded once, half up',
  persons:
    'person-years: a person is counted once per policy (calendar) year in which they have a compared claim',
  change:
    'reform − baseline; a gainer pays more than 1 yuan less, a loser more than 1 yuan more, the rest are unchanged',
};

/** The parameters of the run, and whether the shares over the threshold could be computed. */
function parametersOf(ctx: SummaryContext): Pick<SimulationSummary, 'parameters' | 'overThreshold'> {
  const byArea: Record<string, number> = {};
  for (const [area, fen] of ctx.baseline.incomeProxy) byArea[area] = fenToYuan(fen);
  const available = ctx.incomeProxy !== null || ctx.baseline.incomeProxy.size > 0;
  return {
    parameters: {
      unchangedWithin: fenToYuan(UNCHANGED_WITHIN),
      bands: bandsOf(ctx.bands),
      burdenThresholdBp: ctx.thresholdBp,
      incomeProxy: { default: ctx.incomeProxy === null ? null : fenToYuan(ctx.incomeProxy), byArea },
    },
    overThreshold: {
      available,
      note: available
        ? `a person-year is over the threshold when its burden is above ${ctx.thresholdBp / 100}% of the income proxy of the person's area (rounded half up to the fen); areas without an income proxy are left out of the shares (incomeKnown)`
        : 'no income proxy was given, so no share is computed: pass --income-proxy YUAN or give incomeProxy per area in the MAP (Tongchou has no source for a default)',
    },
  };
}

/** summary.json from the totals and what the simulation was given. */
export function summaryOf(totals: SimulationTotals, ctx: SummaryContext): SimulationSummary {
  const { footer } = ctx;
  const tables = simulationTables(totals, labelsFor(footer, ctx.bands, ctx.baseline));
  return {
    format: 'tongchou-simulation-summary',
    version: 1,
    units: UNITS,
    input: {
      source: ctx.source,
      file: ctx.file,
      claims: footer.claims,
      persons: footer.persons,
      personYears: totals.personYears,
      rejectedAtInput: footer.rejected.claims,
    },
    baseline: { source: ctx.baseline.source, packs: baselinePacks(ctx.baseline) },
    reform: { ref: ctx.reform.ref, label: ctx.reform.pack.label },
    ...parametersOf(ctx),
    funds: tables.funds,
    personBurden: tables.personBurden,
    medfee: tables.medfee,
    comparedClaims: tables.comparedClaims,
    overall: tables.overall,
    byArea: tables.breakdowns.area,
    byLevel: tables.breakdowns.level,
    byPersonType: tables.breakdowns.personType,
    byBand: tables.breakdowns.band,
    refused: {
      ...ctx.refusals,
      settledUnderOneSideOnly: tables.settledUnderOneSideOnly,
      refusedUnderBothSides: tables.refusedUnderBothSides,
    },
  };
}
