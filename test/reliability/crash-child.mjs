/**
 * The process that crash.test.ts kills. It opens the database the parent prepared (a PGlite data
 * folder or a PostgreSQL schema, already migrated and seeded), then settles claims from several
 * concurrent async workers until it is killed, writing one line to stdout for each answer the
 * service has returned (so only after the transaction committed):
 *
 *   S <setlId> <psnNo> <lines> <hifp_pay> <acct_pay>   a settlement acknowledged
 *   R <setlId> <psnNo>                                 a reversal acknowledged
 *   D <setlId>                                         a retry of the same request answered the same
 *   X <message>                                        something unexpected (the parent fails on it)
 *
 * Usage: node crash-child.mjs '<DbConfig as JSON>' <psnNo,psnNo,…> <workers> <key prefix>
 * It runs against the built dist/ (npm run build), since the tests have no TypeScript runner.
 */
import { openDatabase } from '../../dist/db/database.js';
import { reverse, settle } from '../../dist/settlement/online/service.js';

const [configJson, personList, workerCount, prefix] = process.argv.slice(2);
const config = JSON.parse(configJson);
const persons = personList.split(',');
const DATE = '2025-03-10';

const say = (line) => process.stdout.write(`${line}\n`);
const pick = (list) => list[Math.floor(Math.random() * list.length)];
const fen = (min, max) => min + Math.floor(Math.random() * (max - min + 1));

function request(key, psnNo) {
  const lines = [{ code: 'D-A01', count: 1, amount: fen(50_00, 1_500_00) }];
  if (Math.random() < 0.5) lines.push({ code: 'D-B01', count: 1, amount: fen(1, 400_00) });
  if (Math.random() < 0.3) lines.push({ code: 'D-C01', count: 1, amount: fen(1, 100_00) });
  return {
    key,
    psnNo,
    institution: 'H002',
    mdtrtId: `V-${key}`,
    medType: '11',
    date: DATE,
    useAccount: Math.random() < 0.5,
    lines,
  };
}

async function worker(db, w) {
  for (let i = 0; ; i++) {
    const key = `${prefix}-w${w}-${i}`;
    const req = request(key, pick(persons));
    const r = await settle(db, req);
    const s = r.settlement;
    say(`S ${r.setlId} ${r.psnNo} ${req.lines.length} ${s.poolPay} ${s.accountPay}`);
    if (i % 5 === 2) {
      const again = await settle(db, req);
      say(
        again.setlId === r.setlId
          ? `D ${r.setlId}`
          : `X retry of ${key} answered ${again.setlId}, not ${r.setlId}`,
      );
    }
    if (i % 4 === 3) {
      const rev = await reverse(db, { key: `${key}-rev`, psnNo: r.psnNo, setlId: r.setlId, date: DATE });
      say(`R ${rev.setlId} ${rev.psnNo}`);
    }
  }
}

const db = await openDatabase(config);
const workers = Array.from({ length: Number(workerCount) }, (_, w) => worker(db, w));
try {
  await Promise.all(workers);
} catch (e) {
  say(`X ${e?.code ?? ''} ${e?.message ?? e}`);
  process.exit(1);
}
