import { closeSync, mkdirSync, openSync, readSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Sql } from '../../db/index.js';
import type { Fen } from '../../domain/money/money.js';
import type { Bp } from '../../domain/money/rate.js';
import { loadBaseline, loadPackSpec, type Baseline } from './baseline-map.js';
import { writeCharts } from './charts.js';
import { isColumnar, type Footer } from './columnar-format.js';
import { ColumnarClaims, FileSource, MemorySource } from './columnar-reader.js';
import { ClaimTableBuilder, FileSink, MemorySink } from './columnar-writer.js';
import { readSettlements } from './db-source.js';
import { SimulationInputError } from './errors.js';
import { readJsonLines } from './jsonl-source.js';
import type { SourceRef } from './messages.js';
import { rejectedLine, refusalLine, RefusalTally } from './refusals.js';
import { writeWorkbook } from './report-xlsx.js';
import { defaultWorkers, simulateClaims } from './run.js';
import type { SimulationConfig } from './simulator.js';
import type { SimulationTotals } from '../../domain/simulation/aggregate.js';
import { summaryOf, type SimulationSummary } from './summary-file.js';

export type ClaimsInput = { kind: 'file'; file: string } | { kind: 'database'; db: Sql };

/** Told as the work goes: claims read (JSON Lines or database), then claims settled of the total. */
export interface SimulationProgress {
  reading(claims: number): void;
  settling(done: number, total: number): void;
}

export interface SimulateOptions {
  claims: ClaimsInput;
  /** A pack (id or file) or a MAP file. */
  baseline: string;
  reform: string;
  out: string;
  /** Yearly income proxy for every area the MAP gives none, fen. */
  incomeProxy: Fen | null;
  thresholdBp: Bp;
  bands: Fen[];
  /** Worker threads (0: this thread); chosen by the size of the input when left out. */
  workers?: number;
  progress?: SimulationProgress;
}

export interface SimulateOutcome {
  summary: SimulationSummary;
  files: string[];
  /** Claims refused under either side, plus input lines that are not claims. */
  refused: number;
}

const NO_PROGRESS: SimulationProgress = { reading: () => undefined, settling: () => undefined };

/** True when the file starts as a columnar claims file does. */
function fileIsColumnar(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = new Uint8Array(8);
    const n = readSync(fd, head, 0, 8, 0);
    return n === 8 && isColumnar(head);
  } finally {
    closeSync(fd);
  }
}

function requireFile(file: string, option: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch {
    throw new SimulationInputError(`${option} ${file}: no such file`);
  }
  if (!isFile) throw new SimulationInputError(`${option} ${file} is not a file`);
}

/** The claims as a columnar source: the file itself, or JSON Lines / settlements sorted into memory. */
async function openClaims(input: ClaimsInput, progress: SimulationProgress) {
  if (input.kind === 'file') {
    requireFile(input.file, '--claims');
    if (fileIsColumnar(input.file)) {
      const ref: SourceRef = { kind: 'file', file: input.file, name: input.file };
      return {
        ref,
        claims: ColumnarClaims.open(new FileSource(input.file), input.file),
        source: 'columnar file',
      };
    }
  }
  const builder = new ClaimTableBuilder();
  if (input.kind === 'file') await readJsonLines(input.file, builder, (n) => progress.reading(n));
  else await readSettlements(input.db, builder, (n) => progress.reading(n));
  const sink = new MemorySink();
  const name = input.kind === 'file' ? input.file : 'database';
  builder.write(sink, name);
  const bytes = sink.toShared();
  const ref: SourceRef = { kind: 'memory', bytes, name };
  const source = input.kind === 'file' ? 'JSON Lines' : 'database: settlements not reversed';
  return { ref, claims: ColumnarClaims.open(new MemorySource(bytes), name), source };
}

/** Every area some claim belongs to must have a baseline pack: refuse before settling, naming them. */
function areaBaseline(baseline: Baseline, footer: Footer): number[] {
  const areas = footer.dictionaries.areas;
  if (!baseline.areaPack) return areas.map(() => 0);
  const missing = footer.personAreas.map((a) => areas[a]!).filter((code) => !baseline.areaPack!.has(code));
  if (missing.length > 0) {
    const list = missing.sort().join(', ');
    throw new SimulationInputError(
      `the MAP ${baseline.source} gives no pack for area${missing.length > 1 ? 's' : ''} ${list} (insuplc_admdvs of claims in the input); add ${missing.length > 1 ? 'them' : 'it'} under "areas"`,
    );
  }
  return areas.map((code) => baseline.areaPack!.get(code) ?? -1);
}

function configOf(
  opts: SimulateOptions,
  baseline: Baseline,
  reformText: { ref: string; text: string },
  footer: Footer,
): SimulationConfig {
  return {
    baselinePacks: baseline.packs.map((p) => ({ ref: p.ref, text: p.text })),
    reformPack: reformText,
    areaBaseline: areaBaseline(baseline, footer),
    areaIncome: footer.dictionaries.areas.map(
      (code) => baseline.incomeProxy.get(code) ?? opts.incomeProxy ?? -1,
    ),
    thresholdBp: opts.thresholdBp,
    bands: opts.bands,
  };
}

function prepareOut(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new SimulationInputError(`--out ${dir} cannot be made a folder: ${(e as Error).message}`);
  }
  if (!statSync(dir).isDirectory()) throw new SimulationInputError(`--out ${dir} is not a folder`);
}

/**
 * Settle every claim under both sides, writing persons.jsonl and refused.jsonl as the row groups
 * come back (in file order); returns the totals and the refusals counted.
 */
async function settleAll(
  opts: SimulateOptions,
  opened: Awaited<ReturnType<typeof openClaims>>,
  config: SimulationConfig,
  progress: SimulationProgress,
): Promise<{ totals: SimulationTotals; tally: RefusalTally }> {
  const { claims, ref } = opened;
  const footer = claims.footer;
  const tally = new RefusalTally();
  tally.addRejected(footer.rejected);
  const personsFd = openSync(join(opts.out, 'persons.jsonl'), 'w');
  const refusedFd = openSync(join(opts.out, 'refused.jsonl'), 'w');
  try {
    for (const r of footer.rejected.listed) writeSync(refusedFd, rejectedLine(r));
    const workers = opts.workers ?? defaultWorkers(footer.claims, claims.rowGroupCount);
    let done = 0;
    const totals = await simulateClaims(ref, claims, config, workers, {
      onRowGroup(result) {
        writeSync(personsFd, result.persons);
        let text = '';
        for (const record of result.refusals) {
          tally.addRecord(record);
          text += refusalLine(record);
        }
        if (text) writeSync(refusedFd, text);
        done += result.claims;
        progress.settling(done, footer.claims);
      },
    });
    return { totals, tally };
  } finally {
    closeSync(personsFd);
    closeSync(refusedFd);
  }
}

/** summary.json, report.xlsx and the charts; returns the files written. */
async function writeReports(out: string, summary: SimulationSummary): Promise<string[]> {
  const files = [join(out, 'summary.json'), join(out, 'persons.jsonl'), join(out, 'refused.jsonl')];
  writeFileSync(files[0]!, JSON.stringify(summary, null, 2) + '\n');
  const report = join(out, 'report.xlsx');
  await writeWorkbook(report, summary);
  const chartsDir = join(out, 'charts');
  mkdirSync(chartsDir, { recursive: true });
  return [...files, report, ...(await writeCharts(chartsDir, summary))];
}

/**
 * Re-settle the claims under the baseline and the reform and write summary.json, persons.jsonl,
 * refused.jsonl, report.xlsx and the charts into `out` (docs/simulation.md).
 */
export async function simulate(opts: SimulateOptions): Promise<SimulateOutcome> {
  const progress = opts.progress ?? NO_PROGRESS;
  const baseline = loadBaseline(opts.baseline);
  const reform = loadPackSpec(opts.reform);
  const opened = await openClaims(opts.claims, progress);
  try {
    const footer = opened.claims.footer;
    const config = configOf(opts, baseline, { ref: reform.ref, text: reform.text }, footer);
    // Only now that the packs, the claims and the MAP are known good is anything written.
    prepareOut(opts.out);
    const { totals, tally } = await settleAll(opts, opened, config, progress);
    const summary = summaryOf(totals, {
      source: opened.source,
      file: opts.claims.kind === 'file' ? opts.claims.file : null,
      footer,
      baseline,
      reform,
      bands: opts.bands,
      thresholdBp: opts.thresholdBp,
      incomeProxy: opts.incomeProxy,
      refusals: tally.summary,
    });
    const files = await writeReports(opts.out, summary);
    const refused = tally.total('baseline') + tally.total('reform') + tally.total('input');
    return { summary, files, refused };
  } finally {
    opened.claims.close();
  }
}

/** `simulate convert`: JSON Lines claims → a columnar claims file (sorted by person, then date). */
export async function convertClaims(
  input: string,
  output: string,
  onProgress: (lines: number) => void = () => undefined,
): Promise<Footer> {
  requireFile(input, 'convert');
  if (fileIsColumnar(input)) throw new SimulationInputError(`${input} is a columnar claims file already`);
  const builder = new ClaimTableBuilder();
  await readJsonLines(input, builder, onProgress);
  return writeColumnar(builder, output, input);
}

/** Write a builder's claims to a columnar file. */
export function writeColumnar(builder: ClaimTableBuilder, output: string, source: string): Footer {
  let sink: FileSink;
  try {
    sink = new FileSink(output);
  } catch (e) {
    throw new SimulationInputError(`cannot write ${output}: ${(e as Error).message}`);
  }
  try {
    return builder.write(sink, source);
  } finally {
    sink.close();
  }
}
