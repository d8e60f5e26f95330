import type { Database } from '../db/index.js';
import { reverse, settle } from '../settlement/online/service.js';
import type { SettleRequest } from '../settlement/online/request.js';
import { CARE_START } from './city.js';
import { claimsOfDay, InstitutionIndex, type DemoInstitution } from './claims.js';
import { counted, describe, emptyTally, type Tally } from './collect.js';
import type { DemoPerson } from './population.js';
import type { DemoReporter } from './progress.js';
import type { Rng } from './rng.js';

/**
 * D days of care settled through the real settlement service, one claim after another in a fixed
 * order, then a handful of settlements reversed through the real reversal service. Every refusal
 * is counted by its code.
 */

interface Settled {
  setlId: string;
  psnNo: string;
  date: string;
}

/** The date `days` after a YYYY-MM-DD date (UTC arithmetic: calendar dates have no time zone). */
export function addDays(date: string, days: number): string {
  const t = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
  return new Date(t + days * 86_400_000).toISOString().slice(0, 10);
}

/** About one settlement in 400 is reversed, at least one when any was settled. */
function reversalCount(settled: number): number {
  return settled === 0 ? 0 : Math.max(1, Math.round(settled / 400));
}

/** All the days' claims, generated before any is settled so that their number is known. */
function generateClaims(rng: Rng, persons: readonly DemoPerson[], days: number, index: InstitutionIndex) {
  const claims: SettleRequest[] = [];
  for (let d = 0; d < days; d++) claims.push(...claimsOfDay(rng, persons, addDays(CARE_START, d), index));
  return claims;
}

async function settleAll(
  db: Database,
  claims: readonly SettleRequest[],
  tally: Tally,
  reporter: DemoReporter,
) {
  const settled: Settled[] = [];
  for (const [i, claim] of claims.entries()) {
    await counted(tally, 'settlement', async () => {
      const r = await settle(db, claim);
      settled.push({ setlId: r.setlId, psnNo: r.psnNo, date: r.date });
    });
    reporter.progress(i + 1, claims.length);
  }
  return settled;
}

/** Reverse a few settlements chosen by the generator, each on its own settlement day. */
async function reverseSome(db: Database, rng: Rng, settled: readonly Settled[], tally: Tally) {
  const chosen = new Set<number>();
  const wanted = reversalCount(settled.length);
  while (chosen.size < wanted) chosen.add(rng.int(0, settled.length - 1));
  for (const i of [...chosen].sort((a, b) => a - b)) {
    const s = settled[i]!;
    await counted(tally, 'reversal', () =>
      reverse(db, { key: `demo-reverse-${s.setlId}`, psnNo: s.psnNo, setlId: s.setlId, date: s.date }),
    );
  }
}

export async function runCare(
  db: Database,
  rng: Rng,
  input: { persons: readonly DemoPerson[]; institutions: readonly DemoInstitution[]; days: number },
  reporter: DemoReporter,
): Promise<Tally> {
  const claims = generateClaims(
    rng.fork('claims'),
    input.persons,
    input.days,
    new InstitutionIndex(input.institutions),
  );
  const tally = emptyTally();
  reporter.phase(
    `settling ${claims.length.toLocaleString('en')} claims of ${input.days} days from ${CARE_START}`,
  );
  const settled = await settleAll(db, claims, tally, reporter);
  await reverseSome(db, rng.fork('reversals'), settled, tally);
  reporter.done(describe(tally));
  return tally;
}
