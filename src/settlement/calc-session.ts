import { invalidClaim, Refusal } from '../domain/errors.js';
import type { CompiledPack } from '../domain/policy/model.js';
import { settle } from '../domain/settlement/calculator.js';
import type { Claim } from '../domain/settlement/types.js';
import { PersonTotals, yearSchemeKey } from './person-totals.js';
import { exponentNumberPath } from './json-lines.js';
import { toClaim } from './claim-input.js';
import { refusedLine, settledLine } from './result-output.js';

/**
 * Settles claims in order against one pack, keeping each person's running totals per policy year
 * and scheme for the length of the run (specs/calc.md). Memory grows with persons, not claims.
 */
export class CalcSession {
  private readonly totals: PersonTotals;
  settled = 0;
  refused = 0;

  constructor(
    private readonly pack: CompiledPack,
    private readonly explain: boolean,
  ) {
    this.totals = new PersonTotals(pack.slots.names.length);
  }

  /** Settle one JSON line; returns the result line (a settlement or a refusal). */
  settleLine(text: string, lineNo: number): string {
    let value: unknown;
    // A byte-order mark (written by some Windows tools) is not part of the first claim.
    if (lineNo === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    try {
      value = JSON.parse(text);
    } catch (e) {
      return this.refuse(
        null,
        lineNo,
        invalidClaim('', `line ${lineNo} is not valid JSON: ${(e as Error).message}`),
      );
    }
    const id = (value as { claim_id?: unknown } | null)?.claim_id;
    const claimId = typeof id === 'string' && id.length > 0 && id.length <= 256 ? id : null;
    const exponentAt = exponentNumberPath(text);
    if (exponentAt !== null) {
      const message = `${exponentAt} must be written as a plain decimal, not in exponent form such as 1e3`;
      return this.refuse(claimId, lineNo, invalidClaim(exponentAt, message));
    }
    let claim: Claim;
    try {
      claim = toClaim(value);
    } catch (e) {
      if (e instanceof Refusal) return this.refuse(claimId, lineNo, e);
      throw e;
    }
    return this.settleClaim(claim, lineNo);
  }

  /** Settle an already validated claim against the run's running totals. */
  settleClaim(claim: Claim, lineNo: number): string {
    const row = this.totals.row(claim.psnNo, yearSchemeKey(claim.date, claim.scheme));
    const outcome = settle(this.pack, claim, this.totals.totals(row), this.explain);
    if (!outcome.ok) return this.refuse(claim.claimId, lineNo, outcome.error);
    this.totals.commit(row, outcome.after);
    this.settled++;
    return settledLine(claim.claimId, outcome.settlement, outcome.trace);
  }

  private refuse(claimId: string | null, lineNo: number, error: Refusal): string {
    this.refused++;
    return refusedLine(claimId, lineNo, error);
  }
}
