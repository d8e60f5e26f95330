import fc from 'fast-check';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { formatYuan, MAX_AMOUNT_FEN } from '../../domain/money/money.js';
import { JsonNumber, parseExactJson } from './exact-json.js';
import { count, parseField, toYuan, yuan } from './fields.js';

const fen = (v: unknown) => yuan.safeParse(v);

describe('yuan ⇄ fen', () => {
  it.each([
    [new JsonNumber('12.34'), 1234],
    [new JsonNumber('12.3'), 1230],
    [new JsonNumber('0.1'), 10],
    [new JsonNumber('0'), 0],
    [new JsonNumber('0.07'), 7],
    ['300.00', 30000],
    [' 52.50 ', 5250],
    [new JsonNumber('100000000.00'), MAX_AMOUNT_FEN],
  ])('reads %j as %d fen, from its text', (input, want) => {
    expect(fen(input)).toEqual({ success: true, data: want });
  });

  it.each([
    [new JsonNumber('12.345'), /at most two decimals \(got 12\.345\)/],
    [new JsonNumber('1e3'), /at most two decimals \(got 1e3\)/],
    [new JsonNumber('1.0E2'), /at most two decimals/],
    [new JsonNumber('-1'), /must not be negative/],
    [new JsonNumber('-0.00'), /must not be negative/],
    [new JsonNumber('100000000.01'), /above the limit of 100,000,000\.00 yuan/],
    [new JsonNumber('123456789012345678901234567890'), /at most two decimals|above the limit/],
    [new JsonNumber('00.5'), /at most two decimals/],
    ['12.', /at most two decimals/],
    ['', /at most two decimals/],
    ['abc', /at most two decimals/],
    [true, /must be an amount in yuan/],
    [null, /must be an amount in yuan/],
    [[1], /must be an amount in yuan/],
    [undefined, /is required/],
  ])('refuses %j', (input, message) => {
    const r = fen(input);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toMatch(message);
  });

  it('every fen amount goes out as yuan and reads back to itself, as a number and as text (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_AMOUNT_FEN }), (amount) => {
        const written = JSON.stringify({ v: toYuan(amount) });
        const back = parseExactJson(written) as { v: JsonNumber };
        expect(fen(back.v)).toEqual({ success: true, data: amount });
        expect(fen(formatYuan(amount))).toEqual({ success: true, data: amount });
      }),
      { numRuns: 2000 },
    );
  });
});

describe('count', () => {
  it.each([
    [new JsonNumber('2'), 2],
    [new JsonNumber('0.5'), 0.5],
    ['1.2345', 1.2345],
  ])('reads %j', (input, want) => expect(count.safeParse(input)).toEqual({ success: true, data: want }));

  it.each([
    new JsonNumber('0'),
    new JsonNumber('1.23456'),
    new JsonNumber('1e2'),
    new JsonNumber('-1'),
    '2000000',
    true,
  ])('refuses %j', (input) => expect(count.safeParse(input).success).toBe(false));
});

describe(parseField.name, () => {
  const schema = z.object({
    data: z.object({ psn_no: z.string() }),
    feedetail: z.array(z.object({ amt: yuan })),
  });

  it('names the field by its path in the message', () => {
    const input = parseExactJson('{"data": {"psn_no": "P1"}, "feedetail": [{"amt": 1}, {"amt": 12.345}]}');
    expect(() => parseField(schema, input, 'input')).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', path: 'input.feedetail[1].amt' }),
    );
  });

  it('says a missing field is required and a wrong type what it must be', () => {
    const missing = () => parseField(schema, parseExactJson('{"feedetail": []}'), 'input');
    expect(missing).toThrow(expect.objectContaining({ path: 'input.data', message: 'is required' }));
    const wrong = () => parseField(schema, parseExactJson('{"data": [], "feedetail": []}'), 'input');
    expect(wrong).toThrow(expect.objectContaining({ path: 'input.data', message: 'must be an object' }));
    const number = () =>
      parseField(schema, parseExactJson('{"data": {"psn_no": 7}, "feedetail": []}'), 'input');
    expect(number).toThrow(expect.objectContaining({ path: 'input.data.psn_no' }));
  });
});
