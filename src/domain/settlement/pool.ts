import { policyGap } from '../errors.js';
import type { Fen } from '../money/money.js';
import { formatRate } from '../money/rate.js';
import { ADMISSIONS_SLOT, type Modifier, type NthAdmission, type RateRule } from '../policy/model.js';
import { lookupOn, type BenefitPlan, type ClaimContext } from './plan.js';
import { addToRule, applyRateRule } from './rates.js';
import type { Claim, TraceEntry } from './types.js';

/** The counters of the claim's person-year, being updated (see Accumulators). */
export type Counters = number[];

/** Add a trace entry. Callers guard with `if (ctx.trace)` so nothing is built when not explaining. */
function note(ctx: ClaimContext, entry: TraceEntry): void {
  ctx.trace?.push({ ...entry, pack: ctx.pack.label });
}

/** Step 2: the deductible taken from the in-scope amount, from what remains of it. */
export function takeDeductible(ctx: ClaimContext, plan: BenefitPlan, acc: Counters, inScope: Fen): Fen {
  const b = plan.benefit;
  const d = b.deductible;
  if (!d)
    throw policyGap(`${b.path}.deductible`, `the source does not state a deductible for ${b.name} (${b.id})`);
  const { claim } = ctx;
  const waived = d.waivedFor?.tags.some((t) => (t === 'assistance' ? claim.assistance : claim.familyDoctor));
  if (waived && d.waivedFor) {
    if (ctx.trace)
      note(ctx, {
        step: 'deductible',
        param: d.waivedFor.ref.path,
        value: 0,
        source: d.waivedFor.ref.source,
        note: 'waived for this group',
      });
    return 0;
  }
  const admissionNo = acc[ADMISSIONS_SLOT]! + 1;
  let nth: NthAdmission | undefined;
  let amount: Fen | undefined;
  for (const n of d.nthAdmission) {
    if (
      n.from <= claim.date &&
      n.fromAdmission <= admissionNo &&
      (!nth || n.fromAdmission > nth.fromAdmission)
    )
      nth = n;
  }
  if (nth) {
    amount = nth.amount;
    if (ctx.trace)
      note(ctx, {
        step: 'deductible',
        param: nth.ref.path,
        value: amount / 100,
        source: nth.ref.source,
        note: `admission no. ${admissionNo} of the year`,
      });
  } else {
    if (!plan.deductible)
      throw policyGap(
        `${b.path}.deductible`,
        `the source does not state the deductible for ${b.name} (${b.id})`,
      );
    const found = lookupOn(plan.deductible, ctx);
    amount = found.value;
    if (ctx.trace)
      note(ctx, {
        step: 'deductible',
        param: found.ref.path,
        value: amount / 100,
        source: found.ref.source,
        note: d.basis,
      });
  }
  const used = acc[d.slot]!;
  const remaining = d.basis === 'annual' ? Math.max(0, amount - used) : amount;
  const applied = Math.min(inScope, remaining);
  acc[d.slot] = used + applied;
  if (d.basis === 'annual') {
    if (ctx.trace)
      note(ctx, {
        step: 'deductible',
        param: `${b.path}.deductible`,
        value: applied / 100,
        note: `already used this year ${used / 100}, applied ${applied / 100}`,
      });
  }
  return applied;
}

/** Step 3a: the rate for this claim: the table's value, then disease and age modifiers. */
export function resolveRate(ctx: ClaimContext, plan: BenefitPlan): RateRule {
  const b = plan.benefit;
  const active =
    b.modifiers.length === 0 ? b.modifiers : b.modifiers.filter((m) => modifierApplies(m, ctx.claim));
  const sets = active.length === 0 ? active : active.filter((m) => m.effect.kind === 'set');
  if (sets.length > 0) {
    const best = sets.reduce((a, m) => (m.effect.rate > a.effect.rate ? m : a));
    if (ctx.trace)
      note(ctx, {
        step: 'rate',
        param: best.ref.path,
        value: best.effect.rate / 10_000,
        source: best.ref.source,
        note: `${best.id}: rate set to ${formatRate(best.effect.rate)}`,
      });
    return { kind: 'flat', rate: best.effect.rate };
  }
  if (!plan.rate)
    throw policyGap(
      `${b.path}.rate`,
      `the source does not state the pool's payment rate for ${b.name} (${b.id})`,
    );
  const found = lookupOn(plan.rate, ctx);
  let rule = found.value;
  if (ctx.trace)
    note(ctx, {
      step: 'rate',
      param: found.ref.path,
      value: rule.kind === 'flat' ? rule.rate / 10_000 : 0,
      source: found.ref.source,
      note: rule.kind === 'segments' ? 'by segments of the amount' : undefined,
    });
  for (const m of active) {
    rule = addToRule(rule, m.effect.rate);
    if (ctx.trace)
      note(ctx, {
        step: 'rate',
        param: m.ref.path,
        value: m.effect.rate / 10_000,
        source: m.ref.source,
        note: `${m.id}: +${formatRate(m.effect.rate)} (at most 100%)`,
      });
  }
  return rule;
}

function modifierApplies(m: Modifier, claim: Claim): boolean {
  if (m.from > claim.date || (m.until !== null && claim.date >= m.until)) return false;
  if (m.ageBelow !== null && !(claim.age < m.ageBelow)) return false;
  return claim.diseases.some((code) => m.diseases.some((prefix) => code.startsWith(prefix)));
}

/** Step 3b: the pool's payment before caps: amount × rate, rounded once, half up. */
export function poolBeforeCaps(ctx: ClaimContext, plan: BenefitPlan, base: Fen, rule: RateRule): Fen {
  const b = plan.benefit;
  if (!b.caps)
    throw policyGap(`${b.path}.caps`, `the source does not state an annual cap for ${b.name} (${b.id})`);
  const uncapped = applyRateRule(rule, base);
  if (ctx.trace) {
    note(ctx, {
      step: 'pool',
      param: `${b.path}.rate`,
      value: uncapped / 100,
      note: `${base / 100} × rate, rounded half up`,
    });
  }
  return uncapped;
}

/** Step 3c: the pool's payment limited by what remains of every cap the benefit uses. */
export function limitByCaps(ctx: ClaimContext, plan: BenefitPlan, acc: Counters, uncapped: Fen): Fen {
  const b = plan.benefit;
  const caps = b.caps ?? [];
  let pay = uncapped;
  for (let i = 0; i < caps.length; i++) {
    const cap = lookupOn(plan.caps[i]!, ctx);
    const paid = acc[b.capSlots[i]!]!;
    const remaining = Math.max(0, cap.value - paid);
    if (remaining < pay) {
      pay = remaining;
      if (ctx.trace) {
        const limited = `already paid ${paid / 100}; pool limited to ${remaining / 100}`;
        note(ctx, {
          step: 'cap',
          param: cap.ref.path,
          value: cap.value / 100,
          source: cap.ref.source,
          note: limited,
        });
      }
    }
  }
  for (const slot of b.capSlots) acc[slot] = acc[slot]! + pay;
  return pay;
}
