/** Shared helpers of the settlement property tests: compile a generated pack, check one settlement. */
import { expect } from 'vitest';
import type { Benefit, CompiledPack } from '../../src/domain/policy/model.js';
import { settle } from '../../src/domain/settlement/calculator.js';
import {
  emptyAccumulators,
  type Accumulators,
  type Claim,
  type Settlement,
} from '../../src/domain/settlement/types.js';
import { compilePack } from '../../src/policy/compile.js';
import { toClaim } from '../../src/settlement/claim-input.js';
import { benefitSpecs, packDoc, type BenefitSpec, type GenPack } from './arbitraries.js';
import type { JsonClaim } from './claim-arbitraries.js';

/** A generated pack, compiled (a generator bug surfaces as PackInvalid, failing the property). */
export function compileGen(g: GenPack): { pack: CompiledPack; specs: BenefitSpec[] } {
  const doc = packDoc(g);
  return { pack: compilePack(doc, JSON.stringify(doc), 'generated'), specs: benefitSpecs(g) };
}

/** The calc JSON claim as the calculator sees it (the generators only produce valid claims). */
export function domainClaim(c: JsonClaim): Claim {
  return toClaim(structuredClone(c));
}

/** The benefit a claim falls under, as the compiled pack lists it. */
export function benefitOf(pack: CompiledPack, claim: Claim): Benefit | undefined {
  return pack.benefits.find((b) => b.schemes.includes(claim.scheme) && b.medTypes.includes(claim.medType));
}

/** Settle claims in order as the caller does: `after` of a settled claim, `before` kept on a refusal. */
export function runHistory(pack: CompiledPack, claims: Claim[]): Accumulators {
  let acc = emptyAccumulators();
  for (const c of claims) {
    const r = settle(pack, c, acc);
    if (r.ok) acc = r.after;
  }
  return acc;
}

export const AMOUNT_FIELDS = [
  'medfeeSum',
  'ownPay',
  'overLimit',
  'preSelfPay',
  'inScope',
  'deductible',
  'poolPay',
  'largeAmountPay',
  'criticalIllnessPay',
  'assistancePay',
  'fundPaySum',
  'personPart',
  'accountPay',
  'cashPay',
  'balance',
] as const;

/** DESIGN §6 identities, exact non-negative fen, and the personal-account rules, for one settlement. */
export function expectWellFormed(s: Settlement, claim: Claim): void {
  for (const field of AMOUNT_FIELDS) {
    expect(Number.isSafeInteger(s[field]), `${field} = ${s[field]} is whole fen`).toBe(true);
    expect(s[field], `${field} is not negative`).toBeGreaterThanOrEqual(0);
  }
  expect(Number.isInteger(s.poolRate) && s.poolRate >= 0 && s.poolRate <= 10_000, 'poolRate in 0–100%').toBe(
    true,
  );

  let total = 0;
  let classThree = 0;
  for (const f of claim.fees) {
    total += f.amount;
    if (f.catalogClass === '03') classThree += f.amount;
  }
  expect(s.medfeeSum, 'medfee_sumamt = Σ fee lines').toBe(total);
  expect(s.ownPay, 'class 03 is own pay').toBeGreaterThanOrEqual(classThree);
  expect(
    s.ownPay + s.overLimit + s.preSelfPay + s.inScope,
    'medfee = ownpay + overlmt + presel + inscp',
  ).toBe(s.medfeeSum);
  expect(s.poolPay + s.largeAmountPay + s.criticalIllnessPay + s.assistancePay, 'fund_pay_sumamt').toBe(
    s.fundPaySum,
  );
  expect(s.personPart, 'psn_part = medfee − fund_pay').toBe(s.medfeeSum - s.fundPaySum);
  expect(s.accountPay + s.cashPay, 'psn_part = acct_pay + cash').toBe(s.personPart);

  let detailSum = 0;
  for (const d of s.details) {
    expect(Number.isSafeInteger(d.amount) && d.amount >= 0, `setldetail ${d.fundPayType}`).toBe(true);
    detailSum += d.amount;
  }
  expect(detailSum, 'Σ setldetail = fund_pay_sumamt').toBe(s.fundPaySum);
  expect(new Set(s.details.map((d) => d.fundPayType)).size, 'one setldetail row per fund').toBe(
    s.details.length,
  );

  expect(s.deductible, 'deductible taken from in-scope').toBeLessThanOrEqual(s.inScope);
  expect(s.poolPay, 'pool pays at most what is left after the deductible').toBeLessThanOrEqual(
    s.inScope - s.deductible,
  );
  expect(s.balance, 'balc = acct_balc − acct_pay').toBe(claim.accountBalance - s.accountPay);
  if (claim.scheme !== '310' || !claim.useAccount) expect(s.accountPay, 'account only if chosen').toBe(0);
}
