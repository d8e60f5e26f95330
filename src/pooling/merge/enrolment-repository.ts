import type { Sql } from '../../db/index.js';

/**
 * The merge's dated enrolment changes, in bulk (a county holds hundreds of thousands of persons):
 * every county enrolment that reaches the merge date is either split — it ends on the eve and a
 * city enrolment with the same scheme, person type, status, employer and end continues it from the
 * date — or, when it begins on or after the date, moved to the city. What was changed is recorded in
 * pool_merge_enrolment, so a cancellation restores exactly that.
 */

export interface EnrolmentMoves {
  split: number;
  moved: number;
}

/**
 * Split or move the counties' enrolments that reach the date and are not yet the city's. Running it
 * again changes only enrolments added since (a split one now ends on the eve, so it is not seen).
 */
export async function moveEnrolments(
  tx: Sql,
  m: { id: number; city: string; counties: readonly string[]; date: string },
): Promise<EnrolmentMoves> {
  const [row] = await tx.query<EnrolmentMoves>(
    `WITH s AS (
       INSERT INTO pool_merge_enrolment (psn_no, scheme, begin_date, merge_id, change, old_end_date, old_area)
       SELECT psn_no, scheme, begin_date, $1, CASE WHEN begin_date < $4 THEN 'split' ELSE 'moved' END, end_date, area_code
       FROM enrolment WHERE area_code = ANY($3::bpchar[]) AND (end_date IS NULL OR end_date >= $4)
       RETURNING psn_no, scheme, begin_date, change, old_end_date),
     ended AS (
       UPDATE enrolment e SET end_date = $4::date - 1 FROM s
       WHERE s.change = 'split' AND e.psn_no = s.psn_no AND e.scheme = s.scheme AND e.begin_date = s.begin_date
       RETURNING e.psn_no, e.scheme, e.status, e.person_type, e.emp_no, s.old_end_date),
     continued AS (
       INSERT INTO enrolment (psn_no, scheme, begin_date, end_date, status, person_type, area_code, emp_no)
       SELECT psn_no, scheme, $4, old_end_date, status, person_type, $2, emp_no FROM ended RETURNING 1),
     moved AS (
       UPDATE enrolment e SET area_code = $2 FROM s
       WHERE s.change = 'moved' AND e.psn_no = s.psn_no AND e.scheme = s.scheme AND e.begin_date = s.begin_date
       RETURNING 1)
     SELECT (SELECT count(*) FROM continued)::int AS split, (SELECT count(*) FROM moved)::int AS moved`,
    [m.id, m.city, m.counties, m.date],
  );
  return row!;
}

/** Undo the enrolment changes: the city continuations removed, the county enrolments as they were. */
export async function undoEnrolments(
  tx: Sql,
  m: { id: number; city: string; date: string },
): Promise<{ removed: number; restored: number; movedBack: number }> {
  const [row] = await tx.query<{ removed: number; restored: number; movedBack: number }>(
    `WITH p AS (SELECT * FROM pool_merge_enrolment WHERE merge_id = $1),
     d AS (DELETE FROM enrolment e USING p WHERE p.change = 'split' AND e.psn_no = p.psn_no
             AND e.scheme = p.scheme AND e.begin_date = $3 AND e.area_code = $2 RETURNING 1),
     r AS (UPDATE enrolment e SET end_date = p.old_end_date FROM p WHERE p.change = 'split'
             AND e.psn_no = p.psn_no AND e.scheme = p.scheme AND e.begin_date = p.begin_date RETURNING 1),
     b AS (UPDATE enrolment e SET area_code = p.old_area FROM p WHERE p.change = 'moved'
             AND e.psn_no = p.psn_no AND e.scheme = p.scheme AND e.begin_date = p.begin_date RETURNING 1)
     SELECT (SELECT count(*) FROM d)::int AS removed, (SELECT count(*) FROM r)::int AS restored,
            (SELECT count(*) FROM b)::int AS "movedBack"`,
    [m.id, m.city, m.date],
  );
  return row!;
}

/**
 * What was recorded under the city for the persons the merge moved, from its date: settlements and
 * contributions (a resident's year counts when it begins on or after the merge month). A merge with
 * any cannot be undone without leaving them booked to the wrong pool.
 */
export async function usedAfterMerge(
  tx: Sql,
  m: { id: number; city: string; date: string },
): Promise<{ settlements: number; contributions: number }> {
  const [row] = await tx.query<{ settlements: number; contributions: number }>(
    `WITH p AS (SELECT DISTINCT psn_no FROM pool_merge_enrolment WHERE merge_id = $1)
     SELECT (SELECT count(*) FROM settlement s JOIN p USING (psn_no)
               WHERE s.insured_area = $2 AND s.setl_date >= $3)::int AS settlements,
            (SELECT count(*) FROM contribution c JOIN p USING (psn_no)
               WHERE c.area_code = $2 AND CASE WHEN length(c.period) = 4 THEN c.period || '-01' ELSE c.period END
                 >= to_char($3::date, 'YYYY-MM'))::int AS contributions`,
    [m.id, m.city, m.date],
  );
  return row!;
}
