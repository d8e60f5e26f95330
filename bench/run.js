// `npm run bench`: runs every benchmark, prints the figures, and with --record appends them,
// with the date and the machine, to bench/RESULTS.md. `--only <name>[,<name>…]` runs some alone
// (calculator, cli, settle, http, ledger-check, enrol, simulate); `--quick` runs smaller sizes and records nothing.
// The database benchmarks use BENCH_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test.
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

const args = process.argv.slice(2);
const record = args.includes('--record');
const quick = args.includes('--quick');
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? (args[onlyAt + 1] ?? '').split(',').filter(Boolean) : null;
const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function machine() {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

const n = (x) => x.toLocaleString('en');

const BENCHMARKS = [
  {
    name: 'calculator',
    title: 'calculator in-process',
    async run() {
      const { benchCalculator } = await import('./calculator.js');
      return benchCalculator(quick ? { claims: 200_000, persons: 50_000, rounds: 1 } : {});
    },
    markdown: (
      c,
    ) => `Calculator in-process (${n(c.claims)} claims × ${c.feeLines} lines, ${n(c.persons)} persons, one core, median of rounds):
**${n(c.claimsPerSecond)} claims/s** (${c.seconds} s); baseline loop (sum lines, total per person) ${c.baselineSeconds} s; ratio ${c.ratioToBaseline}× the baseline. Target ≥ 500,000 claims/s.`,
  },
  {
    name: 'cli',
    title: 'tongchou calc end to end',
    async run() {
      const { benchCli } = await import('./cli.js');
      return benchCli(quick ? { claims: 50_000, rounds: 1, longClaims: 100_000 } : {});
    },
    markdown: (
      c,
    ) => `\`tongchou calc\` end to end (${n(c.claims)} claims, ${n(c.persons)} persons): **${c.calcSeconds} s** vs the JSON I/O floor ${c.floorSeconds} s in the same run: **${c.ratioToFloor}× the floor** (target ≤ 2×); ${n(c.calcClaimsPerSecond)} claims/s; peak RSS ${c.peakRssMb} MB (floor ${c.floorPeakRssMb} MB).
Memory flat: ${n(c.longFile.claims)} claims over the same persons: ${c.longFile.seconds} s, peak RSS **${c.longFile.peakRssMb} MB** (target < 300 MB whatever the length).`,
  },
  {
    name: 'settle',
    title: 'online settlement vs pgbench on PostgreSQL',
    async run() {
      const { benchSettle } = await import('./settle.js');
      return benchSettle({ url, ...(quick ? { seconds: 5 } : {}) });
    },
    markdown: (
      s,
    ) => `Online settlement on PostgreSQL (\`settle()\`, ${s.clients} clients in one process on a pool of ${s.clients}, ${s.lines}-line claims over ${n(s.world.persons)} insured in ${s.world.areas} areas, ${s.world.institutions} institutions, ${n(s.world.items)} catalogue items; ${s.statementsPerSettlement} statements a settlement; median of ${s.settleRuns.length} runs of ${s.seconds} s alternating with pgbench):
**${n(s.settlementsPerSecond)} settlements/s** (runs ${s.settleRuns.join(', ')}; p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms; ${s.errors} errors) vs pgbench TPC-B (${s.clients} clients, scale 16) **${n(s.pgbenchTps)} tps** (runs ${s.pgbenchRuns.join(', ')}): **${s.ratioToPgbench}× pgbench**. Target ≥ 0.5×. The same ${s.clients} clients on a pool of ${s.pooled.pool} connections, in the same rounds: **${n(s.pooled.settlementsPerSecond)} settlements/s** (runs ${s.pooled.settleRuns.join(', ')}; p50 ${s.pooled.p50Ms} ms, p99 ${s.pooled.p99Ms} ms; ${s.pooled.errors} errors): **${s.pooled.ratioToPgbench}× pgbench**. One client alone: ${n(s.oneClientPerSecond)} settlements/s, p50 ${s.oneClientP50Ms} ms.`,
  },
  {
    name: 'http',
    title: '2207 settlements through HTTP vs pgbench on PostgreSQL',
    async run() {
      const { benchHttp } = await import('./http.js');
      return benchHttp({ url, ...(quick ? { seconds: 5, rounds: 1 } : {}) });
    },
    markdown: (h) => {
      const b = h.burst;
      const codes =
        Object.entries(b.refusedCodes)
          .map(([c, k]) => `${n(k)} ${c}`)
          .join(', ') || 'none';
      return `2207 settlements through HTTP (\`tongchou serve\` in a child process on a pool of ${h.pool}, at most ${h.maxInFlight} messages in flight, ${h.rateLimitPerInstitution}/s per institution; signed 2207 messages with ${h.lines} fee lines from keep-alive connections, ${h.world.institutions} institutions signed in, the same world as the settlement benchmark; median of ${h.runs.length} runs of ${h.seconds} s alternating with pgbench):
**${n(h.settlementsPerSecond)} settlements/s** with ${h.clients} clients (runs ${h.runs.map((r) => r.okPerSecond).join(', ')}; p50 ${h.p50Ms} ms, p99 ${h.p99Ms} ms; ${h.errors} errors) vs pgbench TPC-B (${h.clients} clients, scale 16) **${n(h.pgbenchTps)} tps** (runs ${h.pgbenchRuns.join(', ')}): **${h.ratioToPgbench}× pgbench**. Target ≥ 1,000 settlements/s with p99 < 50 ms. A second server on a pool of ${h.pooled.pool}, in the same rounds: **${n(h.pooled.settlementsPerSecond)} settlements/s** (runs ${h.pooled.runs.map((r) => r.okPerSecond).join(', ')}; p50 ${h.pooled.p50Ms} ms, p99 ${h.pooled.p99Ms} ms; ${h.pooled.errors} errors): **${h.pooled.ratioToPgbench}× pgbench**; the runs below are on it. With ${h.doubleClients.clients} clients: ${n(h.doubleClients.okPerSecond)}/s, p50 ${h.doubleClients.p50Ms} ms, p99 ${h.doubleClients.p99Ms} ms, ${n(h.doubleClients.refused)} refused, ${h.doubleClients.failures} failed. One client: ${n(h.oneClient.okPerSecond)}/s, p50 ${h.oneClient.p50Ms} ms. CPU a settlement (16 clients, first run): server ${h.runs[0].cpuMsPerSettlement?.server} ms, PostgreSQL ${h.runs[0].cpuMsPerSettlement?.postgres} ms, load generator ${h.runs[0].cpuMsPerSettlement?.generator} ms.
Burst, open loop at ${n(b.rate)} messages/s (twice the throughput) for ${b.seconds} s: ${n(b.sent)} sent, **${n(b.ok)} settled** (p50 ${b.p50Ms} ms, p99 ${b.p99Ms} ms, max ${b.maxMs} ms), **${n(b.refused)} refused** (${codes}; p50 ${b.refusedP50Ms} ms, p99 ${b.refusedP99Ms} ms), **${b.failures} failed** (5xx or socket error).`;
    },
  },
  {
    name: 'ledger-check',
    title: 'ledger check over 1M settlements',
    async run() {
      const { benchLedgerCheck } = await import('./ledger-check.js');
      return benchLedgerCheck({ url, ...(quick ? { settlements: 100_000 } : {}) });
    },
    markdown: (l) =>
      `Ledger check (\`checkLedger\`) over the ledger of ${n(l.settlements)} settlements (${n(l.journals)} journals, ${n(l.postings)} postings, ${n(l.accounts)} accounts; filled in ${l.fillSeconds} s): **${l.checkSeconds} s**, ${l.problems} problems. Target < 30 s.`,
  },
  {
    name: 'enrol',
    title: 'bulk enrolment of 1M persons',
    async run() {
      const { benchBulkEnrol } = await import('./enrol.js');
      return benchBulkEnrol({ url, ...(quick ? { persons: 100_000 } : {}) });
    },
    markdown: (e) =>
      `Bulk enrolment (\`bulkEnrol\`) of ${n(e.persons)} new persons into a fresh schema: **${e.seconds} s** (${n(e.personsPerSecond)} persons/s)` +
      (e.floorSeconds === undefined
        ? ''
        : `; the floor in the same run ${e.floorSeconds} s, ratio ${e.ratioToFloor}×`) +
      '. Target < 60 s.',
  },
  {
    name: 'simulate',
    title: 'tongchou simulate over 1M and 10M claims',
    async run() {
      const { benchSimulate } = await import('./simulate.js');
      return benchSimulate(quick ? { small: 200_000, large: 0, rounds: 1 } : {});
    },
    markdown: (s) =>
      s.runs
        .map(
          (r) =>
            `\`tongchou simulate\` (columnar file, ${n(r.claims)} claims × ${s.lines} lines, ${n(r.persons)} persons, baseline MAP of 2 county packs + city reform, ${r.workers} worker threads): **${r.seconds} s** (${n(r.claimsPerSecond)} claims/s; peak RSS **${r.peakRssMb} MB**) vs reading the same file alone ${r.readFloorSeconds} s: ${r.ratioToReadFloor}× the read floor` +
            (r.singleThreadSeconds === undefined ? '' : `; in one thread ${r.singleThreadSeconds} s`) +
            (r.claims >= 10_000_000 ? '. Target < 100 s and < 4 GB.' : '. Target < 10 s.'),
        )
        .join('\n\n'),
  },
];

const unknown = (only ?? []).filter((name) => !BENCHMARKS.some((b) => b.name === name));
if (onlyAt >= 0 && (only.length === 0 || unknown.length > 0)) {
  console.error(`--only takes one or more of ${BENCHMARKS.map((b) => b.name).join(', ')} (comma-separated)`);
  process.exit(2);
}

const started = new Date();
const paragraphs = [];
for (const b of BENCHMARKS.filter((x) => !only || only.includes(x.name))) {
  console.error(`${b.title}…`);
  const result = await b.run();
  console.log(JSON.stringify({ [b.name]: result }, null, 2));
  paragraphs.push(b.markdown(result));
}

const section = `
## ${started.toISOString().slice(0, 10)} — ${machine()}

${paragraphs.join('\n\n')}
`;
mkdirSync(new URL('./out/', import.meta.url), { recursive: true });
writeFileSync(new URL('./out/latest.md', import.meta.url), section);
if (record && !quick) {
  const file = new URL('./RESULTS.md', import.meta.url);
  const current = readFileSync(file, 'utf8');
  writeFileSync(file, current.endsWith('\n') ? current : `${current}\n`);
  appendFileSync(file, section);
  console.error('recorded in bench/RESULTS.md');
} else console.log(section);
