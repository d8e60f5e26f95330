import type { Sql } from '../../db/index.js';
import type { Scheme } from '../../domain/policy/dimensions.js';
import type { Book } from '../../fund/ledger/accounts.js';
import { postJournal } from '../../fund/ledger/service.js';
import { assignPack, packByHash } from '../../registry/packs.js';
import { moveEnrolments } from './enrolment-repository.js';
import * as ledgerRepo from './ledger-repository.js';
import { bookReport, type BookPlan, type BookTransfer, type LedgerFacts } from './ledger-plan.js';
import {
  dayBefore,
  packChanges,
  SCHEMES,
  slotNotes,
  type AreaFact,
  type PackInfo,
  type RegistryFacts,
  type SlotNote,
} from './plan.js';
import * as repo from './repository.js';

/** The steps of a merge, each inside the caller's transaction: read the facts, write the plan. */

/** A merge being planned (id null) or one already recorded. */
export interface MergeTarget {
  id: number | null;
  city: string;
  counties: readonly string[];
  date: string;
}

async function packInfo(tx: Sql, hash: string): Promise<PackInfo> {
  const pack = await packByHash(tx, hash);
  return { hash, label: pack.label, poolingLevel: pack.poolingLevel, slots: pack.slots.names };
}

async function cityPacksOn(tx: Sql, city: string, date: string): Promise<Map<Scheme, PackInfo>> {
  const packs = new Map<Scheme, PackInfo>();
  for (const scheme of SCHEMES) {
    const hash = await repo.packHashOn(tx, city, scheme, date);
    if (hash) packs.set(scheme, await packInfo(tx, hash));
  }
  return packs;
}

/** What the registry holds about the merge: the areas (locked by the caller), other merges, packs, enrolments. */
export async function gatherRegistry(
  tx: Sql,
  m: MergeTarget,
  areas: ReadonlyMap<string, AreaFact>,
): Promise<RegistryFacts> {
  return {
    city: m.city,
    counties: m.counties,
    date: m.date,
    areas,
    busy: await repo.busyMerges(tx, m.counties, m.id),
    countyPacks: await repo.countyPacks(tx, m.counties, dayBefore(m.date)),
    ownAssigned: m.id === null ? [] : await repo.assignedBy(tx, m.id),
    enrolledSchemes: await repo.enrolledSchemes(tx, m.counties, m.date),
    cityPacks: await cityPacksOn(tx, m.city, m.date),
  };
}

export interface RegistryChanges {
  packsEnded: number;
  packsAssigned: number;
  enrolmentsSplit: number;
  enrolmentsMoved: number;
  /** For each county pack replaced, which of a person's counters the city pack carries on. */
  accumulators: SlotNote[];
}

/**
 * Write the dated registry changes: county assignments end on the eve, the city's pack governs the
 * counties from the date, and enrolments are split or moved to the city. Idempotent: run again (when
 * the merge is executed) it changes only what was added since.
 */
export async function applyRegistry(
  tx: Sql,
  m: MergeTarget & { id: number },
  f: RegistryFacts,
): Promise<RegistryChanges> {
  const { end, assign } = packChanges(f);
  const replaced = [];
  for (const row of end)
    replaced.push({ area: row.area, scheme: row.scheme, pack: await packInfo(tx, row.packHash) });
  await repo.endPacks(tx, m.id, end, dayBefore(m.date));
  for (const row of assign)
    await assignPack(tx, {
      area: row.area,
      scheme: row.scheme,
      beginDate: row.beginDate,
      packHash: row.packHash,
    });
  await repo.recordAssigned(tx, m.id, assign);
  const moved = await moveEnrolments(tx, m);
  return {
    packsEnded: end.length,
    packsAssigned: assign.length,
    enrolmentsSplit: moved.split,
    enrolmentsMoved: moved.moved,
    accumulators: slotNotes(replaced, f.cityPacks),
  };
}

/** What the ledger holds about the counties, their accounts locked so the balances stay put. */
export async function gatherLedger(tx: Sql, m: MergeTarget): Promise<LedgerFacts> {
  const accounts = await ledgerRepo.areaAccounts(tx, m.counties, true);
  const firstMonths = await ledgerRepo.firstJournalMonths(tx, m.counties);
  const books = [...new Set([...firstMonths.map((f) => f.book), ...accounts.map((a) => a.book)])];
  const closed = await ledgerRepo.closedPeriods(tx, books);
  return { city: m.city, counties: m.counties, date: m.date, accounts, firstMonths, closed };
}

export interface TransferResult {
  books: BookTransfer[];
  /** Personal accounts re-filed under the city (their balances stay the person's). */
  personalAccountsRefiled: number;
}

/**
 * The transfer up: one balanced journal per book, dated the merge date, moving each county account's
 * balance to its city twin; then the personal accounts are filed under the city. The report is read
 * back from the accounts after posting, not computed.
 */
export async function transferUp(
  tx: Sql,
  m: MergeTarget & { id: number },
  plans: readonly BookPlan[],
): Promise<TransferResult> {
  const areas = [m.city, ...m.counties];
  const before = await ledgerRepo.areaAccounts(tx, areas);
  const journals = new Map<Book, number>();
  for (const plan of plans) {
    const posted = await postJournal(tx, {
      key: `pool-merge:${m.id}:${plan.book}`,
      kind: 'pool-transfer-up',
      date: m.date,
      memo: { merge: m.id, city: m.city, counties: m.counties },
      transfers: plan.transfers,
    });
    journals.set(plan.book, posted.journalId);
    await ledgerRepo.recordJournal(tx, m.id, plan.book, posted.journalId);
  }
  const personalAccountsRefiled = await ledgerRepo.refilePersonalAccounts(tx, m.counties, m.city);
  const after = await ledgerRepo.areaAccounts(tx, areas);
  return { books: bookReport(m.city, plans, journals, before, after), personalAccountsRefiled };
}
