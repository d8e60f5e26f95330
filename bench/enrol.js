// Bulk enrolment benchmark: a million new persons, each with a valid ID number and one enrolment,
// loaded by bulkEnrol (COPY in batches, one transaction) into a fresh schema on a PostgreSQL server.
// Run alone with `node bench/enrol.js [persons]` (after `npm run build`); the server is
// TEST_DATABASE_URL or DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../dist/db/database.js';
import { migrate } from '../dist/db/migrate.js';
import { certnoCheckChar } from '../dist/domain/idcard.js';
import { bulkEnrol } from '../dist/registry/bulk-enrol.js';
import { createArea } from '../dist/registry/service.js';
import { round } from './measure.js';

const COUNTIES = [
  '350102',
  '350103',
  '350104',
  '350105',
  '350111',
  '350112',
  '350121',
  '350122',
  '350123',
  '350125',
];
const EMPLOYERS = 1000;
const BIRTH_DAYS = 25_000; // 1940-01-01 onwards, about 68 years
const BEGIN = '2025-01-01';

/** The birth dates YYYYMMDD of the day range, computed once (UTC, so no daylight-saving shifts). */
function birthDates() {
  const start = Date.UTC(1940, 0, 1);
  return Array.from({ length: BIRTH_DAYS }, (_, d) =>
    new Date(start + d * 86_400_000).toISOString().slice(0, 10).replaceAll('-', ''),
  );
}

/**
 * Person i: county i % 10, birth day ⌊i / 10⌋ mod 25,000 and sequence ⌊i / 250,000⌋, so every ID
 * number differs; scheme and person type follow age the way a real pool's mix does.
 */
export function* personRows(count) {
  const dates = birthDates();
  for (let i = 0; i < count; i++) {
    const area = COUNTIES[i % COUNTIES.length];
    const born = dates[Math.floor(i / 10) % BIRTH_DAYS];
    const first17 = `${area}${born}${String(Math.floor(i / 250_000)).padStart(3, '0')}`;
    const year = Number(born.slice(0, 4));
    const employee = i % 5 < 3 && year <= 2005;
    const retired = employee && year < 1965;
    yield {
      psnNo: `P${String(i).padStart(10, '0')}`,
      certno: first17 + certnoCheckChar(first17),
      name: `参保人${i}`,
      areaCode: area,
      scheme: employee ? '310' : '390',
      personType: employee ? (retired ? 'retired' : 'active') : year > 2006 ? 'minor' : 'resident',
      empNo: employee && !retired ? `E${String(i % EMPLOYERS).padStart(5, '0')}` : null,
      beginDate: BEGIN,
    };
  }
}

async function seed(db) {
  await createArea(db, { code: '350000', name: '福建省', level: 'province' });
  await createArea(db, { code: '350100', name: '福州市', level: 'city', parentCode: '350000' });
  for (const code of COUNTIES)
    await createArea(db, { code, name: `区县${code}`, level: 'county', parentCode: '350100' });
  // Employers by COPY: a thousand one-row transactions would take longer than the benchmark.
  const employers = Array.from({ length: EMPLOYERS }, (_, e) => [
    `E${String(e).padStart(5, '0')}`,
    `单位${e}`,
    COUNTIES[e % COUNTIES.length],
  ]);
  await db.copyRows('employer', ['emp_no', 'name', 'area_code'], employers);
}

/** A fresh schema on the server, migrated and seeded; `drop` removes it. */
async function freshSchema(url) {
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  const admin = await openDatabase({ kind: 'postgres', url, max: 1 });
  await admin.exec(`CREATE SCHEMA ${schema}`);
  const db = await openDatabase({ kind: 'postgres', url, max: 4, schema });
  await migrate(db);
  await seed(db);
  return {
    db,
    async drop() {
      await db.close();
      await admin.exec(`DROP SCHEMA ${schema} CASCADE`);
      await admin.close();
    },
  };
}

async function timed(url, load) {
  const { db, drop } = await freshSchema(url);
  try {
    const started = process.hrtime.bigint();
    await load(db);
    return Number(process.hrtime.bigint() - started) / 1e9;
  } finally {
    await drop();
  }
}

/**
 * The floor: the same rows COPYed into the same tables in one transaction, with nothing checked.
 * The server's work (heap, indexes, foreign keys, WAL) is most of the time on a shared machine, so
 * the ratio to this floor is what to compare across runs.
 */
async function copyFloor(db, persons) {
  const PERSON = ['psn_no', 'certno', 'name', 'gender', 'birthday', 'area_code'];
  const ENROLMENT = ['psn_no', 'scheme', 'begin_date', 'status', 'person_type', 'area_code', 'emp_no'];
  await db.transaction(async (tx) => {
    let batch = [];
    const flush = async () => {
      await tx.copyRows(
        'person',
        PERSON,
        batch.map((r) => r.person),
      );
      await tx.copyRows(
        'person_certno',
        ['certno', 'psn_no'],
        batch.map((r) => [r.certno, r.psnNo]),
      );
      await tx.copyRows(
        'enrolment',
        ENROLMENT,
        batch.map((r) => r.enrolment),
      );
      batch = [];
    };
    for (const r of personRows(persons)) {
      const c = r.certno;
      const gender = Number(c[16]) % 2 === 1 ? '1' : '2';
      const birthday = `${c.slice(6, 10)}-${c.slice(10, 12)}-${c.slice(12, 14)}`;
      batch.push({
        ...r,
        person: [r.psnNo, c, r.name, gender, birthday, r.areaCode],
        enrolment: [r.psnNo, r.scheme, r.beginDate, 'active', r.personType, r.areaCode, r.empNo],
      });
      if (batch.length === 50_000) await flush();
    }
    if (batch.length > 0) await flush();
  });
}

/**
 * Time bulkEnrol of `persons` new persons into a fresh, migrated schema on the server at `url`,
 * and the plain-COPY floor of the same rows in another fresh schema.
 */
export async function benchBulkEnrol({
  persons = 1_000_000,
  url = process.env.TEST_DATABASE_URL ||
    process.env.DATABASE_URL ||
    'postgres://postgres@127.0.0.1:5432/test',
} = {}) {
  const seconds = await timed(url, async (db) => {
    const result = await bulkEnrol(db, personRows(persons));
    if (result.persons !== persons)
      throw new Error(`bulkEnrol wrote ${result.persons} of ${persons} persons`);
  });
  const floorSeconds = await timed(url, (db) => copyFloor(db, persons));
  return {
    persons,
    seconds: round(seconds, 1),
    personsPerSecond: Math.round(persons / seconds),
    floorSeconds: round(floorSeconds, 1),
    ratioToFloor: round(seconds / floorSeconds, 2),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const persons = Number(process.argv[2] ?? 1_000_000);
  const r = await benchBulkEnrol({ persons });
  console.log(
    `bulk enrolment: ${r.persons.toLocaleString('en')} persons in ${r.seconds} s ` +
      `(${r.personsPerSecond.toLocaleString('en')} persons/s; target < 60 s for 1,000,000); ` +
      `plain COPY of the same rows ${r.floorSeconds} s, ratio ${r.ratioToFloor}×`,
  );
}
