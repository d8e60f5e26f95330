import { readFileSync } from 'node:fs';
import type { Database } from '../../src/db/index.js';
import { shippedPacks } from '../../src/policy/load.js';
import { assignPack, storePack } from '../../src/registry/packs.js';

/**
 * A small pooled city for integration tests, written with plain SQL: Sanming (350400) with one
 * county (350425), an employer, insured employees, two hospitals, a catalogue and the
 * sanming-employee-2022 pack (annual deductible 700, 75% at level 2+ / 85% below for the active,
 * annual cap 17,000) governing scheme 310 in both areas.
 */
export const WORLD = {
  city: '350400',
  county: '350425',
  employer: 'E001',
  /** A level-2 hospital in the city and a level-1 one in the county. */
  hospital: 'H002',
  clinic: 'H001',
  date: '2025-03-10',
};

/** Catalogue items: 甲 drug, 乙 drug (10% self-pay first), 丙 item, and a service with a unit price cap of 50.00. */
export const ITEMS = {
  classA: 'D-A01',
  classB: 'D-B01',
  classC: 'D-C01',
  capped: 'S-CAP',
};

export async function seedWorld(db: Database): Promise<void> {
  await db.exec(`
    INSERT INTO pooling_area (code, name, level) VALUES ('350000', '福建省', 'province');
    INSERT INTO pooling_area (code, name, level, parent_code) VALUES ('350400', '三明市', 'city', '350000');
    INSERT INTO pooling_area (code, name, level, parent_code) VALUES ('350425', '大田县', 'county', '350400');
    INSERT INTO employer (emp_no, name, area_code) VALUES ('E001', '三明示例公司', '350400');
    INSERT INTO institution (code, name, level, price_class, area_code, agreement_status, agreement_begin)
      VALUES ('H002', '三明市第二医院', '2', '2-city', '350400', 'active', '2020-01-01'),
             ('H001', '大田县卫生院', '1', '3', '350425', 'active', '2020-01-01'),
             ('H009', '暂停协议医院', '2', '2-city', '350400', 'suspended', '2020-01-01');
    INSERT INTO catalogue_version (kind, valid_from, source_name, content_hash, row_count)
      VALUES ('items', '2020-01-01', 'test', 'test', 4);
    INSERT INTO catalogue_item (version_id, code, item_kind, name, class, selfpay_bp, price_cap_fen, valid_from)
      SELECT id, x.code, x.kind, x.name, x.class, x.bp, x.cap, '2020-01-01'
      FROM catalogue_version, (VALUES ('D-A01', 'drug', '甲类药', '01', 0, NULL::bigint),
                                      ('D-B01', 'drug', '乙类药', '02', 1000, NULL),
                                      ('D-C01', 'drug', '丙类药', '03', 0, NULL),
                                      ('S-CAP', 'service', '限价项目', '01', 0, 5000)) AS x(code, kind, name, class, bp, cap);
  `);
  const text = readFileSync(shippedPacks().get('sanming-employee-2022')!, 'utf8');
  await db.transaction(async (tx) => {
    const pack = await storePack(tx, text, 'sanming-employee-2022');
    for (const area of [WORLD.city, WORLD.county]) {
      await assignPack(tx, { area, scheme: '310', beginDate: '2022-01-01', packHash: pack.hash });
    }
  });
}

/** Enrol an active employee of the city (or county) with a valid-looking ID number. */
export async function addEmployee(
  db: Database,
  psnNo: string,
  opts: { area?: string; personType?: 'active' | 'retired'; status?: string; endDate?: string } = {},
): Promise<void> {
  const n = String(psnNo.replace(/\D/g, '') || '1')
    .padStart(6, '0')
    .slice(-6);
  await db.query(
    `INSERT INTO person (psn_no, certno, name, gender, birthday, area_code) VALUES ($1, $2, $3, '1', '1980-05-01', $4)`,
    [psnNo, `350402198005${n}`, `参保人${psnNo}`, opts.area ?? WORLD.city],
  );
  await db.query(
    `INSERT INTO enrolment (psn_no, scheme, begin_date, end_date, status, person_type, area_code, emp_no)
     VALUES ($1, '310', '2020-01-01', $2, $3, $4, $5, 'E001')`,
    [
      psnNo,
      opts.endDate ?? null,
      opts.status ?? 'active',
      opts.personType ?? 'active',
      opts.area ?? WORLD.city,
    ],
  );
}

/** A settle request at the city hospital: lines in fen. */
export function claimAt(
  psnNo: string,
  key: string,
  lines: { code: string; amount: number; count?: number }[],
  extra: Record<string, unknown> = {},
) {
  return {
    key,
    psnNo,
    institution: WORLD.hospital,
    mdtrtId: `V-${key}`,
    medType: '11' as const,
    date: WORLD.date,
    lines: lines.map((l) => ({ count: 1, ...l })),
    ...extra,
  };
}
