import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apportion } from './apportion.js';
import { computeFujian } from './fujian.js';
import type { FujianCity, FujianInput } from './fujian-types.js';
import { ALLOCATION_FACTORS, type FactorWeight, type FujianParams, type ShanxiParams } from './rule.js';
import { computeShanxi, type ShanxiInput } from './shanxi.js';

/**
 * Properties of both styles over random provinces and random rules: money is conserved to the fen,
 * the 9 % / 20 % limits hold for every city, and no figure is negative.
 */

const ref = (path: string) => ({ path, source: 'property test' });
const bp = fc.integer({ min: 0, max: 10_000 });
const fen = fc.integer({ min: 0, max: 50_000_000_000 }); // up to 500 million yuan

/** One to three factors whose weights sum to exactly 100 %. */
const factors: fc.Arbitrary<FactorWeight[]> = fc
  .shuffledSubarray([...ALLOCATION_FACTORS], { minLength: 1 })
  .chain((chosen) =>
    fc
      .array(fc.integer({ min: 0, max: 10_000 }), {
        minLength: chosen.length - 1,
        maxLength: chosen.length - 1,
      })
      .map((cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), 10_000];
        return chosen.map((factor, i) => ({ factor, weight: points[i + 1]! - points[i]! }));
      }),
  );

const fujianParams: fc.Arbitrary<FujianParams> = fc.record({
  payInShare: bp.map((value) => ({ value, ...ref('payIn') })),
  factors: factors.map((value) => ({ value, ...ref('factors') })),
  netPaymentCap: bp.map((value) => ({ value, ...ref('cap9') })),
  netReceiptCap: bp.map((value) => ({ value, ...ref('cap20') })),
  holdBack: bp.map((value) => ({ value, ...ref('holdBack') })),
  redistributionAmong: fc
    .constantFrom('net-recipients', 'all-cities')
    .map((value) => ({ value, ...ref('among') })),
});

/** Every factor is positive somewhere (a city with insured persons and a collection rate), every score too. */
const fujianInput: fc.Arbitrary<FujianInput> = fc
  .uniqueArray(fc.integer({ min: 110_000, max: 659_999 }), { minLength: 1, maxLength: 8 })
  .chain((codes) =>
    fc.record({
      cities: fc.tuple(
        ...codes.map((code) =>
          fc.record({
            area: fc.constant(String(code)),
            fundIncome: fen,
            insuredCount: fc.integer({ min: 1, max: 20_000_000 }),
            collectionRate: fc.integer({ min: 1, max: 10_000 }),
            assessmentScore: fc.integer({ min: 1, max: 10_000 }),
          }),
        ),
      ),
      riskFundOpening: fen,
    }),
  );

const money = (c: FujianCity) => [
  c.fundIncome,
  c.paidIn,
  c.allocation,
  c.netPayment,
  c.netReceipt,
  c.returnDue,
  c.returned,
  c.returnShortfall,
  c.kept,
  c.heldBack,
  c.allocationPaid,
  c.redistributed,
  c.received,
];

describe('Fujian-style adjustment: properties', () => {
  it('conserves money to the fen: paid in = allocated + kept + held back; the risk fund and the hold-back balance', () => {
    fc.assert(
      fc.property(fujianParams, fujianInput, (p, input) => {
        const { totals: t, riskFund: risk } = computeFujian(p, input);
        expect(t.allocation).toBe(t.paidIn);
        expect(t.paidIn).toBe(t.allocationPaid + t.kept + t.heldBack);
        expect(risk.opening + risk.kept).toBe(risk.returned + risk.closing);
        expect(t.redistributed).toBe(t.heldBack);
        expect(t.returnDue).toBe(t.returned + t.returnShortfall);
        expect(risk.shortfall).toBe(t.returnShortfall);
        // The identity, "kept" being what the risk fund keeps of the year after paying returns:
        expect(t.paidIn).toBe(t.allocationPaid + t.returned + (risk.closing - risk.opening) + t.heldBack);
        expect(t.received).toBe(t.allocationPaid + t.returned + t.redistributed);
      }),
    );
  });

  it('holds the 9 % and 20 % limits for every city, a return short of them reported as a shortfall', () => {
    fc.assert(
      fc.property(fujianParams, fujianInput, (p, input) => {
        for (const c of computeFujian(p, input).cities) {
          if (c.position === 'contributor') {
            expect(c.netPayment - c.returned - c.returnShortfall).toBeLessThanOrEqual(c.netPaymentCap!);
            if (c.returnDue > 0) expect(c.netPayment - c.returnDue).toBe(c.netPaymentCap);
            expect(c.kept + c.heldBack).toBe(0);
          } else if (c.position === 'recipient') {
            expect(c.netReceipt - c.kept).toBeLessThanOrEqual(c.netReceiptCap!);
            if (c.kept > 0) expect(c.netReceipt - c.kept).toBe(c.netReceiptCap);
            expect(c.returnDue).toBe(0);
          }
          if (p.redistributionAmong.value === 'net-recipients' && c.position !== 'recipient') {
            expect(c.redistributed).toBe(0);
          }
        }
      }),
    );
  });

  it('gives no negative figure and no allocation further than a fen from its exact quota', () => {
    fc.assert(
      fc.property(fujianParams, fujianInput, (p, input) => {
        const r = computeFujian(p, input);
        for (const c of r.cities) {
          for (const v of money(c)) expect(Number.isSafeInteger(v) && v >= 0).toBe(true);
          const [num, den] = c.weight.split('/').map(BigInt) as [bigint, bigint];
          const quota = (BigInt(r.totals.paidIn) * num) / den; // floor of the exact quota
          expect(BigInt(c.allocation) - quota >= 0n && BigInt(c.allocation) - quota <= 1n).toBe(true);
        }
        expect(r.riskFund.closing).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});

const shanxiParams: fc.Arbitrary<ShanxiParams> = fc.record({
  payInShare: bp.map((value) => ({ value, ...ref('payIn') })),
  deficitCover: bp.map((value) => ({ value, ...ref('cover') })),
});

const shanxiInput: fc.Arbitrary<ShanxiInput> = fc
  .uniqueArray(fc.integer({ min: 110_000, max: 659_999 }), { minLength: 1, maxLength: 8 })
  .chain((codes) =>
    fc.record({
      cities: fc.tuple(
        ...codes.map((code) =>
          fc.record({
            area: fc.constant(String(code)),
            fundIncome: fen,
            expenditure: fen,
            balance: fc.integer({ min: -5_000_000_000, max: 50_000_000_000 }),
          }),
        ),
      ),
      fundOpening: fen,
    }),
  );

describe('Shanxi-style adjustment: properties', () => {
  it('conserves money: opening + paid in = covered + closing, and each deficit is covered, borne or short', () => {
    fc.assert(
      fc.property(shanxiParams, shanxiInput, (p, input) => {
        const r = computeShanxi(p, input);
        expect(r.fund.opening + r.fund.paidIn).toBe(r.fund.covered + r.fund.closing);
        expect(r.fund.closing).toBeGreaterThanOrEqual(0);
        expect(r.totals.covered).toBe(r.fund.covered);
        const short = r.totals.coverDue > r.fund.opening + r.fund.paidIn;
        if (short) expect(r.fund.closing).toBe(0);
        for (const c of r.cities) {
          expect(c.deficit).toBe(c.covered + c.fromBalance + c.shortfall);
          expect(c.covered).toBeLessThanOrEqual(c.coverDue);
          if (!short) expect(c.covered).toBe(c.coverDue);
          expect(c.fromBalance).toBeLessThanOrEqual(Math.max(0, c.balance));
          if (c.shortfall > 0) expect(c.fromBalance).toBe(Math.max(0, c.balance));
          const figures = [
            c.paidIn,
            c.deficit,
            c.coverDue,
            c.covered,
            c.coverShortfall,
            c.fromBalance,
            c.shortfall,
          ];
          for (const v of figures) expect(Number.isSafeInteger(v) && v >= 0).toBe(true);
        }
      }),
    );
  });
});

describe('apportion', () => {
  it('splits exactly, each part the floor or the ceiling of its quota', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e12 }),
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 20n }), { minLength: 1, maxLength: 12 }),
        (total, weights) => {
          fc.pre(weights.some((w) => w > 0n));
          const shares = apportion(total, weights);
          expect(shares.reduce((s, x) => s + x.part, 0)).toBe(total);
          const den = weights.reduce((s, w) => s + w, 0n);
          shares.forEach((s, i) => {
            const floor = (BigInt(total) * weights[i]!) / den;
            expect(BigInt(s.part) === floor || BigInt(s.part) === floor + 1n).toBe(true);
          });
        },
      ),
    );
  });

  it('hands the leftover fen to the largest remainders, ties to the earlier part', () => {
    expect(apportion(10, [1n, 1n, 1n]).map((s) => s.part)).toEqual([4, 3, 3]);
    expect(apportion(100, [1n, 2n, 4n]).map((s) => s.part)).toEqual([14, 29, 57]); // 14.29, 28.57, 57.14
    expect(() => apportion(1, [0n, 0n])).toThrow(/every weight is zero/);
  });
});
