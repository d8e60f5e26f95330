// 2207 settlements through the HTTP server on a real PostgreSQL: the server runs in a child process
// (`tongchou serve`'s buildServer, info logs to /dev/null) on a fresh schema seeded with the
// city-sized world of bench/world.js; every institution has a credential and signs in with 9001;
// a load generator in this process signs 2207 messages with 10 fee lines and sends them over
// keep-alive connections (node:http Agent).
//  (a) closed loop: N clients, each sending its next message when the last is answered, alternating
//      in the same run with pgbench TPC-B on the same server, on a server with a connection per
//      client and on one with a pool of 4; then once with twice the clients (the pool of 4);
//  (b) open loop: messages sent at a fixed rate of twice the closed loop's throughput, whatever
//      the answers — the excess must be refused quickly (RATE_LIMITED), never a 5xx or a socket error.
// CPU seconds of the server process, the generator and every postgres process are read from /proc.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { rng } from './generate.js';
import { median, round } from './measure.js';
import { alternateWithPgbench, pgbenchDrop, pgbenchInit } from './pgbench.js';
import { DEFAULT_URL, freshSchema } from './schema.js';
import { institutionCode, itemCode, psnNo, seedBigWorld } from './world.js';

const PGBENCH_DB = 'tc_pgbench';
const PATH = '/fsi/api/rsfComIfsService/callService';
const TICK_S = 0.01; // /proc CPU times are in USER_HZ ticks, 100 a second on Linux

// ---- the server, in the child process -------------------------------------------------------

async function serveChild() {
  const { buildServer } = await import('../dist/api/server.js');
  const { apiConfigFromEnv } = await import('../dist/api/config.js');
  const { openDatabase } = await import('../dist/db/database.js');
  const { createWriteStream } = await import('node:fs');
  const env = process.env;
  const db = await openDatabase({
    kind: 'postgres',
    url: env.BENCH_DATABASE_URL,
    max: Number(env.BENCH_HTTP_POOL),
    schema: env.BENCH_HTTP_SCHEMA,
  });
  const config = apiConfigFromEnv(env, { port: 0, host: '127.0.0.1', logLevel: 'info' });
  const app = buildServer({ db, config, logStream: createWriteStream('/dev/null') });
  await app.listen({ port: 0, host: '127.0.0.1' });
  process.send({ port: app.server.address().port, config });
  process.on('message', async (m) => {
    if (m !== 'stop') return;
    await app.close();
    await db.close();
    process.exit(0);
  });
}

// ---- CPU from /proc -------------------------------------------------------------------------

function cpuTicks(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
}

/** CPU ticks of every postgres process now, by pid (backends come and go). */
function postgresTicks() {
  const ticks = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'postgres') ticks.set(d, cpuTicks(d));
    } catch {
      // gone meanwhile
    }
  }
  return ticks;
}

/** What the postgres processes alive at the end spent since the start (a process that ended meanwhile is missed). */
function postgresSince(start) {
  let sum = 0;
  for (const [pid, t] of postgresTicks()) sum += Math.max(0, t - (start.get(pid) ?? 0));
  return sum;
}

function cpuMeter(serverPid) {
  const start = { server: cpuTicks(serverPid), pg: postgresTicks(), gen: process.cpuUsage() };
  return () => {
    const gen = process.cpuUsage(start.gen);
    return {
      serverS: (cpuTicks(serverPid) - start.server) * TICK_S,
      postgresS: postgresSince(start.pg) * TICK_S,
      generatorS: (gen.user + gen.system) / 1e6,
    };
  };
}

// ---- messages -------------------------------------------------------------------------------

const yuanText = (fen) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

/** A random 2207 message: `lines` lines, 30% from the personal account, at a random institution. */
function messageMaker(world, sessions, lines, seed) {
  const random = rng(seed);
  const pick = (n) => 1 + Math.floor(random() * n);
  let n = 0;
  return () => {
    n++;
    const inst = institutionCode(pick(world.institutions));
    const feedetail = Array.from({ length: lines }, () => ({
      med_list_codg: itemCode(pick(world.items)),
      cnt: random() < 0.1 ? 2 : 1,
      fen: 500 + Math.floor(random() * 30_000),
    }));
    const total = feedetail.reduce((s, l) => s + l.fen, 0);
    const body = JSON.stringify({
      infno: '2207',
      msgid: `${inst}${seed}x${n}`,
      mdtrtarea_admvs: '350400',
      insuplc_admdvs: '350400',
      recer_sys_code: 'TC',
      opter: 'OP01',
      opter_type: '1',
      fixmedins_code: inst,
      sign_no: sessions.get(inst).signNo,
      inf_time: '2026-01-01 10:00:00',
      input: {
        data: {
          psn_no: psnNo(pick(world.persons)),
          mdtrt_id: `V${seed}x${n}`,
          med_type: '11',
          insutype: '310',
          medfee_sumamt: yuanText(total),
          acct_used_flag: random() < 0.3 ? '1' : '0',
        },
        feedetail: feedetail.map((l) => ({
          med_list_codg: l.med_list_codg,
          cnt: l.cnt,
          det_item_fee_sumamt: yuanText(l.fen),
        })),
        diseinfo: [{ diag_code: 'J06.9' }],
      },
    });
    return { inst, body };
  };
}

/** POST a signed message; resolves { status, infcode, code } or { error }. */
function send(client, session, body, signRequest) {
  const bytes = Buffer.from(body);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(12).toString('hex');
  const headers = {
    'content-type': 'application/json',
    'content-length': bytes.length,
    'x-tc-institution': session.institution,
    'x-tc-timestamp': timestamp,
    'x-tc-nonce': nonce,
    'x-tc-signature': signRequest(session.secret, timestamp, nonce, bytes),
  };
  return new Promise((resolve) => {
    const req = http.request(
      { host: '127.0.0.1', port: client.port, path: PATH, method: 'POST', agent: client.agent, headers },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('error', (error) => resolve({ error }));
        res.on('end', () => {
          try {
            const a = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            resolve({
              status: res.statusCode,
              infcode: a.infcode,
              code: a.err_code,
              message: a.err_msg,
              answer: a,
            });
          } catch (error) {
            resolve({ status: res.statusCode, error });
          }
        });
      },
    );
    req.on('error', (error) => resolve({ error }));
    req.end(bytes);
  });
}

// ---- outcomes -------------------------------------------------------------------------------

function tally() {
  return { ok: [], refused: [], codes: {}, failures: 0, firstFailure: null, firstRefusal: null };
}

function count(t, outcome, ms) {
  if (outcome.error || outcome.status !== 200) {
    t.failures++;
    t.firstFailure ??= outcome.error?.message ?? `HTTP ${outcome.status}`;
  } else if (outcome.infcode === 0) t.ok.push(ms);
  else {
    t.refused.push(ms);
    t.codes[outcome.code] = (t.codes[outcome.code] ?? 0) + 1;
    t.firstRefusal ??= outcome.message;
  }
}

function pct(values, q) {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? round(s[Math.min(s.length - 1, Math.floor(q * s.length))], 1) : null;
}

function report(t, elapsed, cpu) {
  const done = t.ok.length;
  return {
    okPerSecond: Math.round(done / elapsed),
    ok: done,
    p50Ms: pct(t.ok, 0.5),
    p99Ms: pct(t.ok, 0.99),
    maxMs: pct(t.ok, 1),
    refused: t.refused.length,
    refusedCodes: t.codes,
    refusedP50Ms: pct(t.refused, 0.5),
    refusedP99Ms: pct(t.refused, 0.99),
    failures: t.failures,
    ...(t.firstFailure ? { firstFailure: t.firstFailure } : {}),
    ...(t.firstRefusal ? { firstRefusal: t.firstRefusal } : {}),
    cpuMsPerSettlement: done
      ? {
          server: round((cpu.serverS * 1000) / done, 2),
          postgres: round((cpu.postgresS * 1000) / done, 2),
          generator: round((cpu.generatorS * 1000) / done, 2),
        }
      : null,
  };
}

// ---- the two loops --------------------------------------------------------------------------

async function closedLoop(ctx, { clients, seconds, seed }) {
  const client = { port: ctx.port, agent: new http.Agent({ keepAlive: true, maxSockets: clients }) };
  const t = tally();
  const meter = cpuMeter(ctx.child.pid);
  const until = performance.now() + seconds * 1000;
  const worker = async (w) => {
    const next = messageMaker(ctx.world, ctx.sessions, ctx.lines, seed * 1000 + w);
    while (performance.now() < until) {
      const m = next();
      const t0 = performance.now();
      const outcome = await send(client, ctx.sessions.get(m.inst), m.body, ctx.signRequest);
      count(t, outcome, performance.now() - t0);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, (_, w) => worker(w)));
  const elapsed = (performance.now() - started) / 1000;
  client.agent.destroy();
  return { clients, seconds, ...report(t, elapsed, meter()) };
}

/** Send at `rate` a second for `seconds`, each latency timed from when it was due (no coordinated omission). */
async function openLoop(ctx, { rate, seconds, seed }) {
  const client = { port: ctx.port, agent: new http.Agent({ keepAlive: true, maxSockets: 4096 }) };
  const t = tally();
  const meter = cpuMeter(ctx.child.pid);
  const next = messageMaker(ctx.world, ctx.sessions, ctx.lines, seed);
  const pending = [];
  const total = Math.round(rate * seconds);
  const started = performance.now();
  let sent = 0;
  let maxOpen = 0;
  let open = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
    for (; sent < due; sent++) {
      const dueAt = started + (sent / rate) * 1000;
      const m = next();
      open++;
      maxOpen = Math.max(maxOpen, open);
      pending.push(
        send(client, ctx.sessions.get(m.inst), m.body, ctx.signRequest).then((o) => {
          open--;
          count(t, o, performance.now() - dueAt);
        }),
      );
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - started) / 1000;
  client.agent.destroy();
  return { rate, seconds, sent, maxOpenAtClient: maxOpen, ...report(t, elapsed, meter()) };
}

// ---- set-up ---------------------------------------------------------------------------------

function startServerChild(url, schema, pool) {
  const child = fork(new URL(import.meta.url).pathname, ['--serve'], {
    env: {
      ...process.env,
      BENCH_DATABASE_URL: url,
      BENCH_HTTP_SCHEMA: schema,
      BENCH_HTTP_POOL: String(pool),
    },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    // BENCH_HTTP_PROF=dir writes the server's CPU profile there (node --cpu-prof), to see where the time goes.
    execArgv: process.env.BENCH_HTTP_PROF
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_HTTP_PROF}`]
      : [],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ child, port: m.port, config: m.config }));
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
  });
}

async function signInAll(port, db, world, signRequest) {
  const { createInstitutionCredential } = await import('../dist/api/auth/credentials.js');
  const client = { port, agent: new http.Agent({ keepAlive: true, maxSockets: 4 }) };
  const sessions = new Map();
  for (let i = 1; i <= world.institutions; i++) {
    const institution = institutionCode(i);
    const { secret } = await createInstitutionCredential(db, institution);
    const session = { institution, secret };
    const body = JSON.stringify({
      infno: '9001',
      msgid: `${institution}signin`,
      opter: 'OP01',
      opter_type: '1',
      fixmedins_code: institution,
      inf_time: '2026-01-01 08:00:00',
      input: { signIn: { opter_no: 'OP01', mac: '00-00', ip: '127.0.0.1' } },
    });
    const o = await send(client, session, body, signRequest);
    if (o.infcode !== 0) throw new Error(`9001 of ${institution} refused: ${o.message ?? o.error?.message}`);
    sessions.set(institution, { ...session, signNo: o.answer.output.signinoutb.sign_no });
  }
  client.agent.destroy();
  return sessions;
}

/** The closed-loop figures of some runs, against pgbench's median. */
function summary(runs, pgbenchTps) {
  const rate = median(runs.map((r) => r.okPerSecond));
  return {
    settlementsPerSecond: rate,
    p50Ms: round(median(runs.map((r) => r.p50Ms)), 1),
    p99Ms: round(median(runs.map((r) => r.p99Ms)), 1),
    errors: runs.reduce((n, r) => n + r.refused + r.failures, 0),
    ratioToPgbench: round(rate / pgbenchTps, 2),
    runs,
  };
}

async function stopServer(server) {
  const exited = new Promise((r) => server.child.once('exit', r));
  server.child.send('stop');
  await exited;
}

/**
 * Two servers on the same schema: one with a connection per client (`pool`, as pgbench has one
 * each), one with `smallPool`; the run with twice the clients and the burst go to the second.
 */
export async function benchHttp({
  url = DEFAULT_URL,
  clients = 16,
  seconds = 15,
  lines = 10,
  rounds = 2,
  pool = 16,
  smallPool = 4,
} = {}) {
  const { signRequest } = await import('../dist/api/auth/hmac.js');
  console.error('  pgbench -i -s 16…');
  await pgbenchInit(url, PGBENCH_DB, 16);
  const s = await freshSchema(url, 'bench_http', 4);
  const started = [];
  try {
    console.error('  seeding the world…');
    const world = await seedBigWorld(s.db);
    for (const size of [pool, smallPool]) started.push(await startServerChild(url, s.schema, size));
    const [server, small] = started;
    const sessions = await signInAll(server.port, s.db, world, signRequest);
    const ctxOf = (x) => ({ port: x.port, child: x.child, world, sessions, lines, signRequest });
    const servers = { perClient: ctxOf(server), pooled: ctxOf(small) };
    const single = await closedLoop(servers.perClient, { clients: 1, seconds: 5, seed: 98 });
    // Warm-up, not counted: connections, prepared statements and each server's registry cache.
    await closedLoop(servers.perClient, { clients, seconds: 5, seed: 99 });
    await closedLoop(servers.pooled, { clients, seconds: 5, seed: 97 });
    const perSecond = (run) => run.then((r) => ({ ...r, perSecond: r.okPerSecond }));
    const { tps, results } = await alternateWithPgbench(
      url,
      PGBENCH_DB,
      { clients, seconds, rounds },
      {
        http: (r) => perSecond(closedLoop(servers.perClient, { clients, seconds, seed: r + 1 })),
        [`http on a pool of ${smallPool}`]: (r) =>
          perSecond(closedLoop(servers.pooled, { clients, seconds, seed: 500 + r })),
      },
    );
    const [runs, pooledRuns] = Object.values(results);
    const pgbenchTps = median(tps);
    const pooled = summary(pooledRuns, pgbenchTps);
    console.error(`  http with ${clients * 2} clients…`);
    const doubleClients = await closedLoop(servers.pooled, { clients: clients * 2, seconds, seed: 50 });
    const rate = 2 * pooled.settlementsPerSecond;
    console.error(`  open loop at ${rate}/s…`);
    const burst = await openLoop(servers.pooled, { rate, seconds, seed: 60 });
    return {
      clients,
      seconds,
      lines,
      pool,
      maxInFlight: server.config.maxInFlight,
      rateLimitPerInstitution: server.config.rateLimit.perSecond,
      world,
      ...summary(runs, pgbenchTps),
      pgbenchTps: Math.round(pgbenchTps),
      pgbenchRuns: tps.map((t) => Math.round(t)),
      pooled: { pool: smallPool, ...pooled },
      oneClient: single,
      doubleClients,
      burst,
    };
  } finally {
    for (const server of started) await stopServer(server);
    await s.drop();
    await pgbenchDrop(url, PGBENCH_DB);
  }
}

// `node bench/http.js [seconds]` runs it alone; `--serve` is the server child.
if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv[2] === '--serve') await serveChild();
  else {
    const seconds = Number(process.argv[2] ?? 15);
    console.log(
      JSON.stringify(
        await benchHttp({ url: process.env.BENCH_DATABASE_URL ?? DEFAULT_URL, seconds }),
        null,
        2,
      ),
    );
  }
}
