import type { Scheme } from '../../domain/policy/dimensions.js';

export type Book =
  'employee-pool' | 'personal-account' | 'resident-pool' | 'critical-illness' | 'maternity' | 'adjustment';

export type AccountKind = 'fund' | 'income' | 'expense' | 'payable' | 'personal' | 'clearing';

/** An account named by its book and code, with what it needs to be opened on first use. */
export interface AccountRef {
  book: Book;
  code: string;
  kind: AccountKind;
  area: string | null;
  owner: string | null;
  /** The side its balance is on: D for assets and expenditure, C for income and what is owed. */
  normal: 'D' | 'C';
  /** Whether its balance on the normal side must never go below zero. */
  noNegative: boolean;
}

/** The pool book of a scheme: 310 employee, 390 resident. */
export function poolBook(scheme: Scheme): Book {
  return scheme === '310' ? 'employee-pool' : 'resident-pool';
}

/** Money a fund holds in an area (its bank and deposits). */
export function fundAccount(book: Book, area: string): AccountRef {
  return { book, code: `fund:${area}`, kind: 'fund', area, owner: null, normal: 'D', noNegative: false };
}

/** A fund's income in an area: contributions and subsidies. */
export function incomeAccount(book: Book, area: string): AccountRef {
  return { book, code: `income:${area}`, kind: 'income', area, owner: null, normal: 'C', noNegative: true };
}

/**
 * A fund's benefit expenditure in an area, one sub-account per institution so that concurrent
 * settlements at different hospitals never queue on one hot row (DESIGN §11).
 */
export function expenseAccount(book: Book, area: string, institution: string): AccountRef {
  return {
    book,
    code: `expense:${area}:${institution}`,
    kind: 'expense',
    area,
    owner: institution,
    normal: 'D',
    noNegative: true,
  };
}

/**
 * A pool's expenditure on crediting personal accounts in an area (统筹基金划入个人账户, e.g. the
 * retirees' monthly credit): money the pool spends, like a benefit, but owed to no institution.
 */
export function accountCreditExpenseAccount(book: Book, area: string): AccountRef {
  return {
    book,
    code: `expense:${area}:personal-accounts`,
    kind: 'expense',
    area,
    owner: null,
    normal: 'D',
    noNegative: true,
  };
}

/** What a fund of an area owes an institution for settled claims, until it is paid. */
export function payableAccount(book: Book, area: string, institution: string): AccountRef {
  return {
    book,
    code: `payable:${area}:${institution}`,
    kind: 'payable',
    area,
    owner: institution,
    normal: 'C',
    noNegative: true,
  };
}

/** A person's personal account (个人账户): what the fund holds for them; never overdrawn. */
export function personalAccount(psnNo: string, area: string): AccountRef {
  return {
    book: 'personal-account',
    code: `personal:${psnNo}`,
    kind: 'personal',
    area,
    owner: psnNo,
    normal: 'C',
    noNegative: true,
  };
}

/** The clearing account of a book in an area, through which money moves between books. */
export function clearingAccount(book: Book, area: string): AccountRef {
  return {
    book,
    code: `clearing:${area}`,
    kind: 'clearing',
    area,
    owner: null,
    normal: 'D',
    noNegative: false,
  };
}
