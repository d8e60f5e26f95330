import type { Fen } from '../money/money.js';
import { payDues } from './apportion.js';
import { checkCities, checkFen, checkSignedFen, cityOrder } from './inputs.js';
import type { ShanxiParams } from './rule.js';
import { named, sum, Trace, y, type AdjustmentStep } from './trace.js';

/**
 * The Shanxi-style provincial adjustment fund (山西省居民医保省级统筹调剂金, seed 003), for one year:
 *   1. pay-in: each city pays `payInShare` of its fund income (按一定比例计提), rounded half up once;
 *   2. deficit: expenditure − (fund income − pay-in), when positive (各市基金收支缺口);
 *   3. cover due: `deficitCover` of the deficit (按比例分担), rounded half up once;
 *   4. the adjustment fund (its opening balance plus this year's pay-ins) pays the covers due; when
 *      it is short, it pays them pro rata by largest remainder, so it pays out exactly what it holds;
 *   5. the rest of the deficit comes from the city's accumulated balance (差额部分由各市累计结余承担)
 *      as far as the balance goes; what it cannot cover is reported as a shortfall (the source
 *      leaves it to 社会保险基金财务制度, which it does not spell out).
 */

export interface ShanxiCityInput {
  area: string;
  /** The city's fund income of the year (its contributions), in fen. */
  fundIncome: Fen;
  /** The city's fund expenditure of the year (benefits), in fen. */
  expenditure: Fen;
  /** The city's accumulated balance (累计结余) at the start of the year; negative when overdrawn. */
  balance: Fen;
}

export interface ShanxiInput {
  cities: ShanxiCityInput[];
  /** The adjustment fund's balance at the start of the year, in fen. */
  fundOpening: Fen;
}

export interface ShanxiCity {
  area: string;
  fundIncome: Fen;
  expenditure: Fen;
  balance: Fen;
  paidIn: Fen;
  deficit: Fen;
  coverDue: Fen;
  covered: Fen;
  /** coverDue − covered: what a short fund did not pay of the share due. */
  coverShortfall: Fen;
  fromBalance: Fen;
  /** What neither the fund nor the city's balance covers. */
  shortfall: Fen;
}

export interface ShanxiTotals {
  paidIn: Fen;
  deficit: Fen;
  coverDue: Fen;
  covered: Fen;
  coverShortfall: Fen;
  fromBalance: Fen;
  shortfall: Fen;
}

export interface AdjustmentFund {
  opening: Fen;
  paidIn: Fen;
  covered: Fen;
  closing: Fen;
}

export interface ShanxiResult {
  style: 'shanxi';
  cities: ShanxiCity[];
  totals: ShanxiTotals;
  fund: AdjustmentFund;
  trace: AdjustmentStep[];
}

/** Steps 1–3 for one city: pay-in, deficit, and the share of it due from the fund. */
function deficitOf(c: ShanxiCityInput, p: ShanxiParams, trace: Trace): ShanxiCity {
  const a = c.area;
  const income = { amount: c.fundIncome, name: named(a, 'fundIncome') };
  const paidIn = trace.rate(a, 'paidIn', income, p.payInShare, 'pay-in');
  const gap = c.expenditure - (c.fundIncome - paidIn);
  const deficit = trace.exact(
    a,
    'deficit',
    Math.max(0, gap),
    `max(0, expenditure ${y(c.expenditure)} − (fundIncome ${y(c.fundIncome)} − paidIn ${y(paidIn)}))`,
    [named(a, 'expenditure'), named(a, 'fundIncome'), named(a, 'paidIn')],
  );
  const base = { amount: deficit, name: named(a, 'deficit') };
  const coverDue = trace.rate(a, 'coverDue', base, p.deficitCover, 'deficit cover');
  return {
    ...{ area: a, fundIncome: c.fundIncome, expenditure: c.expenditure, balance: c.balance },
    ...{ paidIn, deficit, coverDue, covered: 0, coverShortfall: 0, fromBalance: 0, shortfall: 0 },
  };
}

/** Step 4: the fund pays the covers due, pro rata by largest remainder when it is short. */
function cover(cities: ShanxiCity[], opening: Fen, trace: Trace): AdjustmentFund {
  const parts = cities.map((c) => named(c.area, 'paidIn'));
  const paidIn = trace.exact(null, 'paidIn', sum(cities.map((c) => c.paidIn)), 'Σ paidIn', parts);
  const sumRule = `opening ${y(opening)} + paidIn ${y(paidIn)}`;
  const available = trace.exact(null, 'fund.available', opening + paidIn, sumRule, ['fundOpening', 'paidIn']);
  const due = sum(cities.map((c) => c.coverDue));
  const { paid, short } = payDues(
    available,
    cities.map((c) => c.coverDue),
  );
  cities.forEach((c, i) => {
    const rule = short
      ? `the fund holds ${y(available)} for ${y(due)} due: ${y(available)} × ${y(c.coverDue)}/${y(due)} by largest remainder`
      : `coverDue ${y(c.coverDue)}, paid in full (the fund holds ${y(available)} for ${y(due)} due)`;
    const inputs = [named(c.area, 'coverDue'), 'fund.available'];
    const rounding = short ? { rounding: 'deficit cover: largest remainder' } : {};
    c.covered = trace.add({ area: c.area, figure: 'covered', amount: paid[i]!, rule, inputs, ...rounding });
    c.coverShortfall = c.coverDue - c.covered;
  });
  const covered = sum(cities.map((c) => c.covered));
  const closeRule = `available ${y(available)} − covered ${y(covered)}`;
  const closing = trace.exact(null, 'fund.closing', available - covered, closeRule, ['fund.available']);
  return { opening, paidIn, covered, closing };
}

/** Step 5: the rest of the deficit from the city's accumulated balance; the remainder is a shortfall. */
function fromBalance(c: ShanxiCity, trace: Trace): void {
  const a = c.area;
  const rest = c.deficit - c.covered;
  const usable = Math.max(0, c.balance);
  c.fromBalance = trace.exact(
    a,
    'fromBalance',
    Math.min(rest, usable),
    `min(deficit ${y(c.deficit)} − covered ${y(c.covered)}, balance ${y(usable)})`,
    [named(a, 'deficit'), named(a, 'covered'), named(a, 'balance')],
  );
  c.shortfall = trace.exact(
    a,
    'shortfall',
    rest - c.fromBalance,
    `deficit ${y(c.deficit)} − covered ${y(c.covered)} − fromBalance ${y(c.fromBalance)}`,
    [named(a, 'deficit'), named(a, 'covered'), named(a, 'fromBalance')],
  );
}

function totalsOf(cities: ShanxiCity[]): ShanxiTotals {
  const t = (k: keyof ShanxiTotals) => sum(cities.map((c) => c[k]));
  return {
    ...{ paidIn: t('paidIn'), deficit: t('deficit'), coverDue: t('coverDue'), covered: t('covered') },
    ...{ coverShortfall: t('coverShortfall'), fromBalance: t('fromBalance'), shortfall: t('shortfall') },
  };
}

function checkInput(input: ShanxiInput): void {
  checkCities(input.cities);
  checkFen(input.fundOpening, 'fundOpening');
  for (const c of input.cities) {
    checkFen(c.fundIncome, named(c.area, 'fundIncome'));
    checkFen(c.expenditure, named(c.area, 'expenditure'));
    checkSignedFen(c.balance, named(c.area, 'balance'));
  }
}

/** Compute a year of the Shanxi-style adjustment fund exactly, with a trace of every figure. */
export function computeShanxi(params: ShanxiParams, input: ShanxiInput): ShanxiResult {
  checkInput(input);
  const trace = new Trace();
  const cities = cityOrder(input.cities).map((c) => deficitOf(c, params, trace));
  const fund = cover(cities, input.fundOpening, trace);
  for (const c of cities) fromBalance(c, trace);
  return { style: 'shanxi', cities, totals: totalsOf(cities), fund, trace: trace.steps };
}
