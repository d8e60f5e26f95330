import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  jsonl,
  outLines,
  ROOT,
  runCli,
  sanmingClaim,
  shanxiClaim,
  shanxiExample2,
  tempDirs,
  type Json,
} from './helpers.js';

// End-to-end runs of the built CLI (`npm run build` first; `npm test` does it) against specs/calc.md.

const tmp = tempDirs();
afterEach(() => tmp.cleanup());
beforeAll(() => {
  expect(existsSync(join(ROOT, 'dist/cli/main.js')), 'run `npm run build` before these tests').toBe(true);
});

const SHANXI = ['calc', '--policy', 'shanxi-resident-2025'];

function setlinfo(line: Json): Json {
  expect(line).not.toHaveProperty('error');
  return line.setlinfo as Json;
}

describe('tongchou calc: the worked examples of specs/calc.md', () => {
  it('examples 1 and 2 (shanxi-resident-2025) from --claims FILE, exit 0', async () => {
    const dir = tmp.make();
    const file = tmp.write(dir, 'claims.jsonl', jsonl([shanxiClaim({ claim_id: 'ex1' }), shanxiExample2()]));
    const run = await runCli([...SHANXI, '--claims', file]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).not.toMatch(/\d\.\d{3,}/); // no float noise, at most two decimals
    const [ex1, ex2, ...rest] = outLines(run);
    expect(rest).toEqual([]);
    expect(ex1!.claim_id).toBe('ex1');
    expect(setlinfo(ex1!)).toMatchObject({
      medfee_sumamt: 10000,
      inscp_scp_amt: 10000,
      act_pay_dedc: 400,
      hifp_pay: 7200,
      pool_prop_selfpay: 0.75,
      fund_pay_sumamt: 7200,
      psn_part_amt: 2800,
      psn_cash_pay: 2800,
    });
    expect(ex1!.setldetail).toEqual([{ fund_pay_type: '390100', fund_payamt: 7200 }]);
    expect(ex1).not.toHaveProperty('trace');
    expect(ex2!.claim_id).toBe('ex2');
    expect(setlinfo(ex2!)).toMatchObject({
      medfee_sumamt: 2500,
      fulamt_ownpay_amt: 500,
      preselfpay_amt: 200,
      inscp_scp_amt: 1800,
      act_pay_dedc: 1000,
      hifp_pay: 480,
      pool_prop_selfpay: 0.6,
      psn_part_amt: 2020,
      psn_cash_pay: 2020,
    });
  });

  it('example 3 (sanming-employee-2022) from standard input with no --claims; the deductible is annual', async () => {
    const second = sanmingClaim({ claim_id: 'ex3-second' });
    const run = await runCli(['calc', '--policy', 'sanming-employee-2022'], jsonl([sanmingClaim(), second]));
    expect(run.code).toBe(0);
    const [first, again] = outLines(run);
    expect(setlinfo(first!)).toMatchObject({
      inscp_scp_amt: 900,
      act_pay_dedc: 700,
      hifp_pay: 150,
      pool_prop_selfpay: 0.75,
      psn_part_amt: 750,
    });
    expect(setlinfo(again!)).toMatchObject({ act_pay_dedc: 0, hifp_pay: 675, psn_part_amt: 225 });
  });

  it('reads the same claims from --claims FILE, --claims - and bare standard input alike', async () => {
    const text = jsonl([shanxiClaim(), shanxiExample2(), sanmingClaim()]);
    const file = tmp.write(tmp.make(), 'c.jsonl', text);
    const [fromFile, fromDash, fromStdin] = await Promise.all([
      runCli([...SHANXI, '--claims', file]),
      runCli([...SHANXI, '--claims', '-'], text),
      runCli(SHANXI, text),
    ]);
    expect(fromFile.code).toBe(3); // the sanming claim is a POLICY_GAP under the shanxi pack
    expect(outLines(fromFile)).toHaveLength(3);
    for (const run of [fromDash, fromStdin]) {
      expect(run.code).toBe(3);
      expect(run.stdout).toBe(fromFile.stdout);
    }
  });
});

describe('tongchou calc: lines, order and exit status', () => {
  it('writes one line per non-blank input line, in input order; a refusal does not stop the run', async () => {
    const lines = [
      jsonl([shanxiClaim({ claim_id: 'z9', psn_no: 'A' })]),
      '\n',
      '   \t \n',
      jsonl([shanxiClaim({ claim_id: 'a1', psn_no: 'B', fees: [] })]),
      '{"claim_id": "broken", \n',
      jsonl([shanxiClaim({ claim_id: 'm5', setl_date: '2024-12-31' })]),
      jsonl([shanxiExample2({ claim_id: 'b2' })]),
      '\n',
      jsonl([shanxiClaim({ claim_id: 'last', psn_no: 'C' })]),
    ].join('');
    const run = await runCli(SHANXI, lines);
    expect(run.code).toBe(3);
    const out = outLines(run);
    expect(out.map((l) => l.claim_id)).toEqual(['z9', 'a1', null, 'm5', 'b2', 'last']);
    expect(out[1]).toEqual({
      claim_id: 'a1',
      error: { code: 'INVALID_CLAIM', message: expect.stringContaining('fee') as string, path: 'fees' },
    });
    expect(out[2]).toMatchObject({ claim_id: null, line: 5, error: { code: 'INVALID_CLAIM' } });
    expect(out[3]).toMatchObject({ claim_id: 'm5', error: { code: 'POLICY_GAP' } });
    for (const i of [0, 4, 5]) expect(out[i]).toHaveProperty('setlinfo');
    expect(setlinfo(out[5]!).hifp_pay).toBe(7200);
  });

  it('exits 0 when every claim settled and 3 when every claim was refused', async () => {
    const [ok, allRefused] = await Promise.all([
      runCli(SHANXI, jsonl([shanxiClaim({ claim_id: 'a' }), shanxiClaim({ claim_id: 'b', psn_no: 'Q' })])),
      runCli(SHANXI, jsonl(['not json', shanxiClaim({ med_type: '11' })])),
    ]);
    expect(ok.code).toBe(0);
    expect(outLines(ok).map((l) => l.claim_id)).toEqual(['a', 'b']);
    expect(allRefused.code).toBe(3);
    expect(allRefused.stderr).toBe('');
    const [notJson, gap] = outLines(allRefused);
    expect(notJson).toEqual({
      claim_id: null,
      line: 1,
      error: { code: 'INVALID_CLAIM', message: expect.stringMatching(/JSON/) as string, path: '' },
    });
    expect(gap).toEqual({
      claim_id: 'c1',
      error: { code: 'POLICY_GAP', message: expect.stringContaining('11') as string, path: 'benefits' },
    });
  });

  it('keeps input order and exact line numbers across read-buffer boundaries (file and stdin)', async () => {
    const claims: string[] = [];
    for (let i = 1; i <= 4000; i++) {
      claims.push(
        i % 1000 === 0 ? '{oops' : JSON.stringify(shanxiClaim({ claim_id: `k${i}`, psn_no: `P${i}` })),
      );
    }
    const text = claims.join('\n') + '\n';
    expect(text.length).toBeGreaterThan(1 << 20);
    const file = tmp.write(tmp.make(), 'big.jsonl', text);
    const runs = await Promise.all([runCli([...SHANXI, '--claims', file]), runCli(SHANXI, text)]);
    for (const run of runs) {
      expect(run.code).toBe(3);
      const out = outLines(run);
      expect(out).toHaveLength(4000);
      out.forEach((l, i) => {
        if ((i + 1) % 1000 === 0) expect(l).toMatchObject({ claim_id: null, line: i + 1 });
        else expect(l.claim_id).toBe(`k${i + 1}`);
      });
    }
  });

  it('accepts CRLF line endings, a last line without newline, and gives nothing for an empty file', async () => {
    const dir = tmp.make();
    const crlf = tmp.write(
      dir,
      'crlf.jsonl',
      jsonl([shanxiClaim({ claim_id: 'w1' }), '', shanxiExample2({ claim_id: 'w2' }), '{bad'], '\r\n'),
    );
    const noEol = tmp.write(
      dir,
      'noeol.jsonl',
      jsonl([shanxiClaim({ claim_id: 'n1' })]) + JSON.stringify(shanxiExample2({ claim_id: 'n2' })),
    );
    const crlfNoEol = tmp.write(
      dir,
      'crlf-noeol.jsonl',
      JSON.stringify(shanxiClaim({ claim_id: 'r1' })) + '\r',
    );
    const empty = tmp.write(dir, 'empty.jsonl', '');
    const blanks = tmp.write(dir, 'blanks.jsonl', '\n\r\n  \n');
    const [a, b, c, d, e, f] = await Promise.all([
      runCli([...SHANXI, '--claims', crlf]),
      runCli([...SHANXI, '--claims', noEol]),
      runCli([...SHANXI, '--claims', crlfNoEol]),
      runCli([...SHANXI, '--claims', empty]),
      runCli([...SHANXI, '--claims', blanks]),
      runCli(SHANXI, ''),
    ]);
    expect(a.code).toBe(3);
    expect(a.stdout).not.toContain('\r');
    const crlfOut = outLines(a);
    expect(crlfOut.map((l) => l.claim_id)).toEqual(['w1', 'w2', null]);
    expect(setlinfo(crlfOut[0]!).hifp_pay).toBe(7200);
    expect(setlinfo(crlfOut[1]!).hifp_pay).toBe(480);
    expect(crlfOut[2]).toMatchObject({ line: 4, error: { code: 'INVALID_CLAIM' } });
    expect(b.code).toBe(0);
    expect(outLines(b).map((l) => setlinfo(l).hifp_pay)).toEqual([7200, 480]);
    expect(c.code).toBe(0);
    expect(outLines(c).map((l) => l.claim_id)).toEqual(['r1']);
    for (const run of [d, e, f]) {
      expect(run.code).toBe(0);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe('');
    }
  });
});

describe('tongchou calc --explain', () => {
  it('adds a trace whose entries carry step, param, the pack label and the source sentence', async () => {
    const text = jsonl([shanxiClaim(), shanxiExample2()]);
    const [plain, explained] = await Promise.all([
      runCli(SHANXI, text),
      runCli([...SHANXI, '--explain'], text),
    ]);
    expect(explained.code).toBe(0);
    const [ex1, ex2] = outLines(explained);
    // --explain only adds the trace: the amounts are those of the plain run.
    outLines(plain).forEach((line, i) => {
      const { trace, ...rest } = outLines(explained)[i]!;
      expect(trace).toBeInstanceOf(Array);
      expect(rest).toEqual(line);
    });
    for (const line of [ex1!, ex2!]) {
      const trace = line.trace as Json[];
      for (const entry of trace) {
        expect(entry.step).toEqual(expect.any(String));
        expect(entry.param).toEqual(expect.any(String));
      }
      const deductible = trace.find((t) => t.step === 'deductible');
      const rate = trace.find((t) => t.step === 'rate');
      for (const entry of [deductible, rate]) {
        expect(entry?.pack).toMatch(/^shanxi-resident-2025@2025\.1#[0-9a-f]{12}$/);
        expect(entry?.param).toMatch(/^benefits\.resident-inpatient\./);
      }
      expect(deductible?.source).toContain('起付線分別為100元、400元、500元、1000元');
      expect(rate?.source).toContain('支付比例分別為85%、75%、70%、60%');
    }
    expect((ex1!.trace as Json[]).find((t) => t.step === 'deductible')?.value).toBe(400);
    expect((ex2!.trace as Json[]).find((t) => t.step === 'rate')?.value).toBe(0.6);
  });

  it('keeps refusals free of a trace and still exits 3', async () => {
    const run = await runCli([...SHANXI, '--explain'], jsonl([shanxiClaim({ age: -1 }), shanxiClaim()]));
    expect(run.code).toBe(3);
    const [refused, settled] = outLines(run);
    expect(refused).toEqual({
      claim_id: 'c1',
      error: { code: 'INVALID_CLAIM', message: expect.stringContaining('age') as string, path: 'age' },
    });
    expect(settled!.trace).toBeInstanceOf(Array);
  });
});

describe.concurrent(
  'tongchou calc: usage errors exit 2 with one line on stderr and nothing on stdout',
  () => {
    const valid = jsonl([shanxiClaim()]);
    it.each([
      ['missing --policy', ['calc'], /--policy/],
      ['missing --policy, with --claims', ['calc', '--claims', '-'], /--policy/],
      ['an unknown option', [...SHANXI, '--bogus'], /--bogus/],
      ['--policy without a value', ['calc', '--policy'], /--policy/],
      ['an unknown pack id', ['calc', '--policy', 'atlantis-2030'], /atlantis-2030/],
      ['a pack file that does not exist', ['calc', '--policy', 'no/such/pack.yaml'], /no\/such\/pack\.yaml/],
      [
        '--claims of a missing file',
        [...SHANXI, '--claims', 'no-such-claims.jsonl'],
        /no-such-claims\.jsonl/,
      ],
      ['--claims of a directory', [...SHANXI, '--claims', 'policies'], /policies/],
      ['an unknown command', ['calculate', '--policy', 'shanxi-resident-2025'], /calculate/],
    ])('%s', async (_name, args, mention) => {
      const run = await runCli(args, valid);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.trim()).toMatch(mention);
      expect(run.stderr.trim().split('\n'), `stderr: ${run.stderr}`).toHaveLength(1);
    });
  },
);
