import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Claim } from '../../domain/settlement/types.js';
import { toClaim } from '../../settlement/claim-input.js';
import { personArb, toJsonClaim, visitArb } from '../../../test/property/claim-arbitraries.js';
import { ClaimDecoder } from './claim-decoder.js';
import { ColumnarClaims, ColumnarFileError, MemorySource } from './columnar-reader.js';
import { ClaimTableBuilder, MemorySink } from './columnar-writer.js';

/** Write claims to a columnar file in memory, with small row groups, and open it. */
function roundTrip(claims: Claim[], rowGroupClaims = 5): ColumnarClaims {
  const builder = new ClaimTableBuilder(rowGroupClaims);
  for (const c of claims) builder.add(c);
  const sink = new MemorySink();
  builder.write(sink, 'test');
  return ColumnarClaims.open(new MemorySource(sink.toShared()), 'test');
}

function readAll(file: ColumnarClaims): Claim[] {
  const decoder = new ClaimDecoder(file.footer.dictionaries);
  const out: Claim[] = [];
  for (let g = 0; g < file.rowGroupCount; g++) {
    const cols = file.rowGroup(g);
    for (let i = 0; i < cols.person.length; i++) out.push(decoder.decodeFull(cols, i));
  }
  return out;
}

/** The order the file promises: persons by first appearance, then date, then input order. */
function expectedOrder(claims: Claim[]): Claim[] {
  const first = new Map<string, number>();
  claims.forEach((c, i) => first.has(c.psnNo) || first.set(c.psnNo, i));
  return claims
    .map((c, i) => ({ c, i }))
    .sort(
      (a, b) =>
        first.get(a.c.psnNo)! - first.get(b.c.psnNo)! || a.c.date.localeCompare(b.c.date) || a.i - b.i,
    )
    .map((x) => x.c);
}

const claimsArb = fc
  .array(
    fc.tuple(personArb, visitArb, fc.option(fc.record({ d: fc.nat(1e6), p: fc.nat(1e8), n: fc.nat(5) }))),
    {
      minLength: 1,
      maxLength: 40,
    },
  )
  .map((rows) =>
    rows.map(([person, visit, prior], i) => {
      const claim = toClaim(toJsonClaim(person, visit, `c${i}`));
      if (prior) claim.prior = { deductibleUsed: prior.d, poolPaid: prior.p, admissions: prior.n };
      return claim;
    }),
  );

describe('columnar claims file', () => {
  it('gives back every claim exactly, sorted by person, then date, then input order (property)', () => {
    fc.assert(
      fc.property(claimsArb, fc.integer({ min: 1, max: 8 }), (claims, groupSize) => {
        const file = roundTrip(claims, groupSize);
        expect(readAll(file)).toEqual(expectedOrder(claims));
        expect(file.footer.claims).toBe(claims.length);
        expect(file.footer.persons).toBe(new Set(claims.map((c) => c.psnNo)).size);
      }),
      { numRuns: 150 },
    );
  });

  it('never splits a person over two row groups', () => {
    const claims = Array.from({ length: 30 }, (_, i) =>
      toClaim(
        toJsonClaim(
          { psn_no: `P${i % 4}`, insutype: '390', psn_type: '1501', age: 30, psn_tags: [] },
          {
            med_type: '21',
            fixmedins_lv: '1',
            price_class: null,
            area: 'same',
            day: i,
            dise_codes: [],
            acct_used_flag: '0',
            acct_balc: 0,
            fees: [{ code: 'x', chrgitm_lv: '01', det_item_fee_sumamt: 10 }],
          },
          `c${i}`,
        ),
      ),
    );
    const file = roundTrip(claims, 5);
    const persons = new Set<string>();
    const decoder = new ClaimDecoder(file.footer.dictionaries);
    for (let g = 0; g < file.rowGroupCount; g++) {
      const cols = file.rowGroup(g);
      const here = new Set(Array.from(cols.person, (p) => decoder.psnNo(cols, p)));
      for (const p of here) expect(persons.has(p), `${p} in two row groups`).toBe(false);
      for (const p of here) persons.add(p);
    }
    // 4 persons of 7–8 claims, row groups of about 5 claims: one person per row group.
    expect(file.rowGroupCount).toBe(4);
  });

  it('refuses a damaged file, naming what is wrong', () => {
    const claims = [
      toClaim(
        toJsonClaim(
          { psn_no: 'P1', insutype: '390', psn_type: '1501', age: 30, psn_tags: [] },
          {
            med_type: '21',
            fixmedins_lv: '1',
            price_class: null,
            area: 'same',
            day: 3,
            dise_codes: [],
            acct_used_flag: '0',
            acct_balc: 0,
            fees: [{ code: 'x', chrgitm_lv: '01', det_item_fee_sumamt: 10 }],
          },
          'c1',
        ),
      ),
    ];
    const builder = new ClaimTableBuilder();
    builder.add(claims[0]!);
    const sink = new MemorySink();
    builder.write(sink, 'test');
    const bytes = sink.toShared();
    const open = (b: Uint8Array) => ColumnarClaims.open(new MemorySource(b), 'claims.tcc');

    expect(() => open(bytes.subarray(0, bytes.length - 3))).toThrow(ColumnarFileError);
    expect(() => open(new TextEncoder().encode('{"claim_id":"c1"}\n'.repeat(3)))).toThrow(
      /does not start with TCCLAIMS/,
    );
    const version = bytes.slice();
    version[8] = 9;
    expect(() => open(version)).toThrow(/format version 9/);
    // The fee class column holds 1–3: a 7 there is damage, found before anything is settled.
    // (The columns of a file in memory are views of its bytes: writing one damages the file.)
    open(bytes).rowGroup(0).feeClass[0] = 7;
    expect(() => open(bytes).rowGroup(0)).toThrow(/row group 0: feeClass\[0\] is out of range/);
  });
});
