import type { Sql } from '../../db/index.js';
import {
  ENROLMENT_COLUMNS,
  PERSON_COLUMNS,
  type EnrolmentRecord,
  type PersonRecord,
} from '../../registry/lookup.js';

/**
 * The REST API's reads that no service offers yet (SQL only; each module should take its own over
 * when it grows a read service): the area of a subject, for the area scope; settlements, ledger
 * balances and journals, contributions, catalogue versions and packs, page by page in a stable order.
 * Amounts are whole fen.
 */

async function one(tx: Sql, sql: string, params: unknown[]): Promise<string | null> {
  const [row] = await tx.query<{ area: string }>(sql, params);
  return row?.area ?? null;
}

export const personArea = (tx: Sql, psnNo: string) =>
  one(tx, 'SELECT area_code AS area FROM person WHERE psn_no = $1', [psnNo]);
export const institutionArea = (tx: Sql, code: string) =>
  one(tx, 'SELECT area_code AS area FROM institution WHERE code = $1', [code]);
export const employerArea = (tx: Sql, empNo: string) =>
  one(tx, 'SELECT area_code AS area FROM employer WHERE emp_no = $1', [empNo]);
export const settlementArea = (tx: Sql, psnNo: string, setlId: string) =>
  one(tx, 'SELECT insured_area AS area FROM settlement WHERE psn_no = $1 AND setl_id = $2', [psnNo, setlId]);
export const mergeArea = (tx: Sql, id: number) =>
  one(tx, 'SELECT city_code AS area FROM pool_merge WHERE id = $1', [id]);

export async function findPerson(
  tx: Sql,
  psnNo: string,
): Promise<(PersonRecord & { enrolments: EnrolmentRecord[] }) | undefined> {
  const [person] = await tx.query<PersonRecord>(`SELECT ${PERSON_COLUMNS} FROM person WHERE psn_no = $1`, [
    psnNo,
  ]);
  if (!person) return undefined;
  const enrolments = await tx.query<EnrolmentRecord>(
    `SELECT ${ENROLMENT_COLUMNS} FROM enrolment WHERE psn_no = $1 ORDER BY scheme, begin_date`,
    [psnNo],
  );
  return { ...person, enrolments };
}

export async function findEmployer(tx: Sql, empNo: string) {
  const [row] = await tx.query(
    `SELECT emp_no AS "empNo", name, area_code AS "areaCode" FROM employer WHERE emp_no = $1`,
    [empNo],
  );
  return row;
}

const SETTLEMENT = `SELECT s.setl_id AS "setlId", s.psn_no AS "psnNo", s.mdtrt_id AS "mdtrtId", s.scheme,
    s.person_type AS "personType", s.med_type AS "medType", s.institution_code AS institution,
    s.insured_area AS "insuredArea", s.care_area AS "careArea", s.setl_date AS date, s.pack_hash AS "packHash",
    json_build_object('medfee_sumamt', s.medfee_sumamt, 'fulamt_ownpay_amt', s.fulamt_ownpay_amt,
      'overlmt_selfpay', s.overlmt_selfpay, 'preselfpay_amt', s.preselfpay_amt, 'inscp_scp_amt', s.inscp_scp_amt,
      'act_pay_dedc', s.deductible, 'hifp_pay', s.hifp_pay, 'hifob_pay', s.hifob_pay, 'hifmi_pay', s.hifmi_pay,
      'maf_pay', s.maf_pay, 'fund_pay_sumamt', s.fund_pay_sumamt, 'psn_part_amt', s.psn_part_amt,
      'acct_pay', s.acct_pay, 'psn_cash_pay', s.psn_cash_pay) AS "amountsFen",
    s.journal_id AS "journalId", r.setl_id IS NOT NULL AS reversed
  FROM settlement s LEFT JOIN settlement_reversal r ON r.psn_no = s.psn_no AND r.setl_id = s.setl_id`;

export interface SettlementFilter {
  psnNo?: string | undefined;
  institution?: string | undefined;
  areaCode?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
  offset: number;
}

/** Settlements by date, then person and id (a stable order), filtered. */
export function listSettlements(tx: Sql, f: SettlementFilter) {
  return tx.query(
    `${SETTLEMENT} WHERE ($1::text IS NULL OR s.psn_no = $1) AND ($2::text IS NULL OR s.institution_code = $2)
       AND ($3::bpchar IS NULL OR s.insured_area = $3) AND ($4::date IS NULL OR s.setl_date >= $4)
       AND ($5::date IS NULL OR s.setl_date <= $5)
     ORDER BY s.setl_date, s.psn_no, s.setl_id LIMIT $6 OFFSET $7`,
    [
      f.psnNo ?? null,
      f.institution ?? null,
      f.areaCode ?? null,
      f.from ?? null,
      f.to ?? null,
      f.limit + 1,
      f.offset,
    ],
  );
}

export async function findSettlement(tx: Sql, psnNo: string, setlId: string) {
  const [row] = await tx.query<Record<string, unknown>>(
    `${SETTLEMENT} WHERE s.psn_no = $1 AND s.setl_id = $2`,
    [psnNo, setlId],
  );
  if (!row) return undefined;
  const lines = await tx.query(
    `SELECT seq, code, class, amount AS "amountFen", selfpay_bp AS "selfpayBp", price_cap_fen AS "priceCapFen"
     FROM settlement_line WHERE psn_no = $1 AND setl_id = $2 ORDER BY seq`,
    [psnNo, setlId],
  );
  const funds = await tx.query(
    `SELECT fund_pay_type AS "fundPayType", amount AS "amountFen" FROM settlement_fund WHERE psn_no = $1 AND setl_id = $2 ORDER BY fund_pay_type`,
    [psnNo, setlId],
  );
  return { ...row, lines, funds };
}

/** Account balances of an area's accounts (personal accounts included), by book and code. */
export function listBalances(
  tx: Sql,
  f: { areaCode: string; book?: string | undefined; limit: number; offset: number },
) {
  return tx.query(
    `SELECT a.book, a.code, a.kind, a.area_code AS "areaCode", a.owner, a.normal, a.debits AS "debitsFen",
       a.credits AS "creditsFen",
       CASE WHEN a.normal = 'D' THEN a.debits - a.credits ELSE a.credits - a.debits END AS "balanceFen"
     FROM account a WHERE a.area_code = $1 AND ($2::text IS NULL OR a.book = $2)
     ORDER BY a.book, a.code LIMIT $3 OFFSET $4`,
    [f.areaCode, f.book ?? null, f.limit + 1, f.offset],
  );
}

/** Journals touching an area's accounts, newest id last, with their postings. */
export function listJournals(
  tx: Sql,
  f: { areaCode: string; from?: string | undefined; to?: string | undefined; limit: number; offset: number },
) {
  return tx.query(
    `SELECT j.id, j.kind, j.effective_date AS date, j.reverses, j.memo,
       (SELECT json_agg(json_build_object('seq', p.seq, 'book', p.book, 'debit', d.code, 'credit', c.code, 'amountFen', p.amount) ORDER BY p.seq)
          FROM posting p JOIN account d ON d.id = p.debit_account JOIN account c ON c.id = p.credit_account
          WHERE p.journal_id = j.id) AS postings
     FROM journal j
     WHERE EXISTS (SELECT 1 FROM posting p JOIN account a ON a.id IN (p.debit_account, p.credit_account)
                   WHERE p.journal_id = j.id AND a.area_code = $1)
       AND ($2::date IS NULL OR j.effective_date >= $2) AND ($3::date IS NULL OR j.effective_date <= $3)
     ORDER BY j.id LIMIT $4 OFFSET $5`,
    [f.areaCode, f.from ?? null, f.to ?? null, f.limit + 1, f.offset],
  );
}

export function listContributions(tx: Sql, f: { psnNo: string; limit: number; offset: number }) {
  return tx.query(
    `SELECT psn_no AS "psnNo", kind, period, scheme, area_code AS "areaCode", emp_no AS "empNo", base_fen AS "baseFen",
       employer_fen AS "employerFen", employee_fen AS "employeeFen", subsidy_fen AS "subsidyFen", pool_fen AS "poolFen",
       account_fen AS "accountFen", pack_hash AS "packHash", journal_id AS "journalId"
     FROM contribution WHERE psn_no = $1 ORDER BY period, kind LIMIT $2 OFFSET $3`,
    [f.psnNo, f.limit + 1, f.offset],
  );
}

export function listCatalogueVersions(tx: Sql, f: { limit: number; offset: number }) {
  return tx.query(
    `SELECT id, kind, valid_from AS "validFrom", source_name AS "sourceName", content_hash AS "contentHash", row_count AS "rowCount"
     FROM catalogue_version ORDER BY id LIMIT $1 OFFSET $2`,
    [f.limit + 1, f.offset],
  );
}

export function listPacks(tx: Sql, f: { limit: number; offset: number }) {
  return tx.query(
    `SELECT hash, pack_id AS "packId", version, label,
       (SELECT coalesce(json_agg(json_build_object('areaCode', a.area_code, 'scheme', a.scheme, 'beginDate', a.begin_date, 'endDate', a.end_date)
          ORDER BY a.area_code, a.scheme, a.begin_date), '[]') FROM area_pack a WHERE a.pack_hash = p.hash) AS assignments
     FROM policy_pack p ORDER BY pack_id, version, hash LIMIT $1 OFFSET $2`,
    [f.limit + 1, f.offset],
  );
}
