import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { dbConfigFromEnv, describeDb } from '../db/index.js';
import {
  CARE_START,
  CITY,
  CONTRIBUTION_YEAR,
  DEMO_PROVINCIAL_AVERAGE_MONTHLY_WAGE_FEN,
} from '../demo/city.js';
import { writeDemoAccess } from '../demo/credentials.js';
import { reporterFor } from '../demo/progress.js';
import { DEFAULT_OPTIONS, DemoCityExists, runDemo, type DemoResult } from '../demo/run.js';
import { formatSummary, yuan } from '../demo/summary.js';
import { withDatabase } from './db-commands.js';
import { UsageError } from './usage-error.js';

/** A whole number option within limits, or a usage error naming the option. */
function wholeNumber(option: string, min: number, max: number) {
  return (text: string): number => {
    const value = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new UsageError(
        `${option} must be a whole number from ${min} to ${max.toLocaleString('en')}, not "${text}"`,
      );
    }
    return value;
  };
}

function header(r: DemoResult): string {
  const types = ['active', 'retired', 'resident', 'minor']
    .map((t) => `${(r.persons.byType[t] ?? 0).toLocaleString('en')} ${t}`)
    .join(', ');
  return [
    `${CITY.name} ${CITY.code}: one city pool of 7 areas, seed ${r.options.seed}`,
    `pack ${r.pack} (a demonstration pack composed of several cities' sources)`,
    `${r.persons.total.toLocaleString('en')} persons (${types}), ${r.employers} employers, ` +
      `${r.institutions} institutions, ${r.catalogueItems} catalogue items`,
    `contributions for ${CONTRIBUTION_YEAR} (retiree credits on a synthetic provincial average monthly wage of ` +
      `${yuan(DEMO_PROVINCIAL_AVERAGE_MONTHLY_WAGE_FEN)}); ${r.options.days} days of care from ${CARE_START}`,
    '',
  ].join('\n');
}

interface DemoCommandOptions {
  persons: number;
  days: number;
  seed: number;
  out?: string;
  ifEmpty?: boolean;
}

/** Checked before the demo runs, so that its credentials are not issued into a file that cannot be written. */
function outputFile(text: string): string {
  const file = resolve(text);
  const folder = dirname(file);
  if (!existsSync(folder) || !statSync(folder).isDirectory())
    throw new UsageError(`--out: the folder ${folder} does not exist`);
  if (existsSync(file) && statSync(file).isDirectory())
    throw new UsageError(`--out: ${file} is a folder; name a file`);
  return file;
}

/** With --if-empty, a database that already holds the demo is left as it is, and that is not an error. */
function alreadyThere(e: DemoCityExists, opts: DemoCommandOptions): void {
  if (!opts.ifEmpty) throw new UsageError(e.message);
  const file = opts.out === undefined ? '' : resolve(opts.out);
  const note = !file
    ? ''
    : existsSync(file)
      ? ` ${file} from the first run still holds its credentials.`
      : ` ${file} was not written (secrets are shown once): issue credentials with \`tongchou institution credential create CODE\`.`;
  process.stderr.write(`demo: the database already holds the demo city; nothing was written.${note}\n`);
}

async function runDemoCommand(opts: DemoCommandOptions): Promise<void> {
  const out = opts.out === undefined ? undefined : outputFile(opts.out);
  process.stderr.write(`demo: ${describeDb(dbConfigFromEnv())}\n`);
  const { persons, days, seed } = opts;
  let result: DemoResult;
  try {
    result = await withDatabase((db) => runDemo(db, { persons, days, seed }, reporterFor(process.stderr)));
  } catch (e) {
    if (e instanceof DemoCityExists) return alreadyThere(e, opts);
    throw e;
  }
  process.stdout.write(header(result) + formatSummary(result.summary));
  if (out) {
    writeDemoAccess(out, result.access);
    process.stdout.write(
      `credentials of ${result.access.institutions.length} institutions, ${result.access.staff.length} staff users and ${result.access.persons.length} insured persons: ${out}\n` +
        `start the server with \`npx tongchou serve\` (${result.access.server.url}; the national interface at ${result.access.server.national})\n`,
    );
  } else {
    process.stdout.write(
      `${result.access.institutions.length} institution credentials and ${result.access.staff.length} staff users made; with --out FILE their secrets and passwords are written to FILE\n`,
    );
  }
  if (result.summary.ledger.problems.length > 0) process.exitCode = 1;
}

/** `tongchou demo [--persons N] [--days D] [--seed S] [--out FILE] [--if-empty]`. */
export function addDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'build a synthetic city pool (长春市 demo, 7 areas), collect a year of contributions, settle D days of ' +
        'care through the real services, and print the fund books; refused on a database that already holds it',
    )
    .option(
      '--persons <n>',
      'insured persons',
      wholeNumber('--persons', 1, 1_000_000),
      DEFAULT_OPTIONS.persons,
    )
    .option('--days <d>', 'days of care to settle', wholeNumber('--days', 1, 365), DEFAULT_OPTIONS.days)
    .option(
      '--seed <s>',
      'random seed (same seed, same demo)',
      wholeNumber('--seed', 0, 2 ** 32 - 1),
      DEFAULT_OPTIONS.seed,
    )
    .option(
      '--out <file>',
      "write the institutions' credentials (key ids and secrets), a sample of insured persons and the server address to FILE as JSON",
    )
    .option('--if-empty', 'when the database already holds the demo city, write nothing and exit 0 (not 2)')
    .action(runDemoCommand);
}
