// A pooled city the size of a real one for the database benchmarks, seeded with plain SQL
// (generate_series): a city and its counties, employers, insured employees with personal accounts
// already credited through the ledger, designated institutions with their ledger accounts open,
// an items catalogue, and the sanming-employee-2022 pack governing scheme 310 in every area.
import { readFileSync } from 'node:fs';
import { shippedPacks } from '../dist/policy/load.js';
import { assignPack, storePack } from '../dist/registry/packs.js';
import { expenseAccount, payableAccount } from '../dist/fund/ledger/accounts.js';

export const CITY = '350400';
export const COUNTIES = ['350402', '350403', '350421', '350423', '350424', '350425', '350426'];
export const AREAS = [CITY, ...COUNTIES];
const AREA_ARRAY = `ARRAY[${AREAS.map((a) => `'${a}'`).join(',')}]`;

export const psnNo = (i) => `P${String(i).padStart(7, '0')}`;
export const institutionCode = (i) => `H${String(i).padStart(4, '0')}`;
export const itemCode = (i) => `Y${String(i).padStart(5, '0')}`;

async function seedAreas(db, employers) {
  await db.exec(`
    INSERT INTO pooling_area (code, name, level) VALUES ('350000', '福建省', 'province');
    INSERT INTO pooling_area (code, name, level, parent_code) VALUES ('${CITY}', '三明市', 'city', '350000');
    INSERT INTO pooling_area (code, name, level, parent_code)
      SELECT a, '县区' || a, 'county', '${CITY}' FROM unnest((${AREA_ARRAY})[2:]) a;
    INSERT INTO employer (emp_no, name, area_code)
      SELECT 'E' || lpad(g::text, 5, '0'), '单位' || g, (${AREA_ARRAY})[1 + g % ${AREAS.length}]
      FROM generate_series(1, ${employers}) g;`);
}

/** Persons 1…n, one in five retired, each enrolled in scheme 310 in one of the areas. */
async function seedPersons(db, persons, employers) {
  await db.exec(`
    INSERT INTO person (psn_no, certno, name, gender, birthday, area_code)
      SELECT 'P' || lpad(g::text, 7, '0'),
             '350402' || to_char(date '1960-01-01' + g % 15000, 'YYYYMMDD') || lpad((g / 15000)::text, 3, '0') || 'X',
             '参保人' || g, (1 + g % 2)::text, date '1960-01-01' + g % 15000,
             (${AREA_ARRAY})[1 + g % ${AREAS.length}]
      FROM generate_series(1, ${persons}) g;
    INSERT INTO person_certno (certno, psn_no) SELECT certno, psn_no FROM person;
    INSERT INTO enrolment (psn_no, scheme, begin_date, status, person_type, area_code, emp_no)
      SELECT 'P' || lpad(g::text, 7, '0'), '310', '2020-01-01', 'active',
             CASE WHEN g % 5 = 0 THEN 'retired' ELSE 'active' END, (${AREA_ARRAY})[1 + g % ${AREAS.length}],
             'E' || lpad((1 + g % ${employers})::text, 5, '0')
      FROM generate_series(1, ${persons}) g;`);
}

/** Institutions of every level across the areas, and a catalogue: 甲 60%, 乙 20%, 丙 20%, one in ten capped. */
async function seedCareAndCatalogue(db, institutions, items) {
  await db.exec(`
    INSERT INTO institution (code, name, level, price_class, area_code, agreement_status, agreement_begin)
      SELECT 'H' || lpad(g::text, 4, '0'), '医院' || g, (g % 4)::text,
             (ARRAY['1', '2-city', '2-county', '3'])[1 + g % 4], (${AREA_ARRAY})[1 + g % ${AREAS.length}],
             'active', '2020-01-01'
      FROM generate_series(1, ${institutions}) g;
    INSERT INTO catalogue_version (kind, valid_from, source_name, content_hash, row_count)
      VALUES ('items', '2020-01-01', 'bench', 'bench', ${items});
    INSERT INTO catalogue_item (version_id, code, item_kind, name, class, selfpay_bp, price_cap_fen, valid_from)
      SELECT v.id, 'Y' || lpad(g::text, 5, '0'), (ARRAY['drug', 'service', 'material'])[1 + g % 3], '项目' || g,
             (ARRAY['01', '01', '01', '02', '03'])[1 + g % 5],
             CASE WHEN g % 5 = 3 THEN (1 + g % 2) * 1000 ELSE 0 END,
             CASE WHEN g % 10 = 1 THEN 5000 END, '2020-01-01'
      FROM catalogue_version v, generate_series(1, ${items}) g;`);
}

/** The pool's and the personal account's expense and payable accounts of every area × institution. */
async function openInstitutionAccounts(db, institutions) {
  const refs = [];
  for (const area of AREAS) {
    for (let i = 1; i <= institutions; i++) {
      const code = institutionCode(i);
      refs.push(expenseAccount('employee-pool', area, code), payableAccount('employee-pool', area, code));
      refs.push(payableAccount('personal-account', area, code));
    }
  }
  const col = (k) => refs.map((r) => r[k]);
  await db.query(
    `INSERT INTO account (book, code, kind, area_code, owner, normal, no_negative)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[])`,
    [col('book'), col('code'), col('kind'), col('area'), col('owner'), col('normal'), col('noNegative')],
  );
}

/**
 * Every person's personal account credited `fen` by one journal from the area's personal-account
 * fund, with the accounts' running totals equal to the postings.
 */
async function creditPersonalAccounts(db, fen) {
  await db.exec(`
    INSERT INTO account (book, code, kind, area_code, normal, no_negative)
      SELECT 'personal-account', 'fund:' || a, 'fund', a, 'D', false FROM unnest(${AREA_ARRAY}) a;
    INSERT INTO account (book, code, kind, area_code, owner, normal, no_negative, credits)
      SELECT 'personal-account', 'personal:' || psn_no, 'personal', area_code, psn_no, 'C', true, ${fen}
      FROM enrolment;
    INSERT INTO journal (idem_key, input_hash, kind, effective_date, memo)
      SELECT 'opening:' || psn_no, 'bench', 'account-credit', '2025-01-01', '{}' FROM enrolment;
    INSERT INTO posting (journal_id, seq, book, debit_account, credit_account, amount)
      SELECT j.id, 0, 'personal-account', f.id, p.id, ${fen}
      FROM enrolment e JOIN journal j ON j.idem_key = 'opening:' || e.psn_no
      JOIN account p ON p.book = 'personal-account' AND p.code = 'personal:' || e.psn_no
      JOIN account f ON f.book = 'personal-account' AND f.code = 'fund:' || e.area_code;
    UPDATE account a SET debits = s.total FROM (
      SELECT debit_account AS id, sum(amount) AS total FROM posting GROUP BY 1) s WHERE a.id = s.id;`);
}

async function seedPack(db) {
  const text = readFileSync(shippedPacks().get('sanming-employee-2022'), 'utf8');
  await db.transaction(async (tx) => {
    const pack = await storePack(tx, text, 'sanming-employee-2022');
    for (const area of AREAS) {
      await assignPack(tx, { area, scheme: '310', beginDate: '2022-01-01', packHash: pack.hash });
    }
  });
}

/** Seed the whole world; returns its sizes. */
export async function seedBigWorld(
  db,
  { persons = 100_000, institutions = 50, items = 1_000, employers = 1_000, accountFen = 3_000_00 } = {},
) {
  await seedAreas(db, employers);
  await seedPersons(db, persons, employers);
  await seedCareAndCatalogue(db, institutions, items);
  await openInstitutionAccounts(db, institutions);
  await creditPersonalAccounts(db, accountFen);
  await seedPack(db);
  await db.exec(
    'ANALYZE pooling_area, employer, person, person_certno, enrolment, institution, catalogue_version, catalogue_item, account, journal, posting, policy_pack, area_pack',
  );
  return { persons, institutions, items, areas: AREAS.length, employers };
}
