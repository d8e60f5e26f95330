import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { z } from 'zod';
import { ServiceError } from '../common/service-error.js';
import type { Database, Sql } from '../db/index.js';
import { isCalendarDate } from '../domain/dates.js';
import { parseYuan } from '../domain/money/money.js';
import { parseRate } from '../domain/money/rate.js';
import { RowProblems } from './problems.js';
import * as repo from './repository.js';
import { dateField, parseInput } from './schemas.js';
import { readTable, type Cell, type Table } from './table-file.js';

/**
 * Import a catalogue (目录) from a CSV or Excel file as a new dated version: the items (drugs,
 * services, materials with their 甲/乙/丙 class, 先行自付比例 and price cap) or the diseases (ICD-10).
 * The file is checked whole first; any bad row refuses the import and nothing is written.
 */

export interface CatalogueImported {
  versionId: number;
  kind: 'items' | 'diseases';
  validFrom: string;
  sourceName: string;
  contentHash: string;
  rowCount: number;
}

const importSchema = z.strictObject({
  file: z.string({ error: 'must be a file path' }).min(1, 'must be a file path'),
  validFrom: dateField,
  kind: z.enum(['items', 'diseases'], { error: 'must be "items" or "diseases"' }).default('items'),
});
export type CatalogueImportInput = z.input<typeof importSchema>;

/** What a column's value becomes, or a message saying what it should have been. */
type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };
type Parse<T> = (cell: Cell) => Parsed<T>;

interface Column<T> {
  /** The names a header may give it, compared without case, spaces, "_" or "-". */
  names: string[];
  required: boolean;
  parse: Parse<T>;
}

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (reason: string): Parsed<never> => ({ ok: false, reason });

function cellText(cell: Cell): string | null {
  if (cell === null) return null;
  return cell instanceof Date ? cell.toISOString().slice(0, 10) : String(cell);
}

const codeCell: Parse<string> = (cell) => {
  const text = cellText(cell);
  if (text === null) return bad('is empty');
  return /^\S{1,64}$/.test(text)
    ? ok(text)
    : bad(`must be a code without spaces, at most 64 characters (got "${text}")`);
};

const nameCell: Parse<string> = (cell) => {
  const text = cellText(cell);
  if (text === null) return bad('is empty');
  return text.length <= 500 ? ok(text) : bad('is longer than 500 characters');
};

/** A word from a closed list, in English or Chinese. */
function oneOf<T extends string>(words: Record<string, T>, says: string): Parse<T> {
  return (cell) => {
    const text = cellText(cell);
    const value = text === null ? undefined : words[text.toLowerCase()];
    return value ? ok(value) : bad(text === null ? `is empty; ${says}` : `"${text}" is not one: ${says}`);
  };
}

const KINDS: Record<string, 'drug' | 'service' | 'material'> = {
  drug: 'drug',
  药品: 'drug',
  西药: 'drug',
  中成药: 'drug',
  中药饮片: 'drug',
  service: 'service',
  诊疗项目: 'service',
  医疗服务项目: 'service',
  material: 'material',
  医用耗材: 'material',
  耗材: 'material',
};

// Excel keeps "01" typed into a number cell as 1, so the bare digits are accepted too.
const CLASSES: Record<string, '01' | '02' | '03'> = {
  甲: '01',
  甲类: '01',
  '01': '01',
  '1': '01',
  乙: '02',
  乙类: '02',
  '02': '02',
  '2': '02',
  丙: '03',
  丙类: '03',
  '03': '03',
  '3': '03',
};

/** 先行自付比例: "10%", "0.1" or an Excel percentage cell, exactly, in basis points; empty is 0. */
const selfpayCell: Parse<number> = (cell) => {
  if (cell === null) return ok(0);
  const r = parseRate(typeof cell === 'number' ? cell : cellText(cell));
  return r.ok ? ok(r.value) : bad(r.reason);
};

/** 最高限价 in yuan, at most two decimals, in fen; empty is no cap. */
const priceCapCell: Parse<number | null> = (cell) => {
  if (cell === null) return ok(null);
  const r = parseYuan(typeof cell === 'number' ? cell : cellText(cell));
  if (!r.ok) return bad(r.reason);
  return r.value > 0 ? ok(r.value) : bad('must be above 0; leave it empty when there is no cap');
};

/** A date as YYYY-MM-DD text or an Excel date cell (which exceljs reads as UTC midnight). */
const dateCell: Parse<string | null> = (cell) => {
  const text = cellText(cell);
  if (text === null) return ok(null);
  return isCalendarDate(text) ? ok(text) : bad(`must be a real date YYYY-MM-DD (got "${text}")`);
};

// ICD-10: a letter, two digits, then an optional subdivision (as in claims' dise_codes).
const icdCell: Parse<string> = (cell) => {
  const text = cellText(cell);
  if (text === null) return bad('is empty');
  return /^[A-Z]\d{2}[0-9A-Za-z.+*]{0,12}$/.test(text)
    ? ok(text)
    : bad(`"${text}" is not an ICD-10 code such as J18.9`);
};

const ITEM_COLUMNS = {
  code: {
    names: ['code', '编码', '项目编码', '医保目录编码', 'med_list_codg'],
    required: true,
    parse: codeCell,
  },
  kind: {
    names: ['kind', '类别', '项目类别', 'item_kind'],
    required: true,
    parse: oneOf(KINDS, 'drug, service or material (药品, 诊疗项目 or 医用耗材)'),
  },
  name: { names: ['name', '名称', '项目名称'], required: true, parse: nameCell },
  class: {
    names: ['class', '甲乙类', '甲乙丙类', '等级', '收费项目等级', 'chrgitm_lv'],
    required: true,
    parse: oneOf(CLASSES, '甲, 乙 or 丙 (01, 02 or 03)'),
  },
  selfpayBp: {
    names: ['selfpay', '自付比例', '先行自付比例', 'selfpay_prop'],
    required: false,
    parse: selfpayCell,
  },
  priceCapFen: {
    names: ['price cap', '最高限价', '限价', 'pric_uplmt_amt'],
    required: false,
    parse: priceCapCell,
  },
  validFrom: { names: ['valid from', '开始日期', '生效日期'], required: false, parse: dateCell },
  validTo: { names: ['valid to', '结束日期', '失效日期', '终止日期'], required: false, parse: dateCell },
} satisfies Record<string, Column<unknown>>;

const DISEASE_COLUMNS = {
  code: {
    names: ['code', 'icd-10', 'icd', '编码', '疾病编码', '诊断编码', 'icd-10编码'],
    required: true,
    parse: icdCell,
  },
  name: { names: ['name', '名称', '疾病名称', '诊断名称'], required: true, parse: nameCell },
} satisfies Record<string, Column<unknown>>;

type Columns = Record<string, Column<unknown>>;
type RowOf<C extends Columns> = { [K in keyof C]: C[K] extends Column<infer T> ? T : never };

const headerKey = (name: string) => name.toLowerCase().replace(/[\s_-]/g, '');

/** Which file column each field is read from; a missing required column or a doubled one is a problem. */
function locateColumns(
  header: readonly string[],
  columns: Columns,
  problems: RowProblems,
): Map<string, number> {
  const found = new Map<string, number>();
  for (const [field, column] of Object.entries(columns)) {
    const keys = new Set(column.names.map(headerKey));
    const at = header.flatMap((h, i) => (keys.has(headerKey(h)) ? [i] : []));
    if (at.length > 1)
      problems.addFile(`columns ${at.map((i) => `"${header[i]}"`).join(' and ')} both give ${field}`);
    if (at.length === 0 && column.required) {
      problems.addFile(`column ${field} is missing (a header named one of: ${column.names.join(', ')})`);
    }
    if (at.length === 1) found.set(field, at[0]!);
  }
  return found;
}

interface ParsedRows<C extends Columns> {
  rows: { row: number; value: RowOf<C> }[];
  /** The header a field was read from, for problems (the field's own name when it has no column). */
  columnOf: (field: keyof C & string) => string;
}

/** Every data row parsed by the columns; problems recorded as `row N, column X: message`. */
function parseRows<C extends Columns>(table: Table, columns: C, problems: RowProblems): ParsedRows<C> {
  const at = locateColumns(table.header, columns, problems);
  const columnOf = (field: string) => table.header[at.get(field) ?? -1] ?? field;
  const rows: ParsedRows<C>['rows'] = [];
  if (problems.any) return { rows, columnOf };
  if (table.rows.length === 0) problems.addFile('the file has a header but no rows');
  for (const { row, cells } of table.rows) {
    const value: Record<string, unknown> = {};
    let good = true;
    for (const [field, column] of Object.entries(columns)) {
      const i = at.get(field);
      const r = column.parse(i === undefined ? null : (cells[i] ?? null));
      if (r.ok) value[field] = r.value;
      else problems.add(row, columnOf(field), r.reason);
      good &&= r.ok;
    }
    if (good) rows.push({ row, value: value as RowOf<C> });
    if (problems.full) break;
  }
  return { rows, columnOf };
}

/** Codes are unique within a version: a second row with a code is refused, naming the first. */
function refuseDuplicateCodes<C extends Columns>(parsed: ParsedRows<C>, problems: RowProblems): void {
  const first = new Map<string, number>();
  for (const { row, value } of parsed.rows) {
    const code = value.code as string;
    const earlier = first.get(code);
    if (earlier !== undefined)
      problems.add(row, parsed.columnOf('code'), `${code} is also on row ${earlier}`);
    else first.set(code, row);
  }
}

/** The rules between an item's columns; the row's dates default to the import's validFrom. */
function checkItems(parsed: ParsedRows<typeof ITEM_COLUMNS>, validFrom: string, problems: RowProblems): void {
  for (const { row, value: item } of parsed.rows) {
    if (item.class === '01' && item.selfpayBp !== 0) {
      problems.add(
        row,
        parsed.columnOf('selfpayBp'),
        'must be 0 for a 甲 (01) item, which the fund covers in full',
      );
    }
    const from = item.validFrom ?? validFrom;
    if (item.validTo !== null && item.validTo < from) {
      problems.add(row, parsed.columnOf('validTo'), `${item.validTo} is before the row's valid from ${from}`);
    }
  }
}

const BATCH = 50_000;

async function copyInBatches(tx: Sql, table: string, columns: string[], rows: readonly unknown[][]) {
  for (let i = 0; i < rows.length; i += BATCH) await tx.copyRows(table, columns, rows.slice(i, i + BATCH));
}

interface Checked {
  kind: 'items' | 'diseases';
  columns: string[];
  rows: unknown[][];
}

/** The file's rows checked and laid out as the table's columns, or an ImportRefused. */
function checkedRows(table: Table, kind: 'items' | 'diseases', validFrom: string, what: string): Checked {
  const problems = new RowProblems();
  if (kind === 'diseases') {
    const diseases = parseRows(table, DISEASE_COLUMNS, problems);
    refuseDuplicateCodes(diseases, problems);
    problems.refuseIfAny(what);
    return { kind, columns: ['code', 'name'], rows: diseases.rows.map(({ value: d }) => [d.code, d.name]) };
  }
  const items = parseRows(table, ITEM_COLUMNS, problems);
  refuseDuplicateCodes(items, problems);
  checkItems(items, validFrom, problems);
  problems.refuseIfAny(what);
  return {
    kind,
    columns: ['code', 'item_kind', 'name', 'class', 'selfpay_bp', 'price_cap_fen', 'valid_from', 'valid_to'],
    rows: items.rows.map(({ value: i }) => [
      i.code,
      i.kind,
      i.name,
      i.class,
      i.selfpayBp,
      i.priceCapFen,
      i.validFrom ?? validFrom,
      i.validTo,
    ]),
  };
}

async function readBytes(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ServiceError('NOT_FOUND', `no file ${file}`, 'file');
    throw new ServiceError('INVALID_INPUT', `${file} cannot be read: ${(e as Error).message}`, 'file');
  }
}

/**
 * Import a catalogue file as a new version in force from validFrom: its content hash is the
 * SHA-256 of the file's bytes, its rows are loaded with COPY in the same transaction.
 */
export async function importCatalogue(db: Database, input: CatalogueImportInput): Promise<CatalogueImported> {
  const { file, validFrom, kind } = parseInput(importSchema, input);
  const bytes = await readBytes(file);
  const sourceName = basename(file);
  const checked = checkedRows(
    await readTable(file, bytes),
    kind,
    validFrom,
    `catalogue import of ${sourceName}`,
  );
  const contentHash = createHash('sha256').update(bytes).digest('hex');
  const rowCount = checked.rows.length;
  const versionId = await db.transaction(async (tx) => {
    const id = await repo.insertCatalogueVersion(tx, { kind, validFrom, sourceName, contentHash, rowCount });
    const table = kind === 'items' ? 'catalogue_item' : 'disease';
    await copyInBatches(
      tx,
      table,
      ['version_id', ...checked.columns],
      checked.rows.map((r) => [id, ...r]),
    );
    return id;
  });
  return { versionId, kind, validFrom, sourceName, contentHash, rowCount };
}
