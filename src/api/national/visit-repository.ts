import type { Sql } from '../../db/index.js';

/** SQL of visits and their uploaded fee lines (migrations/011_visits.sql). */

export interface VisitRow {
  mdtrtId: string;
  psnNo: string;
  institution: string;
  kind: 'outpatient' | 'inpatient';
  insutype: '310' | '390' | null;
  medType: string | null;
  iptOtpNo: string | null;
  begntime: string;
  endtime: string | null;
  diseases: string[];
  setlId: string | null;
  cancelled: boolean;
}

const VISIT_COLUMNS = `mdtrt_id AS "mdtrtId", psn_no AS "psnNo", institution_code AS institution, kind, insutype,
  med_type AS "medType", ipt_otp_no AS "iptOtpNo", to_char(begntime, 'YYYY-MM-DD HH24:MI:SS') AS begntime,
  to_char(endtime, 'YYYY-MM-DD HH24:MI:SS') AS endtime, diseases, setl_id AS "setlId",
  cancelled_at IS NOT NULL AS cancelled`;

export async function insertVisit(
  tx: Sql,
  v: Pick<
    VisitRow,
    | 'mdtrtId'
    | 'psnNo'
    | 'institution'
    | 'kind'
    | 'insutype'
    | 'medType'
    | 'iptOtpNo'
    | 'begntime'
    | 'diseases'
  >,
): Promise<void> {
  await tx.query(
    `INSERT INTO visit (mdtrt_id, psn_no, institution_code, kind, insutype, med_type, ipt_otp_no, begntime, diseases)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::timestamp, $9::text::jsonb)`,
    [
      v.mdtrtId,
      v.psnNo,
      v.institution,
      v.kind,
      v.insutype,
      v.medType,
      v.iptOtpNo,
      v.begntime,
      JSON.stringify(v.diseases),
    ],
  );
}

/** A visit, its row locked until the transaction ends when `lock` (writes to one visit queue). */
export async function findVisit(tx: Sql, mdtrtId: string, lock = false): Promise<VisitRow | undefined> {
  const [row] = await tx.query<VisitRow>(
    `SELECT ${VISIT_COLUMNS} FROM visit WHERE mdtrt_id = $1${lock ? ' FOR UPDATE' : ''}`,
    [mdtrtId],
  );
  return row;
}

export async function updateVisit(
  tx: Sql,
  mdtrtId: string,
  set: { medType?: string; begntime?: string; diseases?: string[]; endtime?: string | null },
): Promise<void> {
  await tx.query(
    `UPDATE visit SET med_type = coalesce($2, med_type), begntime = coalesce($3::timestamp, begntime),
       diseases = coalesce($4::text::jsonb, diseases),
       endtime = CASE WHEN $5::boolean THEN $6::timestamp ELSE endtime END
     WHERE mdtrt_id = $1`,
    [
      mdtrtId,
      set.medType ?? null,
      set.begntime ?? null,
      set.diseases ? JSON.stringify(set.diseases) : null,
      set.endtime !== undefined,
      set.endtime ?? null,
    ],
  );
}

export async function cancelVisit(tx: Sql, mdtrtId: string): Promise<void> {
  await tx.query('UPDATE visit SET cancelled_at = now() WHERE mdtrt_id = $1', [mdtrtId]);
}

/** Record the settlement in force on a visit, or (null) that it was reversed. */
export async function setVisitSettlement(tx: Sql, mdtrtId: string, setlId: string | null): Promise<void> {
  await tx.query('UPDATE visit SET setl_id = $2 WHERE mdtrt_id = $1', [mdtrtId, setlId]);
}

export interface FeeRow {
  feedetlSn: string;
  chrgBchno: string | null;
  code: string;
  count: number;
  pric: number | null;
  amount: number;
  chrgitmLv: '01' | '02' | '03';
  selfpayBp: number;
  priceCapFen: number | null;
  ownPay: number;
  overLimit: number;
  preSelfPay: number;
  inScope: number;
  feeOcurTime: string | null;
}

const FEE_COLUMNS = `feedetl_sn AS "feedetlSn", chrg_bchno AS "chrgBchno", med_list_codg AS code, cnt::float8 AS count,
  pric, amount, chrgitm_lv AS "chrgitmLv", selfpay_bp AS "selfpayBp", price_cap_fen AS "priceCapFen",
  fulamt_ownpay_amt AS "ownPay", overlmt_amt AS "overLimit", preselfpay_amt AS "preSelfPay", inscp_scp_amt AS "inScope",
  to_char(fee_ocur_time, 'YYYY-MM-DD HH24:MI:SS') AS "feeOcurTime"`;

/** Insert uploaded lines of a visit under the upload message's key, in the order given. */
export async function insertFees(
  tx: Sql,
  v: { mdtrtId: string; psnNo: string; uploadKey: string },
  lines: readonly FeeRow[],
): Promise<void> {
  const col = <K extends keyof FeeRow>(k: K) => lines.map((l) => l[k]);
  await tx.query(
    `INSERT INTO visit_fee (mdtrt_id, psn_no, upload_key, feedetl_sn, chrg_bchno, med_list_codg, cnt, pric, amount,
       chrgitm_lv, selfpay_bp, price_cap_fen, fulamt_ownpay_amt, overlmt_amt, preselfpay_amt, inscp_scp_amt, fee_ocur_time)
     SELECT $1, $2, $3, sn, bch, codg, cnt, pric, amt, lv, bp, cap, own, over, pre, inscp, ocur
     FROM unnest($4::text[], $5::text[], $6::text[], $7::numeric[], $8::bigint[], $9::bigint[], $10::text[],
       $11::integer[], $12::bigint[], $13::bigint[], $14::bigint[], $15::bigint[], $16::bigint[], $17::timestamp[])
       WITH ORDINALITY AS x(sn, bch, codg, cnt, pric, amt, lv, bp, cap, own, over, pre, inscp, ocur, n)
     ORDER BY n`,
    [
      v.mdtrtId,
      v.psnNo,
      v.uploadKey,
      col('feedetlSn'),
      col('chrgBchno'),
      col('code'),
      col('count'),
      col('pric'),
      col('amount'),
      col('chrgitmLv'),
      col('selfpayBp'),
      col('priceCapFen'),
      col('ownPay'),
      col('overLimit'),
      col('preSelfPay'),
      col('inScope'),
      col('feeOcurTime'),
    ],
  );
}

/** The live (not cancelled) fee lines of a visit, in upload order. */
export async function liveFees(tx: Sql, mdtrtId: string): Promise<FeeRow[]> {
  return tx.query<FeeRow>(
    `SELECT ${FEE_COLUMNS} FROM visit_fee WHERE mdtrt_id = $1 AND cancelled_at IS NULL ORDER BY id`,
    [mdtrtId],
  );
}

/** Cancel live lines of a visit: all, one feedetl_sn, or one charge batch; answers the sns cancelled. */
export async function cancelFees(
  tx: Sql,
  mdtrtId: string,
  which: { feedetlSn?: string; chrgBchno?: string; uploadKey?: string },
): Promise<string[]> {
  const rows = await tx.query<{ sn: string }>(
    `UPDATE visit_fee SET cancelled_at = now()
     WHERE mdtrt_id = $1 AND cancelled_at IS NULL AND ($2::text IS NULL OR feedetl_sn = $2)
       AND ($3::text IS NULL OR chrg_bchno = $3) AND ($4::text IS NULL OR upload_key = $4)
     RETURNING feedetl_sn AS sn`,
    [mdtrtId, which.feedetlSn ?? null, which.chrgBchno ?? null, which.uploadKey ?? null],
  );
  return rows.map((r) => r.sn).sort();
}

/** The visit an upload message (its idempotency key) wrote lines to, if any. */
export async function visitOfUpload(tx: Sql, uploadKey: string): Promise<string | undefined> {
  const [row] = await tx.query<{ mdtrt_id: string }>(
    'SELECT mdtrt_id FROM visit_fee WHERE upload_key = $1 LIMIT 1',
    [uploadKey],
  );
  return row?.mdtrt_id;
}
