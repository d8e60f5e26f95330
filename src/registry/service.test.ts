import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { expectRefused } from '../../test/support/registry.js';
import type { Database } from '../db/index.js';
import { enrolmentOn } from './lookup.js';
import {
  createArea,
  createEmployer,
  createPerson,
  enrol,
  listAreas,
  listPersons,
  setEnrolmentStatus,
} from './service.js';

// Valid ID numbers (check characters worked by hand in src/domain/idcard.test.ts).
const ZHANG = '350102199003071234'; // male, born 1990-03-07
const LI = '350426198507150000'; // female, born 1985-07-15

describe('registry service', () => {
  let t: TestDatabase;
  let db: Database;
  beforeAll(async () => {
    t = await openTestDatabase(4);
    db = t.db;
  }, 60_000); // migrating a fresh database is slow on a loaded machine
  afterAll(() => t.drop());

  const refused = (call: () => Promise<unknown>, code: string, path: string, message?: RegExp) =>
    expectRefused(db, call, { code, path, message });

  describe('areas', () => {
    it('creates a province, a city and counties', async () => {
      expect(await createArea(db, { code: '350000', name: '福建省', level: 'province' })).toEqual({
        code: '350000',
        name: '福建省',
        level: 'province',
        parentCode: null,
      });
      await createArea(db, { code: '350100', name: ' 福州市 ', level: 'city', parentCode: '350000' });
      await createArea(db, { code: '350102', name: '鼓楼区', level: 'county', parentCode: '350100' });
      await createArea(db, { code: '350199', name: '福州市本级', level: 'county', parentCode: '350100' });
      const [city] = await db.query(`SELECT name FROM pooling_area WHERE code = '350100'`);
      expect(city).toEqual({ name: '福州市' });
    });

    it.each([
      [{ code: '35010', name: 'x', level: 'city', parentCode: '350000' }, 'code', /6-digit/],
      [{ code: '350200', name: '', level: 'city', parentCode: '350000' }, 'name', /empty/],
      [{ code: '350200', name: '厦门市', level: 'town', parentCode: '350000' }, 'level', /province/],
      [{ code: '350200', name: '厦门市', level: 'city' }, 'parentCode', /required for a city/],
      [{ code: '360000', name: '江西省', level: 'province', parentCode: '350000' }, 'parentCode', /empty/],
      [{ code: '350210', name: '厦门市', level: 'city', parentCode: '350000' }, 'code', /ends in 00/],
      [{ code: '350200', name: '厦门市', level: 'city', parentCode: '350000', x: 1 }, 'x', /not a known/],
      [{ code: '350200', level: 'city', parentCode: '350000' }, 'name', /name is required/],
    ])('refuses bad input %#', async (input, path, message) => {
      await refused(() => createArea(db, input as never), 'INVALID_INPUT', path, message);
    });

    it('refuses an unknown parent, a parent of the wrong level or prefix, and a duplicate', async () => {
      const county = { name: '某区', level: 'county' } as const;
      await refused(
        () => createArea(db, { ...county, code: '350502', parentCode: '350500' }),
        'NOT_FOUND',
        'parentCode',
      );
      await refused(
        () => createArea(db, { ...county, code: '350103', parentCode: '350102' }),
        'INVALID_INPUT',
        'parentCode',
        /is a county/,
      );
      await refused(
        () => createArea(db, { ...county, code: '360103', parentCode: '350100' }),
        'INVALID_INPUT',
        'code',
        /start with 3501/,
      );
      await refused(
        () => createArea(db, { code: '350000', name: '福建省', level: 'province' }),
        'ALREADY_EXISTS',
        'code',
      );
    });

    it('lists areas a page at a time', async () => {
      const first = await listAreas(db, { limit: 2 });
      expect(first.items.map((a) => a.code)).toEqual(['350000', '350100']);
      expect(first.nextOffset).toBe(2);
      const second = await listAreas(db, { limit: 2, offset: 2 });
      expect(second).toEqual({
        items: [expect.objectContaining({ code: '350102' }), expect.anything()],
        nextOffset: null,
      });
      const counties = await listAreas(db, { parentCode: '350100', level: 'county' });
      expect(counties.items.map((a) => a.code)).toEqual(['350102', '350199']);
      await expect(listAreas(db, { limit: 0 })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        path: 'limit',
      });
      await expect(listAreas(db, { offset: -1 })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        path: 'offset',
      });
    });
  });

  describe('employers and persons', () => {
    it('creates an employer and refuses an unknown area or a duplicate', async () => {
      expect(await createEmployer(db, { empNo: 'E001', name: '福州某公司', areaCode: '350102' })).toEqual({
        empNo: 'E001',
        name: '福州某公司',
        areaCode: '350102',
      });
      await refused(
        () => createEmployer(db, { empNo: 'E002', name: 'x', areaCode: '350105' }),
        'NOT_FOUND',
        'areaCode',
      );
      await refused(
        () => createEmployer(db, { empNo: 'E 2', name: 'x', areaCode: '350102' }),
        'INVALID_INPUT',
        'empNo',
      );
      await refused(
        () => createEmployer(db, { empNo: 'E001', name: 'x', areaCode: '350102' }),
        'ALREADY_EXISTS',
        'empNo',
      );
    });

    it('creates a person with gender and birthday from the ID number, and its certno row', async () => {
      const p = await createPerson(db, { psnNo: 'P001', certno: ZHANG, name: '张三', areaCode: '350102' });
      expect(p).toEqual({
        psnNo: 'P001',
        certno: ZHANG,
        name: '张三',
        gender: '1',
        birthday: '1990-03-07',
        areaCode: '350102',
      });
      const li = await createPerson(db, { psnNo: 'P002', certno: LI, name: '李四', areaCode: '350102' });
      expect(li).toMatchObject({ gender: '2', birthday: '1985-07-15' });
      expect(await db.query('SELECT psn_no FROM person_certno WHERE certno = $1', [ZHANG])).toEqual([
        { psn_no: 'P001' },
      ]);
    });

    it('accepts a lower-case check x and stores it upper-case', async () => {
      const p = await createPerson(db, {
        psnNo: 'P003',
        certno: '11010519491231002x',
        name: '王五',
        areaCode: '350199',
      });
      expect(p.certno).toBe('11010519491231002X');
    });

    it.each([
      [{ certno: '350102199003071235' }, 'certno', /wrong check character \(expected 4, got 5\)/],
      [{ certno: '350102199002301230' }, 'certno', /not a real date/],
      [{ certno: '35010219900307123' }, 'certno', /18-character/],
      [{ psnNo: '' }, 'psnNo', /empty/],
      [{ name: '   ' }, 'name', /empty/],
      [{ areaCode: 'abc' }, 'areaCode', /6-digit/],
      [{ gender: '1' }, 'gender', /not a known field/],
    ])('refuses a bad person %#', async (change, path, message) => {
      const input = {
        psnNo: 'P100',
        certno: '110105200002290013',
        name: '赵六',
        areaCode: '350102',
        ...change,
      };
      await refused(() => createPerson(db, input), 'INVALID_INPUT', path, message);
    });

    it('refuses a duplicate ID number or person number, and an unknown area', async () => {
      const base = { psnNo: 'P100', certno: '110105200002290013', name: '赵六', areaCode: '350102' };
      await refused(
        () => createPerson(db, { ...base, certno: ZHANG }),
        'ALREADY_EXISTS',
        'certno',
        /350102\*{8}1234/,
      );
      await refused(() => createPerson(db, { ...base, psnNo: 'P001' }), 'ALREADY_EXISTS', 'psnNo');
      await refused(() => createPerson(db, { ...base, areaCode: '350103' }), 'NOT_FOUND', 'areaCode');
    });

    it('lists persons a page at a time, optionally of one area', async () => {
      const all = await listPersons(db, { limit: 2 });
      expect(all.items.map((p) => p.psnNo)).toEqual(['P001', 'P002']);
      expect(all.nextOffset).toBe(2);
      const of199 = await listPersons(db, { areaCode: '350199' });
      expect(of199).toEqual({ items: [expect.objectContaining({ psnNo: 'P003' })], nextOffset: null });
    });
  });

  describe('enrolment', () => {
    const active = {
      psnNo: 'P001',
      scheme: '310',
      personType: 'active',
      areaCode: '350102',
      empNo: 'E001',
      beginDate: '2025-01-01',
    } as const;

    it('enrols an active employee, a retired one without employer, and a resident', async () => {
      expect(await enrol(db, active)).toEqual({ ...active, endDate: null, status: 'active' });
      await enrol(db, {
        psnNo: 'P002',
        scheme: '310',
        personType: 'retired',
        areaCode: '350102',
        beginDate: '2024-01-01',
      });
      await enrol(db, {
        psnNo: 'P003',
        scheme: '390',
        personType: 'resident',
        areaCode: '350199',
        beginDate: '2025-01-01',
      });
      expect(await db.transaction((tx) => enrolmentOn(tx, 'P001', '2025-06-01', '310'))).toMatchObject({
        personType: 'active',
        empNo: 'E001',
      });
    });

    it.each([
      [{ scheme: '320' }, 'scheme', /"310"/],
      [{ personType: 'resident' }, 'personType', /"active" or "retired" for 310/],
      [{ scheme: '390', personType: 'active', empNo: null }, 'personType', /"resident" or "minor" for 390/],
      [{ scheme: '390', personType: 'minor' }, 'empNo', /must be empty for a resident/],
      [{ empNo: undefined }, 'empNo', /required for an active employee/],
      [{ beginDate: '2025-02-30' }, 'beginDate', /real date/],
      [{ endDate: '2024-12-31' }, 'endDate', /before beginDate/],
      [{ status: 'ended' }, 'endDate', /required for an ended/],
      [{ status: 'gone' }, 'status', /"suspended"/],
    ])('refuses a bad enrolment %#', async (change, path, message) => {
      await refused(
        () => enrol(db, { ...active, psnNo: 'P002', beginDate: '2026-01-01', ...change } as never),
        'INVALID_INPUT',
        path,
        message,
      );
    });

    it('refuses an unknown person, area or employer, a date before birth and an overlap', async () => {
      await refused(() => enrol(db, { ...active, psnNo: 'P999' }), 'NOT_FOUND', 'psnNo');
      await refused(() => enrol(db, { ...active, areaCode: '350103' }), 'NOT_FOUND', 'areaCode');
      await refused(() => enrol(db, { ...active, empNo: 'E999' }), 'NOT_FOUND', 'empNo');
      await refused(
        () => enrol(db, { ...active, beginDate: '1990-03-06' }),
        'INVALID_INPUT',
        'beginDate',
        /birth/,
      );
      await refused(
        () => enrol(db, { ...active, beginDate: '2024-06-01', endDate: '2025-01-01' }),
        'ALREADY_EXISTS',
        'beginDate',
        /already enrolled in 310 from 2025-01-01/,
      );
    });

    it('enrols again before an earlier closed period without overlap', async () => {
      const e = await enrol(db, {
        ...active,
        beginDate: '2023-01-01',
        endDate: '2024-12-31',
        status: 'ended',
      });
      expect(e).toMatchObject({ status: 'ended', endDate: '2024-12-31' });
    });

    it('suspends, resumes and ends an enrolment', async () => {
      const key = { psnNo: 'P001', scheme: '310' } as const;
      expect(await setEnrolmentStatus(db, { ...key, status: 'suspended' })).toMatchObject({
        beginDate: '2025-01-01',
        status: 'suspended',
      });
      await expect(
        db.transaction((tx) => enrolmentOn(tx, 'P001', '2025-06-01', '310')),
      ).rejects.toMatchObject({
        code: 'ENROLMENT_NOT_ACTIVE',
      });
      await setEnrolmentStatus(db, { ...key, beginDate: '2025-01-01', status: 'active' });
      expect(await setEnrolmentStatus(db, { ...key, status: 'ended', endDate: '2025-06-30' })).toMatchObject({
        status: 'ended',
        endDate: '2025-06-30',
      });
    });

    it('refuses bad status changes, writing nothing', async () => {
      const key = { psnNo: 'P002', scheme: '310' } as const;
      await refused(() => setEnrolmentStatus(db, { ...key, status: 'ended' }), 'INVALID_INPUT', 'endDate');
      await refused(
        () => setEnrolmentStatus(db, { ...key, status: 'suspended', endDate: '2025-01-01' }),
        'INVALID_INPUT',
        'endDate',
      );
      await refused(
        () => setEnrolmentStatus(db, { ...key, status: 'ended', endDate: '2023-12-31' }),
        'INVALID_INPUT',
        'endDate',
        /before the enrolment began/,
      );
      await refused(
        () => setEnrolmentStatus(db, { ...key, scheme: '390', status: 'suspended' }),
        'NOT_FOUND',
        'psnNo',
      );
      await refused(
        () => setEnrolmentStatus(db, { ...key, beginDate: '2020-01-01', status: 'suspended' }),
        'NOT_FOUND',
        'beginDate',
      );
      await refused(
        () => setEnrolmentStatus(db, { psnNo: 'P001', scheme: '310', status: 'active' }),
        'INVALID_INPUT',
        'status',
        /has ended; enrol again/,
      );
    });
  });
});
