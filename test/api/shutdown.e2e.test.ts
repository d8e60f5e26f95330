/**
 * Graceful shutdown of the real command (`tongchou serve`, built in dist/): a settlement whose
 * body is still arriving when SIGTERM comes is completed and answered; no new connection is
 * accepted meanwhile; the process then closes the database and exits 0, leaving the settlement
 * whole and the ledger balanced. On PGlite a data folder; with TEST_DATABASE_URL a schema.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createInstitutionCredential } from '../../src/api/auth/credentials.js';
import { signRequest } from '../../src/api/auth/hmac.js';
import { NATIONAL_PATH } from '../../src/api/national/route.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { checkLedger } from '../../src/fund/ledger/check.js';
import { onServer, openTestDatabase, type TestDatabase } from '../support/db.js';
import { halfWritten } from '../support/integrity.js';
import { ITEMS } from '../support/world.js';
import { envelope, seedApiWorld, signIn, type Credential } from './support.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Sources the child runs whose dist/ file is missing or older than the source. */
function staleBuild(): string[] {
  const src = join(ROOT, 'src');
  const dirs = ['api', 'api/auth', 'api/national', 'cli', 'settlement/online', 'db'];
  return dirs
    .flatMap((dir) => readdirSync(join(src, dir)).map((f) => join(dir, f)))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .filter((f) => {
      const built = join(ROOT, 'dist', f.replace(/\.ts$/, '.js'));
      return !existsSync(built) || statSync(built).mtimeMs < statSync(join(src, f)).mtimeMs;
    });
}

let child: ChildProcess | undefined;
let t: TestDatabase | undefined;
let dir: string | undefined;

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await t?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A database with the world and a credential, and the environment the child opens it with. */
async function prepare(): Promise<{
  env: NodeJS.ProcessEnv;
  cred: Credential;
  reopen: () => Promise<Database>;
}> {
  const env: NodeJS.ProcessEnv = { ...process.env, TONGCHOU_LOG_LEVEL: 'info' };
  delete env.DATABASE_URL;
  let db: Database;
  let reopen: () => Promise<Database>;
  if (onServer) {
    t = await openTestDatabase(2);
    db = t.db;
    const url = process.env.TEST_DATABASE_URL!;
    env.DATABASE_URL = `${url}${url.includes('?') ? '&' : '?'}search_path=${t.schema}`;
    reopen = async () => t!.db;
  } else {
    dir = mkdtempSync(join(tmpdir(), 'tongchou-serve-'));
    env.TONGCHOU_DATA = dir;
    db = await openDatabase({ kind: 'pglite', dataDir: dir });
    await migrate(db);
    reopen = async () => openDatabase({ kind: 'pglite', dataDir: dir! });
  }
  await seedApiWorld(db, ['P1']);
  const issued = await createInstitutionCredential(db, 'H002');
  if (!onServer) await db.close(); // PGlite: one process at a time
  return { env, cred: { institution: 'H002', secret: issued.secret }, reopen };
}

/** Everything a stream writes, kept as text. */
function collect(stream: NodeJS.ReadableStream): { text: string } {
  const seen = { text: '' };
  stream.on('data', (d: Buffer) => (seen.text += d.toString('utf8')));
  return seen;
}

/** Resolve with the first match of the pattern in the text collected, within 60 s. */
async function waitFor(seen: { text: string }, pattern: RegExp): Promise<RegExpMatchArray> {
  for (let waited = 0; waited < 60_000; waited += 20) {
    const m = pattern.exec(seen.text);
    if (m) return m;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`not seen: ${pattern}\n${seen.text}`);
}

describe('tongchou serve', () => {
  it(`finishes the settlement in flight on SIGTERM, then closes the database and exits 0 (${onServer ? 'PostgreSQL' : 'PGlite'})`, async () => {
    expect(staleBuild(), 'dist/ is older than these sources: npm run build').toEqual([]);
    const { env, cred, reopen } = await prepare();
    child = spawn(process.execPath, ['bin/tongchou.js', 'serve', '--port', '0'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = collect(child.stdout!);
    const err = collect(child.stderr!);
    const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));
    const [, url] = await waitFor(err, /listening on (http:\/\/\S+)/);
    const now = () => Math.floor(Date.now() / 1000);
    const signNo = await signIn({ url: url! }, cred, { timestamp: now() });

    // A 2207 whose body arrives in two parts, SIGTERM between them.
    const body = Buffer.from(
      JSON.stringify(
        envelope(
          'H002',
          '2207',
          {
            data: { psn_no: 'P1', mdtrt_id: 'V-SHUTDOWN', med_type: '11', medfee_sumamt: 900 },
            feedetail: [{ med_list_codg: ITEMS.classA, cnt: 1, det_item_fee_sumamt: 900 }],
          },
          { sign_no: signNo },
        ),
      ),
    );
    const timestamp = String(now());
    const nonce = randomBytes(12).toString('hex');
    const req = request(`${url}${NATIONAL_PATH}`, {
      method: 'POST',
      agent: false,
      headers: {
        'content-type': 'application/json',
        'content-length': body.length,
        'x-tc-institution': 'H002',
        'x-tc-timestamp': timestamp,
        'x-tc-nonce': nonce,
        'x-tc-signature': signRequest(cred.secret, timestamp, nonce, body),
      },
    });
    const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, text }));
      });
      req.on('error', reject);
    });
    req.write(body.subarray(0, 100));
    // The request has reached the server (its second national call) before the signal.
    await waitFor(out, /"incoming request"[^]*"incoming request"/);
    child.kill('SIGTERM');
    await waitFor(err, /finishing the requests in flight/);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    req.end(body.subarray(100));

    const answer = await answered;
    expect(answer.status).toBe(200);
    const parsed = JSON.parse(answer.text) as {
      infcode: number;
      output: { setlinfo: { setl_id: string; hifp_pay: number } };
    };
    expect(parsed).toMatchObject({ infcode: 0 });
    expect(await exited).toBe(0);
    expect(err.text).toMatch(/tongchou serve: stopped\n$/);

    const db = await reopen();
    try {
      const rows = await db.query('SELECT setl_id FROM settlement WHERE mdtrt_id = $1', ['V-SHUTDOWN']);
      expect(rows).toEqual([{ setl_id: parsed.output.setlinfo.setl_id }]);
      expect(await halfWritten(db)).toEqual([]);
      expect((await checkLedger(db)).problems).toEqual([]);
    } finally {
      if (!onServer) await db.close();
    }
  }, 120_000);
});
