/**
 * A killed process loses no acknowledged settlement and leaves no half-written one (DESIGN §10).
 * A child process (crash-child.mjs, on the built dist/) settles, retries and reverses claims from
 * several concurrent workers, printing each answer after the service returned it; once 200
 * settlements are acknowledged it is killed with SIGKILL mid-load. The database is reopened and
 * every acknowledged settlement and reversal must be there in full, nothing may be half-written,
 * each person's totals must equal the sum of their live settlements' deltas, and the ledger
 * must check. On PGlite the database is a data folder in a temporary directory, so this also
 * tests that PGlite keeps what it acknowledged when its process dies; on a server, a schema.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.js';
import type { DbConfig } from '../../src/db/index.js';
import { migrate } from '../../src/db/migrate.js';
import { checkLedger } from '../../src/fund/ledger/check.js';
import { settle } from '../../src/settlement/online/service.js';
import { creditAccount } from '../support/credit.js';
import { onServer, openTestDatabase, type TestDatabase } from '../support/db.js';
import { halfWritten, totalsMismatches } from '../support/integrity.js';
import { addEmployee, claimAt, ITEMS, seedWorld } from '../support/world.js';

const CHILD = fileURLToPath(new URL('./crash-child.mjs', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/settlement/online/service.js', import.meta.url));
const ACKNOWLEDGED = 200;
const WORKERS = 8;
const PERSONS = Array.from({ length: 16 }, (_, i) => `K${String(i + 1).padStart(2, '0')}`);

/** Sources the child runs whose dist/ file is missing or older: the child would test stale code. */
function staleBuild(): string[] {
  const src = fileURLToPath(new URL('../../src/', import.meta.url));
  const dist = fileURLToPath(new URL('../../dist/', import.meta.url));
  return ['settlement/online', 'fund/ledger', 'db', 'registry']
    .flatMap((dir) => readdirSync(join(src, dir)).map((f) => join(dir, f)))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .filter((f) => {
      const built = join(dist, f.replace(/\.ts$/, '.js'));
      return !existsSync(built) || statSync(built).mtimeMs < statSync(join(src, f)).mtimeMs;
    });
}

/** The child, to be killed in afterAll should the test end (e.g. time out) with it still running. */
let running: ChildProcess | undefined;

interface Acked {
  settled: Map<string, { psnNo: string; lines: number; poolPay: number; accountPay: number }>;
  reversed: Map<string, string>;
  retries: number;
  unexpected: string[];
}

/** Seed the world, the persons and 3,000.00 in each personal account (so some claims use it). */
async function prepare(db: Database): Promise<void> {
  await seedWorld(db);
  for (const p of PERSONS) {
    await addEmployee(db, p);
    await creditAccount(db, p, 3_000_00, `credit:${p}`);
  }
}

/**
 * Run the child until `ACKNOWLEDGED` settlements are acknowledged, then SIGKILL it within 50 ms;
 * what it acknowledged (lines still in the pipe when it died count: they were written after commit).
 */
async function runAndKill(config: DbConfig): Promise<Acked> {
  const child = spawn(
    process.execPath,
    [CHILD, JSON.stringify(config), PERSONS.join(','), String(WORKERS), 'crash'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running = child;
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const acked: Acked = { settled: new Map(), reversed: new Map(), retries: 0, unexpected: [] };
  const lines = createInterface({ input: child.stdout });
  let killing: NodeJS.Timeout | undefined;
  for await (const line of lines) {
    const [tag, id, ...rest] = line.split(' ');
    if (tag === 'S') {
      const [psnNo, n, pool, acct] = rest;
      acked.settled.set(id!, {
        psnNo: psnNo!,
        lines: Number(n),
        poolPay: Number(pool),
        accountPay: Number(acct),
      });
    } else if (tag === 'R') acked.reversed.set(id!, rest[0]!);
    else if (tag === 'D') acked.retries++;
    else acked.unexpected.push(line);
    if (acked.settled.size >= ACKNOWLEDGED && !killing) {
      // A moment later, at no particular point of whatever the workers are doing.
      killing = setTimeout(() => child.kill('SIGKILL'), Math.random() * 50);
    }
  }
  const end = await exited;
  expect(end, `the child died on its own: ${stderr}`).toEqual({ code: null, signal: 'SIGKILL' });
  return acked;
}

/** Every acknowledged settlement is there in full, with the amounts it answered; each acknowledged reversal too. */
async function expectAcknowledged(db: Database, acked: Acked): Promise<void> {
  const rows = await db.query<{
    setl_id: string;
    psn_no: string;
    hifp_pay: number;
    acct_pay: number;
    lines: number;
    funds: number;
    posted: number;
    reversed: boolean;
  }>(
    `SELECT s.setl_id, s.psn_no, s.hifp_pay, s.acct_pay,
            (SELECT count(*) FROM settlement_line l WHERE l.psn_no = s.psn_no AND l.setl_id = s.setl_id)::int AS lines,
            (SELECT count(*) FROM settlement_fund f WHERE f.psn_no = s.psn_no AND f.setl_id = s.setl_id)::int AS funds,
            coalesce((SELECT sum(p.amount) FROM posting p WHERE p.journal_id = s.journal_id), 0)::bigint AS posted,
            EXISTS (SELECT 1 FROM settlement_reversal r WHERE r.psn_no = s.psn_no AND r.setl_id = s.setl_id) AS reversed
     FROM settlement s`,
  );
  const stored = new Map(rows.map((r) => [r.setl_id, r]));
  const missing: string[] = [];
  for (const [setlId, a] of acked.settled) {
    const s = stored.get(setlId);
    if (!s) {
      missing.push(setlId);
      continue;
    }
    expect(s, `settlement ${setlId}`).toMatchObject({
      psn_no: a.psnNo,
      hifp_pay: a.poolPay,
      acct_pay: a.accountPay,
      lines: a.lines,
      funds: 1,
      posted: a.poolPay + a.accountPay,
    });
  }
  expect(missing, `acknowledged settlements lost (${missing.length} of ${acked.settled.size})`).toEqual([]);
  const lostReversals = [...acked.reversed.keys()].filter((id) => !stored.get(id)?.reversed);
  expect(lostReversals, 'acknowledged reversals lost').toEqual([]);
  expect(rows.length).toBeGreaterThanOrEqual(acked.settled.size);
}

describe('a process killed mid-load (SIGKILL)', () => {
  let t: TestDatabase | undefined;
  let dir: string | undefined;
  const open: Database[] = [];
  afterAll(async () => {
    if (running && running.exitCode === null && running.signalCode === null) running.kill('SIGKILL');
    for (const db of open) await db.close();
    await t?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(`loses none of ${ACKNOWLEDGED} acknowledged settlements and leaves none half-written (${onServer ? 'PostgreSQL' : 'PGlite data folder'})`, async () => {
    expect(existsSync(BUILT), 'dist/ is built (npm run build) for the child process').toBe(true);
    expect(staleBuild(), 'dist/ is older than these sources: npm run build').toEqual([]);
    let config: DbConfig;
    if (onServer) {
      t = await openTestDatabase(4);
      await prepare(t.db);
      config = { kind: 'postgres', url: process.env.TEST_DATABASE_URL!, max: WORKERS, schema: t.schema! };
    } else {
      dir = mkdtempSync(join(tmpdir(), 'tongchou-crash-'));
      config = { kind: 'pglite', dataDir: dir };
      const db = await openDatabase(config);
      await migrate(db);
      await prepare(db);
      await db.close();
    }

    const acked = await runAndKill(config);
    expect(acked.unexpected).toEqual([]);
    expect(acked.settled.size).toBeGreaterThanOrEqual(ACKNOWLEDGED);
    expect(acked.reversed.size).toBeGreaterThan(0);
    expect(acked.retries).toBeGreaterThan(0);

    const db = onServer ? await t!.reopen(4) : await openDatabase(config);
    open.push(db);
    await expectAcknowledged(db, acked);
    expect(await halfWritten(db)).toEqual([]);
    expect(await totalsMismatches(db)).toEqual([]);
    expect((await checkLedger(db)).problems).toEqual([]);
    // The database takes new work after recovery.
    const after = await settle(db, claimAt('K01', 'after-crash', [{ code: ITEMS.classA, amount: 100_00 }]));
    expect(after.setlId).toMatch(/^20250310/);
    expect((await checkLedger(db)).problems).toEqual([]);
  }, 120_000);
});
