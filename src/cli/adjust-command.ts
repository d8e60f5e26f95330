import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseInputsText } from '../fund/adjustment/inputs-file.js';
import { formatAdjustment } from '../fund/adjustment/report.js';
import { runAdjustment } from '../fund/adjustment/service.js';
import { withDatabase } from './db-commands.js';
import { UsageError } from './usage-error.js';

function year(text: string): number {
  if (!/^\d{4}$/.test(text)) throw new UsageError(`--year must be a year such as 2025, not "${text}"`);
  return Number(text);
}

function areaCode(text: string): string {
  if (!/^\d{6}$/.test(text)) throw new UsageError(`--province must be a 6-digit area code, not "${text}"`);
  return text;
}

function scheme(text: string): '310' | '390' {
  if (text !== '310' && text !== '390') throw new UsageError(`--scheme must be 310 or 390, not "${text}"`);
  return text;
}

/** The inputs file, read and parsed (JSON or YAML); validated by the service. */
function readInputs(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new UsageError(`cannot read --inputs ${file}: ${reason}`);
  }
  return parseInputsText(text, file);
}

interface AdjustOptions {
  year: number;
  province?: string;
  scheme?: '310' | '390';
  inputs?: string;
  dryRun?: boolean;
  json?: boolean;
}

/** `tongchou adjust --year Y [--province AREA] [--scheme S] [--inputs FILE] [--dry-run] [--json]`. */
export function addAdjustCommand(program: Command): void {
  program
    .command('adjust')
    .description(
      'compute the provincial adjustment fund (调剂金) of a year under the provincial pack and post it to the ' +
        'adjustment book; a year is posted once (the same inputs replay it, others are refused)',
    )
    .requiredOption('--year <year>', 'the year adjusted (its fund income, expenditure and balances)', year)
    .option('--province <area>', 'the province (default: the only one registered)', areaCode)
    .option('--scheme <scheme>', 'the scheme, when the province has rules for both 310 and 390', scheme)
    .option('--inputs <file>', 'JSON or YAML: each city’s collectionRate and assessmentScore (Fujian style)')
    .option('--dry-run', 'compute and print, post nothing')
    .option('--json', 'print the whole report as JSON (amounts in fen), with the trace of every figure')
    .action(async (opts: AdjustOptions) => {
      const inputs = opts.inputs === undefined ? undefined : readInputs(opts.inputs);
      const report = await withDatabase((db) =>
        runAdjustment(db, {
          year: opts.year,
          ...(opts.province ? { province: opts.province } : {}),
          ...(opts.scheme ? { scheme: opts.scheme } : {}),
          ...(opts.inputs ? { inputs, inputsName: opts.inputs } : {}),
          dryRun: opts.dryRun === true,
        }),
      );
      process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatAdjustment(report));
    });
}
