import { formatYuan, type Fen } from '../money/money.js';
import { applyRate, formatRate, type Bp } from '../money/rate.js';
import type { Param } from './rule.js';

/**
 * One figure of an adjustment and where it came from: the pack parameter (path and quoted source)
 * and the inputs or earlier figures it was computed from, named as `AREA.figure` (e.g.
 * `350400.fundIncome`) or `fund.figure` for the provincial funds. `rounding` names the one rounding
 * step, when the figure has one.
 */
export interface AdjustmentStep {
  /** The city's area code, or null for a provincial total or fund. */
  area: string | null;
  figure: string;
  /** The figure in fen; a figure that is no amount of money (a weight) has `value` instead. */
  amount?: Fen;
  value?: string;
  /** How the figure was reached, with the numbers. */
  rule: string;
  inputs: string[];
  param?: string;
  source?: string;
  rounding?: string;
}

/** Collects the steps of one computation in order. */
export class Trace {
  readonly steps: AdjustmentStep[] = [];

  add(step: AdjustmentStep & { amount: Fen }): Fen {
    this.steps.push(step);
    return step.amount;
  }

  /** A figure that is not money, e.g. an allocation weight. */
  note(step: AdjustmentStep & { value: string }): void {
    this.steps.push(step);
  }

  /** `amount × rate`, rounded half up once to the fen in a step named `rounding`. */
  rate(
    area: string | null,
    figure: string,
    base: { amount: Fen; name: string; inputs?: string[] },
    rate: Param<Bp>,
    rounding: string,
  ): Fen {
    const amount = applyRate(base.amount, rate.value);
    return this.add({
      area,
      figure,
      amount,
      rule: `${base.name} ${formatYuan(base.amount)} × ${formatRate(rate.value)} = ${formatYuan(amount)}, rounded half up once (${rounding})`,
      inputs: base.inputs ?? [base.name],
      param: rate.path,
      source: rate.source,
      rounding,
    });
  }

  /** A figure that is an exact difference, sum or choice of earlier figures (no rounding). */
  exact(
    area: string | null,
    figure: string,
    amount: Fen,
    rule: string,
    inputs: string[],
    param?: Param<unknown>,
  ) {
    return this.add({
      area,
      figure,
      amount,
      rule,
      inputs,
      ...(param ? { param: param.path, source: param.source } : {}),
    });
  }
}

/** `AREA.figure`: the name of a city's input or figure in a trace. */
export function named(area: string, figure: string): string {
  return `${area}.${figure}`;
}

/** The sum of a list of amounts. */
export function sum(values: readonly Fen[]): Fen {
  return values.reduce((s, v) => s + v, 0);
}

/** An amount as yuan text for rules. */
export const y = formatYuan;
