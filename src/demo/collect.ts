import { ServiceError } from '../common/service-error.js';
import type { Database } from '../db/index.js';
import { Refusal } from '../domain/errors.js';
import { packFor } from '../registry/packs.js';
import { AREA_CODES, CONTRIBUTION_YEAR } from './city.js';
import { recordBatch, type Batch } from './contribution-batch.js';
import type { DemoPerson } from './population.js';
import type { DemoReporter } from './progress.js';

/**
 * A year of contributions: every active employee's monthly contribution, every retiree's monthly
 * account credit and every resident's annual contribution, collected per area and month in batches
 * (contribution-batch.ts). A batch the pack cannot compute (the residents': the demo pack states no
 * resident amounts) is refused whole with POLICY_GAP, counted per person, and writes nothing.
 */

/** What a phase did: writes by kind, refusals by code and by "CODE: message", each counted per item. */
export interface Tally {
  written: Record<string, number>;
  refused: Record<string, number>;
  reasons: Record<string, number>;
}

export function emptyTally(): Tally {
  return { written: {}, refused: {}, reasons: {} };
}

function add(counts: Record<string, number>, key: string, n = 1): void {
  counts[key] = (counts[key] ?? 0) + n;
}

/** A refusal by a service or by the pure calculator; anything else is not a refusal. */
function refusal(e: unknown): { code: string; message: string } | null {
  if (e instanceof ServiceError || e instanceof Refusal) return { code: e.code, message: e.message };
  return null;
}

/** Run one write of `n` items, counting them as written under `kind` or refused under the code. */
export async function counted(
  tally: Tally,
  kind: string,
  write: () => Promise<unknown>,
  n = 1,
): Promise<boolean> {
  try {
    await write();
    add(tally.written, kind, n);
    return true;
  } catch (e) {
    const r = refusal(e);
    if (r === null) throw e;
    add(tally.refused, r.code, n);
    add(tally.reasons, `${r.code}: ${r.message}`, n);
    return false;
  }
}

/** Persons per batch: one journal's postings stay well under the ledger's 32,767 per journal. */
const BATCH = 1_000;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH) out.push(items.slice(i, i + BATCH));
  return out;
}

const MONTHS = Array.from({ length: 12 }, (_, i) => `${CONTRIBUTION_YEAR}-${String(i + 1).padStart(2, '0')}`);

/** Every batch of the year, month by month, area by area. */
export function batchesOf(persons: readonly DemoPerson[]): Batch[] {
  const batches: Batch[] = [];
  const push = (kind: Batch['kind'], area: string, period: string, group: DemoPerson[]) =>
    chunks(group).forEach((part, i) => batches.push({ kind, area, period, persons: part, part: i + 1 }));
  for (const area of AREA_CODES) {
    const here = persons.filter((p) => p.areaCode === area);
    const active = here.filter((p) => p.personType === 'active');
    const retired = here.filter((p) => p.personType === 'retired');
    for (const period of MONTHS) {
      push('employee-monthly', area, period, active);
      push('retiree-account', area, period, retired);
    }
    push(
      'resident-annual',
      area,
      String(CONTRIBUTION_YEAR),
      here.filter((p) => p.scheme === '390'),
    );
  }
  return batches;
}

/** The rules of a contribution are those of its period's first day (as the service reads them). */
function ruleDate(b: Batch): string {
  return b.kind === 'resident-annual' ? `${b.period}-01-01` : `${b.period}-01`;
}

export async function collectContributions(
  db: Database,
  persons: readonly DemoPerson[],
  reporter: DemoReporter,
): Promise<Tally> {
  const tally = emptyTally();
  const batches = batchesOf(persons);
  const total = batches.reduce((s, b) => s + b.persons.length, 0);
  let done = 0;
  reporter.phase(`contributions for ${CONTRIBUTION_YEAR}`);
  for (const b of batches) {
    const scheme = b.kind === 'resident-annual' ? '390' : '310';
    const write = () =>
      db.transaction(async (tx) => recordBatch(tx, b, await packFor(tx, b.area, scheme, ruleDate(b))));
    await counted(tally, b.kind, write, b.persons.length);
    done += b.persons.length;
    reporter.progress(done, total);
  }
  reporter.done(describe(tally));
  return tally;
}

/** "54,000 employee-monthly, 18,000 retiree-account written; 4,000 refused (4,000 POLICY_GAP)". */
export function describe(t: Tally): string {
  const list = (c: Record<string, number>) =>
    Object.entries(c)
      .map(([k, n]) => `${n.toLocaleString('en')} ${k}`)
      .join(', ');
  const refused = Object.values(t.refused).reduce((s, n) => s + n, 0);
  return `${list(t.written) || 'nothing'} written; ${refused.toLocaleString('en')} refused${refused ? ` (${list(t.refused)})` : ''}`;
}
