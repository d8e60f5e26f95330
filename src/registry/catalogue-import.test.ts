import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { registryCounts } from '../../test/support/registry.js';
import { importCatalogue, type CatalogueImportInput } from './catalogue-import.js';
import { catalogueItems, catalogueVersionOn } from './lookup.js';
import { ImportRefused } from './problems.js';

const EXAMPLES = new URL('../../examples/catalogue/', import.meta.url).pathname;
const ITEMS_HEADER = '编码,类别,名称,甲乙类,先行自付比例,最高限价,开始日期,结束日期';

/** The rows of items.csv as stored: self-pay in basis points, price caps in fen. */
const EXAMPLE_ITEMS = [
  ['001102000010000', 'service', '普通门诊诊查费', '01', 0, null, '2025-01-01', null],
  ['002703000010000', 'service', '磁共振平扫', '02', 500, 48000, '2025-01-01', null],
  ['003107030010000', 'service', '人工晶体植入术', '02', 2000, null, '2025-01-01', null],
  ['C0301010010000001234', 'material', '冠状动脉药物洗脱支架', '02', 3000, 79800, '2025-01-01', null],
  ['C1401020010000005678', 'material', '一次性使用输液器', '03', 0, null, '2025-01-01', null],
  ['XA02BCA211A001010100001', 'drug', '奥美拉唑肠溶胶囊', '01', 0, null, '2025-01-01', null],
  ['XC10AAA126A001010100002', 'drug', '阿托伐他汀钙片', '02', 1000, null, '2025-01-01', null],
  ['XL01XEY145A001010100003', 'drug', '伊马替尼片', '02', 2000, 11850, '2025-01-01', '2025-12-31'],
];

describe('importCatalogue', () => {
  let t: TestDatabase;
  const dir = mkdtempSync(join(tmpdir(), 'tongchou-catalogue-'));
  beforeAll(async () => {
    t = await openTestDatabase(4);
  }, 60_000); // migrating a fresh database is slow on a loaded machine
  afterAll(() => t.drop());

  const csv = (name: string, lines: string[]) => {
    const file = join(dir, name);
    writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  };
  const storedItems = (versionId: number) =>
    t.db.query(
      `SELECT code, item_kind, name, class, selfpay_bp, price_cap_fen, valid_from, valid_to
       FROM catalogue_item WHERE version_id = $1 ORDER BY code`,
      [versionId],
    );

  async function refusal(input: CatalogueImportInput, code = 'INVALID_INPUT', path = 'rows') {
    const before = await registryCounts(t.db);
    const e = await importCatalogue(t.db, input).then(
      () => new Error('expected a refusal'),
      (err: unknown) => err,
    );
    expect(e).toMatchObject({ name: expect.stringMatching(/ServiceError|ImportRefused/), code, path });
    expect(await registryCounts(t.db)).toEqual(before);
    return e as ImportRefused;
  }

  it('imports the items of a CSV file with Chinese headers as a new version', async () => {
    const file = join(EXAMPLES, 'items.csv');
    const r = await importCatalogue(t.db, { file, validFrom: '2025-01-01' });
    const hash = createHash('sha256').update(readFileSync(file)).digest('hex');
    expect(r).toMatchObject({ kind: 'items', sourceName: 'items.csv', contentHash: hash, rowCount: 8 });
    const [version] = await t.db.query(
      'SELECT kind, valid_from, source_name, content_hash, row_count FROM catalogue_version WHERE id = $1',
      [r.versionId],
    );
    expect(version).toEqual({
      kind: 'items',
      valid_from: '2025-01-01',
      source_name: 'items.csv',
      content_hash: hash,
      row_count: 8,
    });
    expect((await storedItems(r.versionId)).map((row) => Object.values(row))).toEqual(EXAMPLE_ITEMS);
  });

  it('imports the same items from Excel (English headers, percentage, number and date cells)', async () => {
    const r = await importCatalogue(t.db, {
      file: join(EXAMPLES, 'items.xlsx'),
      validFrom: '2025-01-01',
      kind: 'items',
    });
    expect(r.rowCount).toBe(8);
    expect((await storedItems(r.versionId)).map((row) => Object.values(row))).toEqual(EXAMPLE_ITEMS);
  });

  it('makes the latest version in force from its date the one settlement reads', async () => {
    const file = csv('later.csv', [ITEMS_HEADER, 'XC10AAA126A001010100002,药品,阿托伐他汀钙片,乙类,15%,,,']);
    const later = await importCatalogue(t.db, { file, validFrom: '2026-01-01' });
    const versionIn2026 = await t.db.transaction((tx) => catalogueVersionOn(tx, '2026-03-01'));
    expect(versionIn2026).toBe(later.versionId);
    const items = await t.db.transaction((tx) =>
      catalogueItems(tx, versionIn2026, ['XC10AAA126A001010100002'], '2026-03-01'),
    );
    expect(items.get('XC10AAA126A001010100002')).toMatchObject({
      class: '02',
      selfpayBp: 1500,
      priceCapFen: null,
    });
    const versionIn2025 = await t.db.transaction((tx) => catalogueVersionOn(tx, '2025-06-01'));
    expect(versionIn2025).not.toBe(later.versionId);
  });

  it('imports diseases', async () => {
    const r = await importCatalogue(t.db, {
      file: join(EXAMPLES, 'diseases.csv'),
      validFrom: '2025-01-01',
      kind: 'diseases',
    });
    expect(r).toMatchObject({ kind: 'diseases', rowCount: 5 });
    const rows = await t.db.query('SELECT code, name FROM disease WHERE version_id = $1 ORDER BY code', [
      r.versionId,
    ]);
    expect(rows[0]).toEqual({ code: 'C34.900', name: '肺恶性肿瘤' });
  });

  it('refuses bad rows, naming the row and the column as the file has them', async () => {
    const file = csv('bad.csv', [
      ITEMS_HEADER,
      'A1,药品,好药,甲,,,,',
      'A2,中药,某药,乙,10%,,,',
      'A3,药品,,丁,10%,,,',
      'A4,药品,某药,乙,10.5%,12.345,,',
      'A5,药品,某药,乙,150%,0,,',
      'A6,药品,某药,甲,10%,,2025-02-30,',
      'A7,药品,某药,乙,1e-1,1e3,2025-06-01,2025-05-31',
      'A1,药品,某药,乙,,,,',
    ]);
    const e = await refusal({ file, validFrom: '2025-01-01' });
    expect(e).toBeInstanceOf(ImportRefused);
    expect(e.problems).toEqual([
      'row 3, column 类别: "中药" is not one: drug, service or material (药品, 诊疗项目 or 医用耗材)',
      'row 4, column 名称: is empty',
      'row 4, column 甲乙类: "丁" is not one: 甲, 乙 or 丙 (01, 02 or 03)',
      'row 5, column 最高限价: must be yuan with at most two decimals (got 12.345)',
      'row 6, column 先行自付比例: must be between 0 and 100% (got 150%)',
      'row 6, column 最高限价: must be above 0; leave it empty when there is no cap',
      'row 7, column 开始日期: must be a real date YYYY-MM-DD (got "2025-02-30")',
      'row 8, column 先行自付比例: must be a rate such as "75%" or 0.75 with at most 4 decimals (got 1e-1)',
      'row 8, column 最高限价: must be yuan with at most two decimals (got 1e3)',
      'row 9, column 编码: A1 is also on row 2',
    ]);
    expect(e.message).toMatch(
      /^catalogue import of bad.csv refused, nothing was written: 10 problems\nrow 3/,
    );
  });

  it('refuses a self-paid share on a 甲 item and an end before the start', async () => {
    const file = csv('rules.csv', [
      ITEMS_HEADER,
      'B1,药品,某药,甲,10%,,,',
      'B2,药品,某药,乙,10%,,2025-06-01,2025-05-31',
    ]);
    const e = await refusal({ file, validFrom: '2025-01-01' });
    expect(e.problems).toEqual([
      'row 2, column 先行自付比例: must be 0 for a 甲 (01) item, which the fund covers in full',
      "row 3, column 结束日期: 2025-05-31 is before the row's valid from 2025-06-01",
    ]);
  });

  it('refuses a file without a required column, with a column twice, or with no rows', async () => {
    const missing = await refusal({
      file: csv('missing.csv', ['编码,名称,甲乙类', 'C1,某药,甲']),
      validFrom: '2025-01-01',
    });
    expect(missing.problems).toEqual([
      'column kind is missing (a header named one of: kind, 类别, 项目类别, item_kind)',
    ]);
    const twice = await refusal({
      file: csv('twice.csv', ['code,编码,kind,name,class', 'C1,C1,drug,x,01']),
      validFrom: '2025-01-01',
    });
    expect(twice.problems).toEqual(['columns "code" and "编码" both give code']);
    const empty = await refusal({ file: csv('empty.csv', [ITEMS_HEADER]), validFrom: '2025-01-01' });
    expect(empty.problems).toEqual(['the file has a header but no rows']);
  });

  it('lists at most 20 problems', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => `D${i},药品,某药,戊,,,,`);
    const e = await refusal({ file: csv('many.csv', [ITEMS_HEADER, ...lines]), validFrom: '2025-01-01' });
    expect(e.problems).toHaveLength(20);
    expect(e.message).toMatch(/the first 20 problems/);
  });

  it('refuses bad cells of an Excel file by their row', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('items');
    sheet.addRow(['code', 'kind', 'name', 'class', 'selfpay', 'price cap']);
    sheet.addRow(['X1', 'drug', '某药', '02', 0.12345, 12.3]);
    sheet.addRow(['X2', 'drug', '某药', '02', 0.1, 0.1 + 0.2]);
    const file = join(dir, 'bad.xlsx');
    await workbook.xlsx.writeFile(file);
    const e = await refusal({ file, validFrom: '2025-01-01' });
    expect(e.problems).toEqual([
      'row 2, column selfpay: must be a rate such as "75%" or 0.75 with at most 4 decimals (got 0.12345)',
      'row 3, column price cap: must be yuan with at most two decimals (got 0.30000000000000004)',
    ]);
  });

  it('refuses a bad ICD-10 code and a duplicate disease', async () => {
    const file = csv('bad-diseases.csv', ['疾病编码,疾病名称', 'J18.900,肺炎', 'j18.9,肺炎', 'J18.900,肺炎']);
    const e = await refusal({ file, validFrom: '2025-01-01', kind: 'diseases' });
    expect(e.problems).toEqual([
      'row 3, column 疾病编码: "j18.9" is not an ICD-10 code such as J18.9',
      'row 4, column 疾病编码: J18.900 is also on row 2',
    ]);
  });

  it('refuses bad arguments, an unknown file, another format and an unreadable file', async () => {
    const file = join(EXAMPLES, 'items.csv');
    await refusal({ file, validFrom: '2025-13-01' }, 'INVALID_INPUT', 'validFrom');
    await refusal({ file, validFrom: '2025-01-01', kind: 'drugs' as never }, 'INVALID_INPUT', 'kind');
    await refusal({ file: join(dir, 'nope.csv'), validFrom: '2025-01-01' }, 'NOT_FOUND', 'file');
    writeFileSync(join(dir, 'items.xls'), 'old excel');
    await refusal({ file: join(dir, 'items.xls'), validFrom: '2025-01-01' }, 'INVALID_INPUT', 'file');
    writeFileSync(join(dir, 'broken.xlsx'), 'not a zip');
    await refusal({ file: join(dir, 'broken.xlsx'), validFrom: '2025-01-01' }, 'INVALID_INPUT', 'file');
    const quote = csv('quote.csv', [ITEMS_HEADER, '"A1,药品,某药,甲,,,,']);
    await refusal({ file: quote, validFrom: '2025-01-01' }, 'INVALID_INPUT', 'file');
  });
});
