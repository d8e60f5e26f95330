import { afterEach, describe, expect, it } from 'vitest';
import { loadPack } from '../../src/policy/load.js';
import { CalcSession } from '../../src/settlement/calc-session.js';
import fc from 'fast-check';
import { BAD_CLAIMS, ODD_BUT_VALID, withValue } from './claim-cases.js';
import { jsonl, outLines, runCli, sanmingClaim, shanxiClaim, tempDirs, type Json } from './helpers.js';

// Malformed claims, in process (CalcSession.settleLine) and through the CLI: every one is refused
// with its code, a message a person can act on and the exact field path; the run goes on.

const pack = loadPack('shanxi-resident-2025');

function settleLine(text: string, lineNo = 7): Json {
  const out = new CalcSession(pack, false).settleLine(text, lineNo);
  expect(out).not.toContain('\n');
  return JSON.parse(out) as Json;
}

/** The claim_id a refusal must echo: the line's own claim_id when it is a non-empty string. */
function echoedId(line: string): string | null {
  try {
    const v = JSON.parse(line) as { claim_id?: unknown } | null;
    const id = v?.claim_id;
    return typeof id === 'string' && id.length > 0 ? id : null;
  } catch {
    return null;
  }
}

const withPrior = () => shanxiClaim({ prior: { deductible_used: 0, pool_paid: 0, admissions: 0 } });

describe('bad claims, in process', () => {
  it.each(BAD_CLAIMS.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const out = settleLine(c.line);
    const claimId = echoedId(c.line);
    expect(out).not.toHaveProperty('setlinfo');
    expect(Object.keys(out).sort()).toEqual(
      claimId === null ? ['claim_id', 'error', 'line'] : ['claim_id', 'error'],
    );
    expect(out.claim_id).toBe(claimId);
    if (claimId === null) expect(out.line).toBe(7);
    const error = out.error as { code: string; message: string; path: string };
    expect(Object.keys(error).sort()).toEqual(['code', 'message', 'path']);
    expect({ code: error.code, path: error.path }).toEqual({ code: c.code, path: c.path });
    expect(error.message).toMatch(c.mention);
    expect(error.message.length, 'a message short enough to read').toBeLessThan(300);
    expect(error.message).not.toMatch(/\.[jt]s:\d+|^\s+at /m);
  });

  it.each(ODD_BUT_VALID)('settles %s', (_name, line) => {
    const out = settleLine(line);
    expect(out.error).toBeUndefined();
    expect(out).toHaveProperty('setlinfo');
  });

  it('refuses an exponent only where it is a number: a settled claim with 1e3 inside strings', () => {
    const out = settleLine(JSON.stringify(shanxiClaim({ claim_id: 'id-1e3', dise_codes: ['J18.9'] })));
    expect(out).toMatchObject({ claim_id: 'id-1e3', setlinfo: { hifp_pay: 7200 } });
  });

  it('keeps settling after refusals in one session, with the right line numbers', () => {
    const session = new CalcSession(pack, false);
    const lines = [
      JSON.stringify(shanxiClaim({ claim_id: 'a' })),
      '{oops',
      JSON.stringify(shanxiClaim({ claim_id: 'b', age: 'forty' })),
      JSON.stringify(shanxiClaim({ claim_id: 'c', psn_no: 'P9' })),
    ];
    const out = lines.map((l, i) => JSON.parse(session.settleLine(l, i + 1)) as Json);
    expect(out.map((o) => o.claim_id)).toEqual(['a', null, 'b', 'c']);
    expect(out[1]).toMatchObject({ line: 2, error: { code: 'INVALID_CLAIM' } });
    expect(out[2]).toMatchObject({ error: { code: 'INVALID_CLAIM', path: 'age' } });
    expect(out[3]).toMatchObject({ setlinfo: { hifp_pay: 7200 } });
    expect([session.settled, session.refused]).toEqual([2, 2]);
  });

  it('never throws on any JSON value in any field, and settles only with exact two-decimal amounts', () => {
    const fields = Object.keys(shanxiClaim()).concat(['prior', 'psn_tags', 'acct_balc', 'acct_used_flag']);
    const feeFields = [
      'code',
      'chrgitm_lv',
      'det_item_fee_sumamt',
      'selfpay_prop',
      'cnt',
      'pric',
      'pric_uplmt_amt',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(
          ...fields,
          ...feeFields.map((f) => `fees[0].${f}`),
          'prior.pool_paid',
          'prior.admissions',
        ),
        fc.jsonValue(),
        (path, value) => {
          const base = path.startsWith('prior.') ? withPrior : shanxiClaim;
          const out = settleLine(withValue(path, value, base()));
          if (out.error === undefined) {
            for (const v of Object.values(out.setlinfo as Json))
              expect(Math.round((v as number) * 100) / 100).toBe(v);
          } else {
            expect(['INVALID_CLAIM', 'POLICY_GAP']).toContain((out.error as Json).code);
            expect((out.error as Json).path).toEqual(expect.any(String));
          }
        },
      ),
      { numRuns: 400 },
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (line) => {
          const out = settleLine(line);
          expect(out.error).toMatchObject({ code: 'INVALID_CLAIM' });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reads prior accumulators in yuan, like every other amount', () => {
    const capped = shanxiClaim({ prior: { pool_paid: 69_000, deductible_used: 0, admissions: 1 } });
    expect(settleLine(JSON.stringify(capped))).toMatchObject({ setlinfo: { hifp_pay: 1000 } });
    const sanming = new CalcSession(loadPack('sanming-employee-2022'), false);
    const claim = sanmingClaim({ prior: { deductible_used: 500.5 } });
    // 700 − 500.50 = 199.50 of the annual deductible left; (900 − 199.50) × 75 % = 525.375 → 525.38.
    expect(JSON.parse(sanming.settleLine(JSON.stringify(claim), 1))).toMatchObject({
      setlinfo: { act_pay_dedc: 199.5, hifp_pay: 525.38 },
    });
  });

  it('does not let a refused claim change the accumulators', () => {
    const session = new CalcSession(pack, false);
    const first = JSON.stringify(
      shanxiClaim({ claim_id: 'x', fees: [{ code: 'F', chrgitm_lv: '01', det_item_fee_sumamt: 95_000 }] }),
    );
    const refused = JSON.stringify(
      shanxiClaim({ claim_id: 'y', fees: [{ code: 'F', chrgitm_lv: '01', det_item_fee_sumamt: 1.234 }] }),
    );
    const after = JSON.stringify(shanxiClaim({ claim_id: 'z' }));
    // 95,000 − 400 = 94,600 × 75 % = 70,950 → capped at 70,000; the cap is then used up.
    expect(JSON.parse(session.settleLine(first, 1))).toMatchObject({ setlinfo: { hifp_pay: 70_000 } });
    expect(JSON.parse(session.settleLine(refused, 2))).toMatchObject({ error: { code: 'INVALID_CLAIM' } });
    expect(JSON.parse(session.settleLine(after, 3))).toMatchObject({ setlinfo: { hifp_pay: 0 } });
  });
});

describe('bad claims, through the CLI', () => {
  const tmp = tempDirs();
  afterEach(() => tmp.cleanup());

  it('refuses every bad claim of one file in order, settles the good ones between them, exits 3', async () => {
    const cases = BAD_CLAIMS.filter((c) => c.line.length < 20_000);
    const lines: string[] = [];
    cases.forEach((c, i) =>
      lines.push(c.line, JSON.stringify(shanxiClaim({ claim_id: `ok${i}`, psn_no: `Q${i}` }))),
    );
    const file = tmp.write(tmp.make(), 'bad.jsonl', jsonl(lines));
    const run = await runCli(['calc', '--policy', 'shanxi-resident-2025', '--claims', file]);
    expect(run.code).toBe(3);
    expect(run.stderr).toBe('');
    const out = outLines(run);
    expect(out).toHaveLength(lines.length);
    const mismatches: string[] = [];
    cases.forEach((c, i) => {
      const refused = out[2 * i]!;
      const want = { claim_id: echoedId(c.line), code: c.code, path: c.path };
      const error = refused.error as Json | undefined;
      const got = { claim_id: refused.claim_id, code: error?.code, path: error?.path };
      if (JSON.stringify(got) !== JSON.stringify(want))
        mismatches.push(`${c.name}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
      if (refused.claim_id === null && refused.line !== 2 * i + 1)
        mismatches.push(`${c.name}: line ${String(refused.line)}`);
      if ((out[2 * i + 1]!.setlinfo as Json | undefined)?.hifp_pay !== 7200)
        mismatches.push(`ok${i} not settled`);
    });
    expect(mismatches).toEqual([]);
  });

  it('refuses claims with huge strings and huge fee lists without a stack trace', async () => {
    const big = BAD_CLAIMS.filter((c) => c.line.length >= 20_000).map((c) => c.line);
    expect(big.length).toBeGreaterThan(3);
    const run = await runCli(['calc', '--policy', 'shanxi-resident-2025'], jsonl([...big, shanxiClaim()]));
    expect(run.code).toBe(3);
    const out = outLines(run);
    expect(out.map((o) => (o.error as Json | undefined)?.code ?? 'settled')).toEqual([
      ...big.map(() => 'INVALID_CLAIM'),
      'settled',
    ]);
    expect(run.stdout.length, 'refusals do not echo 100 KB of input back').toBeLessThan(big.length * 1000);
  });

  it('answers a POLICY_GAP with the parameter path for a pack that declares a cell absent', async () => {
    // nanchong-2017 declares the deductible at level 1–3 institutions absent.
    const claim = shanxiClaim({
      fixmedins_lv: '2',
      insuplc_admdvs: '511300',
      mdtrtarea_admvs: '511300',
      setl_date: '2018-05-01',
    });
    const run = await runCli(['calc', '--policy', 'nanchong-2017'], jsonl([claim]));
    expect(run.code).toBe(3);
    expect(outLines(run)[0]).toMatchObject({
      claim_id: 'c1',
      error: { code: 'POLICY_GAP', path: 'benefits.inpatient.deductible' },
    });
  });
});
