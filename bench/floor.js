// The bare JSON I/O floor for the end-to-end benchmark: the same line reader and writer as
// `tongchou calc`, but each claim is only parsed and answered with a result of the same shape.
import { createReadStream } from 'node:fs';
import { lineBatches, writeAll } from '../dist/settlement/json-lines.js';

const file = process.argv[2];

for await (const lines of lineBatches(createReadStream(file, { highWaterMark: 1 << 20 }))) {
  let out = '';
  for (const line of lines) {
    if (line.trim() === '') continue;
    const claim = JSON.parse(line);
    let total = 0;
    for (const fee of claim.fees) total += fee.det_item_fee_sumamt;
    const setlinfo = {
      medfee_sumamt: total,
      fulamt_ownpay_amt: 0,
      overlmt_selfpay: 0,
      preselfpay_amt: 0,
      inscp_scp_amt: total,
      act_pay_dedc: 0,
      hifp_pay: 0,
      pool_prop_selfpay: 0,
      hifob_pay: 0,
      hifmi_pay: 0,
      maf_pay: 0,
      fund_pay_sumamt: 0,
      psn_part_amt: total,
      acct_pay: 0,
      psn_cash_pay: total,
      balc: 0,
    };
    const setldetail = [{ fund_pay_type: '310100', fund_payamt: 0 }];
    out += JSON.stringify({ claim_id: claim.claim_id, setlinfo, setldetail }) + '\n';
  }
  await writeAll(process.stdout, out);
}
