import type { Sql } from '../../db/index.js';

/** SQL of reconciliation (3201/3202): an institution's settlements in force over a period. */

export interface PeriodAsk {
  institution: string;
  begin: string;
  end: string;
  insutype: string | null;
  /** Medical types counted (null: all). */
  medTypes: string[] | null;
}

const IN_FORCE = `FROM settlement s
  WHERE s.institution_code = $1 AND s.setl_date BETWEEN $2::date AND $3::date
    AND ($4::text IS NULL OR s.scheme = $4) AND ($5::text[] IS NULL OR s.med_type = ANY($5::text[]))
    AND NOT EXISTS (SELECT 1 FROM settlement_reversal r WHERE r.psn_no = s.psn_no AND r.setl_id = s.setl_id)`;

const params = (a: PeriodAsk) => [a.institution, a.begin, a.end, a.insutype, a.medTypes];

export interface PeriodTotals {
  medfee: number;
  fund: number;
  acct: number;
  count: number;
}

/** The totals of the institution's settlements in force (not reversed) in the period. */
export async function periodTotals(tx: Sql, a: PeriodAsk): Promise<PeriodTotals> {
  const [row] = await tx.query<PeriodTotals>(
    `SELECT coalesce(sum(s.medfee_sumamt), 0)::bigint AS medfee, coalesce(sum(s.fund_pay_sumamt), 0)::bigint AS fund,
            coalesce(sum(s.acct_pay), 0)::bigint AS acct, count(*)::int AS count ${IN_FORCE}`,
    params(a),
  );
  return row!;
}

export interface SettlementAmounts {
  setlId: string;
  psnNo: string;
  medfee: number;
  fund: number;
  acct: number;
}

/** Each settlement in force in the period, by setl_id. */
export async function periodSettlements(tx: Sql, a: PeriodAsk): Promise<SettlementAmounts[]> {
  return tx.query<SettlementAmounts>(
    `SELECT s.setl_id AS "setlId", s.psn_no AS "psnNo", s.medfee_sumamt AS medfee, s.fund_pay_sumamt AS fund,
            s.acct_pay AS acct ${IN_FORCE} ORDER BY s.setl_id`,
    params(a),
  );
}
