/**
 * The columnar claims file (docs/simulation.md, "The columnar claims file"): claims sorted by person,
 * then settlement date, in row groups that never split a person; each row group holds its columns
 * one after another, each starting on an 8-byte boundary, so a reader maps them as typed arrays
 * without parsing. Little-endian. Small dictionaries (areas, institutions, diagnoses, fee codes)
 * and the row-group index are in a JSON footer at the end of the file.
 *
 *   "TCCLAIMS" | u32 version | u32 0 | row group … | footer JSON | u32 footer bytes | u32 0 | "TCCLAIMS"
 */

export const MAGIC = 'TCCLAIMS';
export const FORMAT_VERSION = 1;
/** Bytes before the first row group, and after the footer JSON. */
export const HEAD_BYTES = 16;
export const TAIL_BYTES = 16;
/** Claims a writer puts in a row group before it starts another (more when one person has more). */
export const ROW_GROUP_CLAIMS = 65_536;

/** What each column counts: claims, fee lines, diagnosis entries, priors, persons or bytes. */
export type CountName = 'claims' | 'lines' | 'diseases' | 'priors' | 'persons' | 'idBytes' | 'psnBytes';

type ArrayKind = 'f64' | 'u32' | 'u16' | 'u8';

/**
 * The columns of a row group, in file order (widest first). Per claim: the person (row-group index
 * into the person column), date (YYYYMMDD), the end of its fee lines, diagnoses and id bytes (the
 * start is the previous claim's end), the institution, area and enum codes, and the account
 * balance; per prior accumulator given on a claim: the claim and the three values; per fee line:
 * amount and price cap (fen; −1 none), code, self-pay rate (bp) and class; per person: the end of
 * its number's UTF-8 bytes.
 */
export const COLUMNS = [
  ['balance', 'f64', 'claims'],
  ['priorDeductible', 'f64', 'priors'],
  ['priorPool', 'f64', 'priors'],
  ['amount', 'f64', 'lines'],
  ['priceCap', 'f64', 'lines'],
  ['person', 'u32', 'claims'],
  ['date', 'u32', 'claims'],
  ['lineEnd', 'u32', 'claims'],
  ['diseaseEnd', 'u32', 'claims'],
  ['idEnd', 'u32', 'claims'],
  ['institution', 'u32', 'claims'],
  ['priorClaim', 'u32', 'priors'],
  ['priorAdmissions', 'u32', 'priors'],
  ['code', 'u32', 'lines'],
  ['disease', 'u32', 'diseases'],
  ['psnEnd', 'u32', 'persons'],
  ['personArea', 'u16', 'claims'],
  ['careArea', 'u16', 'claims'],
  ['selfPay', 'u16', 'lines'],
  ['scheme', 'u8', 'claims'],
  ['personType', 'u8', 'claims'],
  ['medType', 'u8', 'claims'],
  ['level', 'u8', 'claims'],
  ['priceClass', 'u8', 'claims'],
  ['flags', 'u8', 'claims'],
  ['age', 'u8', 'claims'],
  ['feeClass', 'u8', 'lines'],
  ['idBytes', 'u8', 'idBytes'],
  ['psnBytes', 'u8', 'psnBytes'],
] as const satisfies readonly (readonly [string, ArrayKind, CountName])[];

type Column = (typeof COLUMNS)[number];
export type ColumnName = Column[0];

type ArrayOf<K extends ArrayKind> = K extends 'f64'
  ? Float64Array
  : K extends 'u32'
    ? Uint32Array
    : K extends 'u16'
      ? Uint16Array
      : Uint8Array;

/** A row group's columns as typed arrays. */
export type RowGroupColumns = { [C in Column as C[0]]: ArrayOf<C[1]> };

export type RowGroupCounts = Record<CountName, number>;

/** A row group's entry in the footer: where it is and what it holds. */
export interface RowGroupEntry extends RowGroupCounts {
  offset: number;
  bytes: number;
}

/** An input line refused when the file was made (never silently dropped: simulate reports them). */
export interface RejectedLine {
  line: number;
  claim_id: string | null;
  code: string;
  path: string;
  message: string;
}

export interface Footer {
  format: 'tongchou-claims-columnar';
  version: number;
  endianness: 'little';
  order: string;
  claims: number;
  lines: number;
  persons: number;
  source: string;
  dictionaries: { areas: string[]; institutions: string[]; diseases: string[]; codes: string[] };
  /** The areas (indexes into dictionaries.areas) that are some claim's insuplc_admdvs, ascending. */
  personAreas: number[];
  rowGroups: RowGroupEntry[];
  /** Input lines refused at conversion: counts by code, and the first ones listed. */
  rejected: { claims: number; byCode: Record<string, number>; listed: RejectedLine[] };
}

/** How many rejected lines the footer lists (all are counted). */
export const REJECTED_LISTED = 1_000;

/** Flags of a claim. */
export const FLAG_FAMILY_DOCTOR = 1;
export const FLAG_ASSISTANCE = 2;
export const FLAG_USE_ACCOUNT = 4;

const SIZE: Record<ArrayKind, number> = { f64: 8, u32: 4, u16: 2, u8: 1 };

/** Each column's byte offset in a row group of these counts, and the row group's size (8-aligned). */
export function layoutOf(counts: RowGroupCounts): { offsets: Record<ColumnName, number>; bytes: number } {
  const offsets = {} as Record<ColumnName, number>;
  let at = 0;
  for (const [name, kind, countName] of COLUMNS) {
    offsets[name] = at;
    at = align8(at + SIZE[kind] * counts[countName]);
  }
  return { offsets, bytes: at };
}

export function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

/** Typed-array views of a row group's columns over `bytes` (which must start 8-aligned in its buffer). */
export function columnsOf(bytes: Uint8Array, counts: RowGroupCounts): RowGroupColumns {
  const { offsets, bytes: size } = layoutOf(counts);
  if (bytes.byteLength < size) throw new Error(`row group holds ${bytes.byteLength} bytes, needs ${size}`);
  const spec = new Map<string, CountName>(COLUMNS.map(([name, , n]) => [name, n]));
  const at = (name: ColumnName) => bytes.byteOffset + offsets[name];
  const n = (name: ColumnName) => counts[spec.get(name)!];
  const f64 = (name: ColumnName) => new Float64Array(bytes.buffer, at(name), n(name));
  const u32 = (name: ColumnName) => new Uint32Array(bytes.buffer, at(name), n(name));
  const u16 = (name: ColumnName) => new Uint16Array(bytes.buffer, at(name), n(name));
  const u8 = (name: ColumnName) => new Uint8Array(bytes.buffer, at(name), n(name));
  // Written out as one literal: an object given 29 properties one by one in a loop falls into
  // V8's slow dictionary mode, and every column read in the hot loops would pay for it.
  return {
    balance: f64('balance'),
    priorDeductible: f64('priorDeductible'),
    priorPool: f64('priorPool'),
    amount: f64('amount'),
    priceCap: f64('priceCap'),
    person: u32('person'),
    date: u32('date'),
    lineEnd: u32('lineEnd'),
    diseaseEnd: u32('diseaseEnd'),
    idEnd: u32('idEnd'),
    institution: u32('institution'),
    priorClaim: u32('priorClaim'),
    priorAdmissions: u32('priorAdmissions'),
    code: u32('code'),
    disease: u32('disease'),
    psnEnd: u32('psnEnd'),
    personArea: u16('personArea'),
    careArea: u16('careArea'),
    selfPay: u16('selfPay'),
    scheme: u8('scheme'),
    personType: u8('personType'),
    medType: u8('medType'),
    level: u8('level'),
    priceClass: u8('priceClass'),
    flags: u8('flags'),
    age: u8('age'),
    feeClass: u8('feeClass'),
    idBytes: u8('idBytes'),
    psnBytes: u8('psnBytes'),
  };
}

/** Fresh zeroed columns for a row group of these counts, in one buffer laid out as in the file. */
export function allocateColumns(counts: RowGroupCounts): { bytes: Uint8Array; columns: RowGroupColumns } {
  const bytes = new Uint8Array(layoutOf(counts).bytes);
  return { bytes, columns: columnsOf(bytes, counts) };
}

/** The counts of a row group, from its footer entry. */
export function countsOf(e: RowGroupEntry): RowGroupCounts {
  return {
    claims: e.claims,
    lines: e.lines,
    diseases: e.diseases,
    priors: e.priors,
    persons: e.persons,
    idBytes: e.idBytes,
    psnBytes: e.psnBytes,
  };
}

/** The file's first bytes. */
export function headBytes(): Uint8Array {
  const head = new Uint8Array(HEAD_BYTES);
  head.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(head.buffer).setUint32(8, FORMAT_VERSION, true);
  return head;
}

/** The file's last bytes: the footer's length and the magic again. */
export function tailBytes(footerBytes: number): Uint8Array {
  const tail = new Uint8Array(TAIL_BYTES);
  new DataView(tail.buffer).setUint32(0, footerBytes, true);
  tail.set(new TextEncoder().encode(MAGIC), 8);
  return tail;
}

/** True when the bytes start with the magic of a columnar claims file. */
export function isColumnar(first: Uint8Array): boolean {
  return first.byteLength >= 8 && new TextDecoder().decode(first.subarray(0, 8)) === MAGIC;
}
