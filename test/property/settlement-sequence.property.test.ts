/**
 * Property tests over a year of claims and over the calc output: caps, layer caps and the annual
 * deductible are never exceeded by any sequence of one person's claims (DESIGN §6); a refused claim
 * leaves the running totals as they were; calc result lines carry exact two-decimal yuan (specs/calc.md).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { settle } from '../../src/domain/settlement/calculator.js';
import { emptyAccumulators, type Accumulators } from '../../src/domain/settlement/types.js';
import { CalcSession } from '../../src/settlement/calc-session.js';
import {
  evalTable,
  LAYER_KINDS,
  layerRuleArb,
  packArb,
  tableValues,
  VALID_FROM,
  type GenLayerRule,
  type GenPack,
  type GenRateRule,
  type LayerKind,
} from './arbitraries.js';
import { claimDims, personClaims, personYearArb, type JsonClaim } from './claim-arbitraries.js';
import { compileGen, domainClaim } from './helpers.js';

const RUNS = 300;

const LAYER_PAY = {
  largeAmount: 'largeAmountPay',
  criticalIllness: 'criticalIllnessPay',
  assistance: 'assistancePay',
} as const;

describe('caps over any sequence of one person’s claims in one year', () => {
  it('pool paid per cap, layer paid and annual deductible taken stay within the values in force', () => {
    fc.assert(
      fc.property(packArb, personYearArb, (g, { person, visits }) => {
        const { pack, specs } = compileGen(g);
        let acc: Accumulators = emptyAccumulators();
        const poolPaid: Record<string, number> = {};
        const layerPaid: Record<string, number> = {};
        const deductibleUsed: Record<string, number> = {};
        let admissions = 0;
        for (const json of personClaims(person, visits)) {
          const claim = domainClaim(json);
          const r = settle(pack, claim, acc);
          if (!r.ok) continue;
          const s = r.settlement;
          const dims = claimDims(json);
          const date = json.setl_date;
          const spec = specs.find(
            (b) => b.schemes.includes(claim.scheme) && b.medTypes.includes(json.med_type),
          )!;

          for (const capId of spec.body.caps ?? []) {
            poolPaid[capId] = (poolPaid[capId] ?? 0) + s.poolPay;
            const cap = evalTable(g.caps[capId]!, dims, date);
            expect(cap.kind, `cap ${capId} is stated for a settled claim`).toBe('value');
            if (cap.kind !== 'value') continue;
            if (s.poolPay > 0)
              expect(poolPaid[capId], `Σ hifp_pay under ${capId}`).toBeLessThanOrEqual(cap.value);
            expect(poolPaid[capId]).toBeLessThanOrEqual(Math.max(...tableValues(g.caps[capId]!)));
          }

          for (const kind of LAYER_KINDS) {
            const pay = s[LAYER_PAY[kind]];
            layerPaid[kind] = (layerPaid[kind] ?? 0) + pay;
            if (pay === 0) continue;
            const rule = layerRuleFor(g, kind, json);
            expect(rule, `${kind} pays only where it applies and is in force`).not.toBeNull();
            if (rule && rule.cap !== null) expect(layerPaid[kind], `Σ ${kind}`).toBeLessThanOrEqual(rule.cap);
          }

          const d = spec.body.deductible!;
          const waived = d.waivedFor?.some((t) => json.psn_tags.includes(t)) ?? false;
          if (waived) expect(s.deductible, 'waived deductible').toBe(0);
          deductibleUsed[spec.group] = (deductibleUsed[spec.group] ?? 0) + s.deductible;
          if (s.deductible > 0) {
            const amount = deductibleAmount(d, dims, date, admissions + 1);
            expect(amount, 'the deductible in force is stated').not.toBeNull();
            const taken = d.basis === 'annual' ? deductibleUsed[spec.group]! : s.deductible;
            expect(taken, `${d.basis} deductible taken`).toBeLessThanOrEqual(amount ?? -1);
          }

          if (claim.medType === '21') admissions += 1;
          acc = r.after;
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('critical-illness and assistance layers work on the year’s cumulative out-of-pocket', () => {
  it('over a year, a layer with one fixed rule and no cap pays exactly rule(Σ base − threshold)', () => {
    fc.assert(
      fc.property(packArb, layerRuleArb, layerRuleArb, personYearArb, (g0, ci, as, { person, visits }) => {
        const g = withFixedLayers(g0, {
          criticalIllness: { ...ci, cap: null },
          assistance: { ...as, cap: null },
        });
        const { pack } = compileGen(g);
        const base = { criticalIllness: 0, assistance: 0 };
        const paid = { criticalIllness: 0, assistance: 0 };
        let acc = emptyAccumulators();
        for (const json of personClaims(person, visits)) {
          const r = settle(pack, domainClaim(json), acc);
          if (!r.ok) continue;
          const s = r.settlement;
          // DESIGN §5: critical illness on the in-scope out-of-pocket; assistance on what is left after it.
          const outOfPocket = s.inScope - s.poolPay - s.largeAmountPay;
          if (layerRuleFor(g, 'criticalIllness', json)) base.criticalIllness += outOfPocket;
          if (layerRuleFor(g, 'assistance', json)) base.assistance += outOfPocket - s.criticalIllnessPay;
          paid.criticalIllness += s.criticalIllnessPay;
          paid.assistance += s.assistancePay;
          acc = r.after;
        }
        const rules = { criticalIllness: ci, assistance: as };
        for (const kind of ['criticalIllness', 'assistance'] as const) {
          const { rule, threshold } = rules[kind];
          expect(paid[kind], `Σ ${kind} on Σ base ${base[kind]}`).toBe(
            marginal(rule, Math.max(0, base[kind] - threshold)),
          );
        }
      }),
      { numRuns: RUNS },
    );
  });
});

/** The pack with these layers given by one rule for the whole year (who they apply to is kept). */
function withFixedLayers(g: GenPack, rules: Partial<Record<LayerKind, GenLayerRule>>): GenPack {
  const layers = { ...g.layers };
  for (const [kind, rule] of Object.entries(rules) as [LayerKind, GenLayerRule][]) {
    const was = g.layers[kind];
    layers[kind] = {
      schemes: was?.schemes ?? ['310', '390'],
      medTypes: was?.medTypes ?? null,
      requiresTag: was?.requiresTag ?? null,
      table: { by: null, versions: [{ from: VALID_FROM, cells: [rule] }] },
    };
  }
  return { ...g, layers };
}

/** amount × rule, by marginal brackets, rounded once half up (an oracle independent of rates.ts). */
function marginal(rule: GenRateRule, amount: number): number {
  let sum = 0;
  let lower = 0;
  const segments = rule.kind === 'flat' ? [{ upTo: null, rate: rule.rate }] : rule.segments;
  for (const seg of segments) {
    const upper = seg.upTo === null ? amount : Math.min(amount, seg.upTo);
    if (upper > lower) sum += (upper - lower) * seg.rate.bp;
    lower = Math.max(lower, upper);
  }
  return Math.floor((2 * sum + 10_000) / 20_000);
}

/** The layer rule a claim falls under, or null when the layer does not apply to it (read from GenPack). */
function layerRuleFor(g: GenPack, kind: LayerKind, c: JsonClaim) {
  const l = g.layers[kind];
  if (!l || !l.schemes.includes(c.insutype)) return null;
  if (l.medTypes && !l.medTypes.includes(c.med_type)) return null;
  if (l.requiresTag && !c.psn_tags.includes(l.requiresTag)) return null;
  const r = evalTable(l.table, claimDims(c), c.setl_date);
  return r.kind === 'value' ? r.value : null;
}

/** The deductible amount in force for the n-th admission (nth-admission rule first, else the table). */
function deductibleAmount(
  d: NonNullable<GenPack['bodies'][number]['deductible']>,
  dims: ReturnType<typeof claimDims>,
  date: string,
  admissionNo: number,
): number | null {
  const nth = d.nth
    .filter((n) => n.from <= date && n.fromAdmission <= admissionNo)
    .sort((a, b) => b.fromAdmission - a.fromAdmission)[0];
  if (nth) return nth.amount;
  const v = d.table ? evalTable(d.table, dims, date) : null;
  return v?.kind === 'value' ? v.value : null;
}

/**
 * A pack whose assistance layer (applied to everyone) is declared absent at level-3 institutions:
 * such claims are refused only after the deductible and the pool have worked on their accumulators.
 */
function withLateGap(g: GenPack): GenPack {
  const rule = {
    threshold: 0,
    rule: { kind: 'flat' as const, rate: { bp: 5000, asPercent: true } },
    cap: null,
  };
  return {
    ...g,
    layers: {
      ...g.layers,
      assistance: {
        schemes: ['310', '390'],
        medTypes: null,
        requiresTag: null,
        table: { by: 'level', versions: [{ from: '2024-01-01', cells: [rule, rule, rule, null] }] },
      },
    },
  };
}

describe('a refused claim leaves the running totals untouched', () => {
  it('the other claims settle exactly as if the refused ones were not in the file', () => {
    fc.assert(
      fc.property(packArb, personYearArb, fc.boolean(), (g0, { person, visits }, lateGap) => {
        const g = lateGap ? withLateGap(g0) : g0;
        const { pack } = compileGen(g);
        const lines = personClaims(person, visits).flatMap((c, i) => [
          JSON.stringify(c),
          // Before the pack starts (POLICY_GAP), and malformed (INVALID_CLAIM): refused either way.
          JSON.stringify({ ...c, claim_id: `early-${i}`, setl_date: '2023-12-31' }),
          JSON.stringify({
            ...c,
            claim_id: `bad-${i}`,
            fees: [{ ...c.fees[0], det_item_fee_sumamt: 1.005 }],
          }),
        ]);
        const all = new CalcSession(pack, false);
        const outAll = lines.map((l, i) => all.settleLine(l, i + 1));
        const kept = lines.filter((_, i) => !JSON.parse(outAll[i]!).error);
        const clean = new CalcSession(pack, false);
        const outClean = kept.map((l, i) => clean.settleLine(l, i + 1));
        expect(outClean).toEqual(outAll.filter((o) => !JSON.parse(o).error));
        expect(all.refused).toBeGreaterThanOrEqual((2 * lines.length) / 3);
        expect(clean.refused).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
});

const TWO_DECIMALS = /^\d+(\.\d{1,2})?$/;
const FOUR_DECIMALS = /^\d+(\.\d{1,4})?$/;

/** Every number anywhere in a value (trace included): plain decimals, no float noise. */
function numbersIn(v: unknown, out: number[] = []): number[] {
  if (typeof v === 'number') out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => numbersIn(x, out));
  else if (v && typeof v === 'object') Object.values(v).forEach((x) => numbersIn(x, out));
  return out;
}

describe('calc output lines (specs/calc.md)', () => {
  it('amounts are exact two-decimal yuan and satisfy the identities in fen', () => {
    const peopleArb = fc.array(personYearArb, { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(packArb, peopleArb, fc.boolean(), (g, people, explain) => {
        const { pack } = compileGen(g);
        const claims = people
          .flatMap(({ person, visits }, p) =>
            personClaims({ ...person, psn_no: `P${p}` }, visits).map((c) => ({
              ...c,
              claim_id: `p${p}-${c.claim_id}`,
            })),
          )
          .sort((a, b) => a.setl_date.localeCompare(b.setl_date));
        const session = new CalcSession(pack, explain);
        claims.forEach((c, i) => {
          const out = JSON.parse(session.settleLine(JSON.stringify(c), i + 1));
          expect(out.claim_id).toBe(c.claim_id);
          if (out.error) {
            expect(['POLICY_GAP', 'INVALID_CLAIM']).toContain(out.error.code);
            return;
          }
          const info = out.setlinfo as Record<string, number>;
          const fen: Record<string, number> = {};
          for (const [k, x] of Object.entries(info)) {
            if (k === 'pool_prop_selfpay') {
              expect(String(x), k).toMatch(FOUR_DECIMALS);
              expect(x).toBeLessThanOrEqual(1);
              continue;
            }
            expect(String(x), `${k} = ${x}`).toMatch(TWO_DECIMALS);
            expect(Number.isInteger(Math.round(x * 100)) && Math.round(x * 100) / 100 === x, k).toBe(true);
            fen[k] = Math.round(x * 100);
          }
          const f = (k: string) => fen[k]!;
          expect(
            f('fulamt_ownpay_amt') + f('overlmt_selfpay') + f('preselfpay_amt') + f('inscp_scp_amt'),
          ).toBe(f('medfee_sumamt'));
          expect(f('hifp_pay') + f('hifob_pay') + f('hifmi_pay') + f('maf_pay')).toBe(f('fund_pay_sumamt'));
          expect(f('medfee_sumamt') - f('fund_pay_sumamt')).toBe(f('psn_part_amt'));
          expect(f('acct_pay') + f('psn_cash_pay')).toBe(f('psn_part_amt'));
          expect(f('balc')).toBe(Math.round(c.acct_balc * 100) - f('acct_pay'));
          let detail = 0;
          for (const d of out.setldetail as { fund_pay_type: string; fund_payamt: number }[]) {
            expect(String(d.fund_payamt), d.fund_pay_type).toMatch(TWO_DECIMALS);
            detail += Math.round(d.fund_payamt * 100);
          }
          expect(detail, 'Σ setldetail').toBe(f('fund_pay_sumamt'));
          for (const x of numbersIn(out.trace ?? [])) expect(String(x), 'trace value').toMatch(FOUR_DECIMALS);
        });
        expect(session.settled + session.refused).toBe(claims.length);
      }),
      { numRuns: 200 },
    );
  });
});

describe('the generators exercise what the properties are about', () => {
  it('settles most claims, with caps, layers, deductibles, segments and account payments all occurring', () => {
    const seen = {
      settled: 0,
      refused: 0,
      capBinds: 0,
      layerPays: 0,
      deductible: 0,
      account: 0,
      zeroPool: 0,
    };
    for (const [g, { person, visits }] of fc.sample(fc.tuple(packArb, personYearArb), {
      numRuns: 300,
      seed: 42,
    })) {
      const { pack } = compileGen(g);
      let acc = emptyAccumulators();
      for (const json of personClaims(person, visits)) {
        const r = settle(pack, domainClaim(json), acc, true);
        if (!r.ok) {
          seen.refused++;
          continue;
        }
        const s = r.settlement;
        seen.settled++;
        if (r.trace?.some((t) => t.step === 'cap')) seen.capBinds++;
        if (s.largeAmountPay + s.criticalIllnessPay + s.assistancePay > 0) seen.layerPays++;
        if (s.deductible > 0) seen.deductible++;
        if (s.accountPay > 0) seen.account++;
        if (s.poolPay === 0) seen.zeroPool++;
        acc = r.after;
      }
    }
    const n = seen.settled + seen.refused;
    expect(seen.settled / n).toBeGreaterThan(0.6);
    for (const k of ['capBinds', 'layerPays', 'deductible', 'account', 'zeroPool'] as const) {
      expect(seen[k] / seen.settled, k).toBeGreaterThan(0.03);
    }
  });
});
