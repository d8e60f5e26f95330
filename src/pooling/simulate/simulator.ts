import {
  addPersonYear,
  addSettled,
  burdenThreshold,
  emptyTotals,
  SIM_DIMENSION_COUNT,
  type PersonYearClaims,
  type SimulationTotals,
} from '../../domain/simulation/aggregate.js';
import { bandOf } from '../../domain/simulation/bands.js';
import type { Fen } from '../../domain/money/money.js';
import type { CompiledPack } from '../../domain/policy/model.js';
import { settle } from '../../domain/settlement/calculator.js';
import {
  emptyAccumulators,
  type Accumulators,
  type Claim,
  type SettleOutcome,
} from '../../domain/settlement/types.js';
import { parsePackText } from '../../policy/load.js';
import { ClaimDecoder } from './claim-decoder.js';
import { TextBytes } from './grow.js';
import type { Footer, RowGroupColumns } from './columnar-format.js';

/** What a worker needs to simulate: plain data, so it can be sent to a worker thread. */
export interface SimulationConfig {
  baselinePacks: { ref: string; text: string }[];
  reformPack: { ref: string; text: string };
  /** For each area of the claims' dictionary: its baseline pack (index), or -1 when none (never settled). */
  areaBaseline: number[];
  /** For each area: the yearly income proxy in fen, or -1 when unknown. */
  areaIncome: number[];
  /** The share of the income proxy a yearly burden must pass, in basis points. */
  thresholdBp: number;
  /** Upper bounds of the bill-size bands, fen. */
  bands: number[];
}

/** A claim refused under one side: [side (0 baseline, 1 reform), claim id, person, code, path, message]. */
export type RefusalRecord = [0 | 1, string, string, string, string, string];

export interface RowGroupResult {
  index: number;
  claims: number;
  /** persons.jsonl lines of the row group's person-years, UTF-8. */
  persons: Uint8Array;
  refusals: RefusalRecord[];
}

/**
 * Settles the claims of row groups under the baseline and the reform, person by person (a row
 * group holds whole persons, each person's claims in date order), each side with its own running
 * totals per pack, policy year and scheme, and adds the outcomes to the simulation's totals.
 * Baseline totals are kept per pack: a person who moves between county pools starts afresh in the
 * new pool's pack, as separate county funds do.
 */
export class Simulator {
  readonly totals: SimulationTotals = emptyTotals();
  private readonly baseline: CompiledPack[];
  private readonly reform: CompiledPack;
  private readonly decoder: ClaimDecoder;
  private readonly thresholds: Fen[];
  /** The persons.jsonl lines of the row group being settled. */
  private readonly lines = new TextBytes();
  // The running totals of the person being settled: one row per side, pack and (year, scheme);
  // the first `rows` entries are the person's, the rest left over from earlier persons.
  private rows = 0;
  private readonly rowSide: number[] = [];
  private readonly rowPack: CompiledPack[] = [];
  private readonly rowKey: number[] = [];
  private readonly rowAcc: Accumulators[] = [];
  // Per claim of the person being settled.
  private compared = new Uint8Array(64);
  private burden: Float64Array[] = [new Float64Array(64), new Float64Array(64)];
  private py: PersonYearClaims = {
    count: 0,
    baseline: new Float64Array(64),
    reform: new Float64Array(64),
    group: new Int32Array(64 * SIM_DIMENSION_COUNT),
    threshold: -1,
  };
  private group = new Int32Array(64 * SIM_DIMENSION_COUNT);

  constructor(
    private readonly config: SimulationConfig,
    private readonly dictionaries: Footer['dictionaries'],
  ) {
    this.baseline = config.baselinePacks.map((p) => parsePackText(p.text, p.ref));
    this.reform = parsePackText(config.reformPack.text, config.reformPack.ref);
    this.decoder = new ClaimDecoder(dictionaries);
    this.thresholds = config.areaIncome.map((income) =>
      income < 0 ? -1 : burdenThreshold(income, config.thresholdBp),
    );
  }

  /** Settle every claim of a row group; returns its persons lines and refusals. */
  runRowGroup(c: RowGroupColumns, index: number): RowGroupResult {
    const n = c.person.length;
    const refusals: RefusalRecord[] = [];
    for (let from = 0; from < n;) {
      const p = c.person[from]!;
      let to = from + 1;
      while (to < n && c.person[to] === p) to++;
      this.runPerson(c, this.decoder.psnNo(c, p), from, to, refusals);
      from = to;
    }
    return { index, claims: n, persons: this.lines.take(), refusals };
  }

  private runPerson(
    c: RowGroupColumns,
    psnNo: string,
    from: number,
    to: number,
    refusals: RefusalRecord[],
  ): void {
    this.rows = 0;
    this.ensure(to - from);
    for (let k = from; k < to; k++) {
      const claim = this.decoder.decodeReused(c, k);
      const pack = this.baseline[this.config.areaBaseline[c.personArea[k]!]!];
      if (!pack)
        throw new Error(
          `claims file: area ${this.dictionaries.areas[c.personArea[k]!]} has no baseline pack`,
        );
      const key = Math.floor(c.date[k]! / 10_000) * 1000 + (c.scheme[k] === 0 ? 310 : 390);
      const b = this.settleOn(0, pack, claim, key);
      const r = this.settleOn(1, this.reform, claim, key);
      this.record(c, k, k - from, b, r, psnNo, refusals);
    }
    for (let start = from; start < to;) {
      const year = Math.floor(c.date[start]! / 10_000);
      let end = start + 1;
      while (end < to && Math.floor(c.date[end]! / 10_000) === year) end++;
      this.lines.append(this.personYear(c, psnNo, year, start - from, end - from, from));
      start = end;
    }
  }

  /**
   * Settle the claim under one side's pack with the person's running totals for it: `key` is the
   * policy year and scheme (year × 1000 + 310 or 390), as calc keys its totals.
   */
  private settleOn(side: number, pack: CompiledPack, claim: Claim, key: number): SettleOutcome {
    let row = 0;
    while (
      row < this.rows &&
      !(this.rowKey[row] === key && this.rowSide[row] === side && this.rowPack[row] === pack)
    ) {
      row++;
    }
    const before = row < this.rows ? this.rowAcc[row]! : emptyAccumulators();
    const outcome = settle(pack, claim, before, false);
    if (outcome.ok) {
      if (row === this.rows) {
        this.rowSide[row] = side;
        this.rowPack[row] = pack;
        this.rowKey[row] = key;
        this.rows++;
      }
      this.rowAcc[row] = outcome.after;
    }
    return outcome;
  }

  /** Add claim k's outcomes to the fund sums, and keep what the person-year needs. */
  private record(
    c: RowGroupColumns,
    k: number,
    at: number,
    b: SettleOutcome,
    r: SettleOutcome,
    psnNo: string,
    refusals: RefusalRecord[],
  ): void {
    const t = this.totals;
    this.compared[at] = b.ok && r.ok ? 1 : 0;
    if (b.ok && r.ok) {
      addSettled(t.compared.baseline, b.settlement.medfeeSum, b.settlement.personPart, b.settlement.details);
      addSettled(t.compared.reform, r.settlement.medfeeSum, r.settlement.personPart, r.settlement.details);
      this.burden[0]![at] = b.settlement.personPart;
      this.burden[1]![at] = r.settlement.personPart;
      const g = at * SIM_DIMENSION_COUNT;
      this.group[g] = c.personArea[k]!;
      this.group[g + 1] = c.level[k]!;
      this.group[g + 2] = c.personType[k]!;
      this.group[g + 3] = bandOf(this.config.bands, b.settlement.medfeeSum);
      return;
    }
    if (b.ok)
      addSettled(t.baselineOnly, b.settlement.medfeeSum, b.settlement.personPart, b.settlement.details);
    else if (r.ok)
      addSettled(t.reformOnly, r.settlement.medfeeSum, r.settlement.personPart, r.settlement.details);
    else t.refusedBoth++;
    const id = this.decoder.claimId(c, k);
    if (!b.ok) refusals.push([0, id, psnNo, b.error.code, b.error.path, b.error.message]);
    if (!r.ok) refusals.push([1, id, psnNo, r.error.code, r.error.path, r.error.message]);
  }

  /** Add the person-year of the person's claims [start, end) and return its persons.jsonl line. */
  private personYear(
    c: RowGroupColumns,
    psnNo: string,
    year: number,
    start: number,
    end: number,
    from: number,
  ): string {
    const py = this.py;
    py.count = 0;
    for (let at = start; at < end; at++) {
      if (!this.compared[at]) continue;
      py.baseline[py.count] = this.burden[0]![at]!;
      py.reform[py.count] = this.burden[1]![at]!;
      for (let d = 0; d < SIM_DIMENSION_COUNT; d++) {
        py.group[py.count * SIM_DIMENSION_COUNT + d] = this.group[at * SIM_DIMENSION_COUNT + d]!;
      }
      py.count++;
    }
    const area = c.personArea[from + start]!;
    py.threshold = this.thresholds[area]!;
    this.totals.personYears++;
    const sums = addPersonYear(this.totals, py);
    const income = this.config.areaIncome[area]!;
    return (
      `{"psn_no":${JSON.stringify(psnNo)},"year":${year},"insuplc_admdvs":"${this.dictionaries.areas[area]}",` +
      `"claims":${end - start},"compared":${py.count},"baseline":${yuanJson(sums.baseline)},` +
      `"reform":${yuanJson(sums.reform)},"change":${yuanJson(sums.reform - sums.baseline)},` +
      `"income_proxy":${income < 0 ? null : yuanJson(income)},` +
      `"baseline_over_threshold":${sums.known && py.count > 0 ? sums.overBaseline : null},` +
      `"reform_over_threshold":${sums.known && py.count > 0 ? sums.overReform : null}}\n`
    );
  }

  /** Scratch for a person of n claims. */
  private ensure(n: number): void {
    if (this.compared.length >= n) return;
    const size = Math.max(n, this.compared.length * 2);
    this.compared = new Uint8Array(size);
    this.burden = [new Float64Array(size), new Float64Array(size)];
    this.group = new Int32Array(size * SIM_DIMENSION_COUNT);
    this.py = {
      count: 0,
      baseline: new Float64Array(size),
      reform: new Float64Array(size),
      group: new Int32Array(size * SIM_DIMENSION_COUNT),
      threshold: -1,
    };
  }
}

/**
 * Whole fen as the JSON number of yuan that fenToYuan would print (18850, 641.5, -0.05), built from
 * integers: formatting a fractional double is several times slower, and persons.jsonl has millions.
 */
export function yuanJson(fen: Fen): string {
  const abs = fen < 0 ? -fen : fen;
  const cents = abs % 100;
  const whole = (abs - cents) / 100;
  const sign = fen < 0 ? '-' : '';
  if (cents === 0) return `${sign}${whole}`;
  if (cents % 10 === 0) return `${sign}${whole}.${cents / 10}`;
  return `${sign}${whole}.${cents < 10 ? '0' : ''}${cents}`;
}
