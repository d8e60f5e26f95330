import { z } from 'zod';
import { ServiceError } from '../../common/service-error.js';
import { formatYuan } from '../../domain/money/money.js';
import type { ReverseRequest, SettleRequest } from '../../settlement/online/request.js';
import type { SettleResult } from '../../settlement/online/service.js';
import { toSetlinfo } from '../../settlement/result-output.js';
import { chinaDate, chinaDateTime } from './envelope.js';
import { code, count, parseField, text, toYuan, yuan } from './fields.js';

/**
 * The pure mapping of 2206/2207/2208 onto the online settlement service: the message's input to
 * its request (yuan to fen), its answer to setlinfo and setldetail (fen to yuan), and the
 * service's field paths back to the message's.
 *
 * Deviation from the specification, until 2201/2203/2204 exist: the fee lines come in the 2206 and
 * 2207 input itself as `feedetail[]` (med_list_codg, cnt, det_item_fee_sumamt), and the diagnoses
 * as an optional `diseinfo[]` (diag_code), instead of being uploaded before settlement.
 */

const feeLine = z.object({
  med_list_codg: text(64),
  cnt: count,
  det_item_fee_sumamt: yuan,
  feedetl_sn: z.string({ error: 'must be a string' }).max(30).optional(),
});

const settleInput = z.object({
  data: z.object({
    psn_no: text(64),
    mdtrt_id: text(64),
    med_type: code(['11', '14', '21']),
    medfee_sumamt: yuan,
    insutype: code(['310', '390']).optional(),
    acct_used_flag: code(['0', '1']).optional(),
    mdtrt_cert_type: z.string({ error: 'must be a string' }).max(3).optional(),
    mdtrt_cert_no: z.string({ error: 'must be a string' }).max(50).optional(),
    psn_setlway: z.string({ error: 'must be a string' }).max(6).optional(),
    chrg_bchno: z.string({ error: 'must be a string' }).max(30).optional(),
  }),
  feedetail: z
    .array(feeLine, {
      error: (i) => (i.input === undefined ? 'is required' : 'must be an array of fee lines'),
    })
    .min(1, 'must list at least one fee line')
    .max(1_000, 'must list at most 1,000 fee lines'),
  diseinfo: z
    .array(
      z.object({
        diag_code: z
          .string({ error: 'must be an ICD-10 code' })
          .regex(/^[A-Z]\d{2}[0-9A-Za-z.+*]{0,12}$/, 'must be an ICD-10 code such as "J18.9"'),
      }),
    )
    .max(64, 'must list at most 64 diagnoses')
    .optional(),
});

export interface SettleCall {
  institution: string;
  requestKey: string;
  now: number;
}

/** A 2206/2207 input as the settlement service's request; medfee_sumamt must equal the lines' sum. */
export function settleRequestOf(input: unknown, call: SettleCall): SettleRequest {
  const { data, feedetail, diseinfo } = parseField(settleInput, input, 'input');
  const sum = feedetail.reduce((s, l) => s + l.det_item_fee_sumamt, 0);
  if (sum !== data.medfee_sumamt) {
    throw new ServiceError(
      'INVALID_INPUT',
      `is ${formatYuan(data.medfee_sumamt)} but the fee lines add up to ${formatYuan(sum)}`,
      'input.data.medfee_sumamt',
    );
  }
  return {
    key: call.requestKey,
    psnNo: data.psn_no,
    scheme: data.insutype,
    institution: call.institution,
    mdtrtId: data.mdtrt_id,
    medType: data.med_type,
    date: chinaDate(call.now),
    diseases: (diseinfo ?? []).map((d) => d.diag_code),
    tags: [],
    useAccount: data.acct_used_flag === '1',
    lines: feedetail.map((l) => ({ code: l.med_list_codg, count: l.cnt, amount: l.det_item_fee_sumamt })),
  };
}

const reverseInput = z.object({
  data: z.object({ setl_id: text(64), mdtrt_id: text(64), psn_no: text(64) }),
});

/** A 2208 input as the service's reversal request, and the visit it names. */
export function reverseRequestOf(input: unknown, call: SettleCall): ReverseRequest & { mdtrtId: string } {
  const { data } = parseField(reverseInput, input, 'input');
  return {
    key: call.requestKey,
    psnNo: data.psn_no,
    setlId: data.setl_id,
    date: chinaDate(call.now),
    mdtrtId: data.mdtrt_id,
  };
}

/** The names of the fund payment types (fund_pay_type_name). */
const FUND_NAMES: Record<string, string> = {
  '310100': '职工基本医疗保险统筹基金',
  '310200': '职工基本医疗保险个人账户基金',
  '330100': '职工大额医疗费用补助',
  '390100': '城乡居民基本医疗保险基金',
  '390200': '城乡居民大病医疗保险资金',
  '610100': '医疗救助基金',
};

/**
 * The answer of 2206 (no setl_id) and 2207: setlinfo and one setldetail row per fund that pays.
 * Funds Tongchou does not run (civil-servant aid, enterprise supplementary, other) pay 0.
 */
export function settlementOutput(r: Omit<SettleResult, 'setlId'> & { setlId?: string }, now: number) {
  const s = r.settlement;
  const setlinfo = {
    ...(r.setlId ? { setl_id: r.setlId } : {}),
    mdtrt_id: r.mdtrtId,
    psn_no: r.psnNo,
    insutype: r.scheme,
    setl_time: chinaDateTime(now),
    ...toSetlinfo(s),
    cvlserv_pay: 0,
    hifes_pay: 0,
    oth_pay: 0,
    hosp_part_amt: 0,
  };
  const setldetail = s.details.map((d) => ({
    fund_pay_type: d.fundPayType,
    fund_pay_type_name: FUND_NAMES[d.fundPayType] ?? d.fundPayType,
    fund_payamt: toYuan(d.amount),
  }));
  return { setlinfo, setldetail };
}

const SERVICE_FIELDS: Record<string, string> = {
  key: 'msgid',
  psnNo: 'input.data.psn_no',
  psn_no: 'input.data.psn_no',
  mdtrtId: 'input.data.mdtrt_id',
  medType: 'input.data.med_type',
  scheme: 'input.data.insutype',
  useAccount: 'input.data.acct_used_flag',
  setlId: 'input.data.setl_id',
  setl_id: 'input.data.setl_id',
  lines: 'input.feedetail',
  institution: 'fixmedins_code',
};
const LINE_FIELDS: Record<string, string> = {
  code: 'med_list_codg',
  count: 'cnt',
  amount: 'det_item_fee_sumamt',
};

/**
 * A settlement service's field path as the message's: `lines[2].amount` is
 * `input.feedetail[2].det_item_fee_sumamt`. The registry names an unknown catalogue code by its
 * index among the distinct codes asked for, so that index is turned back into the first line with it.
 */
export function messagePath(path: string, lines: readonly { code: string }[]): string {
  const line = /^lines\[(\d+)\]\.(\w+)$/.exec(path);
  if (line) return `input.feedetail[${line[1]}].${LINE_FIELDS[line[2]!] ?? line[2]}`;
  const unknown = /^feedetail\[(\d+)\]\.med_list_codg$/.exec(path);
  if (unknown) {
    const wanted = [...new Set(lines.map((l) => l.code))][Number(unknown[1])];
    const at = lines.findIndex((l) => l.code === wanted);
    return `input.feedetail[${at < 0 ? unknown[1] : at}].med_list_codg`;
  }
  const disease = /^diseases\[(\d+)\]$/.exec(path);
  if (disease) return `input.diseinfo[${disease[1]}].diag_code`;
  return SERVICE_FIELDS[path] ?? path;
}

/** Rethrow a service's refusal with its path in the message's terms. */
export function inMessageTerms(e: unknown, lines: readonly { code: string }[]): unknown {
  if (!(e instanceof ServiceError)) return e;
  return new ServiceError(e.code, e.message, messagePath(e.path, lines));
}
