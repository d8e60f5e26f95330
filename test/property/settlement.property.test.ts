/**
 * Property tests of the settlement calculator (DESIGN §6) on random packs and random claims:
 * identities, exact non-negative fen, monotonicity, purity and determinism, accumulator updates.
 * Caps over a year's sequence of claims and the calc output lines: settlement-sequence.property.test.ts.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_AMOUNT_FEN } from '../../src/domain/money/money.js';
import { settle } from '../../src/domain/settlement/calculator.js';
import { emptyAccumulators, type Accumulators, type Claim } from '../../src/domain/settlement/types.js';
import { namedTotals } from '../../src/domain/settlement/totals.js';
import { compilePack } from '../../src/policy/compile.js';
import { orNull, packArb, yuan } from './arbitraries.js';
import { amountFen, feeArb, personClaims, personYearArb, type JsonClaim } from './claim-arbitraries.js';
import { benefitOf, compileGen, domainClaim, expectWellFormed, runHistory } from './helpers.js';

const RUNS = 300;

/** A person's year: the earlier claims build the accumulators, the last one is the claim under test. */
function historyAndTarget(claims: JsonClaim[]): { history: Claim[]; target: Claim } {
  const all = claims.map(domainClaim);
  return { history: all.slice(0, -1), target: all[all.length - 1]! };
}

describe('settlement identities (DESIGN §6)', () => {
  it('every settlement is whole non-negative fen and satisfies the setlinfo identities', () => {
    fc.assert(
      fc.property(packArb, personYearArb, (g, { person, visits }) => {
        const { pack } = compileGen(g);
        let acc: Accumulators = emptyAccumulators();
        for (const claim of personClaims(person, visits).map(domainClaim)) {
          const r = settle(pack, claim, acc);
          if (!r.ok) continue;
          expectWellFormed(r.settlement, claim);
          acc = r.after;
        }
      }),
      { numRuns: RUNS },
    );
  });
});

type Growth =
  { kind: 'add-line'; fee: JsonClaim['fees'][number] } | { kind: 'raise-line'; index: number; by: number };

const growthArb: fc.Arbitrary<Growth> = fc.oneof(
  feeArb.map((fee) => ({ kind: 'add-line' as const, fee })),
  fc.record({
    kind: fc.constant('raise-line' as const),
    index: fc.nat(),
    // A few fen, about a segment's width, or anything up to a large line.
    by: fc.oneof(
      fc.integer({ min: 1, max: 100 }),
      fc.integer({ min: 1, max: 5_000_000 }),
      amountFen.map((a) => a + 1),
    ),
  }),
);

/** The claim with one more line or one line raised; unchanged if that would pass the claim limit. */
function grow(c: JsonClaim, growth: Growth): JsonClaim {
  const fen = (y: number) => Math.round(y * 100);
  const total = c.fees.reduce((sum, f) => sum + fen(f.det_item_fee_sumamt), 0);
  const added = growth.kind === 'add-line' ? fen(growth.fee.det_item_fee_sumamt) : growth.by;
  if (total + added > MAX_AMOUNT_FEN) return c;
  if (growth.kind === 'add-line') return { ...c, fees: [...c.fees, growth.fee] };
  const i = growth.index % c.fees.length;
  const fees = c.fees.map((f, j) =>
    j === i ? { ...f, det_item_fee_sumamt: yuan(fen(f.det_item_fee_sumamt) + growth.by) } : f,
  );
  return { ...c, fees };
}

describe('monotonicity (DESIGN §6: a larger bill never gets a smaller fund payment)', () => {
  it('adding fee lines or raising lines, step by step, never lowers fund_pay_sumamt nor hifp_pay', () => {
    fc.assert(
      fc.property(
        packArb,
        personYearArb,
        fc.array(growthArb, { minLength: 1, maxLength: 8 }),
        (g, { person, visits }, growths) => {
          const { pack } = compileGen(g);
          const claims = personClaims(person, visits);
          const { history, target } = historyAndTarget(claims);
          const acc = runHistory(pack, history);
          let json = claims[claims.length - 1]!;
          let small = settle(pack, target, acc);
          for (const growth of growths) {
            json = grow(json, growth);
            const large = settle(pack, domainClaim(json), acc);
            // Whether a claim is refused depends on the pack and the claim's dimensions, not its amounts.
            expect(large.ok).toBe(small.ok);
            if (!small.ok || !large.ok) return;
            expect(large.settlement.medfeeSum).toBeGreaterThanOrEqual(small.settlement.medfeeSum);
            expect(large.settlement.fundPaySum).toBeGreaterThanOrEqual(small.settlement.fundPaySum);
            expect(large.settlement.poolPay).toBeGreaterThanOrEqual(small.settlement.poolPay);
            small = large;
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('purity and determinism', () => {
  it('settling twice gives identical outcomes; the accumulators and claim passed in are never changed', () => {
    fc.assert(
      fc.property(packArb, personYearArb, fc.nat(), fc.boolean(), (g, { person, visits }, at, explain) => {
        const { pack } = compileGen(g);
        const claims = personClaims(person, visits).map(domainClaim);
        const k = at % claims.length;
        const target = claims[k]!;
        const before = runHistory(pack, claims.slice(0, k));
        const beforeCopy = structuredClone(before);
        const claimCopy = structuredClone(target);
        const first = settle(pack, target, before, explain);
        const second = settle(pack, target, before, explain);
        expect(second).toEqual(first);
        expect(target).toEqual(claimCopy);
        if (!first.ok) {
          expect(['POLICY_GAP', 'INVALID_CLAIM']).toContain(first.error.code);
          expect(first.error.path.length).toBeGreaterThan(0);
        }
        // Whatever happens next in the year (from `after`, or from `before` again after a refusal),
        // `before` stays as it was: a caller may keep it, e.g. to undo the claim.
        let acc = first.ok ? first.after : before;
        for (const c of claims.slice(k + 1)) {
          const r = settle(pack, c, acc);
          if (r.ok) acc = r.after;
        }
        expect(before).toEqual(beforeCopy);
      }),
      { numRuns: RUNS },
    );
  });
});

const priorArb = fc.record({
  deductible_used: fc.integer({ min: 0, max: 300_000 }).map(yuan),
  pool_paid: fc
    .oneof(fc.integer({ min: 0, max: 500_000 }), fc.integer({ min: 0, max: 50_000_000 }))
    .map(yuan),
  admissions: fc.integer({ min: 0, max: 5 }),
});

describe('accumulators after a settlement (DESIGN §6 State)', () => {
  it('pool paid per cap, deductible used, admissions and layer paid move by exactly this claim', () => {
    fc.assert(
      fc.property(
        packArb,
        personYearArb,
        fc.array(orNull(priorArb, 60), { minLength: 8, maxLength: 8 }),
        (g, { person, visits }, priors) => {
          const { pack } = compileGen(g);
          const claims = personClaims(person, visits).map((c, i) => {
            const prior = priors[i];
            return domainClaim(prior ? { ...c, prior } : c);
          });
          let before = emptyAccumulators();
          for (const claim of claims) {
            const r = settle(pack, claim, before);
            if (!r.ok) continue;
            const s = r.settlement;
            const after = r.after;
            // Counters by name: the layout is the pack's (src/domain/settlement/totals.ts).
            const nb = namedTotals(pack, before);
            const na = namedTotals(pack, after);
            const benefit = benefitOf(pack, claim)!;
            const caps = benefit.caps ?? [];
            const prior = claim.prior;

            for (const key of new Set([...Object.keys(nb.poolPaid), ...Object.keys(na.poolPaid), ...caps])) {
              if (caps.includes(key)) {
                const start = prior ? prior.poolPaid : (nb.poolPaid[key] ?? 0);
                expect(na.poolPaid[key], `pool paid on cap ${key}`).toBe(start + s.poolPay);
              } else {
                expect(na.poolPaid[key], `cap ${key} not used by ${benefit.id}`).toBe(nb.poolPaid[key]);
              }
            }

            const group = benefit.deductible?.group;
            for (const key of new Set([
              ...Object.keys(nb.deductibleUsed),
              ...Object.keys(na.deductibleUsed),
            ])) {
              if (key !== group) expect(na.deductibleUsed[key], `group ${key}`).toBe(nb.deductibleUsed[key]);
            }
            if (group !== undefined) {
              const start = prior ? prior.deductibleUsed : (nb.deductibleUsed[group] ?? 0);
              expect(na.deductibleUsed[group] ?? 0, `deductible used in ${group}`).toBe(start + s.deductible);
            }

            const admissionsBefore = prior ? prior.admissions : nb.admissions;
            expect(na.admissions).toBe(admissionsBefore + (claim.medType === '21' ? 1 : 0));

            const layerPays = {
              largeAmount: s.largeAmountPay,
              criticalIllness: s.criticalIllnessPay,
              assistance: s.assistancePay,
            };
            for (const [kind, pay] of Object.entries(layerPays)) {
              expect(na.layerPaid[kind] ?? 0, `${kind} paid`).toBe((nb.layerPaid[kind] ?? 0) + pay);
              expect(na.layerBase[kind] ?? 0).toBeGreaterThanOrEqual(nb.layerBase[kind] ?? 0);
            }
            before = after;
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});

/** n / d rounded half up, in BigInt (the oracle for exact rounding). */
function exactRound(n: bigint, d: bigint): bigint {
  const q = n / d;
  return (n - q * d) * 2n >= d ? q + 1n : q;
}

/** One employee inpatient benefit (no deductible, flat rate, one cap) and a 100 % large-amount layer. */
function largeAmountPack(bp: number, capFen: number) {
  const source = 'a sentence quoted from the generated test source';
  const doc = {
    id: 'large-amount',
    version: '1',
    title: 'large amounts',
    region: 'prop',
    document: 'generated',
    poolingLevel: 'city',
    validFrom: '2024-01-01',
    benefits: [
      {
        id: 'inpatient',
        name: 'inpatient',
        schemes: ['310'],
        medTypes: ['21'],
        deductible: { basis: 'per-admission', source, values: { '2024-01-01': [{ amount: 0 }] } },
        rate: { source, values: { '2024-01-01': [{ rate: bp / 10_000 }] } },
        caps: ['pool'],
      },
    ],
    caps: { pool: { source, values: { '2024-01-01': [{ amount: yuan(capFen) }] } } },
    layers: {
      largeAmount: {
        source,
        schemes: ['310'],
        values: { '2024-01-01': [{ threshold: 0, rate: '100%', cap: 'none' }] },
      },
    },
  };
  return compilePack(doc, JSON.stringify(doc), 'large-amount');
}

describe('exact rounding at large amounts (DESIGN §4: computed in integers, rounded once, half up)', () => {
  it('the large-amount layer pays exactly the rounded part of the base the capped pool left unpaid', () => {
    // The rule of layers.ts: base × (uncapped − pool paid) / uncapped, rounded half up. A cap of half
    // the uncapped pool payment makes that exactly base / 2: a half-fen for every odd base. The product
    // passes 2^53 from bills of about 1.4 million yuan: at 89d2f69 a 1,377,044.95-yuan bill at 95 % with
    // 654,096.35 left under the cap got hifob_pay 688,522.47 instead of 688,522.48.
    const caseArb = fc
      .record({
        base: fc.integer({ min: 1_000_000, max: 5_000_000_000 }),
        bp: fc.integer({ min: 1, max: 10_000 }),
        share: fc.oneof(fc.constant(0.5), fc.double({ min: 0, max: 1, noNaN: true })),
      })
      .map(({ base, bp, share }) => {
        const uncapped = Number(exactRound(BigInt(base) * BigInt(bp), 10_000n));
        return { base, bp, cap: Math.floor(uncapped * share), uncapped };
      });
    fc.assert(
      fc.property(caseArb, ({ base, bp, cap, uncapped }) => {
        const pack = largeAmountPack(bp, cap);
        const claim = domainClaim({
          claim_id: 'c1',
          psn_no: 'P1',
          insutype: '310',
          psn_type: '1101',
          age: 50,
          psn_tags: [],
          med_type: '21',
          fixmedins_code: 'H3',
          fixmedins_lv: '3',
          insuplc_admdvs: '140105',
          mdtrtarea_admvs: '140105',
          setl_date: '2024-03-01',
          dise_codes: [],
          acct_used_flag: '0',
          acct_balc: 0,
          fees: [{ code: 'a', chrgitm_lv: '01', det_item_fee_sumamt: yuan(base) }],
        });
        const r = settle(pack, claim, emptyAccumulators());
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        const pay = Math.min(uncapped, cap);
        expect(r.settlement.poolPay).toBe(pay);
        const want =
          pay >= uncapped ? 0n : exactRound(BigInt(base) * BigInt(uncapped - pay), BigInt(uncapped));
        expect(r.settlement.largeAmountPay).toBe(Number(want));
      }),
      { numRuns: RUNS },
    );
  });
});
