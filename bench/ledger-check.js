// `tongchou ledger check` over a ledger the size of 1M settlements: a fresh schema filled with SQL
// (generate_series) with journals, postings and accounts consistent with each other, then
// checkLedger timed. Settlement rows are not written: the check reads only the ledger.
import { checkLedger } from '../dist/fund/ledger/check.js';
import { round } from './measure.js';
import { DEFAULT_URL, withSchema } from './schema.js';
import { AREAS } from './world.js';

const INSTITUTIONS = 50;
const PERSONS = 100_000;
const OPENING_FEN = 3_000_00;
const AREA_ARRAY = `ARRAY[${AREAS.map((a) => `'${a}'`).join(',')}]`;

/**
 * Account ids by construction: per area a (0…7) and institution i (0…49) the pool's expense and
 * payable and the personal account book's payable at 1 + 3(50a + i) + 0/1/2; the personal-account
 * fund of area a at 1201 + a; person p's personal account at 2001 + p (area p mod 8).
 */
const ids = {
  expense: (a, i) => `(1 + 3 * (${INSTITUTIONS} * ${a} + ${i}))`,
  fund: (a) => `(1201 + ${a})`,
  personal: (p) => `(2001 + ${p})`,
};

function accountsSql() {
  const inst = `'H' || lpad((i + 1)::text, 4, '0')`;
  const area = `(${AREA_ARRAY})[a + 1]`;
  return `
    INSERT INTO account (id, book, code, kind, area_code, owner, normal, no_negative) OVERRIDING SYSTEM VALUE
      SELECT ${ids.expense('a', 'i')} + k, (ARRAY['employee-pool', 'employee-pool', 'personal-account'])[k + 1],
             (ARRAY['expense:', 'payable:', 'payable:'])[k + 1] || ${area} || ':' || ${inst},
             (ARRAY['expense', 'payable', 'payable'])[k + 1], ${area}, ${inst}, (ARRAY['D', 'C', 'C'])[k + 1], true
      FROM generate_series(0, ${AREAS.length - 1}) a, generate_series(0, ${INSTITUTIONS - 1}) i, generate_series(0, 2) k;
    INSERT INTO account (id, book, code, kind, area_code, normal, no_negative) OVERRIDING SYSTEM VALUE
      SELECT ${ids.fund('a')}, 'personal-account', 'fund:' || ${area}, 'fund', ${area}, 'D', false
      FROM generate_series(0, ${AREAS.length - 1}) a;
    INSERT INTO account (id, book, code, kind, area_code, owner, normal, no_negative) OVERRIDING SYSTEM VALUE
      SELECT ${ids.personal('p')}, 'personal-account', 'personal:P' || lpad(p::text, 7, '0'), 'personal',
             (${AREA_ARRAY})[p % ${AREAS.length} + 1], 'P' || lpad(p::text, 7, '0'), 'C', true
      FROM generate_series(0, ${PERSONS - 1}) p;`;
}

/**
 * Settlement g (1…n) is person p = g·7919 mod 100,000 at institution g mod 50: the pool pays, and
 * three in ten also take from the personal account. Journals n+1… open the personal accounts; every
 * hundredth settlement is reversed by a journal after those.
 */
function journalsSql(n) {
  const p = `(g::bigint * 7919) % ${PERSONS}`;
  const a = `(${p}) % ${AREAS.length}`;
  const i = `g % ${INSTITUTIONS}`;
  const rev = n + PERSONS;
  return `
    CREATE TEMP TABLE s ON COMMIT DROP AS
      SELECT g, ${ids.expense(a, i)} AS expense, ${ids.personal(p)} AS personal,
             1000 + (g * 37) % 50000 AS pool, CASE WHEN g % 10 < 3 THEN 100 + g % 500 END AS acct
      FROM generate_series(1, ${n}) g;
    INSERT INTO journal (id, idem_key, input_hash, kind, effective_date, memo) OVERRIDING SYSTEM VALUE
      SELECT g, 'settle:b' || g, 'bench', 'settlement', date '2025-01-01' + g % 365, '{}' FROM s;
    INSERT INTO posting (journal_id, seq, book, debit_account, credit_account, amount)
      SELECT g, 0, 'employee-pool', expense, expense + 1, pool FROM s
      UNION ALL SELECT g, 1, 'personal-account', personal, expense + 2, acct FROM s WHERE acct IS NOT NULL;
    INSERT INTO journal (id, idem_key, input_hash, kind, effective_date, memo) OVERRIDING SYSTEM VALUE
      SELECT ${n + 1} + q, 'opening:' || q, 'bench', 'account-credit', '2025-01-01', '{}'
      FROM generate_series(0, ${PERSONS - 1}) q;
    INSERT INTO posting (journal_id, seq, book, debit_account, credit_account, amount)
      SELECT ${n + 1} + q, 0, 'personal-account', ${ids.fund(`q % ${AREAS.length}`)}, ${ids.personal('q')}, ${OPENING_FEN}
      FROM generate_series(0, ${PERSONS - 1}) q;
    INSERT INTO journal (id, idem_key, input_hash, kind, effective_date, reverses, memo) OVERRIDING SYSTEM VALUE
      SELECT ${rev} + g / 100, 'reverse:b' || g, 'bench', 'settlement-reversal', date '2025-12-31', g, '{}'
      FROM s WHERE g % 100 = 0;
    INSERT INTO posting (journal_id, seq, book, debit_account, credit_account, amount)
      SELECT ${rev} + journal_id / 100, seq, book, credit_account, debit_account, amount
      FROM posting WHERE journal_id <= ${n} AND journal_id % 100 = 0;`;
}

/** Each account's stored totals: the sums of its postings. */
const TOTALS_SQL = `
  UPDATE account a SET debits = t.d, credits = t.c FROM (
    SELECT id, sum(d) AS d, sum(c) AS c FROM (
      SELECT debit_account AS id, amount AS d, 0 AS c FROM posting
      UNION ALL SELECT credit_account, 0, amount FROM posting) x GROUP BY id) t
  WHERE a.id = t.id;
  SELECT setval(pg_get_serial_sequence('account', 'id'), (SELECT max(id) FROM account));
  SELECT setval(pg_get_serial_sequence('journal', 'id'), (SELECT max(id) FROM journal));`;

/** Fill in one transaction, foreign-key triggers off (the rows are consistent by construction). */
async function fill(db, n) {
  await db.exec(`INSERT INTO pooling_area (code, name, level) VALUES ('350000', '福建省', 'province');
    INSERT INTO pooling_area (code, name, level, parent_code)
      SELECT a, '地区' || a, CASE WHEN a = '${AREAS[0]}' THEN 'city' ELSE 'county' END, '350000'
      FROM unnest(${AREA_ARRAY}) a;`);
  await db.transaction(async (tx) => {
    await tx.exec(`SET LOCAL session_replication_role = replica; SET LOCAL work_mem = '256MB';
      SET LOCAL maintenance_work_mem = '256MB'`);
    await tx.exec(accountsSql());
    await tx.exec(journalsSql(n));
    await tx.exec(TOTALS_SQL);
  });
  await db.exec('VACUUM ANALYZE account, journal, posting, closed_period, book');
}

export async function benchLedgerCheck({ url = DEFAULT_URL, settlements = 1_000_000 } = {}) {
  return withSchema(url, 'bench_ledger', 4, async (db) => {
    console.error(`  filling the ledger of ${settlements.toLocaleString('en')} settlements…`);
    const t0 = performance.now();
    await fill(db, settlements);
    const fillSeconds = (performance.now() - t0) / 1000;
    console.error('  ledger check…');
    const t1 = performance.now();
    const report = await checkLedger(db);
    const checkSeconds = (performance.now() - t1) / 1000;
    return {
      settlements,
      journals: report.journals,
      postings: report.postings,
      accounts: report.accounts,
      problems: report.problems.length,
      fillSeconds: round(fillSeconds, 1),
      checkSeconds: round(checkSeconds, 2),
    };
  });
}

// `node bench/ledger-check.js [settlements]` runs it alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const settlements = Number(process.argv[2] ?? 1_000_000);
  const url = process.env.BENCH_DATABASE_URL ?? DEFAULT_URL;
  console.log(JSON.stringify(await benchLedgerCheck({ url, settlements }), null, 2));
}
