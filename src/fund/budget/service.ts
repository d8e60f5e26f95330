import { inputHash } from '../../common/hash.js';
import { ServiceError } from '../../common/service-error.js';
import type { Database, Sql } from '../../db/index.js';
import { claimKey, replayKey, saveKeyResult } from '../../db/idempotency.js';
import { requireArea } from '../../registry/service.js';
import { parseInput } from '../contribution-input.js';
import {
  areaBudgetSchema,
  historySchema,
  institutionBudgetSchema,
  institutionHistorySchema,
  type AreaBudgetInput,
  type InstitutionBudgetInput,
} from './input.js';
import * as repo from './repository.js';

/**
 * Setting fund budgets (DESIGN §8): the annual budget of a book in an area for a year, and the total
 * budget of a designated institution (总额预算). Each set adds a version row with who set it and
 * when; nothing is overwritten. Setting the figures the current version already has adds nothing
 * (`changed: false`). Every set carries an idempotency key: the same key with the same input
 * replays the first answer, with another input it is refused; a refusal writes nothing.
 */

export interface AreaBudget extends repo.AreaBudgetRow {
  /** False when the figures equal the current version's and no version was added. */
  changed: boolean;
  /** True when the key had been used with this input and nothing new was written. */
  replay: boolean;
}

export interface InstitutionBudget extends repo.InstitutionBudgetRow {
  changed: boolean;
  replay: boolean;
}

/** A book a budget may be set for: any but the personal-account book, which has no income or expense accounts. */
export async function requireBudgetBook(tx: Sql, book: string): Promise<string> {
  const books = await repo.budgetBooks(tx);
  const name = books.get(book);
  if (name === undefined) {
    throw new ServiceError(
      'INVALID_INPUT',
      `book must be one of ${[...books.keys()].join(', ')} (got "${book}")`,
      'book',
    );
  }
  return name;
}

async function requireInstitution(tx: Sql, code: string): Promise<void> {
  if (!(await repo.institutionExists(tx, code)))
    throw new ServiceError('NOT_FOUND', `no designated institution ${code}`, 'institutionCode');
}

/**
 * Claim the key and run `write` in one transaction, storing its answer under the key; a key already
 * claimed replays the first answer (or is refused for another input).
 */
async function keyed<T extends object>(
  db: Database,
  operation: string,
  input: { key: string },
  write: (tx: Sql) => Promise<T>,
): Promise<T & { replay: boolean }> {
  const { key, ...rest } = input;
  const hash = inputHash(rest);
  return db.transaction(async (tx) => {
    if (!(await claimKey(tx, key, operation, hash)))
      return { ...(await replayKey<T>(tx, key, operation, hash)), replay: true };
    const result = await write(tx);
    await saveKeyResult(tx, key, result);
    return { ...result, replay: false };
  });
}

/** Set the annual budget (income and expenditure, fen) of a book in an area for a year. */
export async function setAreaBudget(db: Database, input: AreaBudgetInput): Promise<AreaBudget> {
  const r = parseInput(areaBudgetSchema, input);
  return keyed(db, 'fund-budget:area', r, async (tx) => {
    await requireBudgetBook(tx, r.book);
    await requireArea(tx, r.areaCode, 'areaCode');
    await repo.lockBudget(tx, `area:${r.book}:${r.areaCode}:${r.year}`);
    const current = await repo.currentAreaBudget(tx, r);
    if (current && current.incomeFen === r.incomeFen && current.expenditureFen === r.expenditureFen)
      return { ...current, changed: false };
    const row = await repo.insertAreaBudget(tx, {
      ...{ book: r.book, areaCode: r.areaCode, year: r.year, version: (current?.version ?? 0) + 1 },
      ...{ incomeFen: r.incomeFen, expenditureFen: r.expenditureFen },
      ...{ setBy: r.setBy, note: r.note ?? null, idemKey: r.key },
    });
    return { ...row, changed: true };
  });
}

/**
 * Set the total budget (fen) of a designated institution in a book for a year, with the shares of
 * it (basis points, ascending) at which the report warns; shares omitted keep the current version's.
 */
export async function setInstitutionBudget(
  db: Database,
  input: InstitutionBudgetInput,
): Promise<InstitutionBudget> {
  const r = parseInput(institutionBudgetSchema, input);
  return keyed(db, 'fund-budget:institution', r, async (tx) => {
    await requireBudgetBook(tx, r.book);
    await requireInstitution(tx, r.institutionCode);
    await repo.lockBudget(tx, `institution:${r.institutionCode}:${r.book}:${r.year}`);
    const current = await repo.currentInstitutionBudget(tx, r);
    const shares = r.warnSharesBp ?? current?.warnSharesBp ?? [];
    const sameShares = current && current.warnSharesBp.join() === shares.join();
    if (current && current.amountFen === r.amountFen && sameShares) return { ...current, changed: false };
    const row = await repo.insertInstitutionBudget(tx, {
      ...{ institutionCode: r.institutionCode, book: r.book, year: r.year },
      ...{ version: (current?.version ?? 0) + 1, amountFen: r.amountFen, warnSharesBp: shares },
      ...{ setBy: r.setBy, note: r.note ?? null, idemKey: r.key },
    });
    return { ...row, changed: true };
  });
}

/** Every version of an area budget, oldest first (empty when none was ever set). */
export async function areaBudgetHistory(
  db: Database,
  input: { book: string; areaCode: string; year: number },
): Promise<repo.AreaBudgetRow[]> {
  const r = parseInput(historySchema, input);
  await requireBudgetBook(db, r.book);
  await requireArea(db, r.areaCode, 'areaCode');
  return repo.areaBudgetHistory(db, r);
}

/** Every version of an institution budget, oldest first. */
export async function institutionBudgetHistory(
  db: Database,
  input: { institutionCode: string; book: string; year: number },
): Promise<repo.InstitutionBudgetRow[]> {
  const r = parseInput(institutionHistorySchema, input);
  await requireBudgetBook(db, r.book);
  await requireInstitution(db, r.institutionCode);
  return repo.institutionBudgetHistory(db, r);
}
