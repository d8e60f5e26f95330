import { z } from 'zod';
import { invalidInput } from '../../common/service-error.js';
import type { RefusalFields } from '../errors.js';
import { JsonNumber, type ExactJson } from './exact-json.js';
import { admdvs, code, dateTime, parseField, text } from './fields.js';

/**
 * The NHSA message envelope (the national interface's common input and output) and the pure
 * mapping of an answer or a refusal onto it.
 */

/** The envelope's fields that Tongchou reads; the others the specification lists are accepted and ignored. */
const envelopeSchema = z.object({
  infno: z
    .string({ error: 'must be a 4-digit transaction number' })
    .regex(/^\d{4}$/, 'must be a 4-digit transaction number'),
  msgid: text(50),
  mdtrtarea_admvs: admdvs,
  insuplc_admdvs: admdvs,
  recer_sys_code: z.string({ error: 'must be a string' }).max(20).optional(),
  opter: text(30),
  opter_name: z.string({ error: 'must be a string' }).max(50).optional(),
  opter_type: code(['1', '2', '3']),
  fixmedins_code: text(30),
  fixmedins_name: z.string({ error: 'must be a string' }).max(200).optional(),
  sign_no: z.string({ error: 'must be a string' }).max(30).optional(),
  inf_time: dateTime,
  input: z.custom<{ [key: string]: ExactJson }>(
    (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof JsonNumber),
    { error: (issue) => (issue.input === undefined ? 'is required' : 'must be an object') },
  ),
});

export type Envelope = z.output<typeof envelopeSchema>;

/** The envelope of a message, or INVALID_INPUT naming its first bad field. */
export function parseEnvelope(body: ExactJson): Envelope {
  if (body === null || typeof body !== 'object' || Array.isArray(body) || body instanceof JsonNumber) {
    throw invalidInput(
      '',
      'the body must be a JSON object: the message envelope with infno, msgid and input',
    );
  }
  return parseField(envelopeSchema, body, '');
}

/** What a message is answered with (the national interface's common output). */
export interface Answer {
  infcode: 0 | -1;
  inf_refmsgid: string;
  refmsg_time: string;
  respond_time: string;
  err_msg: string | null;
  output: Record<string, unknown> | null;
  /** Tongchou's own: the refusal's stable code and field path, for a program to act on. */
  err_code?: string;
  err_path?: string;
}

/** Epoch milliseconds as China time (UTC+8, no summer time), broken into its parts. */
function chinaParts(epochMs: number) {
  const d = new Date(epochMs + 8 * 3_600_000);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return {
    date: `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}`,
    time: `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`,
    ms: p(d.getUTCMilliseconds(), 3),
  };
}

/** The China calendar date of an instant, YYYY-MM-DD: the date a settlement is booked on. */
export function chinaDate(epochMs: number): string {
  return chinaParts(epochMs).date;
}

/** "yyyy-MM-dd HH:mm:ss" in China time, as the interface writes times in its bodies (setl_time, sign_time). */
export function chinaDateTime(epochMs: number): string {
  const { date, time } = chinaParts(epochMs);
  return `${date} ${time}`;
}

/** "yyyyMMddHHmmssSSS" in China time, as refmsg_time and respond_time are written. */
export function messageTime(epochMs: number): string {
  const { date, time, ms } = chinaParts(epochMs);
  return `${date.replaceAll('-', '')}${time.replaceAll(':', '')}${ms}`;
}

export interface AnswerTimes {
  /** The receiver's message id: the request id, which also names the request in the logs. */
  requestId: string;
  receivedAt: number;
  respondedAt: number;
}

/** A successful answer. */
export function successAnswer(output: Record<string, unknown>, t: AnswerTimes): Answer {
  return {
    infcode: 0,
    inf_refmsgid: t.requestId,
    refmsg_time: messageTime(t.receivedAt),
    respond_time: messageTime(t.respondedAt),
    err_msg: null,
    output,
  };
}

/** The err_msg of a refusal: its code, its field path and its message, e.g. "INVALID_INPUT at msgid: is required". */
export function errorMessage(e: RefusalFields): string {
  return `${e.code}${e.path ? ` at ${e.path}` : ''}: ${e.message}`;
}

/** A refusal: infcode -1 with the code, the path and the message; nothing else is said. */
export function refusalAnswer(e: RefusalFields, t: AnswerTimes): Answer {
  return {
    infcode: -1,
    inf_refmsgid: t.requestId,
    refmsg_time: messageTime(t.receivedAt),
    respond_time: messageTime(t.respondedAt),
    err_msg: errorMessage(e),
    output: null,
    err_code: e.code,
    err_path: e.path,
  };
}
