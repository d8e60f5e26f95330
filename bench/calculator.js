// In-process calculator benchmark: 1M claims of 5 fee lines over 250k persons, settled one after
// another on one core with each person's running totals, against a baseline loop in the same run.
import { loadPack } from '../dist/policy/load.js';
import { settle } from '../dist/domain/settlement/calculator.js';
import { emptyAccumulators } from '../dist/domain/settlement/types.js';
import { toClaim } from '../dist/settlement/claim-input.js';
import { claimJson, rng } from './generate.js';
import { median, round } from './measure.js';

const DISTINCT = 100_000;

/** 1M claims: 100k distinct ones (validated as calc would), re-dated and re-assigned to persons. */
function buildClaims(count, persons) {
  const random = rng(7);
  const distinct = [];
  for (let i = 0; i < DISTINCT; i++) distinct.push(toClaim(claimJson(i, random, persons)));
  const claims = new Array(count);
  for (let i = 0; i < count; i++) {
    const base = distinct[i % DISTINCT];
    claims[i] = { ...base, psnNo: `P${Math.floor(random() * persons)}` };
  }
  return claims;
}

function runCalculator(pack, claims) {
  const totals = new Map();
  const empty = emptyAccumulators();
  let paid = 0;
  const started = performance.now();
  for (let i = 0; i < claims.length; i++) {
    const c = claims[i];
    const key = `${c.psnNo}|${c.date.slice(0, 4)}|${c.scheme}`;
    const r = settle(pack, c, totals.get(key) ?? empty, false);
    if (r.ok) {
      totals.set(key, r.after);
      paid += r.settlement.poolPay;
    }
  }
  return { seconds: (performance.now() - started) / 1000, paid };
}

/** The baseline: the same loop that only sums each claim's fee lines and keeps a total per person. */
function runBaseline(claims) {
  const totals = new Map();
  const started = performance.now();
  for (let i = 0; i < claims.length; i++) {
    const c = claims[i];
    const key = `${c.psnNo}|${c.date.slice(0, 4)}|${c.scheme}`;
    let sum = 0;
    for (const f of c.fees) sum += f.amount;
    totals.set(key, (totals.get(key) ?? 0) + sum);
  }
  return { seconds: (performance.now() - started) / 1000 };
}

export async function benchCalculator({ claims: count = 1_000_000, persons = 250_000, rounds = 3 } = {}) {
  const pack = loadPack('sanming-employee-2022');
  const claims = buildClaims(count, persons);
  runCalculator(pack, claims.slice(0, 50_000)); // warm up the JIT
  const calc = [];
  const base = [];
  for (let r = 0; r < rounds; r++) {
    base.push(runBaseline(claims).seconds);
    calc.push(runCalculator(pack, claims).seconds);
  }
  const seconds = median(calc);
  return {
    claims: count,
    persons,
    feeLines: 5,
    seconds: round(seconds, 3),
    claimsPerSecond: Math.round(count / seconds),
    baselineSeconds: round(median(base), 3),
    ratioToBaseline: round(seconds / median(base), 2),
  };
}
