import type { RejectedLine } from './columnar-format.js';
import type { RefusalRecord } from './simulator.js';

/** How many claim ids summary.json lists per side and code (refused.jsonl lists them all). */
export const LISTED_PER_CODE = 100;

export interface RefusedCode {
  claims: number;
  /** Claims by the parameter or field path they were refused on. */
  byPath: Record<string, number>;
  /** The first refused claims, in file order (at most LISTED_PER_CODE). */
  claimIds: string[];
  /** One message, as an example of what the refusal says. */
  example: string;
}

export interface RefusalSummary {
  baseline: Record<string, RefusedCode>;
  reform: Record<string, RefusedCode>;
  /** Input lines that are not claims (refused when the claims were read): never settled. */
  input: Record<string, RefusedCode>;
}

/** Counts refusals per side and code, keeping the first claim ids in file order. */
export class RefusalTally {
  readonly summary: RefusalSummary = { baseline: {}, reform: {}, input: {} };

  add(side: keyof RefusalSummary, claimId: string | null, code: string, path: string, message: string): void {
    const bySide = this.summary[side];
    const entry = (bySide[code] ??= { claims: 0, byPath: {}, claimIds: [], example: message });
    entry.claims++;
    entry.byPath[path] = (entry.byPath[path] ?? 0) + 1;
    if (claimId !== null && entry.claimIds.length < LISTED_PER_CODE) entry.claimIds.push(claimId);
  }

  addRecord(r: RefusalRecord): void {
    this.add(r[0] === 0 ? 'baseline' : 'reform', r[1], r[3], r[4], r[5]);
  }

  /** Input lines refused at conversion: those listed in the file, and the rest counted by code. */
  addRejected(rejected: { byCode: Record<string, number>; listed: RejectedLine[] }): void {
    for (const r of rejected.listed) this.add('input', r.claim_id, r.code, r.path, r.message);
    for (const [code, n] of Object.entries(rejected.byCode)) {
      const listed = rejected.listed.filter((r) => r.code === code).length;
      if (n > listed) {
        const entry = (this.summary.input[code] ??= { claims: 0, byPath: {}, claimIds: [], example: '' });
        entry.claims += n - listed;
        entry.byPath['(not listed)'] = (entry.byPath['(not listed)'] ?? 0) + n - listed;
      }
    }
  }

  /** Claims refused on a side (or input lines refused). */
  total(side: keyof RefusalSummary): number {
    return Object.values(this.summary[side]).reduce((n, e) => n + e.claims, 0);
  }
}

/** A refused.jsonl line. */
export function refusalLine(r: RefusalRecord): string {
  return (
    JSON.stringify({
      side: r[0] === 0 ? 'baseline' : 'reform',
      claim_id: r[1],
      psn_no: r[2],
      error: { code: r[3], message: r[5], path: r[4] },
    }) + '\n'
  );
}

/** A refused.jsonl line of an input line that is not a claim. */
export function rejectedLine(r: RejectedLine): string {
  return (
    JSON.stringify({
      side: 'input',
      claim_id: r.claim_id,
      line: r.line,
      error: { code: r.code, message: r.message, path: r.path },
    }) + '\n'
  );
}
