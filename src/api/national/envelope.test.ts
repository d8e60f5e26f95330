import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../common/service-error.js';
import {
  chinaDate,
  chinaDateTime,
  messageTime,
  parseEnvelope,
  refusalAnswer,
  successAnswer,
} from './envelope.js';
import { parseExactJson } from './exact-json.js';

const valid = {
  infno: '2207',
  msgid: 'H00220250310100000000001',
  mdtrtarea_admvs: '350400',
  insuplc_admdvs: '',
  recer_sys_code: 'TC',
  opter: 'OP01',
  opter_type: '1',
  fixmedins_code: 'H002',
  sign_no: 'S1',
  inf_time: '2025-03-10 10:00:00',
  infver: 'V1.0',
  input: { data: {} },
};

const parse = (over: Record<string, unknown>) =>
  parseEnvelope(parseExactJson(JSON.stringify({ ...valid, ...over })));

describe(parseEnvelope.name, () => {
  it('reads the fields Tongchou uses and lets the others of the specification pass', () => {
    const e = parse({});
    expect(e).toMatchObject({
      infno: '2207',
      msgid: valid.msgid,
      fixmedins_code: 'H002',
      insuplc_admdvs: '',
    });
    expect(e).not.toHaveProperty('infver');
  });

  it.each([
    [{ msgid: undefined }, 'msgid', 'is required'],
    [{ msgid: '' }, 'msgid', 'must not be empty'],
    [{ msgid: 'x'.repeat(51) }, 'msgid', 'must be at most 50 characters'],
    [{ infno: '22070' }, 'infno', 'must be a 4-digit transaction number'],
    [{ infno: 2207 }, 'infno', 'must be a 4-digit transaction number'],
    [{ opter_type: '9' }, 'opter_type', 'must be one of "1", "2", "3"'],
    [{ mdtrtarea_admvs: '3504' }, 'mdtrtarea_admvs', 'must be a 6-digit area code'],
    [{ inf_time: '2025-02-30 10:00:00' }, 'inf_time', 'must be a real date and time "yyyy-MM-dd HH:mm:ss"'],
    [{ inf_time: '2025-03-10T10:00:00' }, 'inf_time', 'must be a time "yyyy-MM-dd HH:mm:ss"'],
    [{ input: undefined }, 'input', 'is required'],
    [{ input: [1] }, 'input', 'must be an object'],
    [{ input: 5 }, 'input', 'must be an object'],
  ])('refuses %j at %s', (over, path, message) => {
    expect(() => parse(over)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', path, message }));
  });

  it('refuses a body that is not an object', () => {
    expect(() => parseEnvelope(parseExactJson('[]'))).toThrow(/the body must be a JSON object/);
    expect(() => parseEnvelope(parseExactJson('"x"'))).toThrow(expect.objectContaining({ path: '' }));
  });
});

describe('China time', () => {
  // 02:00 UTC is 10:00 in China (UTC+8, no summer time).
  const at = Date.parse('2025-03-10T02:00:00.042Z');
  it('writes the interface times', () => {
    expect(messageTime(at)).toBe('20250310100000042');
    expect(chinaDateTime(at)).toBe('2025-03-10 10:00:00');
  });
  it('turns the date at 16:00 UTC', () => {
    expect(chinaDate(Date.parse('2025-03-09T15:59:59.999Z'))).toBe('2025-03-09');
    expect(chinaDate(Date.parse('2025-03-09T16:00:00.000Z'))).toBe('2025-03-10');
    expect(chinaDate(Date.parse('2024-12-31T16:00:00.000Z'))).toBe('2025-01-01');
  });
});

describe('answers', () => {
  const times = {
    requestId: 'req-1',
    receivedAt: Date.parse('2025-03-10T02:00:00Z'),
    respondedAt: Date.parse('2025-03-10T02:00:00.250Z'),
  };
  it('a success carries infcode 0, the receiver message id and both times', () => {
    expect(successAnswer({ a: 1 }, times)).toEqual({
      infcode: 0,
      inf_refmsgid: 'req-1',
      refmsg_time: '20250310100000000',
      respond_time: '20250310100000250',
      err_msg: null,
      output: { a: 1 },
    });
  });
  it('a refusal names the code, the field path and the message', () => {
    const a = refusalAnswer(new ServiceError('INVALID_INPUT', 'is required', 'msgid'), times);
    expect(a).toMatchObject({
      infcode: -1,
      output: null,
      err_msg: 'INVALID_INPUT at msgid: is required',
      err_code: 'INVALID_INPUT',
    });
    expect(refusalAnswer({ code: 'TIMEOUT', message: 'late', path: '' }, times).err_msg).toBe(
      'TIMEOUT: late',
    );
  });
});
