import type { Command } from 'commander';
import { dbConfigFromEnv, describeDb, openMigrated, type Database } from '../db/index.js';
import { openDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { checkLedger } from '../fund/ledger/check.js';

/** Open the configured database (migrated), run fn, and close it whatever happens. */
export async function withDatabase<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openMigrated(dbConfigFromEnv());
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** `tongchou db migrate` and `tongchou ledger check`. */
export function addDatabaseCommands(program: Command): void {
  program
    .command('db')
    .description('the database (embedded PGlite in ./data or TONGCHOU_DATA; DATABASE_URL for PostgreSQL)')
    .command('migrate')
    .description('apply the SQL migrations not yet applied')
    .action(async () => {
      const config = dbConfigFromEnv();
      const db = await openDatabase(config);
      try {
        const applied = await migrate(db);
        process.stdout.write(
          `${describeDb(config)}: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}\n`,
        );
      } finally {
        await db.close();
      }
    });

  program
    .command('ledger')
    .description('the fund ledger')
    .command('check')
    .description('verify every ledger invariant; exit 1 naming the offending accounts when one fails')
    .action(async () => {
      const report = await withDatabase((db) => checkLedger(db));
      for (const b of report.books) {
        process.stdout.write(`${b.book}\tdebits ${b.debits}\tcredits ${b.credits}\n`);
      }
      process.stdout.write(
        `${report.accounts} accounts, ${report.journals} journals, ${report.postings} postings: ` +
          `${report.problems.length === 0 ? 'every invariant holds' : `${report.problems.length} problems`}\n`,
      );
      for (const p of report.problems) process.stderr.write(`${p.invariant}\t${p.where}\t${p.detail}\n`);
      if (report.problems.length > 0) process.exitCode = 1;
    });
}
