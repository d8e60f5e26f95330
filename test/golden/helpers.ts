/**
 * Shared plumbing for the golden tests: settle claims in-process the way `tongchou calc` does (one
 * CalcSession per run, claims in order, per-person totals kept), and read the result lines back.
 * The expected figures live in the *.test.ts files and are computed by hand from the sources.
 */
import { expect } from 'vitest';
import type { CompiledPack } from '../../src/domain/policy/model.js';
import { loadPack } from '../../src/policy/load.js';
import { CalcSession } from '../../src/settlement/calc-session.js';

export interface Setlinfo {
  medfee_sumamt: number;
  fulamt_ownpay_amt: number;
  overlmt_selfpay: number;
  preselfpay_amt: number;
  inscp_scp_amt: number;
  act_pay_dedc: number;
  hifp_pay: number;
  pool_prop_selfpay: number;
  hifob_pay: number;
  hifmi_pay: number;
  maf_pay: number;
  fund_pay_sumamt: number;
  psn_part_amt: number;
  acct_pay: number;
  psn_cash_pay: number;
  balc: number;
}

export interface Result {
  claim_id: string | null;
  setlinfo?: Setlinfo;
  setldetail?: { fund_pay_type: string; fund_payamt: number }[];
  error?: { code: string; message: string; path: string };
}

export type ClaimJson = Record<string, unknown>;

/** One run of `tongchou calc` against a pack: returns a function settling the next claim line. */
export function run(pack: string | CompiledPack): (claim: ClaimJson) => Result {
  const session = new CalcSession(typeof pack === 'string' ? loadPack(pack) : pack, false);
  let line = 0;
  return (claim) => JSON.parse(session.settleLine(JSON.stringify(claim), ++line)) as Result;
}

/** Settle claims in one run, in order; returns every result. */
export function runAll(pack: string | CompiledPack, claims: ClaimJson[]): Result[] {
  const next = run(pack);
  return claims.map(next);
}

/** A claim maker: the pack's usual claim, overridden per test; claim ids are numbered. */
export function claimMaker(base: ClaimJson): (over?: ClaimJson) => ClaimJson {
  let n = 0;
  return (over = {}) => ({ claim_id: `c${++n}`, ...base, ...over });
}

/** A fee line, class 01 (甲) unless told otherwise. */
export function fee(amount: number, extra: ClaimJson = {}): ClaimJson {
  return { code: `F${amount}`, chrgitm_lv: '01', det_item_fee_sumamt: amount, ...extra };
}

/** The claim settled, with these setlinfo amounts (yuan) among others. */
export function expectSettled(r: Result, amounts: Partial<Setlinfo>): void {
  expect(r.error).toBeUndefined();
  expect(r.setlinfo).toMatchObject(amounts);
}

/** The claim was refused with this code and path. */
export function expectRefused(r: Result, code: 'POLICY_GAP' | 'INVALID_CLAIM', path: string): void {
  expect(r.setlinfo).toBeUndefined();
  expect(r.error).toMatchObject({ code, path });
}
