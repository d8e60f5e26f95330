import type { Fen } from '../money/money.js';
import type { CompiledPack } from '../policy/model.js';
import type { Accumulators } from './types.js';

/** A person-year's totals by name, for people, traces, tests and storage. */
export interface NamedTotals {
  admissions: number;
  deductibleUsed: Record<string, Fen>;
  poolPaid: Record<string, Fen>;
  layerBase: Record<string, Fen>;
  layerPaid: Record<string, Fen>;
}

/** Read a person-year's counters by the names the pack gave them. */
export function namedTotals(pack: CompiledPack, totals: Accumulators): NamedTotals {
  const named: NamedTotals = {
    admissions: totals[0] ?? 0,
    deductibleUsed: {},
    poolPaid: {},
    layerBase: {},
    layerPaid: {},
  };
  const groups: Record<string, Record<string, Fen>> = {
    deductible: named.deductibleUsed,
    cap: named.poolPaid,
    layerBase: named.layerBase,
    layerPaid: named.layerPaid,
  };
  pack.slots.names.forEach((name, i) => {
    const [kind = '', key = ''] = name.split(':');
    const group = groups[kind];
    if (group) group[key] = totals[i] ?? 0;
  });
  return named;
}
