import { z } from 'zod';
import { ServiceError } from '../../common/service-error.js';
import { formatYuan } from '../../domain/money/money.js';
import { JsonNumber } from './exact-json.js';
import { code, date, parseField, text, toYuan, yuan } from './fields.js';
import * as repo from './reconcile-repository.js';
import type { CallContext, Transaction } from './transaction.js';

/**
 * 3201 total reconciliation (对总账) and 3202 detail reconciliation (对明细账) of an institution's
 * settlements in force (reversed ones left out) over a period, by setl_date. clr_type 11 counts
 * outpatient settlements (med_type 11, 14), 21 inpatient ones; absent, all.
 */

const opt = (max: number) => z.string({ error: 'must be a string' }).max(max).optional();

const period = {
  insutype: code(['310', '390']).optional(),
  clr_type: code(['11', '21']).optional(),
  setl_optins: opt(6),
  stmt_begndate: date,
  stmt_enddate: date,
};

function periodAsk(
  ctx: CallContext,
  d: { insutype?: string; clr_type?: string; stmt_begndate: string; stmt_enddate: string },
): repo.PeriodAsk {
  if (d.stmt_enddate < d.stmt_begndate)
    throw new ServiceError(
      'INVALID_INPUT',
      `is before stmt_begndate (${d.stmt_begndate})`,
      'input.data.stmt_enddate',
    );
  const medTypes = d.clr_type === '11' ? ['11', '14'] : d.clr_type === '21' ? ['21'] : null;
  return {
    institution: ctx.institution,
    begin: d.stmt_begndate,
    end: d.stmt_enddate,
    insutype: d.insutype ?? null,
    medTypes,
  };
}

/** A count of settlements, a JSON number or a string of digits. */
const settlementCount = z.unknown().transform((v, c): number => {
  const t = v instanceof JsonNumber ? v.text : typeof v === 'string' ? v : '';
  if (/^\d{1,9}$/.test(t)) return Number(t);
  c.issues.push({
    code: 'custom',
    message: v === undefined ? 'is required' : 'must be a whole number',
    input: v,
  });
  return z.NEVER;
});

const totalInput = z.object({
  data: z.object({
    ...period,
    medfee_sumamt: yuan,
    fund_pay_sumamt: yuan,
    acct_pay: yuan,
    fixmedins_setl_cnt: settlementCount,
  }),
});

const FIELDS = [
  ['medfee_sumamt', 'medfee', '医疗费总额 medical fees'],
  ['fund_pay_sumamt', 'fund', '基金支付总额 fund payments'],
  ['acct_pay', 'acct', '个人账户支付 personal account payments'],
] as const;

type TotalData = z.output<typeof totalInput>['data'];

/** Each total that differs: for a program (diffs) and for a person (one sentence each). */
function totalDiffs(data: TotalData, ours: repo.PeriodTotals) {
  const diffs: Record<string, unknown>[] = [];
  const dscr: string[] = [];
  for (const [field, key, label] of FIELDS) {
    if (data[field] === ours[key]) continue;
    diffs.push({ field, fixmedins: toYuan(data[field]), center: toYuan(ours[key]) });
    dscr.push(`${label}: institution ${formatYuan(data[field])}, Tongchou ${formatYuan(ours[key])}`);
  }
  if (data.fixmedins_setl_cnt !== ours.count) {
    diffs.push({ field: 'fixmedins_setl_cnt', fixmedins: data.fixmedins_setl_cnt, center: ours.count });
    dscr.push(`结算笔数 settlements: institution ${data.fixmedins_setl_cnt}, Tongchou ${ours.count}`);
  }
  return { diffs, dscr };
}

export const totalReconciliationTransaction: Transaction = {
  infno: '3201',
  name: '对总账 total reconciliation',
  needsSignIn: true,
  async run(ctx) {
    const { data } = parseField(totalInput, ctx.envelope.input, 'input');
    const { diffs, dscr } = totalDiffs(data, await repo.periodTotals(ctx.db, periodAsk(ctx, data)));
    return {
      stmtinfo: {
        setl_optins: data.setl_optins ?? null,
        stmt_rslt: diffs.length === 0 ? '0' : '1',
        stmt_rslt_dscr: diffs.length === 0 ? '对账一致 the totals agree' : dscr.join('; '),
      },
      diffs,
    };
  },
};

const detailInput = z.object({
  data: z.object(period),
  detail: z
    .array(
      z.object({
        setl_id: text(64),
        psn_no: text(30),
        medfee_sumamt: yuan,
        fund_pay_sumamt: yuan,
        acct_pay: yuan,
      }),
      { error: (i) => (i.input === undefined ? 'is required' : 'must be an array of settlements') },
    )
    .max(10_000, 'must list at most 10,000 settlements'),
});

type Theirs = z.output<typeof detailInput>['detail'][number];

function differs(t: Theirs, o: repo.SettlementAmounts): string[] {
  return FIELDS.filter(([field, key]) => t[field] !== o[key]).map(
    ([field, key]) => `${field}: institution ${formatYuan(t[field])}, Tongchou ${formatYuan(o[key])}`,
  );
}

function difference(t: { setl_id: string; psn_no: string }, type: string, dscr: string) {
  return { setl_id: t.setl_id, psn_no: t.psn_no, stmt_rslt: '1', dif_type: type, stmt_rslt_dscr: dscr };
}

/** The institution's list against Tongchou's: missing here, differing, then missing there. */
function detailDiffs(detail: readonly Theirs[], ours: ReadonlyMap<string, repo.SettlementAmounts>) {
  const rows: ReturnType<typeof difference>[] = [];
  for (const t of detail) {
    const o = ours.get(t.setl_id);
    if (!o) {
      rows.push(difference(t, 'center_missing', 'Tongchou has no such settlement in force in the period'));
      continue;
    }
    const d = differs(t, o);
    if (d.length > 0) rows.push(difference(t, 'amount_differs', d.join('; ')));
  }
  const listed = new Set(detail.map((t) => t.setl_id));
  for (const o of ours.values()) {
    if (listed.has(o.setlId)) continue;
    const dscr = `the institution did not list this settlement (medfee_sumamt ${formatYuan(o.medfee)})`;
    rows.push(difference({ setl_id: o.setlId, psn_no: o.psnNo }, 'fixmedins_missing', dscr));
  }
  return rows;
}

export const detailReconciliationTransaction: Transaction = {
  infno: '3202',
  name: '对明细账 detail reconciliation',
  needsSignIn: true,
  async run(ctx) {
    const { data, detail } = parseField(detailInput, ctx.envelope.input, 'input');
    const settlements = await repo.periodSettlements(ctx.db, periodAsk(ctx, data));
    const rows = detailDiffs(detail, new Map(settlements.map((s) => [s.setlId, s])));
    return {
      stmtinfo: {
        setl_optins: data.setl_optins ?? null,
        stmt_rslt: rows.length === 0 ? '0' : '1',
        dif_cnt: rows.length,
      },
      detail: rows,
    };
  },
};
