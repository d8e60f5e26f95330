import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { expectRefused, seedAreas } from '../../test/support/registry.js';
import type { Database } from '../db/index.js';
import { activeInstitution } from './lookup.js';
import { createInstitution, listInstitutions, setInstitutionAgreement } from './service.js';

describe('registry service: institutions', () => {
  let t: TestDatabase;
  let db: Database;
  beforeAll(async () => {
    t = await openTestDatabase(4);
    db = t.db;
    await seedAreas(db);
  }, 60_000); // migrating a fresh database is slow on a loaded machine
  afterAll(() => t.drop());

  const refused = (call: () => Promise<unknown>, code: string, path: string, message?: RegExp) =>
    expectRefused(db, call, { code, path, message });

  const hospital = {
    code: 'H35010200001',
    name: '鼓楼医院',
    level: '3',
    priceClass: '3',
    areaCode: '350102',
    agreementBegin: '2025-01-01',
  } as const;

  it('creates institutions with an active agreement by default', async () => {
    expect(await createInstitution(db, hospital)).toEqual({
      ...hospital,
      agreementStatus: 'active',
      agreementEnd: null,
    });
    await createInstitution(db, {
      code: 'C001',
      name: '社区卫生服务中心',
      level: '0',
      areaCode: '350103',
      agreementBegin: '2024-01-01',
      agreementEnd: '2026-12-31',
    });
  });

  it.each([
    [{ level: '4' }, 'level', /"0"/],
    [{ priceClass: '2' }, 'priceClass', /"2-city"/],
    [{ agreementBegin: '2025-13-01' }, 'agreementBegin', /real date/],
    [{ agreementEnd: '2024-12-31' }, 'agreementEnd', /before 2025-01-01/],
    [{ agreementStatus: 'ended' }, 'agreementEnd', /required for an ended/],
    [{ code: '' }, 'code', /empty/],
  ])('refuses a bad institution %#', async (change, path, message) => {
    await refused(
      () => createInstitution(db, { ...hospital, code: 'H2', ...change } as never),
      'INVALID_INPUT',
      path,
      message,
    );
  });

  it('refuses an unknown area and a duplicate code', async () => {
    await refused(
      () => createInstitution(db, { ...hospital, code: 'H2', areaCode: '350111' }),
      'NOT_FOUND',
      'areaCode',
    );
    await refused(() => createInstitution(db, hospital), 'ALREADY_EXISTS', 'code');
  });

  it('suspends, resumes, ends and renews an agreement', async () => {
    const code = hospital.code;
    const onDate = (date: string) => db.transaction((tx) => activeInstitution(tx, code, date));
    expect(await setInstitutionAgreement(db, { code, status: 'suspended' })).toMatchObject({
      agreementStatus: 'suspended',
    });
    await expect(onDate('2025-03-01')).rejects.toMatchObject({ code: 'INSTITUTION_NOT_ACTIVE' });
    await setInstitutionAgreement(db, { code, status: 'active' });
    expect(await onDate('2025-03-01')).toMatchObject({ code, agreementStatus: 'active' });
    expect(
      await setInstitutionAgreement(db, { code, status: 'ended', agreementEnd: '2025-06-30' }),
    ).toMatchObject({
      agreementStatus: 'ended',
      agreementEnd: '2025-06-30',
    });
    expect(
      await setInstitutionAgreement(db, { code, status: 'active', agreementBegin: '2025-09-01' }),
    ).toMatchObject({
      agreementStatus: 'active',
      agreementBegin: '2025-09-01',
      agreementEnd: null,
    });
    await expect(onDate('2025-08-01')).rejects.toMatchObject({ code: 'INSTITUTION_NOT_ACTIVE' });
    expect(await onDate('2025-09-01')).toMatchObject({ agreementBegin: '2025-09-01' });
  });

  it('refuses bad agreement changes, writing nothing', async () => {
    await refused(
      () => setInstitutionAgreement(db, { code: 'nope', status: 'suspended' }),
      'NOT_FOUND',
      'code',
    );
    await refused(
      () => setInstitutionAgreement(db, { code: 'C001', status: 'ended' }),
      'INVALID_INPUT',
      'agreementEnd',
    );
    await refused(
      () => setInstitutionAgreement(db, { code: 'C001', status: 'ended', agreementEnd: '2023-12-31' }),
      'INVALID_INPUT',
      'agreementEnd',
      /before agreementBegin 2024-01-01/,
    );
    await setInstitutionAgreement(db, { code: 'C001', status: 'ended', agreementEnd: '2025-03-31' });
    await refused(
      () => setInstitutionAgreement(db, { code: 'C001', status: 'active' }),
      'INVALID_INPUT',
      'agreementBegin',
      /required/,
    );
    await refused(
      () => setInstitutionAgreement(db, { code: 'C001', status: 'active', agreementBegin: '2025-03-31' }),
      'INVALID_INPUT',
      'agreementBegin',
      /after the old agreement's end on 2025-03-31/,
    );
  });

  it('lists institutions a page at a time, by area or level', async () => {
    expect((await listInstitutions(db, { limit: 1 })).nextOffset).toBe(1);
    const grassroots = await listInstitutions(db, { level: '0' });
    expect(grassroots.items.map((i) => i.code)).toEqual(['C001']);
    const gulou = await listInstitutions(db, { areaCode: '350102', limit: 10, offset: 0 });
    expect(gulou).toEqual({ items: [expect.objectContaining({ code: hospital.code })], nextOffset: null });
  });
});
