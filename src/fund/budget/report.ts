import { ServiceError } from '../../common/service-error.js';
import type { Database, Sql } from '../../db/index.js';
import { bandsOn, type BandsInForce } from '../../domain/budget/bands.js';
import { lastDayOf, type Month } from '../../domain/budget/months.js';
import type { Scheme } from '../../domain/policy/dimensions.js';
import { packFor } from '../../registry/packs.js';
import { parseInput } from '../contribution-input.js';
import { assembleReport, type FundReport } from './assemble.js';
import { reportSchema, type ReportInput } from './input.js';
import * as repo from './repository.js';
import { reportWarnings } from './warnings.js';

/**
 * The fund report (DESIGN §8) for an area and its subtree — or every area — and a year: per book,
 * each area's budget, its execution month by month and year to date, the accumulated balance, the
 * months of expenditure it covers with their band, the current-year deficit warning; then the
 * institutions' total budgets with their use and warnings.
 *
 * Flows are read from the ledger by the month of their journal's effective date: income is the net
 * credit of `income:AREA` accounts, expenditure the net debit of `expense:AREA:*` accounts (benefits
 * at settlement net of reversals, and the pool's personal-account credits), the balance the fund's
 * net assets `fund:AREA` + `clearing:AREA` − `payable:AREA:*` at the end of the month reported.
 * All is read in one repeatable-read transaction, so the figures agree with each other.
 */

/** Today's date in China (UTC+8), YYYY-MM-DD. */
export function chinaToday(now = Date.now()): string {
  return new Date(now + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** The last month reported: the one asked for; else December of a past or future year, this month of this one. */
export function defaultThrough(year: number, today: string): Month {
  return Number(today.slice(0, 4)) === year ? today.slice(0, 7) : `${year}-12`;
}

/** The scheme whose pack states a book's bands; the other books have none (the defaults apply). */
const BOOK_SCHEME: Record<string, Scheme> = { 'employee-pool': '310', 'resident-pool': '390' };

/** The bands of a book in an area on a date: its pack's, else the defaults. */
async function bandsFor(tx: Sql, book: string, area: string, date: string): Promise<BandsInForce> {
  const scheme = BOOK_SCHEME[book];
  if (!scheme) return bandsOn(null, date);
  try {
    const pack = await packFor(tx, area, scheme, date);
    return bandsOn(pack.fundWarning, date, pack.label);
  } catch (e) {
    if (e instanceof ServiceError && e.code === 'POLICY_GAP') return bandsOn(null, date);
    throw e;
  }
}

/**
 * Every band set a report needs, looked up once per book and area. The total takes the report
 * area's own pack when it has one; else the bands its lines share; else the defaults.
 */
async function bandTable(
  tx: Sql,
  pairs: { book: string; area: string }[],
  root: string | null,
  date: string,
): Promise<(book: string, area: string | null) => BandsInForce> {
  const found = new Map<string, BandsInForce>();
  for (const p of pairs) found.set(`${p.book}|${p.area}`, await bandsFor(tx, p.book, p.area, date));
  const totals = new Map<string, BandsInForce>();
  for (const book of new Set(pairs.map((p) => p.book))) {
    const own = root ? await bandsFor(tx, book, root, date) : null;
    const lines = pairs.filter((p) => p.book === book).map((p) => found.get(`${p.book}|${p.area}`)!);
    const shared = lines.every((l) => l.ref === lines[0]!.ref) ? lines[0]! : bandsOn(null, date);
    totals.set(book, own?.origin === 'pack' ? own : shared);
  }
  return (book, area) => (area === null ? totals.get(book)! : found.get(`${book}|${area}`)!);
}

/** The areas of a subtree (the root first), in code order below it. */
function subtree(tree: readonly repo.AreaNode[], root: string): repo.AreaNode[] {
  const codes = new Set([root]);
  // Children have longer-prefixed codes but the tree is walked by parent links, not by prefix.
  for (let grew = true; grew;) {
    grew = false;
    for (const a of tree) {
      if (a.parentCode && codes.has(a.parentCode) && !codes.has(a.code)) {
        codes.add(a.code);
        grew = true;
      }
    }
  }
  return tree.filter((a) => codes.has(a.code));
}

/** Build the fund report for an area (and its subtree) or every area, for a year. */
export async function fundReport(db: Database, input: ReportInput): Promise<FundReport> {
  const r = parseInput(reportSchema, input);
  const through = r.through ?? defaultThrough(r.year, r.today ?? chinaToday());
  const until = lastDayOf(through);
  return db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const tree = await repo.areaTree(tx);
    const root = r.areaCode ? tree.find((a) => a.code === r.areaCode) : null;
    if (r.areaCode && !root) throw new ServiceError('NOT_FOUND', `no pooling area ${r.areaCode}`, 'areaCode');
    const areas = root ? subtree(tree, root.code) : tree;
    const codes = areas.map((a) => a.code);
    const books = await repo.budgetBooks(tx);
    const movements = await repo.monthlyMovements(tx, [...books.keys()], codes, until);
    const budgets = await repo.currentAreaBudgets(tx, r.year, codes);
    const pairs = new Map<string, { book: string; area: string }>();
    for (const x of [...movements, ...budgets.map((b) => ({ book: b.book, area: b.areaCode }))])
      pairs.set(`${x.book}|${x.area}`, { book: x.book, area: x.area });
    const bands = await bandTable(tx, [...pairs.values()], root?.code ?? null, until);
    const institutionBudgets = await repo.currentInstitutionBudgets(tx, r.year, codes);
    const institutionCodes = [...new Set(institutionBudgets.map((b) => b.institutionCode))];
    const institutionUses = await repo.institutionMonthlyUse(tx, institutionCodes, `${r.year}-01-01`, until);
    const data = { year: r.year, through, root: root ?? null, areas, books, movements, budgets, bands };
    return assembleReport({ ...data, institutionBudgets, institutionUses }, reportWarnings);
  });
}
