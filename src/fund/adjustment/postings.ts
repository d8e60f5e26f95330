import type { FujianResult, ShanxiResult } from '../../domain/adjustment/index.js';
import type { Fen } from '../../domain/money/money.js';
import type { Scheme } from '../../domain/policy/dimensions.js';
import { clearingAccount, fundAccount, poolBook, type AccountRef } from '../ledger/accounts.js';
import type { Transfer } from '../ledger/service.js';
import {
  ADJUSTMENT_BOOK,
  adjustmentFundAccount,
  cityPayInAccount,
  cityReceiptAccount,
  heldBackAccount,
  paidToCityAccount,
  payInReceivedAccount,
  riskFundAccount,
  type PaidFigure,
} from './accounts.js';

/**
 * The transfers of one adjustment year, for one atomic journal. Money crosses between a city's pool
 * book and the adjustment book through the clearing account of each, as a retiree's account credit
 * does (fund/contributions.ts): each book balances, and each clearing account nets to zero within
 * the journal. A figure of 0 posts nothing (a posting moves a positive amount).
 */

interface Frame {
  province: string;
  scheme: Scheme;
}

/** A city pays in:  pool: Dr adjustment-out:CITY Cr clearing, Dr clearing Cr fund:CITY;
 *  adjustment: Dr fund:PROV Cr clearing:CITY, Dr clearing:CITY Cr income:CITY. */
function payIn(f: Frame, city: string, amount: Fen): Transfer[] {
  if (amount === 0) return [];
  const book = poolBook(f.scheme);
  const poolClearing = clearingAccount(book, city);
  const fundClearing = clearingAccount(ADJUSTMENT_BOOK, city);
  return [
    { debit: cityPayInAccount(book, city), credit: poolClearing, amount },
    { debit: poolClearing, credit: fundAccount(book, city), amount },
    { debit: adjustmentFundAccount(f.province, f.scheme), credit: fundClearing, amount },
    { debit: fundClearing, credit: payInReceivedAccount(city, f.scheme), amount },
  ];
}

/** The fund pays a city from one of its accounts:  adjustment: Dr expense:CITY:FIGURE Cr clearing,
 *  Dr clearing Cr the paying account; pool: Dr fund:CITY Cr clearing, Dr clearing Cr adjustment-in:CITY. */
function payOut(f: Frame, city: string, figure: PaidFigure, from: AccountRef, amount: Fen): Transfer[] {
  if (amount === 0) return [];
  const book = poolBook(f.scheme);
  const poolClearing = clearingAccount(book, city);
  const fundClearing = clearingAccount(ADJUSTMENT_BOOK, city);
  return [
    { debit: paidToCityAccount(city, f.scheme, figure), credit: fundClearing, amount },
    { debit: fundClearing, credit: from, amount },
    { debit: fundAccount(book, city), credit: poolClearing, amount },
    { debit: poolClearing, credit: cityReceiptAccount(book, city), amount },
  ];
}

/** A move inside the adjustment book (the keep into the risk fund, the hold-back). */
function inside(debit: AccountRef, credit: AccountRef, amount: Fen): Transfer[] {
  return amount === 0 ? [] : [{ debit, credit, amount }];
}

/**
 * Fujian: per city the pay-in, the keep and the hold-back (adjustment fund → risk fund / held-back),
 * then what it is paid: allocation (from the adjustment fund), return (from the risk fund) and
 * redistribution (from the held-back money).
 */
export function fujianTransfers(f: Frame, r: FujianResult): Transfer[] {
  const fund = adjustmentFundAccount(f.province, f.scheme);
  const risk = riskFundAccount(f.province, f.scheme);
  const held = heldBackAccount(f.province, f.scheme);
  return r.cities.flatMap((c) => [
    ...payIn(f, c.area, c.paidIn),
    ...inside(risk, fund, c.kept),
    ...inside(held, fund, c.heldBack),
    ...payOut(f, c.area, 'allocation', fund, c.allocationPaid),
    ...payOut(f, c.area, 'return', risk, c.returned),
    ...payOut(f, c.area, 'redistribution', held, c.redistributed),
  ]);
}

/** Shanxi: per city the pay-in, then the deficit cover paid from the adjustment fund. */
export function shanxiTransfers(f: Frame, r: ShanxiResult): Transfer[] {
  const fund = adjustmentFundAccount(f.province, f.scheme);
  return r.cities.flatMap((c) => [
    ...payIn(f, c.area, c.paidIn),
    ...payOut(f, c.area, 'deficit-cover', fund, c.covered),
  ]);
}
