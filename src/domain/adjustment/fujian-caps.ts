import type { Fen } from '../money/money.js';
import { apportion, fractionText, payDues } from './apportion.js';
import type { FujianCity, RiskFund, Working } from './fujian-types.js';
import { AdjustmentRefusal, type FujianParams } from './rule.js';
import { named, sum, y, type Trace } from './trace.js';

/** Steps 3–6 of the Fujian-style year (see fujian.ts): net, caps, returns, hold-back, redistribution. */

/** A net contributor (净上缴): its net payment, the 9 % cap and the return due above it. */
function contributor(w: Working, p: FujianParams, trace: Trace): void {
  const a = w.area;
  w.position = 'contributor';
  const net = w.paidIn - w.allocation;
  const rule = `净上缴: paidIn ${y(w.paidIn)} − allocation ${y(w.allocation)}`;
  w.netPayment = trace.exact(a, 'netPayment', net, rule, [named(a, 'paidIn'), named(a, 'allocation')]);
  const income = { amount: w.fundIncome, name: named(a, 'fundIncome') };
  const cap = trace.rate(a, 'netPaymentCap', income, p.netPaymentCap, 'net-payment cap');
  w.netPaymentCap = cap;
  const due = `max(0, netPayment ${y(net)} − cap ${y(cap)}): the part above the cap is returned`;
  const inputs = [named(a, 'netPayment'), named(a, 'netPaymentCap')];
  w.returnDue = trace.exact(a, 'returnDue', Math.max(0, net - cap), due, inputs, p.netPaymentCap);
}

/** A net recipient (净拨付): its net receipt, the 20 % cap and what is kept above it. */
function recipient(w: Working, p: FujianParams, trace: Trace): void {
  const a = w.area;
  w.position = 'recipient';
  const net = w.allocation - w.paidIn;
  const rule = `净拨付: allocation ${y(w.allocation)} − paidIn ${y(w.paidIn)}`;
  w.netReceipt = trace.exact(a, 'netReceipt', net, rule, [named(a, 'allocation'), named(a, 'paidIn')]);
  const income = { amount: w.fundIncome, name: named(a, 'fundIncome') };
  const cap = trace.rate(a, 'netReceiptCap', income, p.netReceiptCap, 'net-receipt cap');
  w.netReceiptCap = cap;
  const kept = `max(0, netReceipt ${y(net)} − cap ${y(cap)}): the part above the cap is kept for the risk fund`;
  const inputs = [named(a, 'netReceipt'), named(a, 'netReceiptCap')];
  w.kept = trace.exact(a, 'kept', Math.max(0, net - cap), kept, inputs, p.netReceiptCap);
}

/** Steps 3–4: the net position and the cap that applies to it (none for a city that is even). */
export function applyCaps(w: Working, p: FujianParams, trace: Trace): void {
  if (w.paidIn > w.allocation) contributor(w, p, trace);
  else if (w.allocation > w.paidIn) recipient(w, p, trace);
}

/** Returns due, paid from the risk fund (opening + this year's keep); pro rata when it is short. */
export function payReturns(cities: Working[], opening: Fen, trace: Trace): RiskFund {
  const kept = sum(cities.map((c) => c.kept));
  const sumRule = `opening ${y(opening)} + kept this year ${y(kept)}`;
  const available = trace.exact(null, 'riskFund.available', opening + kept, sumRule, [
    'riskFundOpening',
    'kept',
  ]);
  const due = sum(cities.map((c) => c.returnDue));
  const { paid, short } = payDues(
    available,
    cities.map((c) => c.returnDue),
  );
  cities.forEach((c, i) => {
    if (c.returnDue === 0) return;
    const rule = short
      ? `the risk fund holds ${y(available)} for ${y(due)} due: ${y(available)} × ${y(c.returnDue)}/${y(due)} by largest remainder`
      : `returnDue ${y(c.returnDue)}, paid in full from the risk fund (it holds ${y(available)} for ${y(due)} due)`;
    const inputs = [named(c.area, 'returnDue'), 'riskFund.available'];
    const rounding = short ? { rounding: 'returns: largest remainder' } : {};
    c.returned = trace.add({ area: c.area, figure: 'returned', amount: paid[i]!, rule, inputs, ...rounding });
    const gap = `returnDue ${y(c.returnDue)} − returned ${y(c.returned)}: not paid, the risk fund is short`;
    c.returnShortfall = trace.exact(c.area, 'returnShortfall', c.returnDue - c.returned, gap, inputs);
  });
  const returned = sum(cities.map((c) => c.returned));
  const closeRule = `available ${y(available)} − returned ${y(returned)}`;
  const closing = trace.exact(null, 'riskFund.closing', available - returned, closeRule, [
    'riskFund.available',
  ]);
  return { opening, kept, returned, closing, shortfall: due - returned };
}

/** Step 5: the hold-back of what a net recipient obtains of its allocation (after the keep). */
export function holdBack(w: Working, p: FujianParams, trace: Trace): void {
  if (w.position !== 'recipient') return;
  const inputs = [named(w.area, 'allocation'), named(w.area, 'kept')];
  w.heldBack = trace.rate(
    w.area,
    'heldBack',
    { amount: w.allocation - w.kept, name: `(${inputs.join(' − ')})`, inputs },
    p.holdBack,
    'hold-back',
  );
}

/** Step 6: the year-end redistribution of the money held back, in proportion to assessment scores. */
export function redistribute(cities: Working[], p: FujianParams, trace: Trace): void {
  const held = sum(cities.map((c) => c.heldBack));
  trace.exact(
    null,
    'heldBack',
    held,
    `Σ heldBack = ${y(held)}`,
    cities.map((c) => named(c.area, 'heldBack')),
  );
  const among = p.redistributionAmong;
  const eligible = (c: Working) => among.value === 'all-cities' || c.position === 'recipient';
  const scores = cities.map((c) => (eligible(c) ? BigInt(c.assessmentScore) : 0n));
  const total = scores.reduce((s, v) => s + v, 0n);
  if (held > 0 && total === 0n) {
    const message = `${y(held)} is held back but every city that shares it (${among.value}) has an assessment score of 0`;
    throw new AdjustmentRefusal('INVALID_INPUT', message, 'assessmentScore');
  }
  const shares = apportion(held, scores);
  cities.forEach((c, i) => {
    if (!eligible(c)) return;
    const s = shares[i]!;
    const score = `${c.assessmentScore / 100}/${Number(total) / 100}`;
    const extra = s.plusOne ? ' + 1 fen of the leftover' : '';
    const rule = `heldBack ${y(held)} × score ${score} = ${fractionText(s.quotaNum, s.den)} fen; floor ${y(s.floor)}${extra} = ${y(s.part)} (largest remainder)`;
    const inputs = ['heldBack', named(c.area, 'assessmentScore')];
    const ref = { param: among.path, source: among.source, rounding: 'redistribution: largest remainder' };
    c.redistributed = trace.add({
      area: c.area,
      figure: 'redistributed',
      amount: s.part,
      rule,
      inputs,
      ...ref,
    });
  });
}

/** What the city is paid: its allocation less the keep and the hold-back, plus returns and redistribution. */
export function settle(w: Working, trace: Trace): FujianCity {
  const a = w.area;
  const paid = w.allocation - w.kept - w.heldBack;
  const rule = `allocation ${y(w.allocation)} − kept ${y(w.kept)} − heldBack ${y(w.heldBack)}`;
  const from = [named(a, 'allocation'), named(a, 'kept'), named(a, 'heldBack')];
  w.allocationPaid = trace.exact(a, 'allocationPaid', paid, rule, from);
  const received = w.allocationPaid + w.returned + w.redistributed;
  const sumRule = `allocationPaid ${y(paid)} + returned ${y(w.returned)} + redistributed ${y(w.redistributed)}`;
  const parts = [named(a, 'allocationPaid'), named(a, 'returned'), named(a, 'redistributed')];
  w.received = trace.exact(a, 'received', received, sumRule, parts);
  const city: FujianCity & { assessmentScore?: number } = { ...w };
  delete city.assessmentScore;
  return city;
}
