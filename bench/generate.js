// Deterministic synthetic claims for the benchmarks: employees of the Sanming pack (general
// outpatient, annual deductible and cap carried per person) over two policy years.
import { createWriteStream } from 'node:fs';

/** A small fast PRNG (mulberry32) so every run settles the same claims. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CLASSES = ['01', '01', '01', '02', '03'];
const LEVELS = ['0', '1', '2', '3'];

function yuan(fen) {
  return fen / 100;
}

function pad(n, width) {
  return String(n).padStart(width, '0');
}

/** The i-th claim as a calc JSON object (specs/calc.md), with `lines` fee lines. */
export function claimJson(i, random, persons, lines = 5) {
  const person = Math.floor(random() * persons);
  const year = random() < 0.5 ? 2022 : 2023;
  const month = 1 + Math.floor(random() * 12);
  const day = 1 + Math.floor(random() * 28);
  const fees = [];
  for (let k = 0; k < lines; k++) {
    const cls = CLASSES[Math.floor(random() * CLASSES.length)];
    const amount = 1000 + Math.floor(random() * 199_000); // 10.00 – 2,000.00 yuan
    const fee = {
      code: `Y${pad(Math.floor(random() * 5000), 5)}`,
      chrgitm_lv: cls,
      det_item_fee_sumamt: yuan(amount),
    };
    if (cls === '02') fee.selfpay_prop = random() < 0.5 ? 0.1 : 0.2;
    if (random() < 0.1) {
      fee.cnt = 2;
      fee.pric_uplmt_amt = yuan(Math.floor(amount / 2.2));
    }
    fees.push(fee);
  }
  return {
    claim_id: `C${pad(i, 8)}`,
    psn_no: `P${pad(person, 7)}`,
    insutype: '310',
    psn_type: person % 5 === 0 ? '1201' : '1101',
    age: 25 + (person % 50),
    med_type: '11',
    fixmedins_code: `H${pad(person % 300, 4)}`,
    fixmedins_lv: LEVELS[Math.floor(random() * 4)],
    insuplc_admdvs: '350402',
    mdtrtarea_admvs: random() < 0.9 ? '350402' : '350403',
    setl_date: `${year}-${pad(month, 2)}-${pad(day, 2)}`,
    dise_codes: ['J06.9'],
    acct_used_flag: person % 2 === 0 ? '1' : '0',
    acct_balc: 500,
    fees,
  };
}

/** Write `count` claims as JSON Lines to `file`, waiting for the stream to drain. */
export async function writeClaimsFile(file, count, persons, seed = 42) {
  const random = rng(seed);
  const out = createWriteStream(file);
  let buf = '';
  for (let i = 0; i < count; i++) {
    buf += JSON.stringify(claimJson(i, random, persons)) + '\n';
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise((r) => out.once('drain', r));
      buf = '';
    }
  }
  out.write(buf);
  await new Promise((resolve, reject) => out.end((e) => (e ? reject(e) : resolve())));
}
