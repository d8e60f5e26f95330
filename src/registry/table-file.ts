import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import type ExcelJS from 'exceljs';
import { ServiceError } from '../common/service-error.js';

/** A cell as read: text and numbers as written, a date cell as a Date, an empty cell as null. */
export type Cell = string | number | boolean | Date | null;

/** A table read from a file: the header row and the data rows, each with its row number in the file. */
export interface Table {
  header: string[];
  rows: { row: number; cells: Cell[] }[];
}

function unreadable(file: string, why: string): ServiceError {
  return new ServiceError('INVALID_INPUT', `${file} cannot be read: ${why}`, 'file');
}

function tableOf(records: { row: number; cells: Cell[] }[]): Table {
  const [head, ...rows] = records;
  return { header: (head?.cells ?? []).map((c) => (c === null ? '' : String(c).trim())), rows };
}

function readCsv(file: string, bytes: Buffer): Table {
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    // With info: true each record comes with where it ended; the typings do not model that option.
    parsed = parse(bytes, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as typeof parsed;
  } catch (e) {
    throw unreadable(file, (e as Error).message);
  }
  // A row is named by its line in the file (where a record ends), as an editor shows it.
  return tableOf(
    parsed.map((p) => ({
      row: p.info.lines,
      cells: p.record.map((v) => (v.trim() === '' ? null : v.trim())),
    })),
  );
}

/** An Excel cell value as a plain cell: rich text joined, formulas by their cached result. */
function plainCell(value: ExcelJS.CellValue): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim();
  if (typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  if ('richText' in value) return plainCell(value.richText.map((t) => t.text).join(''));
  if ('result' in value) return plainCell(value.result as ExcelJS.CellValue);
  if ('text' in value) return plainCell(value.text);
  if ('error' in value) return String(value.error);
  return null;
}

async function readXlsx(file: string, bytes: Buffer): Promise<Table> {
  // exceljs is large: loaded only when an Excel file is read.
  const { default: Excel } = await import('exceljs');
  const workbook = new Excel.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (e) {
    throw unreadable(file, `not an Excel .xlsx workbook (${(e as Error).message})`);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw unreadable(file, 'the workbook has no worksheet');
  const records: { row: number; cells: Cell[] }[] = [];
  sheet.eachRow({ includeEmpty: false }, (r, row) => {
    const cells: Cell[] = [];
    for (let c = 1; c <= r.cellCount; c++) cells.push(plainCell(r.getCell(c).value));
    if (cells.some((c) => c !== null)) records.push({ row, cells });
  });
  return tableOf(records);
}

/** Read the first table of a CSV (UTF-8) or Excel .xlsx file, chosen by the file's extension. */
export async function readTable(file: string, bytes: Buffer): Promise<Table> {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return readCsv(file, bytes);
  if (ext === '.xlsx') return readXlsx(file, bytes);
  throw new ServiceError('INVALID_INPUT', `${file} must be a .csv or .xlsx file`, 'file');
}
