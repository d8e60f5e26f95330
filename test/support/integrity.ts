/**
 * Whole-database checks of the online-settlement tables that the reliability and model tests share:
 * no half-written settlement or reversal, and every person's stored totals equal to the sum of
 * the deltas of their settlements that were not reversed (DESIGN §6, §10).
 */
import type { Sql } from '../../src/db/index.js';

/** A person-year-scheme's counters by name, zeros left out so that equal totals compare equal. */
export type Counters = Record<string, number>;

function nonZero(totals: Record<string, number>): Counters {
  return Object.fromEntries(Object.entries(totals).filter(([, v]) => v !== 0));
}

/**
 * Each settlement in one piece: its fee lines, its fund rows (the pool's always), its idempotency
 * key with a stored answer, and — when money moved — its journal, whose postings add up to the
 * funds that pay plus the personal account. Each reversal has the journal reversing the original.
 * No settlement journal belongs to no settlement, and no fee line, fund row or journal reference
 * points nowhere (migration 013 keeps these without foreign keys). Returns what is wrong, one line each.
 */
export async function halfWritten(db: Sql): Promise<string[]> {
  const rows = await db.query<{ problem: string }>(
    `SELECT 'settlement ' || s.setl_id || ' has no fee lines' AS problem FROM settlement s
       WHERE NOT EXISTS (SELECT 1 FROM settlement_line l WHERE l.psn_no = s.psn_no AND l.setl_id = s.setl_id)
     UNION ALL
     SELECT 'settlement ' || s.setl_id || ' has no pool fund row' FROM settlement s
       WHERE NOT EXISTS (SELECT 1 FROM settlement_fund f WHERE f.psn_no = s.psn_no AND f.setl_id = s.setl_id
                           AND f.fund_pay_type LIKE '%100' AND f.amount = s.hifp_pay)
     UNION ALL
     SELECT 'settlement ' || s.setl_id || ' fund rows add up to ' || sum(f.amount) || ', not ' || s.fund_pay_sumamt
       FROM settlement s JOIN settlement_fund f ON f.psn_no = s.psn_no AND f.setl_id = s.setl_id
       GROUP BY s.psn_no, s.setl_id, s.fund_pay_sumamt HAVING sum(f.amount) <> s.fund_pay_sumamt
     UNION ALL
     SELECT 'settlement ' || s.setl_id || ' key ' || s.idem_key || ' has no stored answer' FROM settlement s
       LEFT JOIN idempotency i ON i.idem_key = s.idem_key
       WHERE i.result IS NULL OR i.result->>'setlId' IS DISTINCT FROM s.setl_id
     UNION ALL
     SELECT 'settlement ' || s.setl_id || ' moved ' || (s.hifp_pay + s.hifob_pay + s.hifmi_pay + s.acct_pay)
              || ' fen but its journal posts ' || coalesce((SELECT sum(p.amount) FROM posting p WHERE p.journal_id = s.journal_id), 0)
       FROM settlement s
       WHERE coalesce((SELECT sum(p.amount) FROM posting p WHERE p.journal_id = s.journal_id), 0)
             <> s.hifp_pay + s.hifob_pay + s.hifmi_pay + s.acct_pay
     UNION ALL
     SELECT 'journal ' || j.id || ' (' || j.idem_key || ') belongs to no settlement' FROM journal j
       WHERE j.kind = 'settlement' AND NOT EXISTS (SELECT 1 FROM settlement s WHERE s.journal_id = j.id)
     UNION ALL
     SELECT 'reversal of ' || r.setl_id || ' does not carry the reversal of its journal' FROM settlement_reversal r
       JOIN settlement s ON s.psn_no = r.psn_no AND s.setl_id = r.setl_id
       WHERE (s.journal_id IS NULL) <> (r.journal_id IS NULL)
          OR (r.journal_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM journal j WHERE j.id = r.journal_id AND j.reverses = s.journal_id))
     UNION ALL
     SELECT 'reversal of ' || r.setl_id || ' key ' || r.idem_key || ' has no stored answer' FROM settlement_reversal r
       LEFT JOIN idempotency i ON i.idem_key = r.idem_key
       WHERE i.result IS NULL OR i.result->>'setlId' IS DISTINCT FROM r.setl_id
     UNION ALL
     SELECT 'journal ' || j.id || ' (' || j.idem_key || ') reverses a settlement but no reversal row holds it'
       FROM journal j WHERE j.kind = 'settlement-reversal'
         AND NOT EXISTS (SELECT 1 FROM settlement_reversal r WHERE r.journal_id = j.id)
     UNION ALL
     SELECT 'fee line ' || l.setl_id || '/' || l.seq || ' belongs to no settlement' FROM settlement_line l
       WHERE NOT EXISTS (SELECT 1 FROM settlement s WHERE s.psn_no = l.psn_no AND s.setl_id = l.setl_id)
     UNION ALL
     SELECT 'fund row ' || f.setl_id || '/' || f.fund_pay_type || ' belongs to no settlement' FROM settlement_fund f
       WHERE NOT EXISTS (SELECT 1 FROM settlement s WHERE s.psn_no = f.psn_no AND s.setl_id = f.setl_id)
     UNION ALL
     SELECT 'settlement ' || s.setl_id || ' names journal ' || s.journal_id || ', which does not exist' FROM settlement s
       WHERE s.journal_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM journal j WHERE j.id = s.journal_id)
     UNION ALL
     SELECT 'key ' || i.idem_key || ' was claimed but has no answer' FROM idempotency i
       WHERE i.operation IN ('settle', 'reverse') AND i.result IS NULL`,
  );
  return rows.map((r) => r.problem);
}

/** The stored totals, by "psn/year/scheme", zeros left out; only the persons given, if any. */
export async function storedTotals(db: Sql, persons?: readonly string[]): Promise<Map<string, Counters>> {
  const rows = await db.query<{ psn_no: string; year: number; scheme: string; totals: Counters }>(
    `SELECT psn_no, year, scheme, totals FROM person_totals WHERE $1::text[] IS NULL OR psn_no = ANY($1::text[])`,
    [persons ?? null],
  );
  const out = new Map<string, Counters>();
  for (const r of rows) {
    const totals = nonZero(r.totals);
    if (Object.keys(totals).length > 0) out.set(`${r.psn_no}/${r.year}/${r.scheme}`, totals);
  }
  return out;
}

/** The sum of the totals deltas of the settlements not reversed, keyed as `storedTotals`. */
export async function summedDeltas(db: Sql, persons?: readonly string[]): Promise<Map<string, Counters>> {
  const rows = await db.query<{ psn_no: string; year: number; scheme: string; totals_delta: Counters }>(
    `SELECT s.psn_no, extract(year FROM s.setl_date)::int AS year, s.scheme, s.totals_delta FROM settlement s
     WHERE ($1::text[] IS NULL OR s.psn_no = ANY($1::text[]))
       AND NOT EXISTS (SELECT 1 FROM settlement_reversal r WHERE r.psn_no = s.psn_no AND r.setl_id = s.setl_id)`,
    [persons ?? null],
  );
  const sums = new Map<string, Counters>();
  for (const r of rows) {
    const key = `${r.psn_no}/${r.year}/${r.scheme}`;
    const sum = sums.get(key) ?? {};
    for (const [name, d] of Object.entries(r.totals_delta)) sum[name] = (sum[name] ?? 0) + d;
    sums.set(key, sum);
  }
  const out = new Map<string, Counters>();
  for (const [key, sum] of sums) {
    const totals = nonZero(sum);
    if (Object.keys(totals).length > 0) out.set(key, totals);
  }
  return out;
}

/** Person-years whose stored totals differ from the sum of their live settlements' deltas. */
export async function totalsMismatches(db: Sql, persons?: readonly string[]): Promise<string[]> {
  const stored = await storedTotals(db, persons);
  const summed = await summedDeltas(db, persons);
  const problems: string[] = [];
  for (const key of new Set([...stored.keys(), ...summed.keys()])) {
    const a = JSON.stringify(sorted(stored.get(key) ?? {}));
    const b = JSON.stringify(sorted(summed.get(key) ?? {}));
    if (a !== b) problems.push(`${key}: stored ${a}, settlements add up to ${b}`);
  }
  return problems;
}

function sorted(c: Counters): Counters {
  return Object.fromEntries(Object.entries(c).sort(([a], [b]) => (a < b ? -1 : 1)));
}
