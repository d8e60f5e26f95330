import type { Sql } from '../../db/index.js';
import type { Settlement } from '../../domain/settlement/types.js';
import type { StoredTotals } from './claim.js';

/**
 * A person-year's totals (created empty if needed), its row locked until the transaction ends, so
 * that reversals of the person's settlements queue; a settlement written meanwhile finds the totals
 * changed and settles again from the new ones.
 */
export async function lockTotals(
  tx: Sql,
  psnNo: string,
  year: number,
  scheme: string,
): Promise<StoredTotals> {
  const [row] = await tx.query<{ totals: StoredTotals }>(
    `INSERT INTO person_totals (psn_no, year, scheme) VALUES ($1, $2, $3)
     ON CONFLICT (psn_no, year, scheme) DO UPDATE SET updated_at = now() RETURNING totals`,
    [psnNo, year, scheme],
  );
  return row!.totals;
}

export async function readTotals(
  tx: Sql,
  psnNo: string,
  year: number,
  scheme: string,
): Promise<StoredTotals> {
  const [row] = await tx.query<{ totals: StoredTotals }>(
    'SELECT totals FROM person_totals WHERE psn_no = $1 AND year = $2 AND scheme = $3',
    [psnNo, year, scheme],
  );
  return row?.totals ?? {};
}

export async function writeTotals(
  tx: Sql,
  psnNo: string,
  year: number,
  scheme: string,
  totals: StoredTotals,
) {
  await tx.query(
    `INSERT INTO person_totals (psn_no, year, scheme, totals) VALUES ($1, $2, $3, $4::text::jsonb)
     ON CONFLICT (psn_no, year, scheme) DO UPDATE SET totals = EXCLUDED.totals, updated_at = now()`,
    [psnNo, year, scheme, JSON.stringify(totals)],
  );
}

/**
 * Queue behind every other settlement of the person that took this lock, until the transaction
 * ends: what a settlement falls back to when its totals changed under it.
 */
export async function queueForPerson(tx: Sql, psnNo: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`tongchou.settle:${psnNo}`]);
}

/** The balance of a person's personal account (0 if it was never opened). */
export async function accountBalance(tx: Sql, psnNo: string): Promise<number> {
  const [row] = await tx.query<{ balance: number }>(
    `SELECT credits - debits AS balance FROM account WHERE book = 'personal-account' AND code = $1`,
    [`personal:${psnNo}`],
  );
  return row?.balance ?? 0;
}

export interface SettlementRow {
  psnNo: string;
  setlId: string;
  key: string;
  hash: string;
  mdtrtId: string;
  scheme: string;
  personType: string;
  medType: string;
  institution: string;
  insuredArea: string;
  careArea: string;
  date: string;
  packHash: string;
  catalogueVersion: number;
  settlement: Settlement;
  delta: StoredTotals;
  trace: unknown;
  lines: { code: string; class: string; amount: number; selfpayBp: number; priceCapFen: number | null }[];
  diseases: readonly string[];
  tags: readonly string[];
}

/** $15–$29: the amounts in fen, but the pool's rate in basis points ($22). */
const AMOUNTS = Array.from(
  { length: 15 },
  (_, i) => `$${15 + i}::${15 + i === 22 ? 'integer' : 'bigint'}`,
).join(', ');

/**
 * The settlement ($1–$31, its journal's id as `journalId`, its diagnoses and tags $42–$43), its
 * fee lines ($32–$36) and its fund rows ($37–$38), as CTEs.
 */
const SETTLEMENT_SQL = (journalId: string) => `s AS (
       INSERT INTO settlement (psn_no, setl_id, idem_key, input_hash, mdtrt_id, scheme, person_type, med_type,
         institution_code, insured_area, care_area, setl_date, pack_hash, catalogue_version, medfee_sumamt,
         fulamt_ownpay_amt, overlmt_selfpay, preselfpay_amt, inscp_scp_amt, deductible, hifp_pay, pool_rate_bp,
         hifob_pay, hifmi_pay, maf_pay, fund_pay_sumamt, psn_part_amt, acct_pay, psn_cash_pay, totals_delta,
         journal_id, trace, diseases, tags)
       SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text, $9::text, $10::text,
         $11::text, $12::date, $13::text, $14::bigint, ${AMOUNTS}, $30::text::jsonb, ${journalId}, $31::text::jsonb,
         $42::text[], $43::text[]
       FROM t RETURNING psn_no, setl_id),
     l AS (
       INSERT INTO settlement_line (psn_no, setl_id, seq, code, class, amount, selfpay_bp, price_cap_fen)
       SELECT s.psn_no, s.setl_id, x.seq - 1, x.code, x.class, x.amount, x.bp, x.cap
       FROM s, unnest($32::text[], $33::text[], $34::bigint[], $35::integer[], $36::bigint[])
         WITH ORDINALITY AS x(code, class, amount, bp, cap, seq))`;
const FUND_ROWS_SQL = `f AS (INSERT INTO settlement_fund (psn_no, setl_id, fund_pay_type, amount)
     SELECT s.psn_no, s.setl_id, f.t, f.a FROM s, unnest($37::text[], $38::bigint[]) AS f(t, a))`;

function settlementParams(r: SettlementRow): unknown[] {
  const s = r.settlement;
  return [
    r.psnNo,
    r.setlId,
    r.key,
    r.hash,
    r.mdtrtId,
    r.scheme,
    r.personType,
    r.medType,
    r.institution,
    r.insuredArea,
    r.careArea,
    r.date,
    r.packHash,
    r.catalogueVersion,
    s.medfeeSum,
    s.ownPay,
    s.overLimit,
    s.preSelfPay,
    s.inScope,
    s.deductible,
    s.poolPay,
    s.poolRate,
    s.largeAmountPay,
    s.criticalIllnessPay,
    s.assistancePay,
    s.fundPaySum,
    s.personPart,
    s.accountPay,
    s.cashPay,
    JSON.stringify(r.delta),
    r.trace === null ? null : JSON.stringify(r.trace),
    r.lines.map((l) => l.code),
    r.lines.map((l) => l.class),
    r.lines.map((l) => l.amount),
    r.lines.map((l) => l.selfpayBp),
    r.lines.map((l) => l.priceCapFen),
    s.details.map((d) => d.fundPayType),
    s.details.map((d) => d.amount),
  ];
}

/** A statement's CTEs with their parameters, numbered to follow the settlement's. */
export interface Ctes {
  text: string;
  params: unknown[];
}

/** The parameters the settlement's own CTEs take: the journal's are numbered after them. */
export const SETTLEMENT_PARAMS = 44;

/**
 * Everything a settlement writes, as one statement (its own transaction, or part of the caller's):
 *  - `k` claims the idempotency key with the answer ($39); a key taken already writes nothing more;
 *  - `t` writes the person-year's new totals ($40 year, $41 totals) if they still are what the
 *    claim was settled from ($44; null: unchecked), and the statement is refused as a serialization
 *    failure if they are not, so that the caller settles again from the new ones;
 *  - the journal's CTEs (`journal`, gated on `t`, its parameters from $45), then the settlement
 *    with its lines and fund rows ($1–$38, its diagnoses and tags $42–$43);
 *  - `also`, a caller's own write (an INSERT … SELECT … FROM k … RETURNING), its parameters after
 *    the journal's: see alsoParamsFrom.
 * Answers whether the key was claimed, and whether `also` wrote a row.
 */
export async function recordSettlement(
  sql: Sql,
  r: SettlementRow,
  totals: { year: number; after: StoredTotals; before: StoredTotals | null },
  result: unknown,
  writes: { journal: Ctes | null; also: Ctes | null },
): Promise<{ claimed: boolean; alsoWrote: boolean }> {
  const { journal, also } = writes;
  const text = `WITH k AS (
       INSERT INTO idempotency (idem_key, operation, input_hash, result) VALUES ($3, 'settle', $4, $39::text::jsonb)
       ON CONFLICT (idem_key) DO NOTHING RETURNING idem_key),
     t AS (
       INSERT INTO person_totals (psn_no, year, scheme, totals) SELECT $1::text, $40::smallint, $6::text, $41::text::jsonb FROM k
       ON CONFLICT (psn_no, year, scheme) DO UPDATE SET totals = EXCLUDED.totals, updated_at = now()
       WHERE $44::text IS NULL OR person_totals.totals = $44::text::jsonb
       RETURNING psn_no),
     g AS (SELECT tc_retry_unless(NOT EXISTS (SELECT 1 FROM k) OR EXISTS (SELECT 1 FROM t),
       'the person''s totals changed while the claim was settled') AS ok),
     ${journal ? `${journal.text},` : ''}
     ${SETTLEMENT_SQL(journal ? '(SELECT id FROM jj)' : 'NULL::bigint')},
     ${FUND_ROWS_SQL}${
       also
         ? `,
     a AS (${also.text})`
         : ''
     }
     SELECT (SELECT count(*) FROM k)::int AS claimed, (SELECT ok FROM g) AS ok,
       ${also ? '(SELECT count(*) FROM a)::int' : '0'} AS also`;
  const params = [
    ...settlementParams(r),
    JSON.stringify(result),
    totals.year,
    JSON.stringify(totals.after),
    r.diseases,
    r.tags,
    totals.before === null ? null : JSON.stringify(totals.before),
    ...(journal?.params ?? []),
    ...(also?.params ?? []),
  ];
  const [row] = await sql.query<{ claimed: number; also: number }>(text, params);
  return { claimed: row!.claimed === 1, alsoWrote: row!.also > 0 };
}

/** The number of the first parameter of a caller's own write, after the settlement's and the journal's. */
export function alsoParamsFrom(journal: Ctes | null): number {
  return SETTLEMENT_PARAMS + 1 + (journal?.params.length ?? 0);
}

export interface StoredSettlement {
  psn_no: string;
  setl_id: string;
  scheme: string;
  setl_date: string;
  pack_hash: string;
  institution_code: string;
  journal_id: number | null;
  totals_delta: StoredTotals;
  reversed: boolean;
}

export async function findSettlement(
  tx: Sql,
  psnNo: string,
  setlId: string,
): Promise<StoredSettlement | undefined> {
  const [row] = await tx.query<StoredSettlement>(
    `SELECT s.psn_no, s.setl_id, s.scheme, s.setl_date, s.pack_hash, s.institution_code, s.journal_id, s.totals_delta,
            EXISTS (SELECT 1 FROM settlement_reversal r WHERE r.psn_no = s.psn_no AND r.setl_id = s.setl_id) AS reversed
     FROM settlement s WHERE s.psn_no = $1 AND s.setl_id = $2`,
    [psnNo, setlId],
  );
  return row;
}

export async function insertReversal(
  tx: Sql,
  r: { psnNo: string; setlId: string; key: string; journalId: number | null },
): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO settlement_reversal (psn_no, setl_id, idem_key, journal_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT DO NOTHING RETURNING setl_id`,
    [r.psnNo, r.setlId, r.key, r.journalId],
  );
  return rows.length === 1;
}
