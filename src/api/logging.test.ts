import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, maskIdNumbers, maskLogValue } from './logging.js';

const ID = '11010519491231002X';
const ID2 = '350402198005000001';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', stream }) };
}

describe(maskIdNumbers.name, () => {
  it('keeps the first six and the last four characters of each ID number', () => {
    expect(maskIdNumbers(ID)).toBe('110105********002X');
    expect(maskIdNumbers(`certno=${ID2}&x=${ID.toLowerCase()}`)).toBe(
      'certno=350402********0001&x=110105********002x',
    );
  });
  it('leaves longer runs of digits (a msgid, a setl_id) alone', () => {
    const msgid = 'H002202503101000000001234567890';
    expect(maskIdNumbers(msgid)).toBe(msgid);
    expect(maskIdNumbers('1234567890123456789')).toBe('1234567890123456789');
  });
});

describe(maskLogValue.name, () => {
  it('masks strings at any depth, in arrays and in errors', () => {
    const masked = maskLogValue({ a: { b: [ID] }, err: new Error(`no person ${ID2}`) });
    expect(JSON.stringify(masked)).not.toContain(ID);
    expect(JSON.stringify(masked)).not.toContain(ID2);
    expect(JSON.stringify(masked)).toContain('350402********0001');
  });
});

describe(createLogger.name, () => {
  it('never writes an ID number in clear: message, fields, errors, request URLs', () => {
    const { lines, logger } = capture();
    logger.info({ certno: ID, nested: { list: [ID2] } }, `looked up ${ID}`);
    logger.error({ err: new Error(`refused ${ID2}`) }, 'failed');
    logger.info(
      { req: { method: 'GET', url: `/api/v1/persons?certno=${ID}`, headers: {}, socket: {} } },
      'incoming',
    );
    logger.child({ reqId: 'r1' }).info(`child ${ID}`);
    const text = lines.join('');
    expect(lines).toHaveLength(4);
    expect(text).not.toContain(ID);
    expect(text).not.toContain(ID2);
    expect(text).toContain('110105********002X');
    expect(JSON.parse(lines[3]!)).toMatchObject({ reqId: 'r1', msg: 'child 110105********002X' });
    expect(JSON.parse(lines[1]!).err).toMatchObject({ type: 'Error', message: 'refused 350402********0001' });
  });
});
