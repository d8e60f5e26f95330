import { createHash } from 'node:crypto';
import { ServiceError } from '../../common/service-error.js';
import { replayedNonce, type PendingNonce } from '../auth/credentials.js';
import type { Database } from '../../db/index.js';
import { parseEnvelope, successAnswer, type Answer, type AnswerTimes, type Envelope } from './envelope.js';
import { canonicalExactJson, type ExactJson } from './exact-json.js';
import { personInfoTransaction } from './person-info.js';
import * as repo from './repository.js';
import { preSettleTransaction, reverseTransaction, settleTransaction } from './settlement.js';
import { signInTransaction, signOutTransaction } from './sign-in.js';
import type { AnswerKeeper, Transaction } from './transaction.js';
import { correctionTransaction } from './correction.js';
import * as fees from './fees.js';
import * as queries from './queries.js';
import { detailReconciliationTransaction, totalReconciliationTransaction } from './reconcile.js';
import * as visits from './visits.js';
import * as inpatient from './visit-settlement.js';

/** The national interface's transactions by infno (docs/api.md lists them). */
export const TRANSACTIONS: ReadonlyMap<string, Transaction> = new Map(
  [
    signInTransaction,
    signOutTransaction,
    personInfoTransaction,
    visits.registerTransaction,
    visits.cancelRegistrationTransaction,
    visits.visitInfoTransaction,
    fees.outpatientUploadTransaction,
    fees.outpatientCancelUploadTransaction,
    preSettleTransaction,
    settleTransaction,
    reverseTransaction,
    fees.inpatientUploadTransaction,
    fees.inpatientCancelUploadTransaction,
    inpatient.inpatientPreSettleTransaction,
    inpatient.inpatientSettleTransaction,
    inpatient.inpatientReverseTransaction,
    visits.admissionTransaction,
    visits.dischargeTransaction,
    visits.cancelAdmissionTransaction,
    visits.cancelDischargeTransaction,
    correctionTransaction,
    totalReconciliationTransaction,
    detailReconciliationTransaction,
    queries.settlementQueryTransaction,
    queries.feeQueryTransaction,
    queries.accumulatorQueryTransaction,
  ].map((t) => [t.infno, t]),
);

export interface Call {
  db: Database;
  /** The institution that signed the request. */
  institution: string;
  /** The message, parsed exactly. */
  message: ExactJson;
  requestId: string;
  receivedAt: number;
  clock: () => number;
  /** The request's nonce, spent with the message's first read; none for a call not over HTTP. */
  nonce?: PendingNonce | null;
}

/** What a message's first answer is kept under: its transaction and input, hashed. */
function messageHash(e: Envelope): string {
  return createHash('sha256')
    .update(`${e.infno}\n${canonicalExactJson(e.input)}`)
    .digest('hex');
}

/** The first answer to the msgid, when one was given to the same transaction and input. */
function replay(stored: repo.StoredMessage, envelope: Envelope, hash: string): Answer {
  if (stored.infno !== envelope.infno || stored.input_hash !== hash) {
    throw new ServiceError(
      'IDEMPOTENCY_CONFLICT',
      `msgid ${envelope.msgid} was already used for ${stored.infno === envelope.infno ? 'another input' : `transaction ${stored.infno}`}; ` +
        'give every new message a new msgid',
      'msgid',
    );
  }
  return stored.answer;
}

function transactionOf(infno: string): Transaction {
  const t = TRANSACTIONS.get(infno);
  if (t) return t;
  throw new ServiceError(
    'INVALID_INPUT',
    `transaction ${infno} is not supported; supported: ${[...TRANSACTIONS.keys()].join(', ')}`,
    'infno',
  );
}

function requireSignIn(institution: string, signNo: string | undefined, signedIn: boolean): void {
  if (!signNo)
    throw new ServiceError('INVALID_INPUT', 'is required: sign in with 9001 and send its sign_no', 'sign_no');
  if (!signedIn) {
    throw new ServiceError(
      'FORBIDDEN',
      `sign_no ${signNo} is not an open sign-in of institution ${institution}: sign in with 9001 and send its sign_no`,
      'sign_no',
    );
  }
}

/**
 * Answer one message of an authenticated institution: the envelope checked, the institution in it
 * the authenticated one, a msgid seen before answered with its first answer (nothing runs again),
 * the sign-in checked, the transaction run, and its answer kept as the msgid's first. A refusal is
 * thrown as a ServiceError and stores nothing.
 */
export async function callService(call: Call): Promise<Answer> {
  const envelope = parseEnvelope(call.message);
  if (envelope.fixmedins_code !== call.institution) {
    throw new ServiceError(
      'FORBIDDEN',
      `fixmedins_code ${envelope.fixmedins_code} is not the institution that signed the request (${call.institution})`,
      'fixmedins_code',
    );
  }
  const hash = messageHash(envelope);
  const state = await repo.messageState(
    call.db,
    { institution: call.institution, msgid: envelope.msgid, signNo: envelope.sign_no ?? null },
    call.nonce ?? null,
  );
  if (!state.nonceFresh) throw replayedNonce(call.nonce!);
  if (state.seen) return replay(state.seen, envelope, hash);
  const transaction = transactionOf(envelope.infno);
  if (transaction.needsSignIn) requireSignIn(call.institution, envelope.sign_no, state.signedIn);
  return runAndKeep(call, envelope, hash, transaction);
}

/**
 * Run the transaction and keep its answer as the msgid's first: within the transaction's own write
 * when it offers one (a settlement), in a statement after it otherwise.
 */
async function runAndKeep(
  call: Call,
  envelope: Envelope,
  hash: string,
  transaction: Transaction,
): Promise<Answer> {
  const times = (): AnswerTimes => ({
    requestId: call.requestId,
    receivedAt: call.receivedAt,
    respondedAt: call.clock(),
  });
  const message = { institution: call.institution, msgid: envelope.msgid, infno: envelope.infno, hash };
  let kept: Answer | null = null;
  const keeper: AnswerKeeper = {
    write(output, firstParam) {
      const answer = successAnswer(output, times());
      const write = repo.storeMessageWith({ ...message, answer }, firstParam);
      return { ...write, wrote: () => (kept = answer) };
    },
  };
  const output = await transaction.run({
    db: call.db,
    institution: call.institution,
    envelope,
    now: call.receivedAt,
    requestKey: `nhsa:${call.institution}:${envelope.msgid}`,
    keeper,
  });
  if (kept) return kept;
  const answer = successAnswer(output, times());
  const stored = await repo.storeMessage(call.db, { ...message, answer });
  if (stored) return answer;
  // A copy of the message was answered while this one ran: the first answer stands.
  return replay((await repo.findMessage(call.db, call.institution, envelope.msgid))!, envelope, hash);
}
