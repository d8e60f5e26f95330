// In-process calculator benchmark: 1M claims of 5 fee lines over 250k persons, held in memory as a
// reader would produce them, settled one after another on one core with each person's running
// totals, against a baseline loop over the same claims and store in the same run.
import { loadPack } from '../dist/policy/load.js';
import { settle } from '../dist/domain/settlement/calculator.js';
import { PersonTotals, yearSchemeKey } from '../dist/settlement/person-totals.js';
import { toClaim } from '../dist/settlement/claim-input.js';
import { claimJson, rng } from './generate.js';
import { median, round } from './measure.js';

/** 1M claims, each with its own fee lines, validated as calc would (setup, not timed). */
function buildClaims(count, persons) {
  const random = rng(7);
  const claims = new Array(count);
  for (let i = 0; i < count; i++) claims[i] = toClaim(claimJson(i, random, persons));
  return claims;
}

function runCalculator(pack, claims) {
  const totals = new PersonTotals(pack.slots.names.length);
  let paid = 0;
  const started = performance.now();
  for (let i = 0; i < claims.length; i++) {
    const c = claims[i];
    const row = totals.row(c.psnNo, yearSchemeKey(c.date, c.scheme));
    const r = settle(pack, c, totals.totals(row), false);
    if (r.ok) {
      totals.commit(row, r.after);
      paid += r.settlement.poolPay;
    }
  }
  return { seconds: (performance.now() - started) / 1000, paid };
}

/**
 * The baseline: the same loop and store (same counters per person-year), but each claim only sums
 * its fee lines into the first counter, committing a new array as settle does.
 */
function runBaseline(pack, claims) {
  const totals = new PersonTotals(pack.slots.names.length);
  const started = performance.now();
  for (let i = 0; i < claims.length; i++) {
    const c = claims[i];
    const row = totals.row(c.psnNo, yearSchemeKey(c.date, c.scheme));
    const after = totals.totals(row).slice();
    for (const f of c.fees) after[0] += f.amount;
    totals.commit(row, after);
  }
  return { seconds: (performance.now() - started) / 1000 };
}

/** Collect garbage before a timed loop (node --expose-gc), so building 1M claims is not timed. */
function settleHeap() {
  globalThis.gc?.();
}

export async function benchCalculator({ claims: count = 1_000_000, persons = 250_000, rounds = 3 } = {}) {
  const pack = loadPack('sanming-employee-2022');
  const claims = buildClaims(count, persons);
  runCalculator(pack, claims.slice(0, 50_000)); // warm up the JIT
  const calc = [];
  const base = [];
  for (let r = 0; r < rounds; r++) {
    settleHeap();
    base.push(runBaseline(pack, claims).seconds);
    settleHeap();
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
