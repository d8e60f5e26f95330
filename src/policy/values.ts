import type { z } from 'zod';
import { parseYuan, type Fen } from '../domain/money/money.js';
import { parseRate, type Bp } from '../domain/money/rate.js';
import type { PackProblem } from './tables.js';

/** An amount of a pack, in fen; records a problem (and yields 0) when it is not exact yuan. */
export function amountAt(value: unknown, path: string, problems: PackProblem[]): Fen {
  const r = parseYuan(value);
  if (!r.ok) problems.push({ path, message: `amount ${r.reason}` });
  return r.ok ? r.value : 0;
}

/** A rate of a pack, in basis points (0–100 % unless `max` allows more, for shares of a wage). */
export function rateAt(value: unknown, path: string, problems: PackProblem[], max?: Bp): Bp {
  const r = parseRate(value, max);
  if (!r.ok) problems.push({ path, message: `rate ${r.reason}` });
  return r.ok ? r.value : 0;
}

/** A zod issue path as text: ["benefits", 0, "rate"] → "benefits[0].rate". */
export function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

/**
 * Zod issues as pack problems, one per real cause: unknown keys are named one by one, and the inner
 * issues of record keys and unions are reported instead of zod's generic "Invalid input".
 */
export function zodProblems(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[] = []): PackProblem[] {
  const out: PackProblem[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        out.push({ path: pathText([...path, key]) || '(pack)', message: `unknown key "${key}"` });
    } else if (issue.code === 'invalid_key' && issue.issues.length > 0) {
      const key = String(path[path.length - 1] ?? '');
      for (const p of zodProblems(issue.issues, path))
        out.push({ ...p, message: `key "${key}" ${p.message}` });
    } else {
      out.push({ path: pathText(path) || '(pack)', message: issue.message });
    }
  }
  return out;
}
