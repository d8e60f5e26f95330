import { createReadStream } from 'node:fs';
import type { Command } from 'commander';
import { ServiceError } from '../common/service-error.js';
import { bulkEnrol } from '../registry/bulk-enrol.js';
import { importCatalogue } from '../registry/catalogue-import.js';
import { readPersonFile } from '../registry/person-file.js';
import { withDatabase } from './db-commands.js';
import { Progress } from './progress.js';

/**
 * A refusal as one line a person can act on — `tongchou: CODE at path: message` — and exit status
 * 2; an import's problems follow, one per line. Anything else is left to main's handler.
 */
async function reportingRefusals(run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (e) {
    if (!(e instanceof ServiceError)) throw e;
    process.stderr.write(`tongchou: ${e.code}${e.path ? ` at ${e.path}` : ''}: ${e.message}\n`);
    process.exitCode = 2;
  }
}

async function importCatalogueFile(file: string, opts: { validFrom: string; kind: string }): Promise<void> {
  const kind = opts.kind as 'items' | 'diseases';
  const r = await withDatabase((db) => importCatalogue(db, { file, validFrom: opts.validFrom, kind }));
  process.stdout.write(
    `catalogue version ${r.versionId}: ${r.rowCount} ${r.kind} from ${r.sourceName}, in force from ${r.validFrom} ` +
      `(sha256 ${r.contentHash.slice(0, 12)}…)\n`,
  );
}

async function importPersonsFile(file: string): Promise<void> {
  // Opened here so that a missing file is refused before the database is opened.
  const input = createReadStream(file);
  await new Promise<void>((resolve, reject) => {
    input.once('open', () => resolve());
    input.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'ENOENT' ? new ServiceError('NOT_FOUND', `no file ${file}`, 'file') : e),
    );
  });
  const persons = readPersonFile(input);
  const progress = new Progress(process.stderr, 'persons');
  const r = await withDatabase((db) =>
    bulkEnrol(db, persons.rows, { rowNumber: persons.line, onProgress: (n) => progress.update(n) }),
  );
  progress.done(`${r.persons.toLocaleString('en')} persons`);
  process.stdout.write(`enrolled ${r.persons} new persons from ${file}\n`);
}

/** `tongchou import catalogue` and `tongchou import persons`. */
export function addImportCommands(program: Command): void {
  const imp = program.command('import').description('load registry data from files into the database');
  imp
    .command('catalogue')
    .description(
      'import a catalogue (.csv or .xlsx) as a new version in force from a date; any bad row refuses it',
    )
    .argument('<file>', 'the catalogue file: a header row, then one item (or disease) a row')
    .requiredOption('--valid-from <date>', 'the date (YYYY-MM-DD) the new version is in force from')
    .option('--kind <kind>', 'items (drugs, services, materials) or diseases (ICD-10)', 'items')
    .action((file: string, opts: { validFrom: string; kind: string }) =>
      reportingRefusals(() => importCatalogueFile(file, opts)),
    );
  imp
    .command('persons')
    .description('register new persons and enrol each (one transaction; any bad row refuses the file)')
    .argument('<file.csv>', 'columns psnNo, certno, name, areaCode, scheme, personType, empNo, beginDate')
    .action((file: string) => reportingRefusals(() => importPersonsFile(file)));
}
