import { z } from 'zod';
import { ServiceError } from '../../common/service-error.js';
import { readTotals } from '../../settlement/online/repository.js';
import type { SettleResult } from '../../settlement/online/service.js';
import { chinaDate } from './envelope.js';
import { feeOutput } from './fees.js';
import { parseField, text, toYuan } from './fields.js';
import { settlementOutput } from './settlement-mapping.js';
import type { Transaction } from './transaction.js';
import { requireVisit } from './visit-access.js';
import * as repo from './visit-repository.js';

/** 5203 settlement query, 5204 fee-detail query and 5206 accumulator query: they write nothing. */

const opt = (max: number) => z.string({ error: 'must be a string' }).max(max).optional();

const settlementAsk = z.object({
  data: z.object({ psn_no: text(30), setl_id: text(64), mdtrt_id: opt(64) }),
});

interface StoredAnswer {
  result: SettleResult;
  institution: string;
  at: number;
  setlTime: string | null;
  reversed: boolean;
}

/**
 * A settlement's answer as first given (kept under its idempotency key), so a query repeats the
 * settlement's own amounts, balc included, exactly.
 */
export const settlementQueryTransaction: Transaction = {
  infno: '5203',
  name: '结算信息查询 settlement query',
  needsSignIn: true,
  async run(ctx) {
    const { data } = parseField(settlementAsk, ctx.envelope.input, 'input');
    const [row] = await ctx.db.query<StoredAnswer>(
      `SELECT i.result, s.institution_code AS institution, (extract(epoch FROM s.created_at) * 1000)::bigint AS at,
              m.answer->'output'->'setlinfo'->>'setl_time' AS "setlTime",
              EXISTS (SELECT 1 FROM settlement_reversal r WHERE r.psn_no = s.psn_no AND r.setl_id = s.setl_id) AS reversed
       FROM settlement s JOIN idempotency i ON i.idem_key = s.idem_key
         LEFT JOIN api_message m ON m.institution_code = s.institution_code
           AND m.msgid = substr(s.idem_key, length('nhsa:' || s.institution_code || ':') + 1)
       WHERE s.psn_no = $1 AND s.setl_id = $2`,
      [data.psn_no, data.setl_id],
    );
    if (
      !row ||
      row.institution !== ctx.institution ||
      (data.mdtrt_id && data.mdtrt_id !== row.result.mdtrtId)
    )
      throw new ServiceError(
        'NOT_FOUND',
        `no settlement ${data.setl_id} of person ${data.psn_no} at institution ${ctx.institution}`,
        'input.data.setl_id',
      );
    const out = settlementOutput(row.result, row.at);
    // setl_time as the settlement's answer gave it (the message's time), else when it was stored.
    const setlTime = row.setlTime ?? out.setlinfo.setl_time;
    return {
      setlinfo: { ...out.setlinfo, setl_time: setlTime, refd_setl_flag: row.reversed ? '1' : '0' },
      setldetail: out.setldetail,
    };
  },
};

const feeAsk = z.object({ data: z.object({ psn_no: text(30), mdtrt_id: text(30), setl_id: opt(64) }) });

export const feeQueryTransaction: Transaction = {
  infno: '5204',
  name: '费用明细查询 fee-detail query',
  needsSignIn: true,
  async run(ctx) {
    const { data } = parseField(feeAsk, ctx.envelope.input, 'input');
    const v = await repo.findVisit(ctx.db, data.mdtrt_id);
    const kind = v?.kind ?? 'outpatient';
    await requireVisit(ctx.db, ctx, {
      mdtrtId: data.mdtrt_id,
      psnNo: data.psn_no,
      path: 'input.data.mdtrt_id',
      kind,
    });
    const fees = await repo.liveFees(ctx.db, data.mdtrt_id);
    return { feedetail: fees.map((f) => ({ mdtrt_id: data.mdtrt_id, setl_id: v!.setlId, ...feeOutput(f) })) };
  },
};

/**
 * The pack's counters with their national names where the specification has one: a deductible
 * group's use is act_pay_dedc, a cap's is hifp_pay paid under it, a layer's paid amount is its
 * fund's (hifob_pay, hifmi_pay, maf_pay) and its base the cumulative in-scope self-pay it counts.
 */
function nationalName(slot: string): { name: string; field: string | null } {
  const [kind, what] = slot.split(':') as [string, string | undefined];
  const paid: Record<string, string> = {
    'large-amount': 'hifob_pay',
    'critical-illness': 'hifmi_pay',
    assistance: 'maf_pay',
  };
  switch (kind) {
    case 'admissions':
      return { name: '住院次数 admissions this year', field: null };
    case 'deductible':
      return { name: `起付线累计 deductible used (${what})`, field: 'act_pay_dedc' };
    case 'cap':
      return { name: `统筹基金累计支付 pool paid under cap ${what}`, field: 'hifp_pay' };
    case 'layerPaid':
      return { name: `${what} 累计支付 paid`, field: paid[what ?? ''] ?? null };
    case 'layerBase':
      return { name: `${what} 累计合规自付 cumulative base`, field: 'inscp_scp_amt' };
    default:
      return { name: slot, field: null };
  }
}

const cumAsk = z.object({
  data: z.object({
    psn_no: text(30),
    cum_ym: z
      .string({ error: 'must be a month yyyyMM' })
      .regex(/^\d{4}(0[1-9]|1[0-2])$/, 'must be a month yyyyMM')
      .optional(),
  }),
});

export const accumulatorQueryTransaction: Transaction = {
  infno: '5206',
  name: '人员累计信息查询 accumulator query',
  needsSignIn: true,
  async run(ctx) {
    const { data } = parseField(cumAsk, ctx.envelope.input, 'input');
    const year = Number((data.cum_ym ?? chinaDate(ctx.now)).slice(0, 4));
    const [person] = await ctx.db.query('SELECT 1 FROM person WHERE psn_no = $1', [data.psn_no]);
    if (!person) throw new ServiceError('NOT_FOUND', `no insured person ${data.psn_no}`, 'input.data.psn_no');
    const cuminfo: Record<string, unknown>[] = [];
    for (const insutype of ['310', '390']) {
      const totals = await readTotals(ctx.db, data.psn_no, year, insutype);
      for (const [slot, value] of Object.entries(totals).sort(([a], [b]) => a.localeCompare(b))) {
        const n = nationalName(slot);
        const cum = slot === 'admissions' ? value : toYuan(value);
        cuminfo.push({
          insutype,
          year: String(year),
          cum_type_code: slot,
          cum_type_name: n.name,
          nhsa_field: n.field,
          cum,
        });
      }
    }
    return { cuminfo };
  },
};
