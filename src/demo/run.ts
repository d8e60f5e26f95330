import type { Database } from '../db/index.js';
import { checkLedger } from '../fund/ledger/check.js';
import { runCare } from './care.js';
import { AREA_CODES, CITY, PROVINCE } from './city.js';
import { collectContributions } from './collect.js';
import { createDemoStaff, demoAccess, issueDemoCredentials, type DemoAccess } from './credentials.js';
import { generatePopulation } from './population.js';
import { silentReporter, type DemoReporter } from './progress.js';
import { existingAreas } from './repository.js';
import { Rng } from './rng.js';
import { buildRegistry } from './setup.js';
import { summarise, type DemoSummary } from './summary.js';

/**
 * `tongchou demo`: build the demo city pool, collect a year of contributions, settle D days of
 * synthetic care through the real services, reverse a few settlements, issue a credential to every
 * demo institution and create a staff user for every role, check the ledger and sum up.
 *
 * A second run on the same database is refused before anything is written (DemoCityExists): the
 * ledger and settlements are append-only, so the demo cannot be wiped and redone in place, and
 * adding a second set of persons and contributions to the same areas would muddle the summary.
 */

export interface DemoOptions {
  persons: number;
  days: number;
  seed: number;
}

export const DEFAULT_OPTIONS: DemoOptions = { persons: 10_000, days: 30, seed: 1 };

export interface DemoResult {
  options: DemoOptions;
  persons: { total: number; byType: Record<string, number> };
  employers: number;
  institutions: number;
  catalogueItems: number;
  pack: string;
  summary: DemoSummary;
  /** Institution credentials, staff users and a sample of the insured: what `--out` writes. */
  access: DemoAccess;
}

/** The database already holds (part of) the demo city; nothing was written. */
export class DemoCityExists extends Error {
  constructor(readonly codes: readonly string[]) {
    super(
      `the database already holds the demo city (${CITY.name} ${CITY.code}; areas ${codes.join(', ')} exist), ` +
        'so nothing was written; run the demo on a fresh database: an empty TONGCHOU_DATA folder, or another DATABASE_URL',
    );
    this.name = 'DemoCityExists';
  }
}

function countBy<T>(items: readonly T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of items) out[key(t)] = (out[key(t)] ?? 0) + 1;
  return out;
}

/** Run the whole demo on an open, migrated database. Deterministic for a given seed. */
export async function runDemo(
  db: Database,
  options: DemoOptions = DEFAULT_OPTIONS,
  reporter: DemoReporter = silentReporter,
): Promise<DemoResult> {
  const taken = await existingAreas(db, [PROVINCE.code, ...AREA_CODES]);
  if (taken.length > 0) throw new DemoCityExists(taken);
  const rng = new Rng(options.seed);
  const population = generatePopulation(rng.fork('population'), options.persons);
  const registry = await buildRegistry(db, population, reporter);
  const contributions = await collectContributions(db, population.persons, reporter);
  const care = await runCare(
    db,
    rng,
    { persons: population.persons, institutions: registry.institutions, days: options.days },
    reporter,
  );
  reporter.phase('institution credentials and staff users');
  const issued = {
    institutions: await issueDemoCredentials(db, registry.institutions),
    staff: await createDemoStaff(db),
  };
  reporter.done(`${issued.institutions.length} credentials, ${issued.staff.length} staff users`);
  reporter.phase('ledger check');
  const ledger = await checkLedger(db);
  reporter.done(
    ledger.problems.length === 0 ? 'every invariant holds' : `${ledger.problems.length} problems`,
  );
  return {
    options,
    persons: { total: population.persons.length, byType: countBy(population.persons, (p) => p.personType) },
    employers: population.employers.length,
    institutions: registry.institutions.length,
    catalogueItems: registry.catalogueItems,
    pack: registry.pack,
    summary: await summarise(db, { contributions, care }, ledger),
    access: demoAccess(issued, population.persons),
  };
}
