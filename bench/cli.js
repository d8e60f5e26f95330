// End-to-end benchmark of `tongchou calc` on a claims file against the bare JSON I/O floor
// (bench/floor.js: same reader and writer, parse each line, write a result of the same shape).
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writeClaimsFile } from './generate.js';
import { median, round, runNode } from './measure.js';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

async function claimsFile(count, persons) {
  mkdirSync(here('./data'), { recursive: true });
  const file = here(`./data/claims-${count / 1000}k-${persons / 1000}kp.jsonl`);
  if (!existsSync(file)) await writeClaimsFile(file, count, persons);
  return file;
}

async function timeBoth(file, rounds) {
  const calcArgs = [
    here('../bin/tongchou.js'),
    'calc',
    '--policy',
    'sanming-employee-2022',
    '--claims',
    file,
  ];
  const calc = [];
  const floor = [];
  for (let r = 0; r < rounds; r++) {
    floor.push(await runNode([here('./floor.js'), file]));
    const run = await runNode(calcArgs);
    if (run.code !== 0) throw new Error(`calc exited ${run.code}: ${run.stderr}`);
    calc.push(run);
  }
  return { calc, floor };
}

export async function benchCli({
  claims = 200_000,
  persons = 50_000,
  rounds = 3,
  longClaims = 1_000_000,
} = {}) {
  const file = await claimsFile(claims, persons);
  const { calc, floor } = await timeBoth(file, rounds);
  const calcS = median(calc.map((r) => r.seconds));
  const floorS = median(floor.map((r) => r.seconds));
  const long = await runNode([
    here('../bin/tongchou.js'),
    'calc',
    '--policy',
    'sanming-employee-2022',
    '--claims',
    await claimsFile(longClaims, persons),
  ]);
  return {
    claims,
    persons,
    calcSeconds: round(calcS, 2),
    floorSeconds: round(floorS, 2),
    ratioToFloor: round(calcS / floorS, 2),
    calcClaimsPerSecond: Math.round(claims / calcS),
    peakRssMb: round(Math.max(...calc.map((r) => r.peakMb)), 0),
    floorPeakRssMb: round(Math.max(...floor.map((r) => r.peakMb)), 0),
    longFile: {
      claims: longClaims,
      persons,
      seconds: round(long.seconds, 2),
      peakRssMb: round(long.peakMb, 0),
    },
  };
}
