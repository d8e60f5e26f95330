/** The provincial adjustment fund (调剂金): pure, exact maths of both styles. See docs/adjustment-fund.md. */
export { apportion, payDues, type Payout, type Share } from './apportion.js';
export {
  computeFujian,
  type FujianCity,
  type FujianCityInput,
  type FujianInput,
  type FujianResult,
  type FujianTotals,
  type Position,
  type RiskFund,
} from './fujian.js';
export {
  computeShanxi,
  type AdjustmentFund,
  type ShanxiCity,
  type ShanxiCityInput,
  type ShanxiInput,
  type ShanxiResult,
  type ShanxiTotals,
} from './shanxi.js';
export * from './rule.js';
export type { AdjustmentStep } from './trace.js';
