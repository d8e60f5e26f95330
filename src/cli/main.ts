import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ServiceError } from '../common/service-error.js';
import { MigrationError } from '../db/migrate.js';
import { PackInvalid } from '../policy/compile.js';
import { loadPack, PackNotFound, shippedPacks } from '../policy/load.js';
import { runCalc } from './calc.js';
import { addAdjustCommand } from './adjust-command.js';
import { addDatabaseCommands } from './db-commands.js';
import { addDemoCommand } from './demo-command.js';
import { addFundCommand } from './fund-command.js';
import { addImportCommands } from './import-commands.js';
import { addSimulateCommand } from './simulate-command.js';
import { addPoolCommand } from './pool-command.js';
import { addServeCommand } from './serve-command.js';
import { addInstitutionCommand } from './institution-command.js';
import { addStaffCommand } from './staff-command.js';
import { UsageError } from './usage-error.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

function buildProgram(): Command {
  const program = new Command('tongchou')
    .description('Tongchou (统筹): a pooled basic medical insurance scheme — policy packs, settlement, fund')
    .version(pkg.version)
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });

  program
    .command('calc')
    .description('settle claims (JSON Lines) against a policy pack, in file order, with no database')
    .requiredOption(
      '--policy <pack>',
      'a shipped pack id (see `tongchou policy list`) or a path to a pack YAML file',
    )
    .option('--claims <file>', 'the claims file, one JSON claim per line; "-" or omitted: standard input')
    .option('--explain', 'add to each result the trace of every rule applied, with its source sentence')
    .action(async (opts: { policy: string; claims?: string; explain?: boolean }) => {
      process.exitCode = await runCalc(opts, {
        stdin: process.stdin,
        stdout: process.stdout,
        stderr: process.stderr,
      });
    });

  const policy = program.command('policy').description('policy packs');
  policy
    .command('list')
    .description('list the shipped policy packs')
    .action(() => {
      for (const [id, file] of [...shippedPacks()].sort()) {
        const pack = loadPack(file);
        process.stdout.write(
          `${id}\t${pack.label}\tfrom ${pack.validFrom}\t${pack.benefits.map((b) => b.id).join(', ')}\n`,
        );
      }
    });
  policy
    .command('check')
    .description('validate a pack file (or shipped id) and list every problem by path')
    .argument('<pack>', 'a pack id or a path to a pack YAML file')
    .action((ref: string) => {
      const pack = loadPack(ref);
      process.stdout.write(
        `${pack.label}: valid (${pack.benefits.length} benefits, ${pack.caps.size} caps, ${pack.layers.length} layers)\n`,
      );
    });
  addDatabaseCommands(program);
  addImportCommands(program);
  addDemoCommand(program);
  addAdjustCommand(program);
  addSimulateCommand(program);
  addPoolCommand(program);
  addFundCommand(program);
  addServeCommand(program);
  addInstitutionCommand(program);
  addStaffCommand(program);
  return program;
}

/** Run the CLI: every failure becomes a one-line message and an exit status, never a stack trace. */
export async function main(argv: string[]): Promise<void> {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); // the reader went away, e.g. `| head`
  });
  try {
    await buildProgram().parseAsync(argv);
  } catch (e) {
    process.exitCode = reportFailure(e);
  }
}

function reportFailure(e: unknown): number {
  if (e instanceof CommanderError) {
    return e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : 2;
  }
  if (e instanceof PackInvalid) {
    process.stderr.write(`tongchou: ${e.message}\n`);
    return 2;
  }
  if (e instanceof ServiceError) {
    process.stderr.write(`tongchou: ${e.code}${e.path ? ` at ${e.path}` : ''}: ${e.message}\n`);
    return 2;
  }
  if (e instanceof UsageError || e instanceof PackNotFound || e instanceof MigrationError) {
    process.stderr.write(`tongchou: ${e.message}\n`);
    return 2;
  }
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(`tongchou: internal error: ${message}\nPlease report it with the command you ran.\n`);
  return 1;
}

await main(process.argv);
