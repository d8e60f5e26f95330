import type { Sql } from '../db/index.js';
import { formatYuan } from '../domain/money/money.js';
import type { LedgerReport } from '../fund/ledger/check.js';
import { AREA_CODES, areaName } from './city.js';
import type { Tally } from './collect.js';
import * as repo from './repository.js';

/**
 * The demo's summary, read from the ledger (not from the demo's own counters), so that it shows what
 * the fund books hold; the test checks it against the settlement and contribution tables.
 *
 * Per book and area: income, expenditure and the balance between them.
 *  - A pool book (employee-pool, resident-pool, critical-illness): income is its income accounts
 *    (contributions), expenditure its expense accounts (benefits paid at settlement, net of
 *    reversals, and for the employee pool the retirees' account credits it pays).
 *  - The personal-account book: income is what its fund received (every account credit),
 *    expenditure what it owes institutions for account payments; the balance is what the persons'
 *    accounts hold.
 * The areas are sub-accounts of the one city fund (统收统支); the total is the city pool's.
 */

export interface BookLine {
  area: string;
  income: number;
  expenditure: number;
  balance: number;
}

export interface BookSummary {
  book: string;
  name: string;
  areas: BookLine[];
  total: BookLine;
}

export interface DemoSummary {
  books: BookSummary[];
  settlements: repo.SettlementCounts[];
  contributions: repo.ContributionCounts[];
  contributionTally: Tally;
  careTally: Tally;
  ledger: LedgerReport;
}

const BOOKS = ['employee-pool', 'personal-account', 'resident-pool', 'critical-illness'];
/** The books shown even when empty; critical-illness only once a pack's layer has paid from it. */
const ALWAYS = ['employee-pool', 'personal-account', 'resident-pool'];

/** Which account kinds are a book's income and expenditure (see above). */
function sides(book: string): { income: string; expenditure: string } {
  return book === 'personal-account'
    ? { income: 'fund', expenditure: 'payable' }
    : { income: 'income', expenditure: 'expense' };
}

function bookSummary(book: string, name: string, balances: readonly repo.KindBalance[]): BookSummary {
  const { income, expenditure } = sides(book);
  const sum = (area: string | null, kind: string) =>
    balances
      .filter((b) => b.book === book && b.kind === kind && (area === null || b.area === area))
      .reduce((s, b) => s + b.balance, 0);
  const line = (area: string | null): BookLine => {
    const i = sum(area, income);
    const e = sum(area, expenditure);
    return { area: area ?? 'total', income: i, expenditure: e, balance: i - e };
  };
  return { book, name, areas: AREA_CODES.map(line), total: line(null) };
}

/** The fund books of the demo city, from the ledger. */
export async function bookSummaries(db: Sql): Promise<BookSummary[]> {
  const balances = await repo.balancesByKind(db, AREA_CODES);
  const names = await repo.bookNames(db);
  return BOOKS.map((book) => bookSummary(book, names.get(book) ?? book, balances)).filter(
    (b) => ALWAYS.includes(b.book) || b.total.income !== 0 || b.total.expenditure !== 0,
  );
}

export async function summarise(
  db: Sql,
  tallies: { contributions: Tally; care: Tally },
  ledger: LedgerReport,
): Promise<DemoSummary> {
  return {
    books: await bookSummaries(db),
    settlements: await repo.settlementCounts(db, AREA_CODES),
    contributions: await repo.contributionCounts(db, AREA_CODES),
    contributionTally: tallies.contributions,
    careTally: tallies.care,
    ledger,
  };
}

/** Yuan with two decimals and thousands separators, e.g. 123456789 → "1,234,567.89". */
export function yuan(fen: number): string {
  const [whole, cents] = formatYuan(fen).split('.');
  return `${whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents!}`;
}

const n = (x: number) => x.toLocaleString('en');

function bookLines(b: BookSummary): string[] {
  const row = (label: string, l: BookLine) =>
    `  ${label.padEnd(16)}${yuan(l.income).padStart(18)}${yuan(l.expenditure).padStart(18)}${yuan(l.balance).padStart(18)}`;
  return [
    `${b.name} (${b.book})`,
    `  ${'area'.padEnd(16)}${'income'.padStart(18)}${'expenditure'.padStart(18)}${'balance'.padStart(18)}`,
    ...b.areas.map((l) => row(`${l.area} ${areaName(l.area)}`, l)),
    row('total', b.total),
  ];
}

const MED_TYPES: Record<string, string> = {
  '11': 'general outpatient',
  '14': 'chronic outpatient',
  '21': 'inpatient',
};

/** Refusals by code, then the most frequent reasons (a message may name a person: at most five). */
function refusalLines(t: Tally): string[] {
  const entries = Object.entries(t.refused).sort();
  if (entries.length === 0) return ['  refused: none'];
  const reasons = Object.entries(t.reasons).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return [
    `  refused: ${entries.map(([code, c]) => `${code} ${n(c)}`).join(', ')}`,
    ...reasons.slice(0, 5).map(([reason, c]) => `    ${n(c)} × ${reason}`),
    ...(reasons.length > 5 ? [`    … and ${n(reasons.length - 5)} other reasons`] : []),
  ];
}

/** The summary as the command prints it (yuan with two decimals). */
export function formatSummary(s: DemoSummary): string {
  const lines: string[] = [];
  for (const b of s.books) lines.push(...bookLines(b), '');
  const settled = s.settlements.reduce((t, c) => t + c.settled, 0);
  const reversed = s.settlements.reduce((t, c) => t + c.reversed, 0);
  lines.push(`settlements: ${n(settled)} settled, ${n(reversed)} of them reversed`);
  for (const c of s.settlements)
    lines.push(
      `  ${c.scheme} ${MED_TYPES[c.medType] ?? c.medType}: ${n(c.settled)} (${n(c.reversed)} reversed)`,
    );
  lines.push(...refusalLines(s.careTally));
  lines.push(`contributions: ${s.contributions.map((c) => `${n(c.count)} ${c.kind}`).join(', ') || 'none'}`);
  lines.push(...refusalLines(s.contributionTally));
  const l = s.ledger;
  const verdict = l.problems.length === 0 ? 'every invariant holds' : `${l.problems.length} problems`;
  lines.push(
    `ledger check: ${n(l.accounts)} accounts, ${n(l.journals)} journals, ${n(l.postings)} postings: ${verdict}`,
  );
  for (const p of l.problems) lines.push(`  ${p.invariant}\t${p.where}\t${p.detail}`);
  return `${lines.join('\n')}\n`;
}
