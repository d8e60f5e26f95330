import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { ServiceError } from '../common/service-error.js';
import { personTypeOf } from '../domain/policy/dimensions.js';
import type { BulkRow } from './schemas.js';

/**
 * A bulk-enrolment CSV file read as a stream of rows, so a file of millions of persons never sits
 * in memory. Headers may use the field names, the national-interface names or Chinese.
 */

const FIELDS: Record<keyof BulkRow, string[]> = {
  psnNo: ['psnNo', 'psn_no', '人员编号'],
  certno: ['certno', '身份证号', '证件号码', '公民身份号码'],
  name: ['name', 'psn_name', '姓名'],
  areaCode: ['areaCode', 'insuplc_admdvs', '参保地', '统筹区'],
  scheme: ['scheme', 'insutype', '险种'],
  personType: ['personType', 'psn_type', '人员类别'],
  empNo: ['empNo', 'emp_no', '单位编号'],
  beginDate: ['beginDate', 'begndate', '开始日期'],
};
const OPTIONAL: ReadonlySet<string> = new Set(['empNo']);

const headerKey = (name: string) => name.toLowerCase().replace(/[\s_-]/g, '');

/** Which column holds each field; a missing column is refused before any row is read. */
function locate(header: readonly string[]): [keyof BulkRow, number][] {
  const keys = header.map(headerKey);
  const found: [keyof BulkRow, number][] = [];
  for (const [field, names] of Object.entries(FIELDS) as [keyof BulkRow, string[]][]) {
    const at = keys.findIndex((k) => names.some((n) => headerKey(n) === k));
    if (at >= 0) found.push([field, at]);
    else if (!OPTIONAL.has(field)) {
      throw new ServiceError(
        'INVALID_INPUT',
        `column ${field} is missing (a header named one of: ${names.join(', ')})`,
        'file',
      );
    }
  }
  return found;
}

/** One CSV record as a bulk row: empty cells absent, an NHSA person type (1101 …) translated. */
function toRow(record: readonly string[], columns: readonly [keyof BulkRow, number][]): BulkRow {
  const row: Record<string, string> = {};
  for (const [field, at] of columns) {
    const value = record[at]?.trim();
    if (value) row[field] = value;
  }
  if (row.personType) row.personType = personTypeOf(row.personType) ?? row.personType;
  return row as unknown as BulkRow;
}

export interface PersonFile {
  rows: AsyncIterable<BulkRow>;
  /** The line of the file the row read last ended on, for problems. */
  line(): number;
}

/** Read a bulk-enrolment CSV (UTF-8, header row first) from a stream. */
export function readPersonFile(input: Readable): PersonFile {
  let line = 0;
  const parser = input.pipe(
    parse({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true }),
  );
  async function* rows(): AsyncGenerator<BulkRow> {
    let columns: [keyof BulkRow, number][] | undefined;
    try {
      for await (const { record, info } of parser as AsyncIterable<{
        record: string[];
        info: { lines: number };
      }>) {
        line = info.lines;
        if (columns) yield toRow(record, columns);
        else columns = locate(record);
      }
    } catch (e) {
      if (e instanceof ServiceError) throw e;
      throw new ServiceError(
        'INVALID_INPUT',
        `the file cannot be read as CSV: ${(e as Error).message}`,
        'file',
      );
    } finally {
      input.destroy(); // reading may stop early (a refused file): let go of the file either way
    }
  }
  return { rows: rows(), line: () => line };
}
