import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hashOf, PersonTotals } from './person-totals.js';

const WIDTH = 3;

/** Two different person numbers with the same 32-bit hash, found by the birthday bound. */
function collidingPair(): [string, string] {
  const seen = new Map<number, string>();
  for (let i = 0; ; i++) {
    const psnNo = `P${i}`;
    const other = seen.get(hashOf(psnNo));
    if (other !== undefined) return [other, psnNo];
    seen.set(hashOf(psnNo), psnNo);
  }
}

describe('person totals', () => {
  it('keeps each person-year apart and returns what was committed, like a Map (growth, overflow rows)', () => {
    const psnNo = fc.oneof(
      fc.integer({ min: 0, max: 3000 }).map((n) => `P${n}`),
      fc.string({ minLength: 1, maxLength: 64, unit: 'grapheme' }),
    );
    const op = fc.record({
      psnNo,
      key: fc.constantFrom(2022310, 2022390, 2023310),
      after: fc.array(fc.integer({ min: 0, max: 2 ** 52 }), { minLength: WIDTH, maxLength: WIDTH }),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 4000 }), (ops) => {
        const store = new PersonTotals(WIDTH);
        const model = new Map<string, { row: number; totals: number[] }>();
        for (const { psnNo, key, after } of ops) {
          const row = store.row(psnNo, key);
          const known = model.get(`${key}|${psnNo}`);
          if (known) expect(row).toBe(known.row);
          expect(store.totals(row)).toEqual(known?.totals ?? [0, 0, 0]);
          store.commit(row, after);
          model.set(`${key}|${psnNo}`, { row, totals: after });
        }
      }),
      { numRuns: 30 },
    );
  });

  it('tells apart two person numbers whose hashes are equal', () => {
    const [a, b] = collidingPair();
    expect(hashOf(a)).toBe(hashOf(b));
    const store = new PersonTotals(WIDTH);
    const rowA = store.row(a, 2022310);
    store.commit(rowA, [1, 2, 3]);
    const rowB = store.row(b, 2022310);
    expect(rowB).not.toBe(rowA);
    expect(store.totals(rowB)).toEqual([0, 0, 0]);
    expect(store.totals(store.row(a, 2022310))).toEqual([1, 2, 3]);
  });

  it('refuses counters of another width rather than dropping some, and a key of 0', () => {
    const store = new PersonTotals(WIDTH);
    expect(() => store.commit(store.row('P1', 2022310), [1, 2])).toThrow(/3 counters/);
    expect(() => store.row('P1', 0)).toThrow(/positive/);
  });
});
