import type { Command } from 'commander';
import { formatYuan, parseYuan } from '../domain/money/money.js';
import { parseRate } from '../domain/money/rate.js';
import { DEFAULT_BAND_BOUNDS, parseBandBounds } from '../domain/simulation/bands.js';
import { ColumnarFileError } from '../pooling/simulate/columnar-reader.js';
import { SimulationInputError } from '../pooling/simulate/errors.js';
import {
  convertClaims,
  simulate,
  type ClaimsInput,
  type SimulateOptions,
  type SimulationProgress,
} from '../pooling/simulate/simulate.js';
import type { SimulationSummary } from '../pooling/simulate/summary-file.js';
import { withDatabase } from './db-commands.js';
import { UsageError } from './usage-error.js';

interface SimulateFlags {
  claims?: string;
  fromDb?: boolean;
  baseline?: string;
  reform?: string;
  out: string;
  incomeProxy?: string;
  burdenThreshold: string;
  bands?: string;
  workers?: string;
}

type Out = NodeJS.WritableStream & { isTTY?: boolean };

/** A progress bar on standard error when it is a terminal, redrawn at most five times a second. */
export class ProgressBar implements SimulationProgress {
  private readonly started = Date.now();
  private lastDraw = 0;
  private drawn = false;

  constructor(private readonly out: Out) {}

  private draw(text: string, force = false): void {
    if (!this.out.isTTY) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 200) return;
    this.lastDraw = now;
    this.drawn = true;
    this.out.write(`\r${text}\x1b[K`);
  }

  reading(claims: number): void {
    this.draw(`reading claims: ${claims.toLocaleString('en')}`);
  }

  settling(done: number, total: number): void {
    const width = 30;
    const filled = total === 0 ? width : Math.floor((done * width) / total);
    const seconds = Math.max((Date.now() - this.started) / 1000, 0.001);
    const pct = total === 0 ? 100 : Math.floor((done * 100) / total);
    this.draw(
      `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${pct}% ${done.toLocaleString('en')} / ${total.toLocaleString('en')} claims (${Math.round(done / seconds).toLocaleString('en')}/s)`,
      done === total,
    );
  }

  done(): void {
    if (this.drawn) this.out.write(`\r\x1b[K`);
  }
}

function wholeNumber(option: string, text: string, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > max)
    throw new UsageError(`${option} must be a whole number from 0 to ${max}, not "${text}"`);
  return n;
}

function claimsKind(flags: SimulateFlags): 'file' | 'database' {
  if (flags.claims !== undefined && flags.fromDb)
    throw new UsageError('give either --claims FILE or --from-db, not both');
  if (flags.claims === undefined && !flags.fromDb)
    throw new UsageError('give the claims: --claims FILE (JSON Lines or columnar) or --from-db');
  return flags.claims !== undefined ? 'file' : 'database';
}

/** The options of the command, checked; every problem is a usage error naming the option. */
export function optionsOf(flags: SimulateFlags): Omit<SimulateOptions, 'claims'> {
  if (!flags.baseline)
    throw new UsageError('--baseline PACK|MAP is required (a pack id or file, or a MAP of area → pack)');
  if (!flags.reform) throw new UsageError('--reform PACK is required (a pack id or file)');
  let incomeProxy = null;
  if (flags.incomeProxy !== undefined) {
    const r = parseYuan(flags.incomeProxy);
    if (!r.ok || r.value <= 0)
      throw new UsageError(
        `--income-proxy must be a yearly income in yuan above 0 (${r.ok ? 'got 0' : r.reason})`,
      );
    incomeProxy = r.value;
  }
  const rate = parseRate(flags.burdenThreshold);
  if (!rate.ok || rate.value === 0)
    throw new UsageError(
      `--burden-threshold must be a share such as 40% (${rate.ok ? 'got 0' : rate.reason})`,
    );
  let bands = [...DEFAULT_BAND_BOUNDS];
  if (flags.bands !== undefined) {
    const parsed = parseBandBounds(flags.bands);
    if (!parsed.ok) throw new UsageError(`--bands ${parsed.reason}`);
    bands = parsed.bounds;
  }
  return {
    baseline: flags.baseline,
    reform: flags.reform,
    out: flags.out,
    incomeProxy,
    thresholdBp: rate.value,
    bands,
    workers: flags.workers === undefined ? undefined : wholeNumber('--workers', flags.workers, 64),
  };
}

/** Yuan (from summary.json, at most two decimals) as text with thousands separators: 1,234.50. */
function yuanText(yuan: number): string {
  return formatYuan(Math.round(yuan * 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function signed(yuan: number): string {
  return `${yuan > 0 ? '+' : ''}${yuanText(yuan)}`;
}

/** What the run found, in a few lines for the terminal (the files hold the rest). */
export function report(s: SimulationSummary, out: string): string {
  const r = s.refused;
  const count = (side: Record<string, { claims: number }>) =>
    Object.values(side).reduce((n, e) => n + e.claims, 0);
  const lines = [
    `${s.input.claims.toLocaleString('en')} claims of ${s.input.persons.toLocaleString('en')} persons (${s.input.source})`,
    `baseline ${s.baseline.packs.map((p) => p.label).join(', ')}; reform ${s.reform.label}`,
    `compared ${s.comparedClaims.toLocaleString('en')} claims; refused: ${count(r.baseline)} under the baseline, ${count(r.reform)} under the reform, ${count(r.input)} input lines (see refused.jsonl)`,
    `person burden ${yuanText(s.personBurden.baseline)} → ${yuanText(s.personBurden.reform)} yuan (${signed(s.personBurden.change)}); gainers ${s.overall.gainers}, unchanged ${s.overall.unchanged}, losers ${s.overall.losers}`,
    ...s.funds
      .filter((f) => f.baseline !== 0 || f.reform !== 0)
      .map(
        (f) => `fund ${f.fund}: ${yuanText(f.baseline)} → ${yuanText(f.reform)} yuan (${signed(f.change)})`,
      ),
    `written to ${out}: summary.json, persons.jsonl, refused.jsonl, report.xlsx, charts/*.svg and *.png`,
  ];
  return lines.join('\n') + '\n';
}

/** Input problems of the simulation are usage errors: one line, exit status 2. */
function asUsageError(e: unknown): never {
  if (e instanceof SimulationInputError || e instanceof ColumnarFileError) throw new UsageError(e.message);
  throw e;
}

async function runSimulate(flags: SimulateFlags): Promise<number> {
  const kind = claimsKind(flags);
  const options = optionsOf(flags);
  const bar = new ProgressBar(process.stderr);
  const run = (claims: ClaimsInput) => simulate({ ...options, claims, progress: bar }).catch(asUsageError);
  const outcome =
    kind === 'file'
      ? await run({ kind: 'file', file: flags.claims! })
      : await withDatabase((db) => run({ kind: 'database', db }));
  bar.done();
  process.stdout.write(report(outcome.summary, options.out));
  return outcome.refused > 0 ? 3 : 0;
}

/** `tongchou simulate …` and `tongchou simulate convert IN OUT`. */
export function addSimulateCommand(program: Command): void {
  const command = program
    .command('simulate')
    .description(
      're-settle historical claims under a baseline (one pack, or a MAP of area → pack) and a reform pack; ' +
        'write who gains and who loses, and what each fund pays, to --out (see docs/simulation.md)',
    )
    .option(
      '--claims <file>',
      'claims: JSON Lines (specs/calc.md) or a columnar file made by `simulate convert`',
    )
    .option('--from-db', 'claims: the settlements stored in the database, those not reversed')
    .option(
      '--baseline <pack|map>',
      'a pack id or file for every claim, or a MAP file (YAML or JSON) of area → pack',
    )
    .option('--reform <pack>', 'the pack every claim is settled under in the reform')
    .option('--out <dir>', 'the folder to write into', 'simulation')
    .option(
      '--income-proxy <yuan>',
      'yearly income per person for areas whose MAP entry gives none (no default)',
    )
    .option(
      '--burden-threshold <share>',
      'a yearly burden above this share of the income proxy is counted',
      '40%',
    )
    .option(
      '--bands <yuan,…>',
      'upper bounds of the bill-size bands, yuan (default 200,1000,5000,20000,50000,100000)',
    )
    .option('--workers <n>', 'worker threads (0: none; default: one per core for large inputs)')
    .action(async (flags: SimulateFlags) => {
      process.exitCode = await runSimulate(flags);
    });
  addConvertCommand(command);
}

/** `tongchou simulate convert CLAIMS OUT`: exit 3 when some lines are not claims (kept in the file's list). */
function addConvertCommand(command: Command): void {
  command
    .command('convert')
    .description(
      'convert JSON Lines claims into a columnar claims file (sorted by person, then date) for fast simulation',
    )
    .argument('<claims>', 'the JSON Lines claims file')
    .argument('<out>', 'the columnar file to write')
    .action(async (input: string, output: string) => {
      const bar = new ProgressBar(process.stderr);
      const footer = await convertClaims(input, output, (n) => bar.reading(n)).catch(asUsageError);
      bar.done();
      const rejected = footer.rejected.claims;
      const codes = Object.entries(footer.rejected.byCode).map(([code, n]) => `${code}: ${n}`);
      const note =
        rejected > 0 ? `; ${rejected} lines are not claims (${codes.join(', ')}), listed for simulate` : '';
      process.stdout.write(
        `${footer.claims.toLocaleString('en')} claims of ${footer.persons.toLocaleString('en')} persons in ` +
          `${footer.rowGroups.length} row groups written to ${output}${note}\n`,
      );
      process.exitCode = rejected > 0 ? 3 : 0;
    });
}
