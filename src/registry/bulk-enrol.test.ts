import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { registryCounts, seedAreas } from '../../test/support/registry.js';
import { certnoCheckChar } from '../domain/idcard.js';
import { bulkEnrol } from './bulk-enrol.js';
import { enrolmentOn, findPerson } from './lookup.js';
import { ImportRefused } from './problems.js';
import { bulkRowSchema, plainBulkRow, type BulkRow } from './schemas.js';

/** A valid ID number of Gulou district born on the date (YYYYMMDD) with the sequence number. */
function certno(born: string, seq: number): string {
  const first17 = `350102${born}${String(seq).padStart(3, '0')}`;
  return first17 + certnoCheckChar(first17);
}

function employee(i: number, change: Partial<BulkRow> = {}): BulkRow {
  return {
    psnNo: `B${String(i).padStart(6, '0')}`,
    certno: certno('19800101', i),
    name: `职工${i}`,
    areaCode: '350102',
    scheme: '310',
    personType: 'active',
    empNo: 'E001',
    beginDate: '2025-01-01',
    ...change,
  };
}

describe('bulkEnrol', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(4);
    await seedAreas(t.db);
    await t.db.query(`INSERT INTO employer (emp_no, name, area_code) VALUES ('E001', '某公司', '350102')`);
  }, 60_000); // migrating a fresh database is slow on a loaded machine
  afterAll(() => t.drop());

  async function refusal(rows: Iterable<BulkRow>, opts = {}): Promise<ImportRefused> {
    const before = await registryCounts(t.db);
    const e = await bulkEnrol(t.db, rows, opts).then(
      () => new Error('expected a refusal'),
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(ImportRefused);
    expect(e).toMatchObject({ code: 'INVALID_INPUT' });
    expect(await registryCounts(t.db)).toEqual(before);
    return e as ImportRefused;
  }

  it('loads persons, their ID numbers and enrolments in batches, reporting progress', async () => {
    const rows = [
      ...Array.from({ length: 7 }, (_, i) => employee(i + 1)),
      employee(8, { personType: 'retired', empNo: null, certno: certno('19500505', 8) }),
      employee(9, { scheme: '390', personType: 'resident', empNo: undefined, certno: '350426198507150000' }),
      employee(10, { scheme: '390', personType: 'minor', empNo: null, certno: certno('20150615', 10) }),
    ];
    const progress: number[] = [];
    const result = await bulkEnrol(t.db, rows, { batchSize: 3, onProgress: (n) => progress.push(n) });
    expect(result).toEqual({ persons: 10, enrolments: 10 });
    expect(progress).toEqual([3, 6, 9, 10]);
    expect(await registryCounts(t.db)).toMatchObject({ person: 10, person_certno: 10, enrolment: 10 });
    const minor = await t.db.transaction((tx) => findPerson(tx, 'B000010'));
    expect(minor).toMatchObject({ gender: '2', birthday: '2015-06-15', certno: certno('20150615', 10) });
    const retired = await t.db.transaction((tx) => enrolmentOn(tx, 'B000008', '2025-03-01', '310'));
    expect(retired).toMatchObject({ personType: 'retired', empNo: null, status: 'active' });
  });

  it('takes the rows from an async iterable', async () => {
    async function* rows() {
      yield employee(11);
      yield employee(12);
    }
    expect(await bulkEnrol(t.db, rows())).toEqual({ persons: 2, enrolments: 2 });
  });

  it('refuses a file with bad rows, listing each problem with its row and column', async () => {
    const rows = [
      employee(20),
      employee(21, { certno: '350102198001010211' }),
      employee(22, { scheme: '390' }),
      employee(23, { areaCode: '3501' }),
      employee(24, { beginDate: '2025-02-29' }),
      employee(25, { name: undefined }),
      employee(26, { beginDate: '1979-12-31' }),
    ];
    const e = await refusal(rows, { firstRowNumber: 2 });
    expect(e.problems).toEqual([
      expect.stringMatching(/^row 3, column certno: has a wrong check character/),
      'row 4, column personType: must be "resident" or "minor" for 390',
      'row 4, column empNo: must be empty for a resident (390) enrolment',
      'row 5, column areaCode: must be a 6-digit area code',
      'row 6, column beginDate: must be a real date YYYY-MM-DD',
      'row 7, column name: is required',
      "row 8, column beginDate: 1979-12-31 is before the person's birth on 1980-01-01",
    ]);
    expect(e.message).toMatch(
      /^bulk enrolment refused, nothing was written: 7 problems\nrow 3, column certno/,
    );
  });

  it('refuses unknown areas and employers, and ID or person numbers used twice or already registered', async () => {
    const rows = [
      employee(30, { areaCode: '350111' }),
      employee(31, { empNo: 'E404' }),
      employee(32),
      employee(33, { psnNo: 'B000032' }),
      employee(34, { certno: certno('19800101', 32) }),
      employee(35, { psnNo: 'B000001' }),
      employee(36, { certno: certno('19800101', 2) }),
    ];
    const e = await refusal(rows);
    expect(e.problems).toEqual([
      'row 1, column areaCode: no pooling area 350111',
      'row 2, column empNo: no employer E404',
      'row 4, column psnNo: B000032 is also on row 3',
      `row 5, column certno: 350102********${certno('19800101', 32).slice(-4)} is also on row 3`,
      'row 6, column psnNo: B000001 is already registered',
      `row 7, column certno: 350102********${certno('19800101', 2).slice(-4)} is already registered`,
    ]);
  });

  it('tells a duplicate in an earlier batch from a person registered before', async () => {
    const e = await refusal([employee(40), employee(41), employee(42, { psnNo: 'B000040' })], {
      batchSize: 2,
    });
    expect(e.problems).toEqual(['row 3, column psnNo: B000040 is also on an earlier row']);
  });

  it('finds a number taken before when the COPY of an otherwise good file meets it', async () => {
    const e = await refusal([employee(50), employee(51, { psnNo: 'B000001' }), employee(52)]);
    expect(e.problems).toEqual(['row 2, column psnNo: B000001 is already registered']);
    const again = await refusal([employee(53, { certno: certno('19800101', 3) })], { batchSize: 1 });
    expect(again.problems).toEqual([
      `row 1, column certno: 350102********${certno('19800101', 3).slice(-4)} is already registered`,
    ]);
  });

  it('stops at 20 problems', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => employee(100 + i, { areaCode: 'x' }));
    const e = await refusal(rows);
    expect(e.problems).toHaveLength(20);
    expect(e.message).toMatch(/the first 20 problems/);
  });
});

describe('plainBulkRow, the fast path of the bulk row schema', () => {
  // Mostly valid values, so that a good share of rows pass both and their outputs are compared.
  const field = (valid: unknown[], invalid: unknown[]) =>
    fc.oneof(
      { arbitrary: fc.constantFrom(...valid), weight: 8 },
      { arbitrary: fc.constantFrom(...invalid, undefined), weight: 1 },
    );
  const row = fc.record(
    {
      psnNo: field(['P1', 'B000001'], ['', 'P 1', 'x'.repeat(65), 7]),
      certno: field(
        ['350102199003071234', '11010519491231002X'],
        ['11010519491231002x', '350102199003071235', ' 350102199003071234', '3501021990030712'],
      ),
      name: field(['张三', 'x'.repeat(100)], ['', '  ', ' 张三', 'x'.repeat(101), null]),
      areaCode: field(['350102'], ['35010', 'abcdef', 350102]),
      scheme: field(['310', '390'], ['320', 310]),
      personType: field(['active', 'retired', 'resident', 'minor'], ['Active', '1101']),
      empNo: field(['E001', null], ['', 'E 1']),
      beginDate: field(['2025-01-01', '2024-02-29'], ['2025-02-29', '2025-1-1']),
      extra: fc.constantFrom(undefined, 1),
    },
    { requiredKeys: ['psnNo', 'certno', 'name', 'areaCode', 'scheme', 'personType', 'beginDate'] },
  );

  it('accepts only what the schema accepts, and gives the same row', () => {
    let accepted = 0;
    fc.assert(
      fc.property(row, (r) => {
        const plain = plainBulkRow(r);
        if (!plain) return;
        accepted++;
        const parsed = bulkRowSchema.safeParse(r);
        expect(parsed.success && { ...parsed.data, empNo: parsed.data.empNo ?? null }).toEqual(plain);
      }),
      { numRuns: 5000 },
    );
    expect(accepted).toBeGreaterThan(50);
  });

  it('accepts the plain valid rows', () => {
    expect(plainBulkRow(employee(1))).toEqual(employee(1));
    expect(plainBulkRow({ ...employee(1), personType: 'retired', empNo: undefined })).toMatchObject({
      empNo: null,
    });
  });
});
