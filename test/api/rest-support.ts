import type { Database, Sql } from '../../src/db/index.js';
import { createStaff } from '../../src/staff/service.js';
import type { Role } from '../../src/staff/roles.js';
import type { RunningServer } from './support.js';

/** Helpers of the REST API tests: staff users, signed-in calls, and the rows a call may write. */

export const PASSWORD = 'correct horse battery';

export interface Answer {
  status: number;
  body: Record<string, unknown> & {
    error?: { code: string; message: string; path: string; requestId: string };
  };
  headers: Headers;
}

export async function rest(
  server: Pick<RunningServer, 'url'>,
  method: string,
  path: string,
  o: { token?: string; body?: unknown; raw?: string | Buffer; contentType?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  let body: string | Uint8Array<ArrayBuffer> | undefined;
  if (o.raw !== undefined) body = typeof o.raw === 'string' ? o.raw : new Uint8Array(o.raw);
  else if (o.body !== undefined) body = JSON.stringify(o.body);
  if (body !== undefined) headers['content-type'] = o.contentType ?? 'application/json';
  const res = await fetch(`${server.url}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: Answer['body'];
  try {
    parsed = text ? (JSON.parse(text) as Answer['body']) : {};
  } catch {
    parsed = { text } as Answer['body'];
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** Create a staff user and sign in: answers the token. */
export async function staffToken(
  db: Database,
  server: Pick<RunningServer, 'url'>,
  username: string,
  role: Role,
  areas: string[],
): Promise<string> {
  await createStaff(db, { username, password: PASSWORD, role, areas });
  const a = await rest(server, 'POST', '/api/v1/auth/login', { body: { username, password: PASSWORD } });
  if (a.status !== 200) throw new Error(`login of ${username}: ${JSON.stringify(a.body)}`);
  return a.body.token as string;
}

/** Row counts of every table a REST write may touch, the audit log apart. */
export async function dataRows(db: Sql): Promise<Record<string, number>> {
  const tables = [
    'pooling_area',
    'employer',
    'person',
    'person_certno',
    'enrolment',
    'institution',
    'catalogue_version',
    'catalogue_item',
    'policy_pack',
    'area_pack',
    'settlement',
    'settlement_reversal',
    'person_totals',
    'contribution',
    'journal',
    'posting',
    'account',
    'idempotency',
    'pool_merge',
    'staff_user',
  ];
  const [row] = await db.query<Record<string, number>>(
    `SELECT ${tables.map((t) => `(SELECT count(*) FROM ${t})::int AS ${t}`).join(', ')}`,
  );
  return row!;
}

export interface AuditSeen {
  actor: string;
  role: string | null;
  action: string;
  subject: string;
  outcome: string;
  ip: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
}

/** Audit rows after an id, oldest first. */
export function auditAfter(db: Sql, id: number): Promise<AuditSeen[]> {
  return db.query<AuditSeen>(
    `SELECT actor, role, action, subject, outcome, ip, request_id, details FROM audit_event WHERE id > $1 ORDER BY id`,
    [id],
  );
}

export async function lastAuditId(db: Sql): Promise<number> {
  const [row] = await db.query<{ id: number }>('SELECT coalesce(max(id), 0)::int AS id FROM audit_event');
  return row!.id;
}
