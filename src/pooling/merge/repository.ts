import type { Sql } from '../../db/index.js';
import type { Scheme } from '../../domain/policy/dimensions.js';
import { areaPackSql } from '../../registry/packs.js';
import type { AreaFact, BusyMerge, PackRow } from './plan.js';

/** The merge's SQL: its own tables, and the reads and dated writes it makes on the registry and ledger. */

export interface MergeRecord {
  id: number;
  city: string;
  counties: string[];
  date: string;
  status: 'scheduled' | 'done' | 'cancelled';
  createdBy: string;
  createdAt: string;
  completedBy: string | null;
  completedAt: string | null;
  cancelledBy: string | null;
  cancelledAt: string | null;
  journals: { book: string; journalId: number }[];
}

const UTC = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

const MERGE = `SELECT m.id, m.city_code AS city, m.effective_date AS date, m.status,
    m.created_by AS "createdBy", ${UTC('m.created_at')} AS "createdAt",
    m.completed_by AS "completedBy", ${UTC('m.completed_at')} AS "completedAt",
    m.cancelled_by AS "cancelledBy", ${UTC('m.cancelled_at')} AS "cancelledAt",
    (SELECT coalesce(json_agg(a.area_code ORDER BY a.area_code), '[]') FROM pool_merge_area a WHERE a.merge_id = m.id) AS counties,
    (SELECT coalesce(json_agg(json_build_object('book', j.book, 'journalId', j.journal_id) ORDER BY j.book), '[]')
       FROM pool_merge_journal j WHERE j.merge_id = m.id) AS journals
  FROM pool_merge m`;

/**
 * The areas, locked against another merge (FOR NO KEY UPDATE: rows referring to them, such as
 * settlements and enrolments, still insert meanwhile).
 */
export async function lockAreas(tx: Sql, codes: readonly string[]): Promise<Map<string, AreaFact>> {
  const rows = await tx.query<AreaFact>(
    `SELECT code, name, level, parent_code AS "parentCode" FROM pooling_area WHERE code = ANY($1::bpchar[])
     ORDER BY code FOR NO KEY UPDATE`,
    [codes],
  );
  return new Map(rows.map((r) => [r.code, r]));
}

export async function findMerge(tx: Sql, id: number, lock = false): Promise<MergeRecord | undefined> {
  if (lock) await tx.query('SELECT id FROM pool_merge WHERE id = $1 FOR UPDATE', [id]);
  const [row] = await tx.query<MergeRecord>(`${MERGE} WHERE m.id = $1`, [id]);
  return row;
}

/** A scheduled or done merge of exactly these counties into the city on the date. */
export async function findSameMerge(
  tx: Sql,
  m: { city: string; counties: readonly string[]; date: string },
): Promise<MergeRecord | undefined> {
  const [row] = await tx.query<{ id: number }>(
    `SELECT m.id FROM pool_merge m WHERE m.city_code = $1 AND m.effective_date = $2 AND m.status <> 'cancelled'
       AND (SELECT array_agg(a.area_code::text ORDER BY a.area_code) FROM pool_merge_area a WHERE a.merge_id = m.id)
         = (SELECT array_agg(c ORDER BY c) FROM unnest($3::text[]) AS c)`,
    [m.city, m.date, m.counties],
  );
  return row ? findMerge(tx, row.id, true) : undefined;
}

export function listMerges(tx: Sql): Promise<MergeRecord[]> {
  return tx.query<MergeRecord>(`${MERGE} ORDER BY m.id`);
}

/** Merges, scheduled or done, other than `except`, that take one of the areas. */
export function busyMerges(tx: Sql, areas: readonly string[], except: number | null): Promise<BusyMerge[]> {
  return tx.query<BusyMerge>(
    `SELECT m.id, a.area_code AS area, m.city_code AS city, m.effective_date AS date, m.status
     FROM pool_merge m JOIN pool_merge_area a ON a.merge_id = m.id
     WHERE a.area_code = ANY($1::bpchar[]) AND m.status <> 'cancelled' AND m.id IS DISTINCT FROM $2::bigint
     ORDER BY m.id, a.area_code`,
    [areas, except],
  );
}

/** The counties' pack assignments in force on `from` or later, locked. */
export function countyPacks(tx: Sql, counties: readonly string[], from: string): Promise<PackRow[]> {
  return tx.query<PackRow>(
    `SELECT area_code AS area, scheme, begin_date AS "beginDate", end_date AS "endDate", pack_hash AS "packHash"
     FROM area_pack WHERE area_code = ANY($1::bpchar[]) AND (end_date IS NULL OR end_date >= $2)
     ORDER BY area_code, scheme, begin_date FOR UPDATE`,
    [counties, from],
  );
}

/** The hash of the pack governing an area's scheme on a date (the registry's own rule), if any. */
export async function packHashOn(
  tx: Sql,
  area: string,
  scheme: Scheme,
  date: string,
): Promise<string | null> {
  const [row] = await tx.query<{ pack_hash: string }>(areaPackSql(), [area, scheme, date]);
  return row?.pack_hash ?? null;
}

/** The schemes of each county's enrolments that reach the date. */
export async function enrolledSchemes(
  tx: Sql,
  counties: readonly string[],
  date: string,
): Promise<Map<string, Scheme[]>> {
  const rows = await tx.query<{ area: string; scheme: Scheme }>(
    `SELECT DISTINCT area_code AS area, scheme FROM enrolment
     WHERE area_code = ANY($1::bpchar[]) AND (end_date IS NULL OR end_date >= $2) ORDER BY 1, 2`,
    [counties, date],
  );
  const out = new Map<string, Scheme[]>();
  for (const r of rows) out.set(r.area, [...(out.get(r.area) ?? []), r.scheme]);
  return out;
}

export async function insertMerge(
  tx: Sql,
  m: { city: string; counties: readonly string[]; date: string; actor: string },
): Promise<number> {
  const [row] = await tx.query<{ id: number }>(
    `INSERT INTO pool_merge (city_code, effective_date, status, created_by) VALUES ($1, $2, 'scheduled', $3) RETURNING id`,
    [m.city, m.date, m.actor],
  );
  await tx.query(`INSERT INTO pool_merge_area (merge_id, area_code) SELECT $1, unnest($2::bpchar[])`, [
    row!.id,
    m.counties,
  ]);
  return row!.id;
}

export async function setStatus(
  tx: Sql,
  id: number,
  status: 'done' | 'cancelled',
  actor: string,
): Promise<void> {
  const who = status === 'done' ? 'completed' : 'cancelled';
  await tx.query(`UPDATE pool_merge SET status = $2, ${who}_by = $3, ${who}_at = now() WHERE id = $1`, [
    id,
    status,
    actor,
  ]);
}

/** Assignments this merge made (from its date). */
export function assignedBy(tx: Sql, mergeId: number): Promise<PackRow[]> {
  return tx.query<PackRow>(
    `SELECT p.area_code AS area, p.scheme, p.begin_date AS "beginDate", a.end_date AS "endDate", a.pack_hash AS "packHash"
     FROM pool_merge_pack p JOIN area_pack a USING (area_code, scheme, begin_date)
     WHERE p.merge_id = $1 AND p.change = 'assigned'`,
    [mergeId],
  );
}

/** End the assignments on the eve of the merge, keeping each one's end date before. */
export async function endPacks(
  tx: Sql,
  mergeId: number,
  rows: readonly PackRow[],
  eve: string,
): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `WITH r AS (SELECT * FROM unnest($2::bpchar[], $3::bpchar[], $4::date[], $5::date[]) AS r(area, scheme, begin_date, old_end)),
     k AS (INSERT INTO pool_merge_pack (merge_id, area_code, scheme, begin_date, change, old_end_date)
           SELECT $1, area, scheme, begin_date, 'ended', old_end FROM r)
     UPDATE area_pack a SET end_date = $6 FROM r
     WHERE a.area_code = r.area AND a.scheme = r.scheme AND a.begin_date = r.begin_date`,
    [
      mergeId,
      rows.map((r) => r.area),
      rows.map((r) => r.scheme),
      rows.map((r) => r.beginDate),
      rows.map((r) => r.endDate),
      eve,
    ],
  );
}

/** Record the assignments the merge makes (the registry's assignPack writes them). */
export async function recordAssigned(tx: Sql, mergeId: number, rows: readonly PackRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO pool_merge_pack (merge_id, area_code, scheme, begin_date, change)
     SELECT $1, a, s, d, 'assigned' FROM unnest($2::bpchar[], $3::bpchar[], $4::date[]) AS r(a, s, d)`,
    [mergeId, rows.map((r) => r.area), rows.map((r) => r.scheme), rows.map((r) => r.beginDate)],
  );
}

/** Undo the pack changes: the assignments made are removed, the ones ended get their end date back. */
export async function undoPacks(tx: Sql, mergeId: number): Promise<{ removed: number; restored: number }> {
  const [row] = await tx.query<{ removed: number; restored: number }>(
    `WITH p AS (SELECT * FROM pool_merge_pack WHERE merge_id = $1),
     d AS (DELETE FROM area_pack a USING p WHERE p.change = 'assigned' AND a.area_code = p.area_code
             AND a.scheme = p.scheme AND a.begin_date = p.begin_date RETURNING 1),
     u AS (UPDATE area_pack a SET end_date = p.old_end_date FROM p WHERE p.change = 'ended'
             AND a.area_code = p.area_code AND a.scheme = p.scheme AND a.begin_date = p.begin_date RETURNING 1)
     SELECT (SELECT count(*) FROM d)::bigint AS removed, (SELECT count(*) FROM u)::bigint AS restored`,
    [mergeId],
  );
  return row!;
}
