import { closeSync, openSync, writeSync } from 'node:fs';
import { DIMENSIONS } from '../../domain/policy/dimensions.js';
import type { Claim } from '../../domain/settlement/types.js';
import {
  allocateColumns,
  FLAG_ASSISTANCE,
  FLAG_FAMILY_DOCTOR,
  FLAG_USE_ACCOUNT,
  FORMAT_VERSION,
  headBytes,
  REJECTED_LISTED,
  ROW_GROUP_CLAIMS,
  tailBytes,
  type Footer,
  type RejectedLine,
  type RowGroupColumns,
  type RowGroupCounts,
  type RowGroupEntry,
} from './columnar-format.js';
import { Dictionary, Grow } from './grow.js';

/** Where a columnar file goes: a file, or memory (for claims read from JSON Lines or the database). */
export interface ByteSink {
  write(bytes: Uint8Array): void;
}

/** Writes to a file descriptor, in order. */
export class FileSink implements ByteSink {
  private readonly fd: number;
  constructor(file: string) {
    this.fd = openSync(file, 'w');
  }
  write(bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.byteLength) done += writeSync(this.fd, bytes, done, bytes.byteLength - done);
  }
  close(): void {
    closeSync(this.fd);
  }
}

/** Collects the bytes (kept as given, not copied), then gives them as one buffer shared with worker threads. */
export class MemorySink implements ByteSink {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;
  write(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.size += bytes.byteLength;
  }
  toShared(): Uint8Array {
    const out = new Uint8Array(new SharedArrayBuffer(this.size));
    let at = 0;
    for (const c of this.chunks.splice(0)) {
      out.set(c, at);
      at += c.byteLength;
    }
    return out;
  }
}

const SCHEME_CODE: Record<string, number> = { '310': 0, '390': 1 };
const CLASS_CODE: Record<string, number> = { '01': 1, '02': 2, '03': 3 };

function indexOf(values: readonly string[], value: string, field: string): number {
  const i = values.indexOf(value);
  if (i < 0) throw new Error(`columnar claims: ${field} "${value}" has no code`);
  return i;
}

/**
 * Collects validated claims (as the calculator takes them), then writes them as a columnar file
 * sorted by person (in order of first appearance), then settlement date, then input order.
 * Memory: about 60 bytes a claim and 25 a fee line, plus the person numbers.
 */
export class ClaimTableBuilder {
  private readonly persons = new Dictionary();
  private readonly areas = new Dictionary();
  private readonly institutions = new Dictionary();
  private readonly diseases = new Dictionary();
  private readonly codes = new Dictionary();
  private readonly rejected: Footer['rejected'] = { claims: 0, byCode: {}, listed: [] };
  private readonly personAreas = new Set<number>();

  private readonly person = new Grow(Uint32Array);
  private readonly date = new Grow(Uint32Array);
  private readonly lineEnd = new Grow(Uint32Array);
  private readonly diseaseEnd = new Grow(Uint32Array);
  private readonly idEnd = new Grow(Uint32Array);
  private readonly institution = new Grow(Uint32Array);
  private readonly personArea = new Grow(Uint16Array);
  private readonly careArea = new Grow(Uint16Array);
  private readonly enums = new Grow(Uint8Array); // 7 per claim: scheme … age
  private readonly balance = new Grow(Float64Array);
  private readonly prior = new Grow(Float64Array); // claim, deductible, pool, admissions
  private readonly idBytes = new Grow(Uint8Array);
  private readonly amount = new Grow(Float64Array);
  private readonly priceCap = new Grow(Float64Array);
  private readonly code = new Grow(Uint32Array);
  private readonly selfPay = new Grow(Uint16Array);
  private readonly feeClass = new Grow(Uint8Array);
  private readonly disease = new Grow(Uint32Array);
  /** Claim index → its row in `prior`, made when writing. */
  private priorRow: Map<number, number> | undefined;

  /** `rowGroupClaims`: claims in a row group before another starts (tests make it small). */
  constructor(private readonly rowGroupClaims = ROW_GROUP_CLAIMS) {}

  get claims(): number {
    return this.person.length;
  }

  /** Add one claim. */
  add(c: Claim): void {
    const i = this.person.length;
    this.person.push(this.persons.id(c.psnNo));
    this.date.push(dateNumber(c.date));
    this.addFees(c.fees);
    this.lineEnd.push(this.amount.length);
    for (const d of c.diseases) this.disease.push(this.diseases.id(d));
    this.diseaseEnd.push(this.disease.length);
    this.idBytes.pushText(c.claimId);
    this.idEnd.push(this.idBytes.length);
    this.institution.push(this.institutions.id(c.institution));
    const personArea = this.areaId(c.personArea);
    this.personArea.push(personArea);
    this.personAreas.add(personArea);
    this.careArea.push(this.areaId(c.careArea));
    this.addEnums(c);
    this.balance.push(c.accountBalance);
    if (c.prior) {
      this.prior.push(i);
      this.prior.push(c.prior.deductibleUsed);
      this.prior.push(c.prior.poolPaid);
      this.prior.push(c.prior.admissions);
    }
  }

  private addFees(fees: Claim['fees']): void {
    for (const f of fees) {
      this.amount.push(f.amount);
      this.priceCap.push(f.priceCapTotal ?? -1);
      this.code.push(this.codes.id(f.code));
      this.selfPay.push(f.selfPayRate);
      this.feeClass.push(CLASS_CODE[f.catalogClass]!);
    }
  }

  /** The claim's seven one-byte codes: scheme, person type, medical type, level, price class, flags, age. */
  private addEnums(c: Claim): void {
    this.enums.push(SCHEME_CODE[c.scheme]!);
    this.enums.push(indexOf(DIMENSIONS.personType, c.personType, 'personType'));
    this.enums.push(indexOf(DIMENSIONS.medType, c.medType, 'medType'));
    this.enums.push(indexOf(DIMENSIONS.level, c.level, 'level'));
    this.enums.push(
      c.priceClass === undefined ? 0 : 1 + indexOf(DIMENSIONS.priceClass, c.priceClass, 'priceClass'),
    );
    const flags =
      (c.familyDoctor ? FLAG_FAMILY_DOCTOR : 0) |
      (c.assistance ? FLAG_ASSISTANCE : 0) |
      (c.useAccount ? FLAG_USE_ACCOUNT : 0);
    this.enums.push(flags);
    this.enums.push(c.age);
  }

  /** Record an input line that could not be read as a claim. */
  reject(r: RejectedLine): void {
    this.rejected.claims++;
    this.rejected.byCode[r.code] = (this.rejected.byCode[r.code] ?? 0) + 1;
    if (this.rejected.listed.length < REJECTED_LISTED) this.rejected.listed.push(r);
  }

  private areaId(code: string): number {
    const id = this.areas.id(code);
    if (id > 0xffff) throw new Error('columnar claims: more than 65,536 area codes');
    return id;
  }

  /** Sort and write the whole file; returns its footer. */
  write(sink: ByteSink, source: string): Footer {
    const order = this.sortedOrder();
    sink.write(headBytes());
    let offset = headBytes().byteLength;
    const rowGroups: RowGroupEntry[] = [];
    for (const [from, to] of this.rowGroupRanges(order)) {
      const { bytes, counts } = this.encodeRowGroup(order, from, to);
      sink.write(bytes);
      rowGroups.push({ offset, bytes: bytes.byteLength, ...counts });
      offset += bytes.byteLength;
    }
    const footer: Footer = {
      format: 'tongchou-claims-columnar',
      version: FORMAT_VERSION,
      endianness: 'little',
      order: 'person (first appearance), then settlement date, then input order',
      claims: this.claims,
      lines: this.amount.length,
      persons: this.persons.size,
      source,
      dictionaries: {
        areas: this.areas.values,
        institutions: this.institutions.values,
        diseases: this.diseases.values,
        codes: this.codes.values,
      },
      personAreas: [...this.personAreas].sort((a, b) => a - b),
      rowGroups,
      rejected: this.rejected,
    };
    const json = new TextEncoder().encode(JSON.stringify(footer));
    sink.write(json);
    sink.write(tailBytes(json.byteLength));
    return footer;
  }

  /**
   * Claim indexes grouped by person (persons in order of first appearance, by counting), each
   * person's claims by date, ties in input order (a stable sort).
   */
  private sortedOrder(): Uint32Array {
    const n = this.claims;
    const person = this.person.data;
    const start = new Uint32Array(this.persons.size + 1);
    for (let i = 0; i < n; i++) start[person[i]! + 1]!++;
    for (let p = 0; p < this.persons.size; p++) start[p + 1]! += start[p]!;
    const next = start.slice(0, this.persons.size);
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[next[person[i]!]!++] = i;
    const date = this.date.data;
    for (let p = 0; p < this.persons.size; p++) sortByDate(order, start[p]!, start[p + 1]!, date);
    return order;
  }

  /** [from, to) ranges of `order` for row groups: about ROW_GROUP_CLAIMS claims, whole persons. */
  private *rowGroupRanges(order: Uint32Array): Generator<[number, number]> {
    let from = 0;
    let i = 0;
    const person = this.person.data;
    while (i < order.length) {
      const p = person[order[i]!];
      let j = i;
      while (j < order.length && person[order[j]!] === p) j++;
      if (j - from > this.rowGroupClaims && i > from) {
        yield [from, i];
        from = i;
      }
      i = j;
    }
    if (order.length > from) yield [from, order.length];
  }

  private countsFor(order: Uint32Array, from: number, to: number): RowGroupCounts {
    const counts: RowGroupCounts = {
      claims: to - from,
      lines: 0,
      diseases: 0,
      priors: 0,
      persons: 0,
      idBytes: 0,
      psnBytes: 0,
    };
    let last = -1;
    for (let k = from; k < to; k++) {
      const c = order[k]!;
      counts.lines += this.lineEnd.data[c]! - (c === 0 ? 0 : this.lineEnd.data[c - 1]!);
      counts.diseases += this.diseaseEnd.data[c]! - (c === 0 ? 0 : this.diseaseEnd.data[c - 1]!);
      counts.idBytes += this.idEnd.data[c]! - (c === 0 ? 0 : this.idEnd.data[c - 1]!);
      const p = this.person.data[c]!;
      if (p !== last) {
        counts.persons++;
        counts.psnBytes += Buffer.byteLength(this.persons.values[p]!);
        last = p;
      }
    }
    counts.priors = this.priorsIn(order, from, to).length;
    return counts;
  }

  /** The prior rows (index into `prior` / 4) of the claims in the range, in range order. */
  private priorsIn(order: Uint32Array, from: number, to: number): [number, number][] {
    if (this.prior.length === 0) return [];
    if (!this.priorRow) {
      this.priorRow = new Map();
      for (let r = 0; r < this.prior.length / 4; r++) this.priorRow.set(this.prior.data[r * 4]!, r);
    }
    const found: [number, number][] = [];
    for (let k = from; k < to; k++) {
      const r = this.priorRow.get(order[k]!);
      if (r !== undefined) found.push([k - from, r]);
    }
    return found;
  }

  private encodeRowGroup(order: Uint32Array, from: number, to: number) {
    const counts = this.countsFor(order, from, to);
    const { bytes, columns: out } = allocateColumns(counts);
    const at: Cursor = { line: 0, disease: 0, id: 0, psn: 0, person: -1, lastPerson: -1 };
    for (let k = from; k < to; k++) this.encodeClaim(out, order[k]!, k - from, at);
    this.priorsIn(order, from, to).forEach(([claim, r], q) => {
      out.priorClaim[q] = claim;
      out.priorDeductible[q] = this.prior.data[r * 4 + 1]!;
      out.priorPool[q] = this.prior.data[r * 4 + 2]!;
      out.priorAdmissions[q] = this.prior.data[r * 4 + 3]!;
    });
    return { bytes, counts };
  }

  /** Source claim c as the row group's claim i; `at` says where its variable-length items go. */
  private encodeClaim(out: RowGroupColumns, c: number, i: number, at: Cursor): void {
    const p = this.person.data[c]!;
    if (p !== at.lastPerson) {
      at.person++;
      at.lastPerson = p;
      at.psn += Buffer.from(this.persons.values[p]!).copy(out.psnBytes, at.psn);
      out.psnEnd[at.person] = at.psn;
    }
    out.person[i] = at.person;
    out.date[i] = this.date.data[c]!;
    const lines = { amount: this.amount.data, cap: this.priceCap.data, code: this.code.data };
    at.line = copyRange(this.lineEnd.data, c, at.line, (s, d) => {
      out.amount[d] = lines.amount[s]!;
      out.priceCap[d] = lines.cap[s]!;
      out.code[d] = lines.code[s]!;
      out.selfPay[d] = this.selfPay.data[s]!;
      out.feeClass[d] = this.feeClass.data[s]!;
    });
    out.lineEnd[i] = at.line;
    at.disease = copyRange(
      this.diseaseEnd.data,
      c,
      at.disease,
      (s, d) => (out.disease[d] = this.disease.data[s]!),
    );
    out.diseaseEnd[i] = at.disease;
    at.id = copyRange(this.idEnd.data, c, at.id, (s, d) => (out.idBytes[d] = this.idBytes.data[s]!));
    out.idEnd[i] = at.id;
    out.institution[i] = this.institution.data[c]!;
    out.personArea[i] = this.personArea.data[c]!;
    out.careArea[i] = this.careArea.data[c]!;
    const e = this.enums.data;
    out.scheme[i] = e[c * 7]!;
    out.personType[i] = e[c * 7 + 1]!;
    out.medType[i] = e[c * 7 + 2]!;
    out.level[i] = e[c * 7 + 3]!;
    out.priceClass[i] = e[c * 7 + 4]!;
    out.flags[i] = e[c * 7 + 5]!;
    out.age[i] = e[c * 7 + 6]!;
    out.balance[i] = this.balance.data[c]!;
  }
}

/** Where the next fee line, diagnosis, id byte and person go in the row group being written. */
interface Cursor {
  line: number;
  disease: number;
  id: number;
  psn: number;
  /** The row group's last person, and the builder's number of that person. */
  person: number;
  lastPerson: number;
}

/** Copy the items of source claim c (ends in `ends`) to the output from `at`; returns the new end. */
function copyRange(ends: Uint32Array, c: number, at: number, copy: (s: number, d: number) => void): number {
  const start = c === 0 ? 0 : ends[c - 1]!;
  const end = ends[c]!;
  for (let s = start; s < end; s++) copy(s, at++);
  return at;
}

/** Stable sort of order[from, to) by date: insertion sort for the usual few claims, else Array sort. */
function sortByDate(order: Uint32Array, from: number, to: number, date: Uint32Array): void {
  if (to - from > 32) {
    const part = Array.from(order.subarray(from, to)).sort((a, b) => date[a]! - date[b]! || a - b);
    order.set(part, from);
    return;
  }
  for (let i = from + 1; i < to; i++) {
    const c = order[i]!;
    let j = i - 1;
    while (j >= from && date[order[j]!]! > date[c]!) {
      order[j + 1] = order[j]!;
      j--;
    }
    order[j + 1] = c;
  }
}

/** YYYY-MM-DD as the number YYYYMMDD (the claim's date is already a checked calendar date). */
export function dateNumber(date: string): number {
  return Number(date.slice(0, 4)) * 10_000 + Number(date.slice(5, 7)) * 100 + Number(date.slice(8, 10));
}
