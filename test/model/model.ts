/**
 * An in-memory model of online settlement (DESIGN §6, §7) for the model-based test: it settles with
 * the pure calculator, keeps its own per-person-year counters, its own idempotency map and its own
 * account balances, and says what the service must answer to each request.
 */
import { readFileSync } from 'node:fs';
import { canonicalJson } from '../../src/common/hash.js';
import type { CompiledPack } from '../../src/domain/policy/model.js';
import { settle as calculate } from '../../src/domain/settlement/calculator.js';
import type { Accumulators, Claim, FeeLine, Settlement } from '../../src/domain/settlement/types.js';
import { parsePackText, shippedPacks } from '../../src/policy/load.js';
import type { SettleResult } from '../../src/settlement/online/service.js';
import { ITEMS, WORLD } from '../support/world.js';

export interface LineInput {
  code: string;
  count: number;
  amount: number;
}

/** A settle request as the hospital sends it (the service's SettleRequest). */
export interface SettleInput {
  key: string;
  psnNo: string;
  institution: string;
  mdtrtId: string;
  medType: '11';
  date: string;
  useAccount?: boolean;
  diseases?: string[];
  tags?: ('family-doctor' | 'assistance')[];
  lines: LineInput[];
}

export interface ReverseInput {
  key: string;
  psnNo: string;
  setlId: string;
  date: string;
}

/** What the service answered: a result, or a refusal by code. */
export type Answer<T> = { ok: true; value: T } | { ok: false; code: string };

/** The model's expectation: the answer exactly (a replay), a fresh settlement's amounts, or a refusal. */
export type Expected<T> =
  | { kind: 'replay'; value: T }
  | { kind: 'settled'; settlement: Settlement }
  | { kind: 'reversed'; value: T }
  | { kind: 'refused'; code: string };

/** What the service answers to a settlement. */
export type SettleAnswer = SettleResult;

export interface ModelSettlement {
  setlId: string;
  psnNo: string;
  year: number;
  settlement: Settlement;
  delta: number[];
  reversed: boolean;
}

export type AccountTotals = Map<string, { debits: number; credits: number }>;

/** The Sanming employee pack, compiled from the shipped YAML as seedWorld stores it. */
export function sanmingPack(): CompiledPack {
  const name = 'sanming-employee-2022';
  return parsePackText(readFileSync(shippedPacks().get(name)!, 'utf8'), name);
}

/** The catalogue of seedWorld, as the model knows it: class, self-pay share first, unit price cap. */
const CATALOGUE: Record<
  string,
  { class: FeeLine['catalogClass']; selfpayBp: number; unitCap: number | null }
> = {
  [ITEMS.classA]: { class: '01', selfpayBp: 0, unitCap: null },
  [ITEMS.classB]: { class: '02', selfpayBp: 1000, unitCap: null },
  [ITEMS.classC]: { class: '03', selfpayBp: 0, unitCap: null },
  [ITEMS.capped]: { class: '01', selfpayBp: 0, unitCap: 50_00 },
};

/** The request as the service compares it for idempotency: defaults filled in, the key left out. */
function normalised(op: string, input: SettleInput | ReverseInput): string {
  const fields: Record<string, unknown> = { ...input, key: undefined, op };
  if (op === 'settle') {
    const s = input as SettleInput;
    Object.assign(fields, {
      diseases: s.diseases ?? [],
      tags: s.tags ?? [],
      useAccount: s.useAccount ?? false,
    });
  }
  // canonicalJson drops the undefined key, and sorts the rest
  return canonicalJson(fields);
}

export class SettlementModel {
  readonly counters = new Map<string, number[]>();
  readonly balances = new Map<string, number>();
  readonly accounts: AccountTotals = new Map();
  readonly settlements: ModelSettlement[] = [];
  readonly keys = new Map<string, { input: string; answer: unknown }>();

  /** A model of one run: its own institution (level 2, city price class) in the city. */
  constructor(
    readonly pack: CompiledPack,
    readonly institution: string,
    readonly area: string = WORLD.city,
  ) {}

  private countersOf(psnNo: string, year: number): number[] {
    const key = `${psnNo}/${year}`;
    let c = this.counters.get(key);
    if (!c) {
      c = new Array<number>(this.pack.slots.names.length).fill(0);
      this.counters.set(key, c);
    }
    return c;
  }

  /** The named non-zero counters of a person-year, as the database stores them. */
  totalsOf(psnNo: string, year: number): Record<string, number> {
    const c = this.counters.get(`${psnNo}/${year}`) ?? [];
    const out: Record<string, number> = {};
    this.pack.slots.names.forEach((name, i) => {
      if ((c[i] ?? 0) !== 0) out[name] = c[i]!;
    });
    return out;
  }

  private move(book: string, code: string, debit: number, credit: number) {
    const k = `${book}|${code}`;
    const a = this.accounts.get(k) ?? { debits: 0, credits: 0 };
    a.debits += debit;
    a.credits += credit;
    this.accounts.set(k, a);
  }

  /** The ledger moves of a settlement's money (swapped for its reversal). */
  private post(s: ModelSettlement, sign: 'forward' | 'back') {
    const pays: [string, string, string, number][] = [
      [
        'employee-pool',
        `expense:${this.area}:${this.institution}`,
        `payable:${this.area}:${this.institution}`,
        s.settlement.poolPay,
      ],
      [
        'personal-account',
        `personal:${s.psnNo}`,
        `payable:${this.area}:${this.institution}`,
        s.settlement.accountPay,
      ],
    ];
    for (const [book, debit, credit, amount] of pays) {
      if (amount === 0) continue;
      if (sign === 'forward') {
        this.move(book, debit, amount, 0);
        this.move(book, credit, 0, amount);
      } else {
        this.move(book, credit, amount, 0);
        this.move(book, debit, 0, amount);
      }
    }
  }

  /** A key already used: the first answer for the same input, a conflict for another; undefined if unused. */
  private replay<T>(op: string, input: SettleInput | ReverseInput): Expected<T> | undefined {
    const seen = this.keys.get(input.key);
    if (!seen) return undefined;
    if (seen.input !== normalised(op, input)) return { kind: 'refused', code: 'IDEMPOTENCY_CONFLICT' };
    return { kind: 'replay', value: seen.answer as T };
  }

  claimOf(input: SettleInput): Claim {
    return {
      claimId: input.mdtrtId,
      psnNo: input.psnNo,
      scheme: '310',
      personType: 'active',
      age: 44,
      familyDoctor: false,
      assistance: false,
      medType: input.medType,
      institution: this.institution,
      level: '2',
      priceClass: '2-city',
      personArea: this.area,
      careArea: this.area,
      date: input.date,
      diseases: [],
      useAccount: input.useAccount ?? false,
      accountBalance: this.balances.get(input.psnNo) ?? 0,
      fees: input.lines.map((l) => {
        const item = CATALOGUE[l.code]!;
        return {
          code: l.code,
          catalogClass: item.class,
          amount: l.amount,
          selfPayRate: item.class === '02' ? item.selfpayBp : 0,
          priceCapTotal: item.unitCap === null ? null : item.unitCap * l.count,
        };
      }),
      prior: undefined,
    };
  }

  /**
   * What settling `input` must answer, and how to take the settlement in once the service has made
   * it (its answer carries the setlId, which the model cannot guess).
   */
  settle(input: SettleInput): { expected: Expected<SettleAnswer>; commit(answer: SettleAnswer): void } {
    const none = () => {
      throw new Error('nothing to commit: the model expected no new settlement');
    };
    const replay = this.replay<SettleAnswer>('settle', input);
    if (replay) return { expected: replay, commit: none };
    const year = Number(input.date.slice(0, 4));
    const before = this.countersOf(input.psnNo, year);
    const out = calculate(this.pack, this.claimOf(input), before);
    if (!out.ok) return { expected: { kind: 'refused', code: out.error.code }, commit: none };
    const commit = (answer: SettleAnswer) => {
      const after: Accumulators = out.after;
      this.counters.set(`${input.psnNo}/${year}`, [...after]);
      const s: ModelSettlement = {
        setlId: answer.setlId,
        psnNo: input.psnNo,
        year,
        settlement: out.settlement,
        delta: after.map((v, i) => v - (before[i] ?? 0)),
        reversed: false,
      };
      this.settlements.push(s);
      this.balances.set(input.psnNo, (this.balances.get(input.psnNo) ?? 0) - out.settlement.accountPay);
      this.post(s, 'forward');
      this.keys.set(input.key, { input: normalised('settle', input), answer });
    };
    return { expected: { kind: 'settled', settlement: out.settlement }, commit };
  }

  /** What reversing must answer, applying it when it succeeds. */
  reverse<T>(input: ReverseInput): Expected<T> {
    const replay = this.replay<T>('reverse', input);
    if (replay) return replay;
    const s = this.settlements.find((x) => x.setlId === input.setlId && x.psnNo === input.psnNo);
    if (!s) return { kind: 'refused', code: 'NOT_FOUND' };
    if (s.reversed) return { kind: 'refused', code: 'ALREADY_REVERSED' };
    s.reversed = true;
    const c = this.countersOf(s.psnNo, s.year);
    s.delta.forEach((d, i) => (c[i] = (c[i] ?? 0) - d));
    this.balances.set(s.psnNo, (this.balances.get(s.psnNo) ?? 0) + s.settlement.accountPay);
    this.post(s, 'back');
    const value = { setlId: s.setlId, psnNo: s.psnNo, reversedOn: input.date };
    this.keys.set(input.key, { input: normalised('reverse', input), answer: value });
    return { kind: 'reversed', value: value as T };
  }

  /** A contribution credited to a person's personal account. */
  credit(psnNo: string, amount: number): void {
    this.balances.set(psnNo, (this.balances.get(psnNo) ?? 0) + amount);
    this.move('personal-account', `fund:${this.area}`, amount, 0);
    this.move('personal-account', `personal:${psnNo}`, 0, amount);
  }
}
