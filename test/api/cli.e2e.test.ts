/** `tongchou institution credential create|list|revoke` and `tongchou serve` usage errors, on the built CLI. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { runCliOn } from '../cli/helpers.js';
import { seedWorld } from '../support/world.js';

let dir: string;

const run = (args: string[]) => runCliOn(dir, args);

describe('tongchou institution credential', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tongchou-cred-'));
    const db = await openDatabase({ kind: 'pglite', dataDir: dir });
    await migrate(db);
    await seedWorld(db);
    await db.close();
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates, lists and revokes a credential; the secret is printed once', async () => {
    const created = await run(['institution', 'credential', 'create', 'H002']);
    expect(created.code).toBe(0);
    const m = /^institution\tH002\nkey_id\t(tck_[0-9a-f]{16})\nsecret\t([0-9a-f]{64})\n$/.exec(
      created.stdout,
    );
    expect(m, created.stdout).not.toBeNull();
    expect(created.stderr).toMatch(/not shown again/);
    const listed = await run(['institution', 'credential', 'list', 'H002']);
    expect(listed.stdout).toMatch(new RegExp(`^${m![1]}\\tcreated \\S+Z\\tactive\\n$`));
    expect(listed.stdout).not.toContain(m![2]);
    const revoked = await run(['institution', 'credential', 'revoke', m![1]!]);
    expect(revoked).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(new RegExp(`^${m![1]}\\tH002\\trevoked `)),
    });
    const again = await run(['institution', 'credential', 'revoke', m![1]!]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/ALREADY_EXISTS at keyId: credential tck_\w+ was already revoked/);
  }, 120_000);

  it('refuses an institution that is not registered, and a bad port', async () => {
    const unknown = await run(['institution', 'credential', 'create', 'H999']);
    expect(unknown).toMatchObject({
      code: 2,
      stderr: 'tongchou: NOT_FOUND at institution: no designated institution H999\n',
    });
    const port = await run(['serve', '--port', 'eighty']);
    expect(port).toMatchObject({
      code: 2,
      stderr: 'tongchou: --port must be a whole number from 0 to 65535, not "eighty"\n',
    });
  }, 120_000);
});
