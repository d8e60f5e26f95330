import type { Sql } from '../../db/index.js';

/**
 * The audit trail (table audit_event, append-only): who did what to which subject, when and from
 * where. Written in the same transaction as the operation, so an operation and its record commit
 * together or not at all. General on purpose: any service can record its writes here.
 */

export interface AuditEvent {
  actor: string;
  /** Where the operation came from: 'cli', or 'api' with the request id. */
  origin: string;
  /** What was done, dotted: 'pool.merge.schedule'. */
  action: string;
  /** What it was done to: 'pool_merge/12'. */
  subject: string;
  details: unknown;
}

export async function recordAudit(tx: Sql, e: AuditEvent): Promise<void> {
  await tx.query(
    'INSERT INTO audit_event (actor, origin, action, subject, details) VALUES ($1, $2, $3, $4, $5::text::jsonb)',
    [e.actor, e.origin, e.action, e.subject, JSON.stringify(e.details)],
  );
}

/** The events about a subject, oldest first. */
export function auditOf(tx: Sql, subject: string): Promise<(AuditEvent & { id: number; at: string })[]> {
  return tx.query(
    `SELECT id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS at, actor, origin, action, subject, details
     FROM audit_event WHERE subject = $1 ORDER BY id`,
    [subject],
  );
}
