/**
 * Model-based test of online settlement (DESIGN §6, §7, §10). fast-check draws sequences of
 * requests — settlements of random fee lines for one of three persons in one of two years,
 * reversals of a random earlier settlement (or of someone else's), exact retries (also spelled
 * differently: keys reordered, defaults written out), retries with the same key and another input,
 * and contributions to the personal accounts — and each is applied to the database and to an
 * in-memory model (model.ts: the pure calculator with its own counters, idempotency map and
 * account balances). After every step the answer or refusal code, each person's stored totals,
 * the accounts, the row counts and the ledger check must agree with the model.
 *
 * Contributions are posted with postJournal as a 'contribution' journal (Dr fund, Cr personal):
 * the contribution service needs contribution parameters the Sanming pack does not state.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceError } from '../../src/common/service-error.js';
import type { Database } from '../../src/db/index.js';
import { checkLedger } from '../../src/fund/ledger/check.js';
import { reverse, settle } from '../../src/settlement/online/service.js';
import { creditAccount } from '../support/credit.js';
import { openTestDatabase, type TestDatabase } from '../support/db.js';
import { halfWritten, totalsMismatches } from '../support/integrity.js';
import { addEmployee, ITEMS, seedWorld, WORLD } from '../support/world.js';
import {
  sanmingPack,
  SettlementModel,
  type Answer,
  type Expected,
  type LineInput,
  type ReverseInput,
  type SettleAnswer,
  type SettleInput,
} from './model.js';

/** 25 runs keep the file near half a minute on PGlite; MODEL_RUNS=500 soaks it. */
const RUNS = Number(process.env.MODEL_RUNS ?? 25);
/** How often each outcome was met over all runs: the test fails if one never was. */
const SEEN: Record<string, number> = {};
const CAP = 1_700_000;
const CAP_SLOT = 'cap:employee-outpatient-annual';
const MAX_STEPS = 30;
const YEARS = { '2024-11-20': 2024, '2025-03-10': 2025 } as const;
const REVERSAL_DATE = WORLD.date;

/* --------------------------------- actions --------------------------------- */

type Action =
  | {
      t: 'settle';
      who: number;
      date: keyof typeof YEARS;
      useAccount: boolean | undefined;
      lines: LineInput[];
    }
  | { t: 'retry'; pick: number; respell: boolean }
  | { t: 'conflict'; pick: number; how: 'amount' | 'account' | 'line' | 'person' | 'as-reversal' }
  | { t: 'reverse'; pick: number; wrongPerson: boolean; again: boolean }
  | { t: 'retry-reversal'; pick: number; otherSettlement: boolean }
  | { t: 'credit'; who: number; amount: number };

// Small, middling and large amounts: large ones reach the 17,000.00 cap within a few claims.
const amountArb = fc.oneof(fc.integer({ min: 1, max: 100_00 }), fc.integer({ min: 100_00, max: 3_000_00 }), {
  weight: 2,
  arbitrary: fc.integer({ min: 5_000_00, max: 25_000_00 }),
});
const lineArb: fc.Arbitrary<LineInput> = fc.oneof(
  fc.record({
    code: fc.constantFrom(ITEMS.classA, ITEMS.classA, ITEMS.classB, ITEMS.classC),
    count: fc.constant(1),
    amount: amountArb,
  }),
  // 50.00 a unit at most: the rest of the line is over-limit self-pay.
  fc.record({ code: fc.constant(ITEMS.capped), count: fc.integer({ min: 1, max: 4 }), amount: amountArb }),
);
const who = fc.integer({ min: 0, max: 2 });
const pick = fc.nat();

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      t: fc.constant('settle' as const),
      who,
      date: fc.constantFrom('2025-03-10', '2025-03-10', '2025-03-10', '2024-11-20') as fc.Arbitrary<
        keyof typeof YEARS
      >,
      useAccount: fc.constantFrom(true, false, undefined),
      lines: fc.array(lineArb, { minLength: 1, maxLength: 3 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('retry' as const), pick, respell: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('conflict' as const),
      pick,
      how: fc.constantFrom('amount', 'account', 'line', 'person', 'as-reversal') as fc.Arbitrary<
        'amount' | 'account' | 'line' | 'person' | 'as-reversal'
      >,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('reverse' as const),
      pick,
      // now and then someone else's settlement, or one already reversed (under a new key)
      wrongPerson: fc.constantFrom(false, false, false, false, true),
      again: fc.constantFrom(false, false, true),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('retry-reversal' as const), pick, otherSettlement: fc.boolean() }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('credit' as const),
      who,
      amount: fc.integer({ min: 1, max: 2_000_00 }),
    }),
  },
);

/* ------------------------------- one run ------------------------------- */

async function answer<T>(call: () => Promise<T>): Promise<Answer<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (e) {
    if (e instanceof ServiceError) return { ok: false, code: e.code };
    throw e;
  }
}

/** The same request spelled otherwise: keys in another order and the defaults written out. */
function respelled(r: SettleInput): SettleInput {
  const entries = Object.entries({
    ...r,
    diseases: [],
    tags: [],
    useAccount: r.useAccount ?? false,
  }).reverse();
  const out = Object.fromEntries(entries) as unknown as SettleInput;
  out.lines = r.lines.map((l) => ({ amount: l.amount, count: l.count, code: l.code }));
  return out;
}

class Run {
  readonly persons: string[];
  readonly institution: string;
  readonly model: SettlementModel;
  readonly settleRequests: SettleInput[] = [];
  readonly reverseRequests: ReverseInput[] = [];
  readonly trail: string[] = [];
  private n = 0;
  private fundBaseline = { debits: 0, credits: 0 };

  constructor(
    readonly db: Database,
    readonly id: number,
    pack: ReturnType<typeof sanmingPack>,
  ) {
    this.persons = ['A', 'B', 'C'].map((p) => `M${id}${p}`);
    this.institution = `HM${id}`;
    this.model = new SettlementModel(pack, this.institution);
  }

  private key(what: string): string {
    return `m${this.id}-${what}${this.n++}`;
  }

  async setUp(): Promise<void> {
    await this.db.query(
      `INSERT INTO institution (code, name, level, price_class, area_code, agreement_status, agreement_begin)
       VALUES ($1, $2, '2', '2-city', $3, 'active', '2020-01-01')`,
      [this.institution, `模型医院${this.id}`, WORLD.city],
    );
    for (const p of this.persons) await addEmployee(this.db, p);
    this.fundBaseline = (await this.fundAccount()) ?? { debits: 0, credits: 0 };
  }

  private async fundAccount() {
    const [row] = await this.db.query<{ debits: number; credits: number }>(
      `SELECT debits, credits FROM account WHERE book = 'personal-account' AND code = $1`,
      [`fund:${WORLD.city}`],
    );
    return row;
  }

  private expectAnswer<T>(got: Answer<T>, expected: Expected<T>): void {
    const outcome = expected.kind === 'refused' ? expected.code : expected.kind;
    SEEN[outcome] = (SEEN[outcome] ?? 0) + 1;
    switch (expected.kind) {
      case 'refused':
        expect(got).toEqual({ ok: false, code: expected.code });
        break;
      case 'replay':
      case 'reversed':
        expect(got).toEqual({ ok: true, value: expected.value });
        break;
      case 'settled': {
        expect(got.ok ? 'settled' : (got as { code: string }).code).toBe('settled');
        const value = (got as { value: SettleAnswer }).value;
        expect(value.settlement).toEqual(expected.settlement);
        expect(value).toMatchObject({ trace: null, pack: this.model.pack.label });
        break;
      }
    }
  }

  private async doSettle(input: SettleInput): Promise<void> {
    const { expected, commit } = this.model.settle(input);
    const got = await answer(() => settle(this.db, structuredClone(input)));
    this.trail.push(`  → ${got.ok ? `ok ${(got.value as SettleAnswer).setlId}` : got.code}`);
    this.expectAnswer(got, expected);
    if (expected.kind === 'settled' && got.ok) {
      commit(got.value);
      const year = Number(input.date.slice(0, 4));
      if (expected.settlement.accountPay > 0) SEEN['account-pay'] = (SEEN['account-pay'] ?? 0) + 1;
      if (this.model.totalsOf(input.psnNo, year)[CAP_SLOT] === CAP)
        SEEN['cap-reached'] = (SEEN['cap-reached'] ?? 0) + 1;
    }
  }

  private async doReverse(input: ReverseInput): Promise<void> {
    this.reverseRequests.push(input);
    const expected = this.model.reverse<unknown>(input);
    const got = await answer(() => reverse(this.db, structuredClone(input)));
    this.trail.push(`  → ${got.ok ? 'ok' : got.code}`);
    this.expectAnswer(got, expected);
  }

  async step(a: Action): Promise<void> {
    this.trail.push(JSON.stringify(a));
    const settled = this.model.settlements;
    switch (a.t) {
      case 'settle': {
        const key = this.key('s');
        const input: SettleInput = {
          key,
          psnNo: this.persons[a.who]!,
          institution: this.institution,
          mdtrtId: `V-${key}`,
          medType: '11',
          date: a.date,
          lines: a.lines,
        };
        if (a.useAccount !== undefined) input.useAccount = a.useAccount;
        this.settleRequests.push(input);
        return this.doSettle(input);
      }
      case 'retry': {
        if (this.settleRequests.length === 0) return;
        const first = this.settleRequests[a.pick % this.settleRequests.length]!;
        return this.doSettle(a.respell ? respelled(first) : structuredClone(first));
      }
      case 'conflict': {
        if (this.settleRequests.length === 0) return;
        const first = this.settleRequests[a.pick % this.settleRequests.length]!;
        if (a.how === 'as-reversal') {
          const target = settled[0];
          return this.doReverse({
            key: first.key,
            psnNo: target?.psnNo ?? first.psnNo,
            setlId: target?.setlId ?? 'none',
            date: REVERSAL_DATE,
          });
        }
        const other = structuredClone(first);
        if (a.how === 'amount') other.lines[0]!.amount += 1;
        if (a.how === 'account') other.useAccount = !(first.useAccount ?? false);
        if (a.how === 'line') other.lines.push({ code: ITEMS.classC, count: 1, amount: 1_00 });
        if (a.how === 'person') other.psnNo = this.persons[(this.persons.indexOf(first.psnNo) + 1) % 3]!;
        return this.doSettle(other);
      }
      case 'reverse': {
        const reversed = settled.filter((s) => s.reversed);
        const among = a.again && reversed.length > 0 ? reversed : settled;
        if (among.length === 0) return;
        const target = among[a.pick % among.length]!;
        const psnNo = a.wrongPerson
          ? this.persons[(this.persons.indexOf(target.psnNo) + 1) % 3]!
          : target.psnNo;
        return this.doReverse({ key: this.key('r'), psnNo, setlId: target.setlId, date: REVERSAL_DATE });
      }
      case 'retry-reversal': {
        if (this.reverseRequests.length === 0) return;
        const first = this.reverseRequests[a.pick % this.reverseRequests.length]!;
        const other = settled.find((s) => s.setlId !== first.setlId);
        if (a.otherSettlement && other)
          return this.doReverse({ ...first, psnNo: other.psnNo, setlId: other.setlId });
        return this.doReverse({ ...first });
      }
      case 'credit': {
        const psnNo = this.persons[a.who]!;
        await creditAccount(this.db, psnNo, a.amount, this.key('c'), '2024-10-31');
        this.model.credit(psnNo, a.amount);
        return;
      }
    }
  }

  /** The database against the model: totals, accounts, row counts, and the ledger and integrity checks. */
  async compare(): Promise<void> {
    const { db, model, persons } = this;
    const totals = await db.query<{ psn_no: string; year: number; totals: Record<string, number> }>(
      `SELECT psn_no, year, totals FROM person_totals WHERE psn_no = ANY($1::text[]) AND scheme = '310'`,
      [persons],
    );
    for (const p of persons) {
      for (const year of Object.values(YEARS)) {
        const row = totals.find((r) => r.psn_no === p && r.year === year);
        const stored = Object.fromEntries(Object.entries(row?.totals ?? {}).filter(([, v]) => v !== 0));
        expect(stored, `totals of ${p} in ${year}`).toEqual(model.totalsOf(p, year));
      }
    }

    const accounts = await db.query<{ book: string; code: string; debits: number; credits: number }>(
      `SELECT book, code, debits, credits FROM account WHERE owner = ANY($1::text[])`,
      [[...persons, this.institution]],
    );
    const stored = Object.fromEntries(
      accounts.map((a) => [`${a.book}|${a.code}`, { debits: a.debits, credits: a.credits }]),
    );
    const fund = `personal-account|fund:${WORLD.city}`;
    const modelled = Object.fromEntries([...model.accounts].filter(([k]) => k !== fund));
    expect(stored, 'accounts of the run').toEqual(modelled);
    const f = (await this.fundAccount()) ?? { debits: 0, credits: 0 };
    expect(
      { debits: f.debits - this.fundBaseline.debits, credits: f.credits - this.fundBaseline.credits },
      'the personal-account fund',
    ).toEqual(model.accounts.get(fund) ?? { debits: 0, credits: 0 });

    const [counts] = await db.query<{ settlements: number; reversals: number; keys: number }>(
      `SELECT (SELECT count(*) FROM settlement WHERE psn_no = ANY($1::text[]))::int AS settlements,
              (SELECT count(*) FROM settlement_reversal WHERE psn_no = ANY($1::text[]))::int AS reversals,
              (SELECT count(*) FROM idempotency WHERE idem_key LIKE $2)::int AS keys`,
      [persons, `m${this.id}-%`],
    );
    expect(counts).toEqual({
      settlements: model.settlements.length,
      reversals: model.settlements.filter((s) => s.reversed).length,
      keys: model.keys.size,
    });

    expect((await checkLedger(db)).problems).toEqual([]);
    expect(await totalsMismatches(db, persons)).toEqual([]);
  }
}

/* --------------------------------- the test --------------------------------- */

describe('online settlement against an in-memory model', () => {
  let t: TestDatabase;
  const pack = sanmingPack();
  let runs = 0;
  beforeAll(async () => {
    t = await openTestDatabase(4);
    await seedWorld(t.db);
  }, 60_000);
  afterAll(() => t?.drop());

  it(
    `${RUNS} random sequences of up to ${MAX_STEPS} requests agree with the model after every step`,
    async () => {
      let steps = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(actionArb, { minLength: 10, maxLength: MAX_STEPS }), async (actions) => {
          const run = new Run(t.db, ++runs, pack);
          await run.setUp();
          try {
            for (const a of actions) {
              await run.step(a);
              await run.compare();
              steps++;
            }
            expect(await halfWritten(t.db)).toEqual([]);
          } catch (e) {
            (e as Error).message +=
              `\nrun ${run.id}, persons ${run.persons.join(', ')}; steps:\n${run.trail.join('\n')}`;
            throw e;
          }
        }),
        {
          numRuns: RUNS,
          interruptAfterTimeLimit: 100_000 * Math.max(1, RUNS / 25),
          markInterruptAsFailure: true,
        },
      );
      expect(steps).toBeGreaterThan(RUNS);
      // The runs met every outcome: fresh settlements (some paid from the personal account, some
      // stopped by the annual cap), replays, conflicts, reversals and both refusals of a reversal.
      for (const outcome of [
        'settled',
        'account-pay',
        'cap-reached',
        'replay',
        'IDEMPOTENCY_CONFLICT',
        'reversed',
      ]) {
        expect(SEEN[outcome] ?? 0, `outcome ${outcome} met`).toBeGreaterThan(0);
      }
      for (const outcome of ['ALREADY_REVERSED', 'NOT_FOUND']) {
        expect(SEEN[outcome] ?? 0, `outcome ${outcome} met`).toBeGreaterThan(0);
      }
    },
    150_000 * Math.max(1, RUNS / 25),
  );
});
