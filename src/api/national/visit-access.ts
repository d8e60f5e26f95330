import { createHash } from 'node:crypto';
import { ServiceError } from '../../common/service-error.js';
import type { Database, Tx } from '../../db/index.js';
import { claimKey, replayKey, saveKeyResult } from '../../db/idempotency.js';
import { canonicalExactJson } from './exact-json.js';
import type { CallContext } from './transaction.js';
import { findVisit, type VisitRow } from './visit-repository.js';

/** What the visit transactions share: the visit's access check and msgid idempotency. */

/**
 * Run a write of the interface once per msgid, in one transaction: the first run's output is kept
 * under the message's key, a copy of the message (after a lost answer) gets it back.
 */
export async function once<T>(ctx: CallContext, write: (tx: Tx) => Promise<T>): Promise<T> {
  const { infno, input } = ctx.envelope;
  const hash = createHash('sha256')
    .update(`${infno}\n${canonicalExactJson(input)}`)
    .digest('hex');
  return ctx.db.transaction(async (tx) => {
    if (!(await claimKey(tx, ctx.requestKey, infno, hash)))
      return replayKey<T>(tx, ctx.requestKey, infno, hash);
    const out = await write(tx);
    await saveKeyResult(tx, ctx.requestKey, out);
    return out;
  });
}

export interface VisitAsk {
  mdtrtId: string;
  psnNo: string;
  /** The field path of mdtrt_id in the message, for refusals. */
  path: string;
  kind: VisitRow['kind'];
  /** Lock the visit's row (every write to a visit does). */
  lock?: boolean;
  /** Refuse a visit with a settlement in force (uploads, cancellations). */
  unsettled?: boolean;
}

const KIND_NAME = { outpatient: 'an outpatient visit (2201)', inpatient: 'an admission (2401)' };

/**
 * The institution's own live visit: not found, another institution's (FORBIDDEN, nothing said of
 * it), another person's, cancelled, of the other kind, or settled when it must not be: refused.
 */
export async function requireVisit(tx: Tx | Database, ctx: CallContext, ask: VisitAsk): Promise<VisitRow> {
  const v = await findVisit(tx, ask.mdtrtId, ask.lock ?? false);
  if (!v) throw new ServiceError('NOT_FOUND', `no visit ${ask.mdtrtId}: register it first`, ask.path);
  if (v.institution !== ctx.institution) {
    throw new ServiceError(
      'FORBIDDEN',
      `visit ${ask.mdtrtId} belongs to another institution; an institution acts only on its own visits`,
      ask.path,
    );
  }
  if (v.psnNo !== ask.psnNo) {
    throw new ServiceError(
      'INVALID_INPUT',
      `visit ${ask.mdtrtId} is not a visit of person ${ask.psnNo}`,
      'input.data.psn_no',
    );
  }
  if (v.cancelled) throw new ServiceError('INVALID_INPUT', `visit ${ask.mdtrtId} was cancelled`, ask.path);
  if (v.kind !== ask.kind) {
    throw new ServiceError('INVALID_INPUT', `visit ${ask.mdtrtId} is not ${KIND_NAME[ask.kind]}`, ask.path);
  }
  if (ask.unsettled && v.setlId !== null) {
    throw new ServiceError(
      'VISIT_SETTLED',
      `visit ${ask.mdtrtId} is settled (setl_id ${v.setlId}): reverse the settlement first`,
      ask.path,
    );
  }
  return v;
}
