// `npm run bench`: runs every benchmark, prints the figures, and with --record appends them,
// with the date and the machine, to bench/RESULTS.md.
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { benchCalculator } from './calculator.js';
import { benchCli } from './cli.js';

const record = process.argv.includes('--record');
const quick = process.argv.includes('--quick');

function machine() {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

const started = new Date();
console.error('calculator in-process…');
const calculator = await benchCalculator(quick ? { claims: 200_000, persons: 50_000, rounds: 1 } : {});
console.log(JSON.stringify({ calculator }, null, 2));
console.error('tongchou calc end to end…');
const cli = await benchCli(quick ? { claims: 50_000, rounds: 1, longClaims: 100_000 } : {});
console.log(JSON.stringify({ cli }, null, 2));

const section = `
## ${started.toISOString().slice(0, 10)} — ${machine()}

Calculator in-process (${calculator.claims.toLocaleString('en')} claims × ${calculator.feeLines} lines, ${calculator.persons.toLocaleString('en')} persons, one core, median of rounds):
**${calculator.claimsPerSecond.toLocaleString('en')} claims/s** (${calculator.seconds} s); baseline loop (sum lines, total per person) ${calculator.baselineSeconds} s; ratio ${calculator.ratioToBaseline}× the baseline. Target ≥ 500,000 claims/s.

\`tongchou calc\` end to end (${cli.claims.toLocaleString('en')} claims, ${cli.persons.toLocaleString('en')} persons): **${cli.calcSeconds} s** vs the JSON I/O floor ${cli.floorSeconds} s in the same run: **${cli.ratioToFloor}× the floor** (target ≤ 2×); ${cli.calcClaimsPerSecond.toLocaleString('en')} claims/s; peak RSS ${cli.peakRssMb} MB (floor ${cli.floorPeakRssMb} MB).
Memory flat: ${cli.longFile.claims.toLocaleString('en')} claims over the same persons: ${cli.longFile.seconds} s, peak RSS **${cli.longFile.peakRssMb} MB** (target < 300 MB whatever the length).
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
