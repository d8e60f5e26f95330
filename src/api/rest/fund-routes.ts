import { z } from 'zod';
import { fundReport } from '../../fund/budget/report.js';
import {
  recordEmployeeContribution,
  recordResidentContribution,
  recordRetireeCredit,
} from '../../fund/contributions.js';
import { chinaToday } from '../../pooling/merge/input.js';
import { op } from './operation.js';
import * as read from './read-repository.js';
import { areaCode, code, date, idempotencyKey, page, pageOf } from './schema.js';

/** Ledger balances and journals, the fund report, and contributions. Amounts are whole fen. */

const fen = z.int('must be a whole number of fen').min(0).max(10_000_000_000);
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM');
const contribution = { key: idempotencyKey, date };
const psnParams = z.strictObject({ psnNo: code });

/** A contribution's person must be within the caller's areas. */
const personTarget = async (i: { params: { psnNo: string } }, db: Parameters<typeof read.personArea>[0]) => ({
  area: await read.personArea(db, i.params.psnNo),
  subject: `person/${i.params.psnNo}`,
});

export const fundOperations = [
  op({
    method: 'GET',
    url: '/ledger/balances',
    operation: 'ledger.read',
    summary: "Balances of an area's ledger accounts, by book and code",
    tag: 'fund',
    write: false,
    query: z.strictObject({ ...page, areaCode, book: z.string().max(40).optional() }),
    target: (i) => ({ area: i.query.areaCode, subject: `pooling_area/${i.query.areaCode}` }),
    run: async (i, db) => pageOf(await read.listBalances(db, i.query), i.query),
  }),
  op({
    method: 'GET',
    url: '/ledger/journals',
    operation: 'ledger.read',
    summary: "Journals moving an area's accounts, in id order, with their postings",
    tag: 'fund',
    write: false,
    query: z.strictObject({ ...page, areaCode, from: date.optional(), to: date.optional() }),
    target: (i) => ({ area: i.query.areaCode, subject: `pooling_area/${i.query.areaCode}` }),
    run: async (i, db) => pageOf(await read.listJournals(db, i.query), i.query),
  }),
  op({
    method: 'GET',
    url: '/fund/report',
    operation: 'fund.report',
    summary: 'The fund report of an area and its subtree for a year: budgets, execution, balance, warnings',
    tag: 'fund',
    write: false,
    query: z.strictObject({
      areaCode,
      year: z.coerce.number().int().min(1900).max(2199),
      through: month.optional(),
    }),
    target: (i) => ({ area: i.query.areaCode, subject: `pooling_area/${i.query.areaCode}` }),
    run: (i, db, who) => fundReport(db, { ...i.query, today: chinaToday(new Date(who.now)) }),
  }),
  op({
    method: 'GET',
    url: '/persons/:psnNo/contributions',
    operation: 'contribution.read',
    summary: "A person's recorded contributions, by period",
    tag: 'fund',
    write: false,
    params: psnParams,
    query: z.strictObject(page),
    target: personTarget,
    run: async (i, db) =>
      pageOf(await read.listContributions(db, { ...i.query, psnNo: i.params.psnNo }), i.query),
  }),
  op({
    method: 'POST',
    url: '/persons/:psnNo/contributions/employee',
    operation: 'contribution.record',
    summary: "Record an active employee's monthly contribution on a base (fen)",
    tag: 'fund',
    write: true,
    status: 201,
    params: psnParams,
    body: z.strictObject({
      ...contribution,
      period: month,
      baseFen: fen,
      averageMonthlyWageFen: fen.optional(),
    }),
    target: personTarget,
    run: (i, db) =>
      recordEmployeeContribution(db, { ...i.body, key: `rest:${i.body.key}`, psnNo: i.params.psnNo }),
  }),
  op({
    method: 'POST',
    url: '/persons/:psnNo/contributions/retiree',
    operation: 'contribution.record',
    summary: "Record a retiree's monthly personal-account credit",
    tag: 'fund',
    write: true,
    status: 201,
    params: psnParams,
    body: z.strictObject({ ...contribution, period: month, provincialAverageMonthlyWageFen: fen }),
    target: personTarget,
    run: (i, db) => recordRetireeCredit(db, { ...i.body, key: `rest:${i.body.key}`, psnNo: i.params.psnNo }),
  }),
  op({
    method: 'POST',
    url: '/persons/:psnNo/contributions/resident',
    operation: 'contribution.record',
    summary: "Record a resident's annual contribution",
    tag: 'fund',
    write: true,
    status: 201,
    params: psnParams,
    body: z.strictObject({
      ...contribution,
      year: z.int().min(1900).max(2199),
      individualFen: fen.optional(),
      subsidyFen: fen.optional(),
    }),
    target: personTarget,
    run: (i, db) =>
      recordResidentContribution(db, { ...i.body, key: `rest:${i.body.key}`, psnNo: i.params.psnNo }),
  }),
];
