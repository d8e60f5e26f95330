import type { Command } from 'commander';
import {
  createInstitutionCredential,
  listInstitutionCredentials,
  revokeInstitutionCredential,
} from '../api/auth/credentials.js';
import { withDatabase } from './db-commands.js';

/** `tongchou institution credential create|list|revoke`: the credentials institutions sign requests with. */
export function addInstitutionCommand(program: Command): void {
  const credential = program
    .command('institution')
    .description('designated institutions')
    .command('credential')
    .description('API credentials an institution signs its requests with (HMAC-SHA256)');
  credential
    .command('create')
    .description('issue a credential to an institution and print its key id and secret (shown only now)')
    .argument('<code>', 'the institution code (fixmedins_code)')
    .action(async (code: string) => {
      const c = await withDatabase((db) => createInstitutionCredential(db, code));
      process.stdout.write(`institution\t${c.institutionCode}\nkey_id\t${c.keyId}\nsecret\t${c.secret}\n`);
      process.stderr.write(
        'Keep the secret safe: it is not shown again. Revoke the credential if it leaks.\n',
      );
    });
  credential
    .command('list')
    .description("list an institution's credentials (never their secrets)")
    .argument('<code>', 'the institution code')
    .action(async (code: string) => {
      const rows = await withDatabase((db) => listInstitutionCredentials(db, code));
      for (const r of rows)
        process.stdout.write(
          `${r.keyId}\tcreated ${r.createdAt}\t${r.revokedAt ? `revoked ${r.revokedAt}` : 'active'}\n`,
        );
    });
  credential
    .command('revoke')
    .description('revoke a credential: requests signed with it are refused from now on')
    .argument('<key-id>', 'the key id (tck_…)')
    .action(async (keyId: string) => {
      const r = await withDatabase((db) => revokeInstitutionCredential(db, keyId));
      process.stdout.write(`${r.keyId}\t${r.institutionCode}\trevoked ${r.revokedAt}\n`);
    });
}
