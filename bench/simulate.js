// Simulation benchmark: `tongchou simulate` re-settling 1M and 10M historical claims (5 fee lines
// each) under a baseline MAP of two county packs and a city reform pack (the fixture packs of the
// golden tests, test/fixtures/simulate), from the columnar claims file, in a child process; peak RSS
// is the child's VmHWM (worker threads included). The baseline measured in the same run is the
// time to just read the same file: every row group read, checked and every claim decoded, one thread.
//
// The claims files are generated once (in a child process) and cached under the temp folder:
// `node bench/simulate.js generate COUNT PERSONS FILE` makes one.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rng } from './generate.js';
import { median, round, runNode } from './measure.js';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const FIXTURES = here('../test/fixtures/simulate/');
const CACHE = join(tmpdir(), 'tongchou-bench-simulate');

const COUNTY_A = '350421';
const COUNTY_B = '350422';
const CARE_ELSEWHERE = ['350402', '350421', '350422', '110101']; // a city district, the counties, another province
const CLASSES = ['01', '01', '01', '02', '03'];
const pad = (n, width) => String(n).padStart(width, '0');

/** The person's fixed attributes, from its number: 60% in county A; employees only there. */
function personOf(p) {
  const area = p % 10 < 6 ? COUNTY_A : COUNTY_B;
  const employee = area === COUNTY_A && p % 3 === 0;
  const personType = employee ? (p % 5 === 0 ? 'retired' : 'active') : p % 7 === 0 ? 'minor' : 'resident';
  return { psnNo: `P${pad(p, 8)}`, area, employee, personType, age: employee ? 25 + (p % 50) : p % 90 };
}

function fees(random, inpatient) {
  const lines = [];
  for (let k = 0; k < 5; k++) {
    const cls = CLASSES[Math.floor(random() * CLASSES.length)];
    const amount = inpatient
      ? 20_000 + Math.floor(random() * 780_000)
      : 1_000 + Math.floor(random() * 39_000);
    lines.push({
      code: `Y${pad(Math.floor(random() * 5000), 5)}`,
      catalogClass: cls,
      amount,
      selfPayRate: cls === '02' ? (random() < 0.5 ? 1000 : 2000) : 0,
      priceCapTotal: random() < 0.1 ? Math.floor(amount / 1.1) : null,
    });
  }
  return lines;
}

/** The i-th claim, as the calculator takes it: employees' outpatient visits, residents' admissions; 0.1% chronic (refused). */
function claimOf(i, random, persons) {
  const p = personOf(Math.floor(random() * persons));
  const month = 1 + Math.floor(random() * 12);
  const day = 1 + Math.floor(random() * 28);
  const r = random();
  const careArea = r < 0.9 ? p.area : CARE_ELSEWHERE[Math.floor(random() * CARE_ELSEWHERE.length)];
  const medType = random() < 0.001 ? '14' : p.employee ? '11' : '21';
  return {
    claimId: `C${pad(i, 9)}`,
    psnNo: p.psnNo,
    scheme: p.employee ? '310' : '390',
    personType: p.personType,
    age: p.age,
    familyDoctor: false,
    assistance: false,
    medType,
    institution: `H${pad(Math.floor(random() * 400), 4)}`,
    level: String(Math.floor(random() * 4)),
    priceClass: undefined,
    personArea: p.area,
    careArea,
    date: `2025-${pad(month, 2)}-${pad(day, 2)}`,
    diseases: ['J06.9'],
    useAccount: p.employee,
    accountBalance: 50_000,
    fees: fees(random, medType === '21'),
    prior: undefined,
  };
}

/** Generate `count` claims over `persons` persons into a columnar file (in this process). */
export async function generateClaimsFile(count, persons, file) {
  const { ClaimTableBuilder } = await import('../dist/pooling/simulate/columnar-writer.js');
  const { writeColumnar } = await import('../dist/pooling/simulate/simulate.js');
  const random = rng(2025);
  const builder = new ClaimTableBuilder();
  for (let i = 0; i < count; i++) builder.add(claimOf(i, random, persons));
  writeColumnar(builder, file, `bench/simulate.js: ${count} claims over ${persons} persons`);
}

/** The cached claims file of this size, generated in a child process when missing. */
async function claimsFile(count, persons) {
  mkdirSync(CACHE, { recursive: true });
  const file = join(CACHE, `claims-${count}-${persons}.tcc`);
  if (!existsSync(file)) {
    const tmp = `${file}.part`;
    const run = await runNode([
      '--max-old-space-size=8192',
      here('./simulate.js'),
      'generate',
      String(count),
      String(persons),
      tmp,
    ]);
    if (run.code !== 0) throw new Error(`generating ${count} claims failed: ${run.stderr}`);
    const { renameSync } = await import('node:fs');
    renameSync(tmp, file);
  }
  return file;
}

async function timeSimulate(file, workers) {
  const out = mkdtempSync(join(tmpdir(), 'tongchou-bench-sim-out-'));
  try {
    const args = [
      here('../bin/tongchou.js'),
      'simulate',
      '--claims',
      file,
      '--baseline',
      join(FIXTURES, 'map.yaml'),
    ];
    args.push('--reform', join(FIXTURES, 'city.yaml'), '--out', out);
    if (workers !== undefined) args.push('--workers', String(workers));
    const run = await runNode(args);
    // Exit 3: some claims were refused (the 0.1% chronic visits no pack covers), as intended.
    if (run.code !== 0 && run.code !== 3) throw new Error(`simulate exited ${run.code}: ${run.stderr}`);
    return run;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

async function measure(count, persons, rounds, singleThread) {
  const file = await claimsFile(count, persons);
  const floor = [];
  const sim = [];
  const single = [];
  for (let r = 0; r < rounds; r++) {
    floor.push(await runNode([here('./simulate-floor.js'), file]));
    sim.push(await timeSimulate(file));
    if (singleThread) single.push(await timeSimulate(file, 0));
  }
  const seconds = median(sim.map((x) => x.seconds));
  const floorSeconds = median(floor.map((x) => x.seconds));
  return {
    claims: count,
    persons,
    workers: availableParallelism(),
    seconds: round(seconds, 2),
    claimsPerSecond: Math.round(count / seconds),
    peakRssMb: round(Math.max(...sim.map((x) => x.peakMb)), 0),
    readFloorSeconds: round(floorSeconds, 2),
    ratioToReadFloor: round(seconds / floorSeconds, 2),
    ...(singleThread ? { singleThreadSeconds: round(median(single.map((x) => x.seconds)), 2) } : {}),
  };
}

export async function benchSimulate({ small = 1_000_000, large = 10_000_000, rounds = 2 } = {}) {
  const results = [await measure(small, small / 4, rounds, true)];
  if (large > 0) results.push(await measure(large, large / 4, 1, false));
  return { lines: 5, runs: results };
}

if (process.argv[2] === 'generate') {
  const [count, persons, file] = process.argv.slice(3).map((x, i) => (i < 2 ? Number(x) : x));
  await generateClaimsFile(count, persons, file);
}
