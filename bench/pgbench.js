// pgbench TPC-B on the same server, in a database of its own: the baseline the settlement
// benchmark is compared with in the same run.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

/** pgbench and friends: on PATH, or under /usr/lib/postgresql/<version>/bin. */
function tool(name) {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return name;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  const found = versions.map((v) => `${root}/${v}/bin/${name}`).find((p) => existsSync(p));
  return found ?? name;
}

function run(name, args) {
  return new Promise((resolve, reject) => {
    execFile(tool(name), args, { maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${name} ${args.join(' ')} failed: ${stderr || error.message}`));
      else resolve(`${stdout}\n${stderr}`);
    });
  });
}

/** Connection flags for the client tools from a postgres:// URL. */
function connArgs(url) {
  const u = new URL(url);
  const args = [
    '-h',
    u.hostname || '127.0.0.1',
    '-p',
    u.port || '5432',
    '-U',
    decodeURIComponent(u.username || 'postgres'),
  ];
  return { args, env: u.password ? decodeURIComponent(u.password) : null };
}

/** The tps pgbench printed, preferring the figure without connection time. */
export function parseTps(output) {
  const m =
    /tps = ([\d.]+) \((?:without initial connection time|excluding connections establishing)\)/.exec(
      output,
    ) ?? /tps = ([\d.]+)/.exec(output);
  if (!m) throw new Error(`no tps in pgbench output:\n${output}`);
  return Number(m[1]);
}

/** Create (or recreate) the database and initialise it at scale `scale`. */
export async function pgbenchInit(url, database, scale) {
  const { args, env } = connArgs(url);
  if (env) process.env.PGPASSWORD = env;
  await run('dropdb', [...args, '--if-exists', database]);
  await run('createdb', [...args, database]);
  await run('pgbench', [...args, '-i', '-q', '-s', String(scale), database]);
}

/** One TPC-B run of `clients` clients for `seconds`; resolves its tps. */
export async function pgbenchRun(url, database, { clients, threads, seconds }) {
  const { args } = connArgs(url);
  const out = await run('pgbench', [
    ...args,
    '-c',
    String(clients),
    '-j',
    String(threads),
    '-T',
    String(seconds),
    database,
  ]);
  return parseTps(out);
}

export async function pgbenchDrop(url, database) {
  const { args } = connArgs(url);
  await run('dropdb', [...args, '--if-exists', database]);
}

/**
 * `rounds` rounds, each pgbench (`clients` clients, `seconds` s, in `database`) and then every
 * run of `runs` in turn (name → (round) => its figures, with `perSecond`), on the same server:
 * what to compare is each run's ratio to pgbench in the same rounds.
 */
export async function alternateWithPgbench(url, database, { clients, seconds, rounds }, runs) {
  const tps = [];
  const results = Object.fromEntries(Object.keys(runs).map((name) => [name, []]));
  for (let r = 0; r < rounds; r++) {
    console.error(`  round ${r + 1}: pgbench…`);
    tps.push(await pgbenchRun(url, database, { clients, threads: 2, seconds }));
    for (const [name, run] of Object.entries(runs)) {
      console.error(`  round ${r + 1}: ${name}…`);
      results[name].push(await run(r));
    }
    const figures = Object.entries(results).map(
      ([name, rs]) => `${name} ${Math.round(rs.at(-1).perSecond)}/s`,
    );
    console.error(`    pgbench ${Math.round(tps.at(-1))} tps, ${figures.join(', ')}`);
  }
  return { tps, results };
}
