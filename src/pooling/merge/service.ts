import { ServiceError } from '../../common/service-error.js';
import type { Database, Sql } from '../../db/index.js';
import { recordAudit } from './audit.js';
import { undoEnrolments, usedAfterMerge } from './enrolment-repository.js';
import {
  checkContext,
  mergeIdSchema,
  mergeInputSchema,
  parseInput,
  type MergeIdInput,
  type MergeInput,
  type OperationContext,
} from './input.js';
import { ledgerReasons, planTransfers, type BookTransfer, type LedgerFacts } from './ledger-plan.js';
import { MergeRefused, registryReasons, type Reason } from './plan.js';
import * as repo from './repository.js';
import type { MergeRecord } from './repository.js';
import {
  applyRegistry,
  gatherLedger,
  gatherRegistry,
  transferUp,
  type MergeTarget,
  type RegistryChanges,
} from './steps.js';

/**
 * Merging county pools into their city's pool (DESIGN §8; seeds/000: 长春's seven pooling areas
 * become one city pool, funds transferred up 层级上划, 统收统支, no more out-of-area care in the city).
 *
 * Timing. A merge has an effective date D, the first day of a month. Scheduling it writes the dated
 * registry changes at once — county pack assignments end on D−1 and the city's pack governs the
 * counties from D; each county enrolment reaching D ends on D−1 and a city enrolment continues it
 * from D — so a settlement dated before D finds the county enrolment and pack and one dated from D
 * the city's, whenever it is made. The transfer up needs the counties' final balances, so it is
 * posted when the merge runs, on or after D: in the same transaction when D is not after the day
 * of the operation, otherwise by `runMerge` (refused before D). A merge can be cancelled only
 * before D, which undoes exactly the registry changes it recorded.
 */

export type { MergeRecord } from './repository.js';
export type { OperationContext } from './input.js';

export interface MergeOutcome {
  merge: MergeRecord;
  /** True when the same merge had been asked for already and nothing was written. */
  replay: boolean;
  /** The dated registry changes this call wrote (null on a replay). */
  registry: RegistryChanges | null;
  /** The transfer up, per book, when this call posted it. */
  transfer: { books: BookTransfer[]; personalAccountsRefiled: number } | null;
  /** For a merge still scheduled: what would refuse its run today (unreconciled settlements, open periods). */
  pending: Reason[];
}

const subject = (id: number) => `pool_merge/${id}`;

function pendingOf(ledger: LedgerFacts): Reason[] {
  return ledgerReasons(ledger, planTransfers(ledger.accounts, ledger.city));
}

/**
 * Run a recorded merge: the registry swept again for what was added since it was scheduled, the
 * ledger checked (refused, every reason listed, when a county has unreconciled settlements or open
 * periods), one transfer-up journal per book posted, the merge marked done and audited.
 */
async function execute(tx: Sql, merge: MergeRecord, ctx: Required<OperationContext>): Promise<MergeOutcome> {
  const areas = await repo.lockAreas(tx, [merge.city, ...merge.counties]);
  const facts = await gatherRegistry(tx, merge, areas);
  const ledger = await gatherLedger(tx, merge);
  const plans = planTransfers(ledger.accounts, merge.city);
  const reasons = [...registryReasons(facts), ...ledgerReasons(ledger, plans)];
  if (reasons.length > 0) throw new MergeRefused(reasons, `running merge ${merge.id}`);
  const registry = await applyRegistry(tx, merge, facts);
  const transfer = await transferUp(tx, merge, plans);
  await repo.setStatus(tx, merge.id, 'done', ctx.actor);
  await recordAudit(tx, {
    actor: ctx.actor,
    origin: ctx.origin,
    action: 'pool.merge.complete',
    subject: subject(merge.id),
    details: { today: ctx.today, registry, ...transfer },
  });
  return { merge: (await repo.findMerge(tx, merge.id))!, replay: false, registry, transfer, pending: [] };
}

/** The same merge asked for again: nothing new, unless it is scheduled and now due, when it runs. */
async function again(tx: Sql, merge: MergeRecord, ctx: Required<OperationContext>): Promise<MergeOutcome> {
  if (merge.status === 'scheduled' && merge.date <= ctx.today) return execute(tx, merge, ctx);
  const pending = merge.status === 'scheduled' ? pendingOf(await gatherLedger(tx, merge)) : [];
  return { merge, replay: true, registry: null, transfer: null, pending };
}

/** The registry changes of scheduling and of the sweep when the merge ran, as one. */
function bothChanges(a: RegistryChanges, b: RegistryChanges): RegistryChanges {
  return {
    packsEnded: a.packsEnded + b.packsEnded,
    packsAssigned: a.packsAssigned + b.packsAssigned,
    enrolmentsSplit: a.enrolmentsSplit + b.enrolmentsSplit,
    enrolmentsMoved: a.enrolmentsMoved + b.enrolmentsMoved,
    accumulators: [...a.accumulators, ...b.accumulators],
  };
}

async function schedule(
  tx: Sql,
  target: MergeTarget,
  ctx: Required<OperationContext>,
  pending: Reason[],
): Promise<MergeOutcome> {
  const id = await repo.insertMerge(tx, { ...target, actor: ctx.actor });
  const merge = { ...target, id };
  const areas = await repo.lockAreas(tx, [target.city, ...target.counties]);
  const registry = await applyRegistry(tx, merge, await gatherRegistry(tx, merge, areas));
  await recordAudit(tx, {
    actor: ctx.actor,
    origin: ctx.origin,
    action: 'pool.merge.schedule',
    subject: subject(id),
    details: {
      city: target.city,
      counties: target.counties,
      date: target.date,
      today: ctx.today,
      registry,
      pending,
    },
  });
  return { merge: (await repo.findMerge(tx, id))!, replay: false, registry, transfer: null, pending };
}

/**
 * `tongchou pool merge --into CITY --from A,B --on D`: merge the counties' pools into the city's
 * from D, in one transaction with its audit record. Refused with every reason, county by county,
 * and nothing written, when an area is unknown or not a county of the city, a county is merged or
 * in a scheduled merge already, the city has no city-level pack on D, or — when the merge runs now
 * — a county has unreconciled settlements or open periods. Asking for the same merge again returns
 * it (and runs it, if it is scheduled and due).
 */
export async function mergePools(
  db: Database,
  input: MergeInput,
  context: OperationContext,
): Promise<MergeOutcome> {
  const m = parseInput(mergeInputSchema, input);
  const ctx = checkContext(context);
  const target: MergeTarget = { id: null, city: m.into, counties: [...m.from].sort(), date: m.on };
  return db.transaction(async (tx) => {
    const areas = await repo.lockAreas(tx, [target.city, ...target.counties]);
    const same = await repo.findSameMerge(tx, target);
    if (same) return again(tx, same, ctx);
    const reasons = registryReasons(await gatherRegistry(tx, target, areas));
    const pending = reasons.length === 0 ? pendingOf(await gatherLedger(tx, target)) : [];
    const due = target.date <= ctx.today;
    if (reasons.length > 0 || (due && pending.length > 0)) throw new MergeRefused([...reasons, ...pending]);
    const scheduled = await schedule(tx, target, ctx, due ? [] : pending);
    if (!due) return scheduled;
    const ran = await execute(tx, scheduled.merge, ctx);
    return { ...ran, registry: bothChanges(scheduled.registry!, ran.registry!) };
  });
}

async function requireMerge(tx: Sql, id: number): Promise<MergeRecord> {
  const merge = await repo.findMerge(tx, id, true);
  if (!merge) throw new ServiceError('NOT_FOUND', `no merge ${id}`, 'id');
  return merge;
}

/** Run a scheduled merge on or after its date (`tongchou pool merge run ID`); a done one is returned as it is. */
export async function runMerge(
  db: Database,
  input: MergeIdInput,
  context: OperationContext,
): Promise<MergeOutcome> {
  const { id } = parseInput(mergeIdSchema, input);
  const ctx = checkContext(context);
  return db.transaction(async (tx) => {
    const merge = await requireMerge(tx, id);
    const refuse = (code: Reason['code'], message: string) =>
      new MergeRefused([{ area: merge.city, code, message }], `running merge ${id}`);
    if (merge.status === 'done') return { merge, replay: true, registry: null, transfer: null, pending: [] };
    if (merge.status === 'cancelled')
      throw refuse('cancelled', `merge ${id} was cancelled on ${merge.cancelledAt}`);
    if (ctx.today < merge.date)
      throw refuse('not-due', `merge ${id} takes effect on ${merge.date}; it cannot run on ${ctx.today}`);
    return execute(tx, merge, ctx);
  });
}

export interface CancelOutcome {
  merge: MergeRecord;
  replay: boolean;
  /** What was undone (null on a replay). */
  restored: {
    packsRemoved: number;
    packsRestored: number;
    enrolmentsRemoved: number;
    enrolmentsRestored: number;
  } | null;
}

async function refuseCancel(tx: Sql, merge: MergeRecord, today: string): Promise<void> {
  const refuse = (code: Reason['code'], message: string) =>
    new MergeRefused([{ area: merge.city, code, message }], `cancelling merge ${merge.id}`);
  if (merge.status === 'done')
    throw refuse('done', `merge ${merge.id} was done on ${merge.completedAt}: its transfer up is posted`);
  if (today >= merge.date)
    throw refuse(
      'too-late',
      `merge ${merge.id} took effect on ${merge.date}; it can be cancelled only before`,
    );
  const used = await usedAfterMerge(tx, merge);
  if (used.settlements + used.contributions > 0) {
    const message = `${used.settlements} settlements and ${used.contributions} contributions from ${merge.date} are already booked to the city for persons it moved`;
    throw refuse('used-after-merge', message);
  }
}

/** Cancel a scheduled merge before its date: its pack and enrolment changes undone, with an audit record. */
export async function cancelMerge(
  db: Database,
  input: MergeIdInput,
  context: OperationContext,
): Promise<CancelOutcome> {
  const { id } = parseInput(mergeIdSchema, input);
  const ctx = checkContext(context);
  return db.transaction(async (tx) => {
    const merge = await requireMerge(tx, id);
    if (merge.status === 'cancelled') return { merge, replay: true, restored: null };
    await refuseCancel(tx, merge, ctx.today);
    await repo.lockAreas(tx, [merge.city, ...merge.counties]);
    const packs = await repo.undoPacks(tx, id);
    const enrolments = await undoEnrolments(tx, merge);
    const restored = {
      packsRemoved: packs.removed,
      packsRestored: packs.restored,
      enrolmentsRemoved: enrolments.removed,
      enrolmentsRestored: enrolments.restored + enrolments.movedBack,
    };
    await repo.setStatus(tx, id, 'cancelled', ctx.actor);
    await recordAudit(tx, {
      actor: ctx.actor,
      origin: ctx.origin,
      action: 'pool.merge.cancel',
      subject: subject(id),
      details: { today: ctx.today, restored },
    });
    return { merge: (await repo.findMerge(tx, id))!, replay: false, restored };
  });
}

/** Every merge, oldest first. */
export function listMerges(db: Database): Promise<MergeRecord[]> {
  return repo.listMerges(db);
}
