import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson, inputHash } from './hash.js';

/**
 * How the canonical text was first defined, and stored hashes were computed: JSON.stringify with a
 * replacer that rebuilds each object with its entries sorted. canonicalJson must give the same text.
 */
function definedText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

/** Keys that order differently as strings and as numbers, and keys that only look like indices. */
const keyArb = fc.oneof(
  fc.string(),
  fc.constantFrom(
    '0',
    '1',
    '2',
    '9',
    '10',
    '01',
    '-1',
    '1.5',
    '4294967294',
    '4294967295',
    '__proto__',
    'a',
    'B',
  ),
);

const valueArb = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.date({ noInvalidDate: true }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(keyArb, tie('value'), { maxKeys: 6 }),
  ),
})).value;

describe('canonicalJson', () => {
  it('gives exactly the text of the replacer-based definition, for any JSON-like value', () => {
    fc.assert(
      fc.property(valueArb, (value) => {
        expect(canonicalJson(value)).toBe(definedText(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('orders keys by code unit, integer-like keys first in numeric order, and drops undefined', () => {
    const value = { b: 1, a: [undefined, 2], '10': 'x', '9': 'y', '01': 'z', c: undefined, A: -0 };
    expect(canonicalJson(value)).toBe('{"9":"y","10":"x","01":"z","A":0,"a":[null,2],"b":1}');
    expect(canonicalJson(value)).toBe(definedText(value));
  });

  it('hashes equal inputs equally whatever their key order', () => {
    expect(inputHash({ x: 1, y: { p: [1, 2], q: 'r' } })).toBe(inputHash({ y: { q: 'r', p: [1, 2] }, x: 1 }));
    expect(inputHash({ x: 1 })).not.toBe(inputHash({ x: 2 }));
  });

  it('refuses a bigint as JSON.stringify does', () => {
    expect(() => canonicalJson({ n: 1n })).toThrow(TypeError);
  });
});
