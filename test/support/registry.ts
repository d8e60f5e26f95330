import { expect } from 'vitest';
import type { Sql } from '../../src/db/index.js';

/** Helpers for the registry's integration tests. */

const TABLES = [
  'pooling_area',
  'employer',
  'person',
  'person_certno',
  'enrolment',
  'institution',
  'catalogue_version',
  'catalogue_item',
  'disease',
] as const;

/** The row count of every registry table, to show that a refusal wrote nothing. */
export async function registryCounts(db: Sql): Promise<Record<string, number>> {
  const parts = TABLES.map((t) => `(SELECT count(*) FROM ${t}) AS ${t}`).join(', ');
  const [row] = await db.query<Record<string, number>>(`SELECT ${parts}`);
  return row!;
}

/** A small area tree: Fujian, Fuzhou, two of its districts. */
export async function seedAreas(db: Sql): Promise<void> {
  await db.query(`INSERT INTO pooling_area (code, name, level, parent_code) VALUES
    ('350000', '福建省', 'province', NULL), ('350100', '福州市', 'city', '350000'),
    ('350102', '鼓楼区', 'county', '350100'), ('350103', '台江区', 'county', '350100')`);
}

/** Expect the call to be refused with the code and path, and to leave every registry table as it was. */
export async function expectRefused(
  db: Sql,
  call: () => Promise<unknown>,
  want: { code: string; path: string; message?: RegExp | undefined },
): Promise<unknown> {
  const before = await registryCounts(db);
  const failure = await call().then(
    () => new Error('expected a refusal'),
    (e: unknown) => e,
  );
  expect(failure).toMatchObject({ code: want.code, path: want.path });
  expect((failure as Error).name).toMatch(/ServiceError|ImportRefused/);
  if (want.message) expect((failure as Error).message).toMatch(want.message);
  expect(await registryCounts(db)).toEqual(before);
  return failure;
}
