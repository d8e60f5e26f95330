import type { Fen } from '../money/money.js';
import type { Bp } from '../money/rate.js';
import type { AdjustmentStep } from './trace.js';

/** The inputs and the result of a Fujian-style adjustment year (see fujian.ts). */

export interface FujianCityInput {
  area: string;
  /** The city's fund income of the year (its contributions), in fen. */
  fundIncome: Fen;
  /** Insured persons at the end of the year. */
  insuredCount: number;
  /** The fund collection rate (征收率), in basis points. */
  collectionRate: Bp;
  /** The reform assessment score, in hundredths of a point (92.5 → 9250). */
  assessmentScore: number;
}

export interface FujianInput {
  cities: FujianCityInput[];
  /** The provincial risk fund's balance at the start of the year, in fen. */
  riskFundOpening: Fen;
}

export type Position = 'contributor' | 'recipient' | 'even';

export interface FujianCity {
  area: string;
  fundIncome: Fen;
  paidIn: Fen;
  /** The exact allocation weight in lowest terms ("num/den") and as a 6-decimal display value. */
  weight: string;
  weightDecimal: string;
  allocation: Fen;
  position: Position;
  netPayment: Fen;
  netReceipt: Fen;
  /** `netPaymentCap` of the fund income (contributors only). */
  netPaymentCap: Fen | null;
  /** `netReceiptCap` of the fund income (recipients only). */
  netReceiptCap: Fen | null;
  returnDue: Fen;
  returned: Fen;
  returnShortfall: Fen;
  kept: Fen;
  heldBack: Fen;
  /** What the allocation pays the city: allocation − kept − held back. */
  allocationPaid: Fen;
  redistributed: Fen;
  /** Everything the city receives: allocation paid + returned + redistributed. */
  received: Fen;
}

export interface FujianTotals {
  paidIn: Fen;
  allocation: Fen;
  allocationPaid: Fen;
  kept: Fen;
  heldBack: Fen;
  redistributed: Fen;
  returnDue: Fen;
  returned: Fen;
  returnShortfall: Fen;
  received: Fen;
}

export interface RiskFund {
  opening: Fen;
  kept: Fen;
  returned: Fen;
  closing: Fen;
  /** Returns due that the risk fund could not pay. */
  shortfall: Fen;
}

export interface FujianResult {
  style: 'fujian';
  cities: FujianCity[];
  totals: FujianTotals;
  riskFund: RiskFund;
  trace: AdjustmentStep[];
}

/** A city while its figures are worked out: the result's figures plus the score it is redistributed by. */
export interface Working extends FujianCity {
  assessmentScore: number;
}
