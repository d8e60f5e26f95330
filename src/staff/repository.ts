import type { Sql } from '../db/index.js';
import type { Role } from './roles.js';

/** The SQL of staff users, their areas and sessions, and of the audit trail's REST rows. */

export interface StaffRow {
  username: string;
  passwordHash: string;
  role: Role;
  disabled: boolean;
  areas: string[];
}

const USER = `SELECT u.username, u.password_hash AS "passwordHash", u.role, u.disabled_at IS NOT NULL AS disabled,
    coalesce((SELECT array_agg(a.area_code::text ORDER BY a.area_code) FROM staff_area a WHERE a.username = u.username), '{}') AS areas
  FROM staff_user u`;

export async function findStaff(tx: Sql, username: string): Promise<StaffRow | undefined> {
  const [row] = await tx.query<StaffRow>(`${USER} WHERE u.username = $1`, [username]);
  return row;
}

export async function insertStaff(tx: Sql, s: Omit<StaffRow, 'disabled'>): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO staff_user (username, password_hash, role) VALUES ($1, $2, $3)
     ON CONFLICT (username) DO NOTHING RETURNING username`,
    [s.username, s.passwordHash, s.role],
  );
  if (rows.length === 0) return false;
  await tx.query('INSERT INTO staff_area (username, area_code) SELECT $1, unnest($2::bpchar[])', [
    s.username,
    s.areas,
  ]);
  return true;
}

export async function existingAreas(tx: Sql, codes: readonly string[]): Promise<string[]> {
  const rows = await tx.query<{ code: string }>(
    'SELECT code FROM pooling_area WHERE code = ANY($1::bpchar[])',
    [codes],
  );
  return rows.map((r) => r.code);
}

export async function insertSession(
  tx: Sql,
  s: { tokenHash: string; username: string; createdAt: Date; expiresAt: Date; origin: string },
): Promise<void> {
  await tx.query(
    `INSERT INTO staff_session (token_hash, username, created_at, expires_at, origin) VALUES ($1, $2, $3, $4, $5)`,
    [s.tokenHash, s.username, s.createdAt.toISOString(), s.expiresAt.toISOString(), s.origin],
  );
}

/** The user of a live session (not expired at `now`, not revoked, user not disabled). */
export async function sessionStaff(tx: Sql, tokenHash: string, now: Date): Promise<StaffRow | undefined> {
  const [row] = await tx.query<StaffRow>(
    `${USER} JOIN staff_session s ON s.username = u.username
     WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND u.disabled_at IS NULL`,
    [tokenHash, now.toISOString()],
  );
  return row;
}

export async function revokeSession(tx: Sql, tokenHash: string, now: Date): Promise<void> {
  await tx.query('UPDATE staff_session SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL', [
    tokenHash,
    now.toISOString(),
  ]);
}

/** Whether `area` is one of `scopes` or lies below one of them (walking up its parents). */
export async function areaWithin(tx: Sql, area: string, scopes: readonly string[]): Promise<boolean> {
  const [row] = await tx.query<{ within: boolean }>(
    `WITH RECURSIVE up (code, parent_code, depth) AS (
       SELECT code, parent_code, 0 FROM pooling_area WHERE code = $1
       UNION ALL
       SELECT p.code, p.parent_code, up.depth + 1 FROM pooling_area p JOIN up ON p.code = up.parent_code
       WHERE up.depth < 10)
     SELECT EXISTS (SELECT 1 FROM up WHERE code = ANY($2::bpchar[])) AS within`,
    [area, scopes],
  );
  return row?.within ?? false;
}

export interface AuditRow {
  actor: string;
  role: string | null;
  action: string;
  subject: string;
  outcome: 'done' | 'refused';
  ip: string | null;
  requestId: string | null;
  details: unknown;
}

export async function insertAudit(tx: Sql, a: AuditRow): Promise<void> {
  await tx.query(
    `INSERT INTO audit_event (actor, origin, action, subject, details, role, outcome, ip, request_id)
     VALUES ($1, 'api', $2, $3, $4::text::jsonb, $5, $6, $7, $8)`,
    [a.actor, a.action, a.subject, JSON.stringify(a.details ?? {}), a.role, a.outcome, a.ip, a.requestId],
  );
}

export interface AuditListed extends AuditRow {
  id: number;
  at: string;
  origin: string;
}

export function listAudit(
  tx: Sql,
  f: { limit: number; after: number; actor?: string | undefined; subject?: string | undefined },
): Promise<AuditListed[]> {
  return tx.query<AuditListed>(
    `SELECT id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, actor, role, origin, action,
       subject, outcome, ip, request_id AS "requestId", details
     FROM audit_event WHERE id > $1 AND ($2::text IS NULL OR actor = $2) AND ($3::text IS NULL OR subject = $3)
     ORDER BY id LIMIT $4`,
    [f.after, f.actor ?? null, f.subject ?? null, f.limit + 1],
  );
}
