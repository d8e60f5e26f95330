// Online settlement against a real PostgreSQL: 16 async clients in one process, sharing a pool of
// 16 connections and then, in the same rounds, one of 4, call the real settle() with 10-line claims
// of random persons at random institutions of a city-sized world; alternating in the same run with
// pgbench TPC-B (16 clients) on the same server, so the figure to compare across runs is the ratio
// to pgbench.
import { openDatabase } from '../dist/db/database.js';
import { settle } from '../dist/settlement/online/service.js';
import { rng } from './generate.js';
import { median, round } from './measure.js';
import { alternateWithPgbench, pgbenchDrop, pgbenchInit } from './pgbench.js';
import { DEFAULT_URL, withSchema } from './schema.js';
import { institutionCode, itemCode, psnNo, seedBigWorld } from './world.js';

const PGBENCH_DB = 'tc_pgbench';

/** A random settle request: `lines` lines, 30% paid from the personal account, dated in 2025. */
function claimMaker(world, lines, seed) {
  const random = rng(seed);
  const pick = (n) => 1 + Math.floor(random() * n);
  let n = 0;
  return () => {
    n++;
    const month = String(pick(12)).padStart(2, '0');
    const day = String(pick(28)).padStart(2, '0');
    return {
      key: `b${seed}-${n}`,
      psnNo: psnNo(pick(world.persons)),
      institution: institutionCode(pick(world.institutions)),
      mdtrtId: `V${seed}-${n}`,
      medType: '11',
      date: `2025-${month}-${day}`,
      diseases: ['J06.9'],
      useAccount: random() < 0.3,
      lines: Array.from({ length: lines }, () => ({
        code: itemCode(pick(world.items)),
        count: random() < 0.1 ? 2 : 1,
        amount: 500 + Math.floor(random() * 30_000),
      })),
    };
  };
}

/** Settle from `clients` async workers until the deadline; latencies in ms. */
export async function settleFor(db, world, { clients, seconds, lines, seed }) {
  const latencies = [];
  let errors = 0;
  let firstError = null;
  const until = performance.now() + seconds * 1000;
  const worker = async (w) => {
    const next = claimMaker(world, lines, seed * 1000 + w);
    while (performance.now() < until) {
      const request = next();
      const t0 = performance.now();
      try {
        await settle(db, request);
        latencies.push(performance.now() - t0);
      } catch (e) {
        errors++;
        firstError ??= e;
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, (_, w) => worker(w)));
  const elapsed = (performance.now() - started) / 1000;
  if (errors)
    console.error(`settle: ${errors} errors, first: ${firstError?.code ?? ''} ${firstError?.message}`);
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { perSecond: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), errors };
}

/**
 * A Database whose transactions count the statements they send (BEGIN and COMMIT included), the
 * deferred ones too (they go out with the next query or with COMMIT).
 */
function counting(db) {
  const count = { statements: 0 };
  const wrap = (tx) => ({
    query: (text, params) => (count.statements++, tx.query(text, params)),
    exec: (text) => (count.statements++, tx.exec(text)),
    copyRows: (...a) => (count.statements++, tx.copyRows(...a)),
    defer: (text, params, map) => (count.statements++, tx.defer(text, params, map)),
  });
  return {
    count,
    db: {
      ...db,
      ...wrap(db),
      transaction: (fn) => ((count.statements += 2), db.transaction((tx) => fn(wrap(tx)))),
    },
  };
}

/** Statements per settlement, over `n` settlements one after another. */
export async function statementsPerSettlement(db, world, lines, n = 200, seed = 999) {
  const c = counting(db);
  const next = claimMaker(world, lines, seed);
  for (let i = 0; i < n; i++) await settle(c.db, next());
  return c.count.statements / n;
}

/** The figures of some runs, against pgbench's median. */
function summary(runs, pgbenchTps) {
  const rate = median(runs.map((r) => r.perSecond));
  return {
    settlementsPerSecond: Math.round(rate),
    p50Ms: round(median(runs.map((r) => r.p50)), 1),
    p99Ms: round(median(runs.map((r) => r.p99)), 1),
    errors: runs.reduce((s, r) => s + r.errors, 0),
    settleRuns: runs.map((r) => Math.round(r.perSecond)),
    ratioToPgbench: round(rate / pgbenchTps, 2),
  };
}

/**
 * 16 clients on a pool of 16 connections (one each, as pgbench has), and in the same rounds on a
 * pool of `pool` connections: on two cores that PostgreSQL shares with the clients, fewer
 * backends contend less (TONGCHOU_DB_POOL sets a server's pool; see RESULTS).
 */
export async function benchSettle({
  url = DEFAULT_URL,
  clients = 16,
  seconds = 20,
  lines = 10,
  rounds = 3,
  pool = 4,
} = {}) {
  console.error('  pgbench -i -s 16…');
  await pgbenchInit(url, PGBENCH_DB, 16);
  try {
    return await withSchema(url, 'bench_settle', clients, async (db, schema) => {
      console.error('  seeding the world…');
      const t0 = performance.now();
      const world = await seedBigWorld(db);
      const seedSeconds = (performance.now() - t0) / 1000;
      const pooled = await openDatabase({ kind: 'postgres', url, max: pool, schema });
      try {
        const perSettlement = await statementsPerSettlement(db, world, lines);
        const single = await settleFor(db, world, { clients: 1, seconds: 5, lines, seed: 98 });
        // Warm-up, not counted: connections open, statements prepared and each pool's registry
        // cache holding what a server that has run for a while holds (its keys are by claim date).
        await settleFor(db, world, { clients, seconds: 5, lines, seed: 99 });
        await settleFor(pooled, world, { clients, seconds: 5, lines, seed: 97 });
        const { tps, results } = await alternateWithPgbench(
          url,
          PGBENCH_DB,
          { clients, seconds, rounds },
          {
            settle: (r) => settleFor(db, world, { clients, seconds, lines, seed: r + 1 }),
            [`settle on a pool of ${pool}`]: (r) =>
              settleFor(pooled, world, { clients, seconds, lines, seed: 500 + r }),
          },
        );
        const [runs, pooledRuns] = Object.values(results);
        const pgbenchTps = median(tps);
        return {
          clients,
          seconds,
          lines,
          world,
          seedSeconds: round(seedSeconds, 1),
          statementsPerSettlement: round(perSettlement, 1),
          oneClientP50Ms: round(single.p50, 1),
          oneClientPerSecond: Math.round(single.perSecond),
          ...summary(runs, pgbenchTps),
          pgbenchTps: Math.round(pgbenchTps),
          pgbenchRuns: tps.map((t) => Math.round(t)),
          pooled: { pool, ...summary(pooledRuns, pgbenchTps) },
        };
      } finally {
        await pooled.close();
      }
    });
  } finally {
    await pgbenchDrop(url, PGBENCH_DB);
  }
}

// `node bench/settle.js [seconds]` runs it alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const seconds = Number(process.argv[2] ?? 20);
  console.log(
    JSON.stringify(
      await benchSettle({ url: process.env.BENCH_DATABASE_URL ?? DEFAULT_URL, seconds }),
      null,
      2,
    ),
  );
}
