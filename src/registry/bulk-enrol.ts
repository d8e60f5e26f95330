import type { Database, Sql } from '../db/index.js';
import { birthdayOf, genderOf, maskCertno } from '../domain/idcard.js';
import { RowProblems } from './problems.js';
import * as repo from './repository.js';
import { bulkRowSchema, issueProblem, plainBulkRow, type BulkRow } from './schemas.js';

/**
 * Bulk enrolment: many new persons, each with a first enrolment, loaded with COPY in one
 * transaction. Rows are validated as they stream in and written batch by batch; at the first bad
 * row writing stops, reading goes on to list up to MAX_PROBLEMS problems, and the transaction
 * rolls back, so a refused file leaves nothing behind.
 */

export interface BulkEnrolOptions {
  /** Rows per COPY batch. */
  batchSize?: number;
  /** The number shown for the first row in problems (2 for a CSV file under its header line). */
  firstRowNumber?: number;
  /** The number of the row just read, when the source knows better (a file with blank lines). */
  rowNumber?: () => number;
  /** Called after each batch with the number of persons written so far. */
  onProgress?: (written: number) => void;
}

export interface BulkEnrolResult {
  persons: number;
  enrolments: number;
}

interface ValidRow {
  row: number;
  psnNo: string;
  certno: string;
  name: string;
  areaCode: string;
  scheme: string;
  personType: string;
  empNo: string | null;
  beginDate: string;
  birthday: string;
}

const PERSON_COLUMNS = ['psn_no', 'certno', 'name', 'gender', 'birthday', 'area_code'];
const CERTNO_COLUMNS = ['certno', 'psn_no'];
const ENROLMENT_COLUMNS = ['psn_no', 'scheme', 'begin_date', 'status', 'person_type', 'area_code', 'emp_no'];

/** The row checked, or null after recording its problems; the plain check first, for speed. */
function validRow(raw: unknown, row: number, problems: RowProblems): ValidRow | null {
  let r = plainBulkRow(raw);
  if (!r) {
    const parsed = bulkRowSchema.safeParse(raw, { reportInput: true });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const { path, reason } = issueProblem(issue);
        problems.add(row, path || '(row)', reason);
      }
      return null;
    }
    r = { ...parsed.data, empNo: parsed.data.empNo ?? null };
  }
  const birthday = birthdayOf(r.certno);
  if (r.beginDate < birthday) {
    problems.add(row, 'beginDate', `${r.beginDate} is before the person's birth on ${birthday}`);
    return null;
  }
  return { row, ...r, birthday };
}

/** Refuse the rows whose value of a reference column is not registered; known values are cached. */
async function checkReferences(
  batch: readonly ValidRow[],
  column: 'areaCode' | 'empNo',
  known: Set<string>,
  lookup: (codes: string[]) => Promise<string[]>,
  problems: RowProblems,
): Promise<void> {
  const wanted = new Set<string>();
  for (const r of batch) {
    const v = r[column];
    if (v !== null && !known.has(v)) wanted.add(v);
  }
  if (wanted.size === 0) return;
  for (const v of await lookup([...wanted])) known.add(v);
  const what = column === 'areaCode' ? 'pooling area' : 'employer';
  for (const r of batch) {
    const v = r[column];
    if (v !== null && !known.has(v)) problems.add(r.row, column, `no ${what} ${v}`);
  }
}

/** Refuse person numbers and ID numbers used twice within the batch, naming the first row. */
function checkDuplicates(batch: readonly ValidRow[], problems: RowProblems): void {
  const firstPsn = new Map<string, number>();
  const firstCert = new Map<string, number>();
  for (const r of batch) {
    const p = firstPsn.get(r.psnNo);
    const c = firstCert.get(r.certno);
    if (p !== undefined) problems.add(r.row, 'psnNo', `${r.psnNo} is also on row ${p}`);
    else firstPsn.set(r.psnNo, r.row);
    if (c !== undefined) problems.add(r.row, 'certno', `${maskCertno(r.certno)} is also on row ${c}`);
    else firstCert.set(r.certno, r.row);
  }
}

/**
 * Refuse person numbers and ID numbers already in the database: registered before, or written by
 * an earlier batch of this file (this transaction). Each value is reported once, on its first row.
 */
async function checkTaken(tx: Sql, batch: readonly ValidRow[], problems: RowProblems): Promise<void> {
  const takenPsn = await repo.takenPsnNos(tx, [...new Set(batch.map((r) => r.psnNo))]);
  const takenCert = await repo.takenCertnos(tx, [...new Set(batch.map((r) => r.certno))]);
  const already = (mine: boolean) => (mine ? 'is also on an earlier row' : 'is already registered');
  for (const r of batch) {
    const p = takenPsn.get(r.psnNo);
    const c = takenCert.get(r.certno);
    if (p !== undefined) problems.add(r.row, 'psnNo', `${r.psnNo} ${already(p)}`);
    if (c !== undefined) problems.add(r.row, 'certno', `${maskCertno(r.certno)} ${already(c)}`);
    takenPsn.delete(r.psnNo);
    takenCert.delete(r.certno);
  }
}

function* personRows(batch: readonly ValidRow[]) {
  for (const r of batch) yield [r.psnNo, r.certno, r.name, genderOf(r.certno), r.birthday, r.areaCode];
}
/** In certno order: ID numbers arrive in no order, and sorted inserts keep the index pages warm. */
function* certnoRows(batch: readonly ValidRow[]) {
  const sorted = batch.map((r) => [r.certno, r.psnNo] as const).sort((a, b) => (a[0] < b[0] ? -1 : 1));
  yield* sorted;
}
function* enrolmentRows(batch: readonly ValidRow[]) {
  for (const r of batch) yield [r.psnNo, r.scheme, r.beginDate, 'active', r.personType, r.areaCode, r.empNo];
}

/**
 * Checks each batch against the database and, while the file has no problem yet, writes it. One
 * batch is on the wire while the next one is read and checked, so the client and the server work
 * at the same time.
 */
class BatchWriter {
  private readonly areas = new Set<string>();
  private readonly employers = new Set<string>();
  private pending: Promise<void> = Promise.resolve();
  written = 0;

  constructor(
    private readonly tx: Sql,
    private readonly problems: RowProblems,
    private readonly onProgress?: (written: number) => void,
  ) {}

  /** Start writing a batch once the previous one is written. */
  async submit(batch: readonly ValidRow[]): Promise<void> {
    await this.pending;
    this.pending = this.write(batch);
    // Awaited by the next submit or by finish; this only keeps a failure from counting as unhandled.
    this.pending.catch(() => {});
  }

  finish(): Promise<void> {
    return this.pending;
  }

  /**
   * Every batch is checked before its COPY: a COPY that fails on the server cannot be reported
   * row by row (and the driver does not surface an error that arrives after the data is sent).
   */
  private async write(batch: readonly ValidRow[]): Promise<void> {
    const { tx, problems } = this;
    await checkReferences(batch, 'areaCode', this.areas, (c) => repo.existingAreas(tx, c), problems);
    await checkReferences(batch, 'empNo', this.employers, (c) => repo.existingEmployers(tx, c), problems);
    checkDuplicates(batch, problems);
    await checkTaken(tx, batch, problems);
    if (problems.any) return;
    await tx.copyRows('person', PERSON_COLUMNS, personRows(batch));
    await tx.copyRows('person_certno', CERTNO_COLUMNS, certnoRows(batch));
    await tx.copyRows('enrolment', ENROLMENT_COLUMNS, enrolmentRows(batch));
    this.written += batch.length;
    this.onProgress?.(this.written);
  }
}

/** How often reading pauses for pending I/O, so that the batch on the wire keeps moving. */
const YIELD_EVERY = 2_000;

async function loadRows(
  tx: Sql,
  rows: AsyncIterable<BulkRow> | Iterable<BulkRow>,
  opts: BulkEnrolOptions,
): Promise<number> {
  const { batchSize = 50_000, firstRowNumber = 1 } = opts;
  const problems = new RowProblems();
  const writer = new BatchWriter(tx, problems, opts.onProgress);
  let batch: ValidRow[] = [];
  let row = firstRowNumber;
  for await (const raw of rows) {
    const valid = validRow(raw, opts.rowNumber?.() ?? row, problems);
    // After the first problem nothing is written, but the rows are still checked against the
    // database (batch by batch), so that one refusal lists as many problems as it can.
    if (valid) batch.push(valid);
    if (problems.full) break;
    if (batch.length >= batchSize) {
      await writer.submit(batch);
      batch = [];
    }
    // A for-await over rows already in memory never reaches the event loop's I/O phase by itself.
    if (++row % YIELD_EVERY === 0) await new Promise(setImmediate);
  }
  if (batch.length > 0 && !problems.full) await writer.submit(batch);
  await writer.finish();
  problems.refuseIfAny('bulk enrolment');
  return writer.written;
}

/**
 * Register new persons and enrol each in one scheme, all or nothing. Gender and birthday come from
 * the ID number. Refused with an ImportRefused (INVALID_INPUT) listing `row N, column X: message`.
 */
export async function bulkEnrol(
  db: Database,
  rows: AsyncIterable<BulkRow> | Iterable<BulkRow>,
  opts: BulkEnrolOptions = {},
): Promise<BulkEnrolResult> {
  let started = false;
  const written = await db.transaction((tx) => {
    // The rows can be read only once, so a retried transaction could not see them again.
    if (started) throw new Error('bulk enrolment cannot be retried: its rows were read by the first attempt');
    started = true;
    return loadRows(tx, rows, opts);
  });
  return { persons: written, enrolments: written };
}
