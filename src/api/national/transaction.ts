import type { Database } from '../../db/index.js';
import type { Envelope } from './envelope.js';

/** What a transaction of the national interface is given: the message, checked, and who sent it. */
export interface CallContext {
  db: Database;
  /** The authenticated institution; the envelope's fixmedins_code has been checked to be it. */
  institution: string;
  envelope: Envelope;
  /** When the message was received, epoch milliseconds: the transaction's time and date. */
  now: number;
  /** The idempotency key the services are given: unique per institution and msgid. */
  requestKey: string;
  /** Keeps the answer within the transaction's own write, when it can (see AnswerKeeper). */
  keeper?: AnswerKeeper;
}

/**
 * Keeps the answer to a transaction's output as its msgid's first within the transaction's own
 * write statement (a settlement's alsoWrite), sparing the statement that would store it after.
 */
export interface AnswerKeeper {
  /** The write that keeps the answer to `output`, its parameters from `firstParam`; `wrote()` once it did. */
  write(
    output: Record<string, unknown>,
    firstParam: number,
  ): { text: string; params: unknown[]; wrote(): void };
}

/** One transaction (交易) of the interface, by its infno. */
export interface Transaction {
  infno: string;
  /** The specification's name, for messages and the docs. */
  name: string;
  /** False only for sign-in: every other transaction needs the sign_no of an open sign-in. */
  needsSignIn: boolean;
  /** The output of the answer; refusals are thrown as ServiceError. */
  run(ctx: CallContext): Promise<Record<string, unknown>>;
}
