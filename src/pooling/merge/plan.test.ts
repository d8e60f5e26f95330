import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AccountKind, Book } from '../../fund/ledger/accounts.js';
import {
  bookReport,
  cityTwinCode,
  ledgerReasons,
  MAX_POSTINGS_PER_JOURNAL,
  planTransfers,
  type AreaAccount,
  type LedgerFacts,
} from './ledger-plan.js';
import {
  dayBefore,
  describeReasons,
  monthRanges,
  monthsThrough,
  packChanges,
  registryReasons,
  slotNotes,
  type PackInfo,
  type PackRow,
  type RegistryFacts,
} from './plan.js';

const CITY = '220100';
const A = '220112';
const B = '220113';

let nextId = 1;
function account(
  area: string,
  book: Book,
  kind: AccountKind,
  debits: number,
  credits: number,
  owner: string | null = null,
): AreaAccount {
  const normal = kind === 'fund' || kind === 'expense' || kind === 'clearing' ? 'D' : 'C';
  const code = owner ? `${kind}:${area}:${owner}` : `${kind}:${area}`;
  return {
    id: nextId++,
    book,
    code,
    kind,
    area,
    owner,
    normal,
    noNegative: kind !== 'fund',
    debits,
    credits,
  };
}

describe('dates and months', () => {
  it('takes the day before across months, years and a leap day', () => {
    expect(dayBefore('2026-02-01')).toBe('2026-01-31');
    expect(dayBefore('2026-01-01')).toBe('2025-12-31');
    expect(dayBefore('2024-03-01')).toBe('2024-02-29');
  });

  it('lists months through the last, and none when the last comes first', () => {
    expect(monthsThrough('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthsThrough('2026-03', '2026-02')).toEqual([]);
  });

  it('writes months as ranges', () => {
    expect(monthRanges(['2025-03', '2025-01', '2025-02', '2025-12', '2026-01', '2025-06'])).toBe(
      '2025-01…2025-03 (3 months), 2025-06, 2025-12…2026-01 (2 months)',
    );
  });
});

const city310: PackInfo = {
  hash: 'c',
  label: 'city@1#c',
  poolingLevel: 'city',
  slots: ['admissions', 'cap:x'],
};
const county310: PackInfo = { hash: 'k', label: 'county@1#k', poolingLevel: 'county', slots: ['admissions'] };

function facts(over: Partial<RegistryFacts> = {}): RegistryFacts {
  return {
    city: CITY,
    counties: [A, B],
    date: '2026-02-01',
    areas: new Map([
      [CITY, { code: CITY, name: '长春市', level: 'city', parentCode: '220000' }],
      [A, { code: A, name: '双阳区', level: 'county', parentCode: CITY }],
      [B, { code: B, name: '九台区', level: 'county', parentCode: CITY }],
    ]),
    busy: [],
    countyPacks: [],
    ownAssigned: [],
    enrolledSchemes: new Map([[A, ['310']]]),
    cityPacks: new Map([['310', city310]]),
    ...over,
  };
}

const row = (
  area: string,
  beginDate: string,
  endDate: string | null,
  scheme: '310' | '390' = '310',
): PackRow => ({
  area,
  scheme,
  beginDate,
  endDate,
  packHash: 'k',
});

describe('registry reasons', () => {
  it('names a county merged already and one in a scheduled merge', () => {
    const busy = [
      { id: 3, area: A, city: CITY, date: '2025-09-01', status: 'done' as const },
      { id: 4, area: B, city: CITY, date: '2026-03-01', status: 'scheduled' as const },
    ];
    const reasons = registryReasons(facts({ busy }));
    expect(reasons.map((r) => [r.area, r.code])).toEqual([
      [A, 'already-merged'],
      [B, 'in-scheduled-merge'],
    ]);
    expect(describeReasons(reasons)).toBe(
      '220112: already merged into 220100 on 2025-09-01 (merge 3). 220113: in merge 4, scheduled for 2026-03-01',
    );
  });

  it('refuses a county pack that begins on or after the date, unless the merge assigned it itself', () => {
    const later = row(A, '2026-02-01', null);
    expect(registryReasons(facts({ countyPacks: [later] })).map((r) => r.code)).toEqual(['pack-after-date']);
    expect(registryReasons(facts({ countyPacks: [later], ownAssigned: [later] }))).toEqual([]);
  });

  it('asks for a city pack in every scheme a county has a pack or enrolments in', () => {
    const reasons = registryReasons(facts({ countyPacks: [row(B, '2025-01-01', null, '390')] }));
    expect(reasons.map((r) => [r.area, r.code, r.message])).toEqual([
      [CITY, 'city-pack-missing', expect.stringContaining('scheme 390')],
    ]);
  });
});

describe('pack changes', () => {
  it('ends the assignments in force on the date on its eve and gives every county the city pack', () => {
    const inForce = row(A, '2025-01-01', null);
    const endsLater = row(B, '2025-01-01', '2026-12-31');
    const endedBefore = row(B, '2024-01-01', '2024-12-31');
    const endsOnEve = row(A, '2024-01-01', '2026-01-31');
    const { end, assign } = packChanges(facts({ countyPacks: [inForce, endsLater, endedBefore, endsOnEve] }));
    expect(end).toEqual([inForce, endsLater]);
    expect(assign).toEqual([
      { area: A, scheme: '310', beginDate: '2026-02-01', endDate: null, packHash: 'c' },
      { area: B, scheme: '310', beginDate: '2026-02-01', endDate: null, packHash: 'c' },
    ]);
  });

  it('does not assign again what it assigned before', () => {
    const mine = { ...row(A, '2026-02-01', null), packHash: 'c' };
    const { end, assign } = packChanges(facts({ countyPacks: [mine], ownAssigned: [mine] }));
    expect(end).toEqual([]);
    expect(assign.map((a) => a.area)).toEqual([B]);
  });
});

describe('counters', () => {
  it('says which counters carry, which the city pack no longer reads and which start at zero', () => {
    const county: PackInfo = { ...county310, slots: ['admissions', 'deductible:a'] };
    const notes = slotNotes(
      [
        { area: A, scheme: '310', pack: county },
        { area: B, scheme: '310', pack: county },
      ],
      new Map([['310', city310]]),
    );
    expect(notes).toEqual([
      {
        scheme: '310',
        countyPack: 'county@1#k',
        cityPack: 'city@1#c',
        counties: [A, B],
        carried: ['admissions'],
        notCarried: ['deductible:a'],
        startAtZero: ['cap:x'],
      },
    ]);
  });
});

describe('transfer plan', () => {
  it('names the city twin of a county account', () => {
    expect(cityTwinCode('expense:220112:H1', A, CITY)).toBe('expense:220100:H1');
    expect(cityTwinCode('personal:P1', A, CITY)).toBeNull();
  });

  it('moves each balance whichever side it is on, one journal per book, personal accounts left', () => {
    const fund = account(A, 'employee-pool', 'fund', 500, 120);
    const income = account(A, 'employee-pool', 'income', 0, 500);
    const clearing = account(A, 'employee-pool', 'clearing', 10, 40); // a D account gone negative
    const zero = account(B, 'employee-pool', 'payable', 70, 70, 'H1');
    const personal = { ...account(A, 'personal-account', 'personal', 0, 90), code: 'personal:P1' };
    const expense = account(B, 'resident-pool', 'expense', 300, 0, 'H9');
    const plans = planTransfers([fund, income, clearing, zero, personal, expense], CITY);
    expect(
      plans.map((p) => [p.book, p.transfers.map((t) => [t.debit.code, t.credit.code, t.amount])]),
    ).toEqual([
      [
        'employee-pool',
        [
          ['fund:220100', 'fund:220112', 380],
          ['income:220112', 'income:220100', 500],
          ['clearing:220112', 'clearing:220100', 30],
        ],
      ],
      ['resident-pool', [['expense:220100:H9', 'expense:220113:H9', 300]]],
    ]);
    expect(plans[1]!.transfers[0]!.debit).toMatchObject({
      area: CITY,
      owner: 'H9',
      kind: 'expense',
      normal: 'D',
    });
  });

  it('leaves every county account at zero and the city holding the sum, whatever the balances (property)', () => {
    const kinds: AccountKind[] = ['fund', 'income', 'expense', 'payable', 'clearing'];
    const arb = fc.array(
      fc.record({
        area: fc.constantFrom(A, B),
        kind: fc.constantFrom(...kinds),
        owner: fc.constantFrom('H1', 'H2', null),
        debits: fc.nat(1_000_000),
        credits: fc.nat(1_000_000),
      }),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(arb, (specs) => {
        const unique = new Map(specs.map((s) => [`${s.area}|${s.kind}|${s.owner}`, s]));
        const accounts = [...unique.values()].map((s) =>
          account(s.area, 'employee-pool', s.kind, s.debits, s.credits, s.owner),
        );
        const net = new Map<string, number>();
        const move = (code: string, d: number) => net.set(code, (net.get(code) ?? 0) + d);
        accounts.forEach((a) => move(a.code, a.debits - a.credits));
        for (const p of planTransfers(accounts, CITY)) {
          for (const t of p.transfers) {
            expect(t.amount).toBeGreaterThan(0);
            expect(t.debit.book).toBe(t.credit.book);
            move(t.debit.code, t.amount);
            move(t.credit.code, -t.amount);
          }
        }
        for (const a of accounts) {
          expect(net.get(a.code)).toBe(0);
          const twin = cityTwinCode(a.code, a.area, CITY)!;
          const sum = accounts
            .filter((x) => cityTwinCode(x.code, x.area, CITY) === twin)
            .reduce((s, x) => s + x.debits - x.credits, 0);
          expect(net.get(twin) ?? 0).toBe(sum);
        }
      }),
    );
  });
});

describe('ledger reasons', () => {
  const base = (over: Partial<LedgerFacts>): LedgerFacts => ({
    city: CITY,
    counties: [A, B],
    date: '2026-02-01',
    accounts: [],
    firstMonths: [],
    closed: [],
    ...over,
  });

  it('finds unreconciled settlements and open months, county by county', () => {
    const owed = [
      account(A, 'employee-pool', 'payable', 0, 12_345, 'H1'),
      account(A, 'personal-account', 'payable', 0, 655, 'H2'),
    ];
    const closed = ['2025-11', '2025-12', '2026-01'].map((period) => ({ book: 'employee-pool', period }));
    const f = base({
      accounts: owed,
      firstMonths: [
        { area: A, book: 'employee-pool', first: '2025-09' },
        { area: B, book: 'employee-pool', first: '2025-12' },
        { area: B, book: 'resident-pool', first: '2026-01' },
      ],
      closed: [...closed, { book: 'employee-pool', period: '2025-10' }],
    });
    const reasons = ledgerReasons(f, planTransfers(f.accounts, CITY));
    expect(reasons.map((r) => [r.area, r.code, r.message])).toEqual([
      [
        A,
        'unreconciled-settlements',
        'unreconciled settlements: 130.00 yuan still owed to 2 institution(s) (employee-pool/payable:220112:H1 123.45, ' +
          'personal-account/payable:220112:H2 6.55); reconcile and pay them before the merge runs',
      ],
      [A, 'open-periods', 'open periods before the merge: employee-pool 2025-09'],
      [B, 'open-periods', 'open periods before the merge: resident-pool 2026-01'],
    ]);
  });

  it('refuses a transfer dated in a closed month and a journal too large for the ledger', () => {
    const many = Array.from({ length: MAX_POSTINGS_PER_JOURNAL + 1 }, (_, i) =>
      account(A, 'resident-pool', 'expense', 1, 0, `H${i}`),
    );
    const f = base({ accounts: many, closed: [{ book: 'resident-pool', period: '2026-02' }] });
    expect(ledgerReasons(f, planTransfers(many, CITY)).map((r) => [r.area, r.code])).toEqual([
      [CITY, 'period-closed'],
      [CITY, 'journal-too-large'],
    ]);
  });

  it('reports each book by kind from the accounts before and after', () => {
    const before = [
      account(CITY, 'employee-pool', 'fund', 100, 0),
      account(A, 'employee-pool', 'fund', 50, 0),
    ];
    const after = [
      { ...before[0]!, debits: 150 },
      { ...before[1]!, credits: 50 },
    ];
    const plans = planTransfers([before[1]!], CITY);
    expect(bookReport(CITY, plans, new Map([['employee-pool', 7]]), before, after)).toEqual([
      {
        book: 'employee-pool',
        journalId: 7,
        lines: [
          {
            kind: 'fund',
            cityBefore: 100,
            countiesBefore: 50,
            transferred: 50,
            cityAfter: 150,
            countiesAfter: 0,
          },
        ],
      },
    ]);
  });
});
