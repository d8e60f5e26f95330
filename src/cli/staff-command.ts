import type { Command } from 'commander';
import { generatePassword } from '../staff/password.js';
import { createStaff } from '../staff/service.js';
import { withDatabase } from './db-commands.js';
import { UsageError } from './usage-error.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * `tongchou staff create USER --role R --areas A,B`: a staff user of the REST API. The password is
 * read from standard input when it is piped (first line), else generated and printed once.
 */
export function addStaffCommand(program: Command): void {
  program
    .command('staff')
    .description('staff users of the REST API')
    .command('create')
    .description('create a staff user with a role over pooling areas (each with the areas below it)')
    .argument('<username>', '2–64 lower-case letters, digits, ".", "_" or "-"')
    .requiredOption(
      '--role <role>',
      'handler, reviewer, approver, fund_manager, analyst, supervisor or administrator',
    )
    .requiredOption('--areas <codes>', 'comma-separated 6-digit pooling area codes')
    .option('--generate-password', 'generate a password and print it, even if standard input is piped')
    .action(async (username: string, opts: { role: string; areas: string; generatePassword?: boolean }) => {
      const piped = !process.stdin.isTTY && !opts.generatePassword;
      const password = piped ? (await readStdin()).split(/\r?\n/)[0]! : generatePassword();
      if (piped && password === '')
        throw new UsageError('standard input holds no password; pipe one in, or use --generate-password');
      const areas = opts.areas
        .split(',')
        .map((a) => a.trim())
        .filter((a) => a !== '');
      const s = await withDatabase((db) =>
        createStaff(db, { username, password, role: opts.role as never, areas }),
      );
      process.stdout.write(`${s.username}\t${s.role}\t${s.areas.join(',')}\n`);
      if (!piped) {
        process.stdout.write(`password\t${password}\n`);
        process.stderr.write('The password is shown only now: hand it over safely.\n');
      }
    });
}
