import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_BAND_BOUNDS } from '../../domain/simulation/bands.js';
import { parsePackText } from '../../policy/load.js';
import { CalcSession } from '../../settlement/calc-session.js';
import { toClaim } from '../../settlement/claim-input.js';
import { packArb, packDoc } from '../../../test/property/arbitraries.js';
import { personClaims, personYearArb, type JsonClaim } from '../../../test/property/claim-arbitraries.js';
import { ColumnarClaims, MemorySource } from './columnar-reader.js';
import { ClaimTableBuilder, MemorySink } from './columnar-writer.js';
import { Simulator, yuanJson, type SimulationConfig } from './simulator.js';
import { fenToYuan } from '../../domain/money/money.js';

/**
 * The simulation settles each side exactly as `tongchou calc` would settle the same claims, in
 * each person's date order, against that side's pack: for random packs and random years of claims
 * of several persons (interleaved in the input), every person-year's burden under each side equals
 * the sum of calc's psn_part_amt over the claims both sides settled, and the refusals match.
 */

/** Each person's claims (already in date order) interleaved by `picks`, keeping each person's order. */
function interleave(perPerson: JsonClaim[][], picks: number[]): JsonClaim[] {
  const queues = perPerson.map((q) => [...q]);
  const out: JsonClaim[] = [];
  let k = 0;
  while (queues.some((q) => q.length > 0)) {
    const open = queues.filter((q) => q.length > 0);
    out.push(open[(picks[k++ % Math.max(picks.length, 1)] ?? 0) % open.length]!.shift()!);
  }
  return out;
}

/** calc's person burden (fen) of each claim under a pack, in input order; null when refused. */
function calcBurdens(packText: string, claims: JsonClaim[]): (number | null)[] {
  const session = new CalcSession(parsePackText(packText, 'calc'), false);
  return claims.map((c, i) => {
    const line = JSON.parse(session.settleLine(JSON.stringify(c), i + 1)) as {
      setlinfo?: { psn_part_amt: number };
    };
    return line.setlinfo ? Math.round(line.setlinfo.psn_part_amt * 100) : null;
  });
}

function configOf(baseline: string, reform: string): SimulationConfig {
  return {
    baselinePacks: [{ ref: 'baseline', text: baseline }],
    reformPack: { ref: 'reform', text: reform },
    areaBaseline: [],
    areaIncome: [],
    thresholdBp: 4000,
    bands: [...DEFAULT_BAND_BOUNDS],
  };
}

describe('Simulator', () => {
  it('settles each side as calc does, each person in date order with their own running totals (property)', () => {
    const persons = fc.array(personYearArb, { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(
        packArb,
        packArb,
        persons,
        fc.array(fc.nat(), { maxLength: 50 }),
        (ga, gb, people, picks) => {
          const [a, b] = [JSON.stringify(packDoc(ga)), JSON.stringify(packDoc(gb))];
          const perPerson = people.map(({ person, visits }, p) =>
            personClaims({ ...person, psn_no: `P${p}` }, visits).map((c) => ({
              ...c,
              claim_id: `P${p}-${c.claim_id}`,
            })),
          );
          const input = interleave(perPerson, picks);
          const [burdenA, burdenB] = [calcBurdens(a, input), calcBurdens(b, input)];

          const builder = new ClaimTableBuilder(3);
          for (const c of input) builder.add(toClaim(structuredClone(c)));
          const sink = new MemorySink();
          builder.write(sink, 'test');
          const file = ColumnarClaims.open(new MemorySource(sink.toShared()), 'test');
          const areas = file.footer.dictionaries.areas;
          const simulator = new Simulator(
            { ...configOf(a, b), areaBaseline: areas.map(() => 0), areaIncome: areas.map(() => -1) },
            file.footer.dictionaries,
          );
          let text = '';
          let refusedA = 0;
          let refusedB = 0;
          for (let g = 0; g < file.rowGroupCount; g++) {
            const r = simulator.runRowGroup(file.rowGroup(g), g);
            text += new TextDecoder().decode(r.persons);
            refusedA += r.refusals.filter((x) => x[0] === 0).length;
            refusedB += r.refusals.filter((x) => x[0] === 1).length;
          }

          expect(refusedA).toBe(burdenA.filter((x) => x === null).length);
          expect(refusedB).toBe(burdenB.filter((x) => x === null).length);
          const expected = new Map<string, { baseline: number; reform: number; compared: number }>();
          input.forEach((c, i) => {
            const e = expected.get(c.psn_no) ?? { baseline: 0, reform: 0, compared: 0 };
            if (burdenA[i] !== null && burdenB[i] !== null) {
              e.baseline += burdenA[i]!;
              e.reform += burdenB[i]!;
              e.compared++;
            }
            expected.set(c.psn_no, e);
          });
          const got = text
            .trim()
            .split('\n')
            .map(
              (l) => JSON.parse(l) as { psn_no: string; baseline: number; reform: number; compared: number },
            );
          // The claims are of 2024 only: one line per person, persons in order of first appearance.
          expect(got.map((p) => p.psn_no)).toEqual([...expected.keys()]);
          for (const p of got) {
            const e = expected.get(p.psn_no)!;
            expect([Math.round(p.baseline * 100), Math.round(p.reform * 100), p.compared]).toEqual([
              e.baseline,
              e.reform,
              e.compared,
            ]);
          }
          const totals = simulator.totals.compared;
          expect(totals.baseline.burden).toBe([...expected.values()].reduce((n, e) => n + e.baseline, 0));
          expect(totals.reform.burden).toBe([...expected.values()].reduce((n, e) => n + e.reform, 0));
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('yuanJson', () => {
  it('prints whole fen as fenToYuan does (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e13, max: 1e13 }), (fen) => {
        expect(yuanJson(fen)).toBe(JSON.stringify(fenToYuan(fen)));
      }),
      { numRuns: 2000 },
    );
    expect([0, 5, -5, 50, 1850_00, -64150].map(yuanJson)).toEqual([
      '0',
      '0.05',
      '-0.05',
      '0.5',
      '1850',
      '-641.5',
    ]);
  });
});
