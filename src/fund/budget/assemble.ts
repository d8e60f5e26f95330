import type { BandsInForce } from '../../domain/budget/bands.js';
import { annualExecution, type Execution } from '../../domain/budget/execution.js';
import { institutionUse, type InstitutionUse } from '../../domain/budget/institution.js';
import { monthsCovered, type MonthsCovered } from '../../domain/budget/months-covered.js';
import { monthsThrough, type Month } from '../../domain/budget/months.js';
import type { Fen } from '../../domain/money/money.js';
import type { AreaBudgetRow, AreaNode, InstitutionBudgetRow, KindMonth } from './repository.js';

/**
 * The fund report put together from what the repository read (no I/O here). One line per area that
 * has accounts or a budget in a book, each over that area's own accounts (a city's own line is its
 * 市本级 sub-account), and a total over all of them. Budgets add up the same way: the total's budget
 * is the sum of its areas' budgets, given only when every line has one.
 */

/** The accumulated balance at the end of the month reported: the fund's net assets in the area. */
export interface Balance {
  /** The fund account (bank and deposits), debit-normal. */
  fund: Fen;
  /** What the fund owes institutions for settled claims not yet paid. */
  payable: Fen;
  /** Clearing accounts: zero unless a cross-book move is half done. */
  clearing: Fen;
  /** fund + clearing − payable = income − expenditure booked so far (累计结余). */
  net: Fen;
}

export interface LineBudget {
  income: Fen;
  expenditure: Fen;
  /** The version, who set it and when (absent on the total, a sum of versions). */
  version?: number;
  setBy?: string;
  setAt?: string;
}

export interface FundLine {
  /** The area code, or null for the total. */
  area: string | null;
  name: string;
  budget: LineBudget | null;
  /** On the total: the areas with a line but no budget (then the total has none). */
  missingBudgets: string[];
  execution: Execution;
  balance: Balance;
  monthsCovered: MonthsCovered | null;
  bands: Omit<BandsInForce, 'bands'>;
}

export interface BookReport {
  book: string;
  name: string;
  lines: FundLine[];
  total: FundLine;
}

export interface InstitutionLine {
  institution: string;
  name: string;
  areaCode: string;
  budget: InstitutionBudgetRow;
  use: InstitutionUse;
}

export interface ReportWarning {
  kind: 'deficit' | 'months-covered' | 'institution-budget';
  book: string;
  /** An area code, "total", or an institution code. */
  where: string;
  message: string;
}

export interface FundReport {
  year: number;
  through: Month;
  /** The area reported with its subtree, or null for every area. */
  area: { code: string; name: string } | null;
  areas: string[];
  books: BookReport[];
  institutions: InstitutionLine[];
  warnings: ReportWarning[];
}

export interface ReportData {
  year: number;
  through: Month;
  root: AreaNode | null;
  /** The areas reported, in tree order. */
  areas: AreaNode[];
  books: Map<string, string>;
  movements: KindMonth[];
  budgets: AreaBudgetRow[];
  /** The bands for a book's line: by area code, or null for the total. */
  bands: (book: string, area: string | null) => BandsInForce;
  institutionBudgets: (InstitutionBudgetRow & { name: string; areaCode: string })[];
  institutionUses: { institution: string; book: string; month: string; use: number }[];
}

interface MonthSums {
  income: Fen;
  expenditure: Fen;
  /** fund, clearing, payable movements on their normal sides. */
  fund: Fen;
  clearing: Fen;
  payable: Fen;
}

const zero = (): MonthSums => ({ income: 0, expenditure: 0, fund: 0, clearing: 0, payable: 0 });

/** Add one account kind's month to the sums: income and payable are credit-normal, the rest debit-normal. */
function addMovement(s: MonthSums, m: KindMonth): void {
  const debitNet = m.debits - m.credits;
  if (m.kind === 'income') s.income -= debitNet;
  else if (m.kind === 'expense') s.expenditure += debitNet;
  else if (m.kind === 'fund') s.fund += debitNet;
  else if (m.kind === 'clearing') s.clearing += debitNet;
  else s.payable -= debitNet;
}

/** Month sums of each area of a book: book → area → month → sums. */
function indexMovements(movements: readonly KindMonth[]): Map<string, Map<string, Map<Month, MonthSums>>> {
  const out = new Map<string, Map<string, Map<Month, MonthSums>>>();
  for (const m of movements) {
    const byArea = out.get(m.book) ?? new Map<string, Map<Month, MonthSums>>();
    out.set(m.book, byArea);
    const byMonth = byArea.get(m.area) ?? new Map<Month, MonthSums>();
    byArea.set(m.area, byMonth);
    const sums = byMonth.get(m.month) ?? zero();
    byMonth.set(m.month, sums);
    addMovement(sums, m);
  }
  return out;
}

/** The months of several areas added together. */
function merge(series: readonly Map<Month, MonthSums>[]): Map<Month, MonthSums> {
  const out = new Map<Month, MonthSums>();
  for (const s of series) {
    for (const [month, v] of s) {
      const t = out.get(month) ?? zero();
      out.set(month, t);
      t.income += v.income;
      t.expenditure += v.expenditure;
      t.fund += v.fund;
      t.clearing += v.clearing;
      t.payable += v.payable;
    }
  }
  return out;
}

function balanceOf(series: Map<Month, MonthSums>): Balance {
  const b = { fund: 0, payable: 0, clearing: 0, net: 0 };
  for (const v of series.values()) {
    b.fund += v.fund;
    b.payable += v.payable;
    b.clearing += v.clearing;
  }
  b.net = b.fund + b.clearing - b.payable;
  return b;
}

function lineOf(
  d: ReportData,
  series: Map<Month, MonthSums>,
  head: { area: string | null; name: string; budget: LineBudget | null; missingBudgets: string[] },
  bands: BandsInForce,
): FundLine {
  const flows = monthsThrough(d.through).map((month) => {
    const v = series.get(month);
    return { month, income: v?.income ?? 0, expenditure: v?.expenditure ?? 0 };
  });
  const balance = balanceOf(series);
  const history = [...series].map(([month, v]) => ({ month, expenditure: v.expenditure }));
  const { bands: list, ...bandsRef } = bands;
  return {
    ...head,
    execution: annualExecution(flows, head.budget),
    balance,
    monthsCovered: monthsCovered(balance.net, history, d.through, list),
    bands: bandsRef,
  };
}

function budgetOf(row: AreaBudgetRow | undefined): LineBudget | null {
  if (!row) return null;
  return {
    income: row.incomeFen,
    expenditure: row.expenditureFen,
    version: row.version,
    setBy: row.setBy,
    setAt: row.setAt,
  };
}

function bookReport(
  d: ReportData,
  book: string,
  byArea: Map<string, Map<Month, MonthSums>>,
): BookReport | null {
  const budgets = new Map(d.budgets.filter((b) => b.book === book).map((b) => [b.areaCode, b]));
  const areas = d.areas.filter((a) => byArea.has(a.code) || budgets.has(a.code));
  if (areas.length === 0) return null;
  const lines = areas.map((a) =>
    lineOf(
      d,
      byArea.get(a.code) ?? new Map(),
      { area: a.code, name: a.name, budget: budgetOf(budgets.get(a.code)), missingBudgets: [] },
      d.bands(book, a.code),
    ),
  );
  const missing = lines.filter((l) => l.budget === null).map((l) => l.area!);
  const sum = (f: (b: LineBudget) => Fen) => lines.reduce((s, l) => s + (l.budget ? f(l.budget) : 0), 0);
  const totalBudget =
    missing.length === 0 ? { income: sum((b) => b.income), expenditure: sum((b) => b.expenditure) } : null;
  const total = lineOf(
    d,
    merge(areas.map((a) => byArea.get(a.code) ?? new Map<Month, MonthSums>())),
    {
      area: null,
      name: 'total',
      budget: totalBudget,
      missingBudgets: missing.length < lines.length ? missing : [],
    },
    d.bands(book, null),
  );
  return { book, name: d.books.get(book) ?? book, lines, total };
}

function institutionLines(d: ReportData): InstitutionLine[] {
  const months = monthsThrough(d.through);
  return d.institutionBudgets.map((b) => {
    const uses = new Map(
      d.institutionUses
        .filter((u) => u.institution === b.institutionCode && u.book === b.book)
        .map((u) => [u.month, u.use]),
    );
    const flows = months.map((month) => ({ month, use: uses.get(month) ?? 0 }));
    const { name, areaCode, ...budget } = b;
    return {
      institution: b.institutionCode,
      name,
      areaCode,
      budget,
      use: institutionUse(flows, b.amountFen, b.warnSharesBp),
    };
  });
}

/** Put the report together. */
export function assembleReport(d: ReportData, warningsOf: (r: FundReport) => ReportWarning[]): FundReport {
  const index = indexMovements(d.movements);
  const books = [...d.books.keys()]
    .map((book) => bookReport(d, book, index.get(book) ?? new Map()))
    .filter((b): b is BookReport => b !== null);
  const report: FundReport = {
    year: d.year,
    through: d.through,
    area: d.root ? { code: d.root.code, name: d.root.name } : null,
    areas: d.areas.map((a) => a.code),
    books,
    institutions: institutionLines(d),
    warnings: [],
  };
  report.warnings = warningsOf(report);
  return report;
}
