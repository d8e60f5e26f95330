import type { Command } from 'commander';
import { dbConfigFromEnv, describeDb } from '../db/index.js';
import {
  CARE_START,
  CITY,
  CONTRIBUTION_YEAR,
  DEMO_PROVINCIAL_AVERAGE_MONTHLY_WAGE_FEN,
} from '../demo/city.js';
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

/** `tongchou demo [--persons N] [--days D] [--seed S]`. */
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
    .action(async (opts: { persons: number; days: number; seed: number }) => {
      process.stderr.write(`demo: ${describeDb(dbConfigFromEnv())}\n`);
      const result = await withDatabase((db) => runDemo(db, opts, reporterFor(process.stderr))).catch(
        (e: unknown) => {
          if (e instanceof DemoCityExists) throw new UsageError(e.message);
          throw e;
        },
      );
      process.stdout.write(header(result) + formatSummary(result.summary));
      if (result.summary.ledger.problems.length > 0) process.exitCode = 1;
    });
}
