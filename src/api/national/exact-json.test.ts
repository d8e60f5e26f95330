import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalExactJson,
  JsonNumber,
  JsonSyntaxError,
  parseExactJson,
  parseJsonBody,
  type ExactJson,
} from './exact-json.js';

/** The value JSON.parse would give: numbers through Number(). */
function plain(v: ExactJson): unknown {
  if (v instanceof JsonNumber) return Number(v.text);
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

describe(parseExactJson.name, () => {
  it('keeps every number as written', () => {
    const v = parseExactJson(
      '{"a": 12.345, "b": 1e3, "c": -0.50, "d": [0, 100000000000000000000001]}',
    ) as Record<string, ExactJson>;
    expect(v.a).toEqual(new JsonNumber('12.345'));
    expect(v.b).toEqual(new JsonNumber('1e3'));
    expect(v.c).toEqual(new JsonNumber('-0.50'));
    expect(v.d).toEqual([new JsonNumber('0'), new JsonNumber('100000000000000000000001')]);
  });

  it('reads strings with every escape, and non-ASCII text', () => {
    expect(parseExactJson(String.raw`"a\"b\\c\/d\b\f\n\r\t\u00e9\u4e2d 统筹"`)).toBe(
      'a"b\\c/d\b\f\n\r\té中 统筹',
    );
  });

  it('gives a key __proto__ as a plain key, never a prototype', () => {
    const v = parseExactJson('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBeNull();
    expect(Object.keys(v)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['{"a": 1, "a": 2}', /duplicate key "a"/],
    ['[1, 2,]', /unexpected "\]"/],
    ["{'a': 1}", /expected a key in double quotes/],
    ['01', /unexpected text after the JSON value/],
    ['NaN', /unexpected "N"/],
    ['-', /a number must have digits/],
    ['1.', /unexpected text after the JSON value/],
    ['"a\u0001b"', /control character/],
    ['"abc', /not closed/],
    ['{"a" 1}', /expected : after a key/],
    ['[1 2]', /expected , or \]/],
    [String.raw`"\x41"`, /unknown escape/],
    [String.raw`"\u12G4"`, /four hex digits/],
    ['{} {}', /unexpected text after the JSON value/],
    ['', /unexpected end/],
    ['tru', /expected true/],
  ])('refuses %j', (text, message) => {
    expect(() => parseExactJson(text)).toThrow(JsonSyntaxError);
    expect(() => parseExactJson(text)).toThrow(message);
  });

  it('accepts nesting up to the limit and refuses one level more', () => {
    expect(() => parseExactJson(`${'['.repeat(32)}${']'.repeat(32)}`, 32)).not.toThrow();
    expect(() => parseExactJson(`${'['.repeat(33)}${']'.repeat(33)}`, 32)).toThrow(
      /nesting deeper than 32 levels/,
    );
    expect(() => parseExactJson(`${'{"a":'.repeat(33)}1${'}'.repeat(33)}`, 32)).toThrow(/nesting deeper/);
    // A hundred thousand levels are refused at the 33rd, without a stack overflow.
    expect(() => parseExactJson('['.repeat(100_000), 32)).toThrow(/nesting deeper than 32/);
  });

  it('reads what JSON.parse reads, to the same value (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const text = JSON.stringify(value);
        expect(plain(parseExactJson(text, 64))).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });
});

describe(parseJsonBody.name, () => {
  it('reads UTF-8 with or without a byte-order mark', () => {
    expect(parseJsonBody(Buffer.from('{"名":"张三"}'))).toEqual(
      Object.assign(Object.create(null), { 名: '张三' }),
    );
    expect(parseJsonBody(Buffer.from('\uFEFF[1]'))).toEqual([new JsonNumber('1')]);
  });

  it('refuses bytes that are not UTF-8 and an empty body', () => {
    expect(() => parseJsonBody(Buffer.from([0x7b, 0xff, 0x7d]))).toThrow(/not valid UTF-8/);
    expect(() => parseJsonBody(Buffer.from('  \n'))).toThrow(/the body is empty/);
  });
});

describe(canonicalExactJson.name, () => {
  it('is the same whatever the key order, and keeps 1.50 apart from 1.5', () => {
    const a = parseExactJson('{"b": [1.50, {"y": 1, "x": 2}], "a": "t"}');
    const b = parseExactJson('{"a": "t", "b": [1.50, {"x": 2, "y": 1}]}');
    const c = parseExactJson('{"a": "t", "b": [1.5, {"x": 2, "y": 1}]}');
    expect(canonicalExactJson(a)).toBe('{"a":"t","b":[1.50,{"x":2,"y":1}]}');
    expect(canonicalExactJson(b)).toBe(canonicalExactJson(a));
    expect(canonicalExactJson(c)).not.toBe(canonicalExactJson(a));
  });
});
