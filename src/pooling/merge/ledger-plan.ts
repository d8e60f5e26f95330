import { formatYuan } from '../../domain/money/money.js';
import type { AccountKind, AccountRef, Book } from '../../fund/ledger/accounts.js';
import type { Transfer } from '../../fund/ledger/service.js';
import { dayBefore, monthRanges, monthsThrough, type Reason } from './plan.js';

/**
 * The pure half of the transfer up (层级上划): which county accounts move to which city accounts,
 * and which ledger reasons refuse the run.
 *
 * Every account an area owns is named `<kind>:<area>[:<owner>]` (fund/ledger/accounts.ts), so a
 * county account's city twin is the same name with the city's code: `fund:220112` → `fund:220100`,
 * `expense:220112:H…` → `expense:220100:H…`. Each county account's whole balance moves to its twin,
 * one balanced journal per book, so every county account ends at zero and per book and per account
 * name the city holds what the city and the counties held before. Personal accounts are named by
 * person (`personal:<psn_no>`), not by area: they stay the person's and do not move.
 */

/** The ledger's journals number their postings with a smallint. */
export const MAX_POSTINGS_PER_JOURNAL = 32_767;

/** An account an area owns, with its stored totals. */
export interface AreaAccount {
  id: number;
  book: Book;
  code: string;
  kind: AccountKind;
  area: string;
  owner: string | null;
  normal: 'D' | 'C';
  noNegative: boolean;
  debits: number;
  credits: number;
}

/** The balance on the account's normal side (what it holds, owes or has spent). */
export function normalBalance(a: Pick<AreaAccount, 'normal' | 'debits' | 'credits'>): number {
  return a.normal === 'D' ? a.debits - a.credits : a.credits - a.debits;
}

function refOf(a: AreaAccount, code = a.code, area = a.area): AccountRef {
  return {
    book: a.book,
    code,
    kind: a.kind,
    area,
    owner: a.owner,
    normal: a.normal,
    noNegative: a.noNegative,
  };
}

/** The city twin's name of a county account, or null when the name does not carry the county. */
export function cityTwinCode(code: string, county: string, city: string): string | null {
  const parts = code.split(':');
  if (parts[1] !== county) return null;
  parts[1] = city;
  return parts.join(':');
}

export interface BookPlan {
  book: Book;
  transfers: Transfer[];
  /** The county accounts moved, with the normal-side balance each held. */
  moved: { code: string; twin: string; kind: AccountKind; balance: number }[];
}

/**
 * One journal's transfers per book: each county account with a non-zero balance moves it to its
 * city twin, whichever side it is on (a D account holding money is credited, a C one debited).
 */
export function planTransfers(accounts: readonly AreaAccount[], city: string): BookPlan[] {
  const books = new Map<Book, BookPlan>();
  for (const a of accounts) {
    const net = a.debits - a.credits;
    if (a.kind === 'personal' || net === 0) continue;
    const twin = cityTwinCode(a.code, a.area, city);
    if (twin === null)
      throw new Error(`account ${a.book}/${a.code} does not carry its area ${a.area} in its name`);
    const county = refOf(a);
    const target = refOf(a, twin, city);
    const plan = books.get(a.book) ?? { book: a.book, transfers: [], moved: [] };
    plan.transfers.push(
      net > 0
        ? { debit: target, credit: county, amount: net }
        : { debit: county, credit: target, amount: -net },
    );
    plan.moved.push({ code: a.code, twin, kind: a.kind, balance: normalBalance(a) });
    books.set(a.book, plan);
  }
  return [...books.values()].sort((x, y) => (x.book < y.book ? -1 : 1));
}

/** The ledger's side of a merge run: balances, posting history and closed months. */
export interface LedgerFacts {
  city: string;
  counties: readonly string[];
  date: string;
  /** The accounts the counties own (not the persons' personal accounts), locked. */
  accounts: readonly AreaAccount[];
  /** Per county and book, the month of its earliest journal. */
  firstMonths: readonly { area: string; book: string; first: string }[];
  /** The closed months of the books concerned. */
  closed: readonly { book: string; period: string }[];
}

function unreconciled(f: LedgerFacts, county: string): Reason[] {
  const owed = f.accounts.filter((a) => a.area === county && a.kind === 'payable' && normalBalance(a) !== 0);
  if (owed.length === 0) return [];
  const total = owed.reduce((s, a) => s + normalBalance(a), 0);
  const owners = new Set(owed.map((a) => a.owner));
  const shown = owed.slice(0, 3).map((a) => `${a.book}/${a.code} ${formatYuan(normalBalance(a))}`);
  const more = owed.length > 3 ? ` and ${owed.length - 3} more` : '';
  const message =
    `unreconciled settlements: ${formatYuan(total)} yuan still owed to ${owners.size} institution(s) ` +
    `(${shown.join(', ')}${more}); reconcile and pay them before the merge runs`;
  return [{ area: county, code: 'unreconciled-settlements', message }];
}

/**
 * Open periods: every month from a county's first journal in a book through the month before the
 * merge must be closed in that book, so that no journal dated before the merge can reach the county
 * accounts after their balances moved up.
 */
function openPeriods(f: LedgerFacts, county: string): Reason[] {
  const last = dayBefore(f.date).slice(0, 7);
  const closed = new Set(f.closed.map((c) => `${c.book}|${c.period}`));
  const open = f.firstMonths
    .filter((m) => m.area === county)
    .sort((a, b) => (a.book < b.book ? -1 : 1))
    .map((m) => ({
      book: m.book,
      months: monthsThrough(m.first, last).filter((p) => !closed.has(`${m.book}|${p}`)),
    }))
    .filter((b) => b.months.length > 0);
  if (open.length === 0) return [];
  const message = `open periods before the merge: ${open.map((b) => `${b.book} ${monthRanges(b.months)}`).join('; ')}`;
  return [{ area: county, code: 'open-periods', message }];
}

/** The transfer is dated on the merge date, so that month must still be open in every book it posts to. */
function closedOnDate(f: LedgerFacts, plans: readonly BookPlan[]): Reason[] {
  const month = f.date.slice(0, 7);
  const books = plans
    .map((p) => p.book)
    .filter((b) => f.closed.some((c) => c.book === b && c.period === month));
  if (books.length === 0) return [];
  const message = `period ${month} is closed for ${books.join(', ')}, and the transfer up is dated ${f.date}`;
  return [{ area: f.city, code: 'period-closed', message }];
}

function tooLarge(f: LedgerFacts, plans: readonly BookPlan[]): Reason[] {
  return plans
    .filter((p) => p.transfers.length > MAX_POSTINGS_PER_JOURNAL)
    .map((p) => ({
      area: f.city,
      code: 'journal-too-large' as const,
      message: `${p.book} would need ${p.transfers.length} postings in one journal (at most ${MAX_POSTINGS_PER_JOURNAL})`,
    }));
}

/** Every reason the ledger gives to refuse running the merge now, county by county. */
export function ledgerReasons(f: LedgerFacts, plans: readonly BookPlan[]): Reason[] {
  const perCounty = f.counties.flatMap((c) => [...unreconciled(f, c), ...openPeriods(f, c)]);
  return [...perCounty, ...closedOnDate(f, plans), ...tooLarge(f, plans)];
}

/** One line of a book's report: the accounts of one kind, city and counties, before and after. */
export interface KindLine {
  kind: AccountKind;
  cityBefore: number;
  countiesBefore: number;
  transferred: number;
  cityAfter: number;
  countiesAfter: number;
}

/** What the transfer did in one book (normal-side balances in fen). */
export interface BookTransfer {
  book: Book;
  journalId: number | null;
  lines: KindLine[];
}

const KIND_ORDER: readonly AccountKind[] = ['fund', 'income', 'expense', 'payable', 'clearing'];

function sumOf(
  accounts: readonly AreaAccount[],
  book: Book,
  kind: AccountKind,
  inCity: boolean,
  city: string,
) {
  return accounts
    .filter((a) => a.book === book && a.kind === kind && (a.area === city) === inCity)
    .reduce((s, a) => s + normalBalance(a), 0);
}

/** The per-book report from the accounts read before and after the journals were posted. */
export function bookReport(
  city: string,
  plans: readonly BookPlan[],
  journals: ReadonlyMap<Book, number>,
  before: readonly AreaAccount[],
  after: readonly AreaAccount[],
): BookTransfer[] {
  return plans.map((p) => ({
    book: p.book,
    journalId: journals.get(p.book) ?? null,
    lines: KIND_ORDER.filter((k) => before.some((a) => a.book === p.book && a.kind === k)).map((kind) => ({
      kind,
      cityBefore: sumOf(before, p.book, kind, true, city),
      countiesBefore: sumOf(before, p.book, kind, false, city),
      transferred: p.moved.filter((m) => m.kind === kind).reduce((s, m) => s + m.balance, 0),
      cityAfter: sumOf(after, p.book, kind, true, city),
      countiesAfter: sumOf(after, p.book, kind, false, city),
    })),
  }));
}
