import type { Sql, Tx } from '../../db/index.js';
import type { Settlement } from '../../domain/settlement/types.js';
import type { StoredTotals } from './claim.js';

/**
 * A person-year's totals, its row locked until the transaction ends so that settlements of one
 * person queue instead of both reading the same room under the cap. `lock: false` exists only to
 * show, in a test, what goes wrong without it.
 */
export async function lockTotals(
  tx: Sql,
  psnNo: string,
  year: number,
  scheme: string,
  lock = true,
): Promise<StoredTotals> {
  if (!lock) {
    const [row] = await tx.query<{ totals: StoredTotals }>(
      'SELECT totals FROM person_totals WHERE psn_no = $1 AND year = $2 AND scheme = $3',
      [psnNo, year, scheme],
    );
    return row?.totals ?? {};
  }
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
  /** The key of the settlement's journal, posted earlier in the same transaction (null: none). */
  journalKey: string | null;
  trace: unknown;
  lines: { code: string; class: string; amount: number; selfpayBp: number; priceCapFen: number | null }[];
  diseases: readonly string[];
  tags: readonly string[];
}

/**
 * The settlement ($1–$32, its diagnoses and tags $43–$44), its fee lines ($33–$37) and its fund
 * rows ($38–$39), as CTEs and a last INSERT.
 */
const SETTLEMENT_SQL = `s AS (
       INSERT INTO settlement (psn_no, setl_id, idem_key, input_hash, mdtrt_id, scheme, person_type, med_type,
         institution_code, insured_area, care_area, setl_date, pack_hash, catalogue_version, medfee_sumamt,
         fulamt_ownpay_amt, overlmt_selfpay, preselfpay_amt, inscp_scp_amt, deductible, hifp_pay, pool_rate_bp,
         hifob_pay, hifmi_pay, maf_pay, fund_pay_sumamt, psn_part_amt, acct_pay, psn_cash_pay, totals_delta,
         journal_id, trace, diseases, tags)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
         $23, $24, $25, $26, $27, $28, $29, $30::text::jsonb,
         (SELECT id FROM journal WHERE idem_key = $31::text), $32::text::jsonb, $43::text[], $44::text[])
       RETURNING psn_no, setl_id),
     l AS (
       INSERT INTO settlement_line (psn_no, setl_id, seq, code, class, amount, selfpay_bp, price_cap_fen)
       SELECT s.psn_no, s.setl_id, x.seq - 1, x.code, x.class, x.amount, x.bp, x.cap
       FROM s, unnest($33::text[], $34::text[], $35::bigint[], $36::integer[], $37::bigint[])
         WITH ORDINALITY AS x(code, class, amount, bp, cap, seq))`;
const FUND_ROWS_SQL = `INSERT INTO settlement_fund (psn_no, setl_id, fund_pay_type, amount)
     SELECT s.psn_no, s.setl_id, f.t, f.a FROM s, unnest($38::text[], $39::bigint[]) AS f(t, a)`;

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
    r.journalKey,
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

/**
 * Everything a settlement writes but its journal, as one statement deferred to the commit: the settlement with its lines
 * and fund rows, the person-year's new totals ($40 year, $41 totals) and the answer stored under
 * its idempotency key ($42), which the transaction must have claimed.
 */
export function deferRecordSettlement(
  tx: Tx,
  r: SettlementRow,
  year: number,
  totals: StoredTotals,
  result: unknown,
): void {
  tx.defer(
    `WITH ${SETTLEMENT_SQL},
     t AS (
       INSERT INTO person_totals (psn_no, year, scheme, totals) VALUES ($1, $40, $6, $41::text::jsonb)
       ON CONFLICT (psn_no, year, scheme) DO UPDATE SET totals = EXCLUDED.totals, updated_at = now()),
     k AS (UPDATE idempotency SET result = $42::text::jsonb WHERE idem_key = $3)
     ${FUND_ROWS_SQL}`,
    [...settlementParams(r), year, JSON.stringify(totals), JSON.stringify(result), r.diseases, r.tags],
  );
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
