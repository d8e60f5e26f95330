/** Why a claim was refused. Codes are stable: other tools match on them. */
export type RefusalCode = 'POLICY_GAP' | 'INVALID_CLAIM';

/** A refusal of one claim: a code, a message a person can act on, and the field or parameter path. */
export class Refusal {
  constructor(
    readonly code: RefusalCode,
    readonly message: string,
    readonly path: string,
  ) {}

  toJSON(): { code: RefusalCode; message: string; path: string } {
    return { code: this.code, message: this.message, path: this.path };
  }
}

/** A parameter the claim needs that the pack does not state. */
export function policyGap(path: string, message: string): Refusal {
  return new Refusal('POLICY_GAP', message, path);
}

/** Malformed claim input, naming the field. */
export function invalidClaim(path: string, message: string): Refusal {
  return new Refusal('INVALID_CLAIM', message, path);
}
