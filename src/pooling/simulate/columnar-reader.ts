import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { endianness } from 'node:os';
import { z } from 'zod';
import {
  columnsOf,
  countsOf,
  FORMAT_VERSION,
  HEAD_BYTES,
  isColumnar,
  MAGIC,
  TAIL_BYTES,
  type Footer,
  type RowGroupColumns,
} from './columnar-format.js';
import { checkRowGroup } from './columnar-check.js';

/** A columnar claims file that cannot be read: damaged, cut short, or of another version. */
export class ColumnarFileError extends Error {}

/** Where a columnar file is read from: a file, or bytes in (shared) memory. */
export interface ByteSource {
  readonly size: number;
  /** `length` bytes at `offset`, starting 8-aligned in their buffer. */
  read(offset: number, length: number): Uint8Array;
  close(): void;
}

export class FileSource implements ByteSource {
  private readonly fd: number;
  readonly size: number;

  constructor(readonly file: string) {
    this.fd = openSync(file, 'r');
    this.size = fstatSync(this.fd).size;
  }

  read(offset: number, length: number): Uint8Array {
    // A buffer of its own (not from Node's pool), so it starts at offset 0 of its ArrayBuffer.
    const bytes = Buffer.allocUnsafeSlow(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, bytes, done, length - done, offset + done);
      if (n === 0) throw new ColumnarFileError(`${this.file} ends early (at byte ${offset + done})`);
      done += n;
    }
    return bytes;
  }

  close(): void {
    closeSync(this.fd);
  }
}

export class MemorySource implements ByteSource {
  constructor(readonly bytes: Uint8Array) {}
  get size(): number {
    return this.bytes.byteLength;
  }
  read(offset: number, length: number): Uint8Array {
    if (offset + length > this.bytes.byteLength) throw new ColumnarFileError('claims end early');
    return this.bytes.subarray(offset, offset + length);
  }
  close(): void {}
}

const count = z.int().min(0);
const footerSchema = z.object({
  format: z.literal('tongchou-claims-columnar'),
  version: z.literal(FORMAT_VERSION),
  endianness: z.literal('little'),
  order: z.string(),
  claims: count,
  lines: count,
  persons: count,
  source: z.string(),
  dictionaries: z.object({
    areas: z.array(z.string().regex(/^\d{6}$/)),
    institutions: z.array(z.string()),
    diseases: z.array(z.string()),
    codes: z.array(z.string()),
  }),
  personAreas: z.array(count),
  rowGroups: z.array(
    z.object({
      offset: count,
      bytes: count,
      claims: count,
      lines: count,
      diseases: count,
      priors: count,
      persons: count,
      idBytes: count,
      psnBytes: count,
    }),
  ),
  rejected: z.object({
    claims: count,
    byCode: z.record(z.string(), count),
    listed: z.array(
      z.object({
        line: count,
        claim_id: z.string().nullable(),
        code: z.string(),
        path: z.string(),
        message: z.string(),
      }),
    ),
  }),
});

/** A columnar claims file opened for reading: its footer, and its row groups one at a time. */
export class ColumnarClaims {
  private constructor(
    readonly source: ByteSource,
    readonly footer: Footer,
    readonly name: string,
  ) {}

  /** Open and check the frame and footer (row groups are checked as they are read). */
  static open(source: ByteSource, name: string): ColumnarClaims {
    if (endianness() !== 'LE')
      throw new ColumnarFileError('columnar claims files are read on little-endian machines only');
    const bad = (why: string) =>
      new ColumnarFileError(`${name} is not a readable columnar claims file: ${why}`);
    if (source.size < HEAD_BYTES + TAIL_BYTES) throw bad('too short');
    const head = source.read(0, HEAD_BYTES);
    if (!isColumnar(head)) throw bad(`it does not start with ${MAGIC}`);
    const version = new DataView(head.buffer, head.byteOffset, HEAD_BYTES).getUint32(8, true);
    if (version !== FORMAT_VERSION)
      throw bad(`format version ${version}; this tongchou reads ${FORMAT_VERSION}`);
    const tail = source.read(source.size - TAIL_BYTES, TAIL_BYTES);
    if (!isColumnar(tail.subarray(8))) throw bad('its end is missing (cut short?)');
    const footerBytes = new DataView(tail.buffer, tail.byteOffset, TAIL_BYTES).getUint32(0, true);
    const footerAt = source.size - TAIL_BYTES - footerBytes;
    if (footerAt < HEAD_BYTES) throw bad('its footer length is wrong');
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(source.read(footerAt, footerBytes)));
    } catch {
      throw bad('its footer is not JSON');
    }
    const footer = footerSchema.safeParse(parsed);
    if (!footer.success) {
      const issue = footer.error.issues[0]!;
      throw bad(`footer ${issue.path.join('.')}: ${issue.message}`);
    }
    checkFrame(footer.data as Footer, footerAt, bad);
    return new ColumnarClaims(source, footer.data as Footer, name);
  }

  get rowGroupCount(): number {
    return this.footer.rowGroups.length;
  }

  /** Row group `i`'s columns, checked (a damaged or unsorted row group is refused, naming it). */
  rowGroup(i: number): RowGroupColumns {
    const entry = this.footer.rowGroups[i]!;
    const counts = countsOf(entry);
    const columns = columnsOf(this.source.read(entry.offset, entry.bytes), counts);
    const problem = checkRowGroup(columns, counts, this.footer.dictionaries);
    if (problem) throw new ColumnarFileError(`${this.name}: row group ${i}: ${problem}`);
    return columns;
  }

  close(): void {
    this.source.close();
  }
}

function checkFrame(footer: Footer, footerAt: number, bad: (why: string) => ColumnarFileError): void {
  let at = HEAD_BYTES;
  let claims = 0;
  let lines = 0;
  let persons = 0;
  for (const [i, g] of footer.rowGroups.entries()) {
    if (g.offset !== at) throw bad(`row group ${i} is not where the previous one ends`);
    at += g.bytes;
    claims += g.claims;
    lines += g.lines;
    persons += g.persons;
  }
  if (at !== footerAt) throw bad('the row groups do not end where the footer starts');
  if (claims !== footer.claims || lines !== footer.lines || persons !== footer.persons) {
    throw bad('the row groups do not add up to the totals of the footer');
  }
  if (footer.dictionaries.areas.length > 0x10000) throw bad('more than 65,536 areas');
  if (footer.personAreas.some((a) => a >= footer.dictionaries.areas.length))
    throw bad('personAreas out of range');
}
