import type { Fen } from '../money/money.js';
import type { Bp } from '../money/rate.js';
import type { PersonType, Scheme } from '../policy/dimensions.js';
import type { Refusal } from '../errors.js';

/** One fee line, in fen, as the calculator sees it after input parsing. */
export interface FeeLine {
  code: string;
  /** chrgitm_lv: 01 甲, 02 乙, 03 丙 (or out of catalogue). */
  catalogClass: '01' | '02' | '03';
  amount: Fen;
  /** 先行自付比例 for class 02, in basis points. */
  selfPayRate: Bp;
  /** The price cap for the whole line (unit cap × count), or null when the line has none. */
  priceCapTotal: Fen | null;
}

/** A claim to settle, already validated and converted to fen. */
export interface Claim {
  claimId: string;
  psnNo: string;
  scheme: Scheme;
  personType: PersonType;
  age: number;
  familyDoctor: boolean;
  assistance: boolean;
  medType: string;
  institution: string;
  level: string;
  priceClass: string | undefined;
  personArea: string;
  careArea: string;
  date: string;
  diseases: string[];
  useAccount: boolean;
  accountBalance: Fen;
  fees: FeeLine[];
  prior: { deductibleUsed: Fen; poolPaid: Fen; admissions: number } | undefined;
}

/**
 * A person's running totals for one policy year and scheme, as counters laid out by the pack
 * (`CompiledPack.slots`): admissions first, then each deductible group, cap and layer. One flat
 * array per person-year keeps a million persons' totals compact; a shorter array (such as the
 * empty one) reads as zeros, so one empty value serves every pack. `namedTotals` gives the names.
 */
export type Accumulators = readonly number[];

const NO_TOTALS: Accumulators = Object.freeze([]);

/** The totals of a person-year with nothing settled yet. */
export function emptyAccumulators(): Accumulators {
  return NO_TOTALS;
}

export interface TraceEntry {
  step: string;
  param: string;
  value: number;
  source?: string;
  pack?: string;
  note?: string;
}

/** The settlement's amounts, in fen (rates in basis points); names follow DESIGN §2. */
export interface Settlement {
  medfeeSum: Fen;
  ownPay: Fen;
  overLimit: Fen;
  preSelfPay: Fen;
  inScope: Fen;
  deductible: Fen;
  poolPay: Fen;
  poolRate: Bp;
  largeAmountPay: Fen;
  criticalIllnessPay: Fen;
  assistancePay: Fen;
  fundPaySum: Fen;
  personPart: Fen;
  accountPay: Fen;
  cashPay: Fen;
  balance: Fen;
  details: { fundPayType: string; amount: Fen }[];
}

export type SettleOutcome =
  | { ok: true; settlement: Settlement; after: Accumulators; trace: TraceEntry[] | null }
  | { ok: false; error: Refusal };
