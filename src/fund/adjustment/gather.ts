import { ServiceError } from '../../common/service-error.js';
import type { Sql } from '../../db/index.js';
import type { FujianInput, FujianParams, ShanxiInput } from '../../domain/adjustment/index.js';
import type { Scheme } from '../../domain/policy/dimensions.js';
import { poolBook } from '../ledger/accounts.js';
import { adjustmentFundAccount, riskFundAccount } from './accounts.js';
import { InputsRefused, type AdjustmentInputs } from './inputs-file.js';
import * as repo from './repository.js';

/**
 * The inputs of one adjustment year, gathered: fund income, expenditure and accumulated balance of
 * each city from the ledger (its pool book), insured counts from the registry's enrolment, the
 * provincial funds' opening balances from the adjustment book, and what the database does not hold
 * (collection rates, assessment scores) from the inputs file, checked against the province's cities.
 */

export interface Frame {
  province: repo.AreaRow;
  scheme: Scheme;
  year: number;
  cities: repo.AreaRow[];
}

const firstDay = (year: number) => `${year}-01-01`;
const lastDay = (year: number) => `${year}-12-31`;

type Problem = { path: string; message: string };

/** The file's year and province must be those adjusted, and every city in it one of the province's. */
function frameProblems(f: Frame, file: AdjustmentInputs): Problem[] {
  const problems: Problem[] = [];
  if (file.year !== undefined && file.year !== f.year)
    problems.push({ path: 'year', message: `the file is for ${file.year}, not ${f.year}` });
  if (file.province !== undefined && file.province !== f.province.code)
    problems.push({ path: 'province', message: `the file is for ${file.province}, not ${f.province.code}` });
  const known = new Set(f.cities.map((c) => c.code));
  for (const code of Object.keys(file.cities)) {
    if (!known.has(code)) {
      const list = f.cities.map((c) => c.code).join(', ');
      problems.push({
        path: `cities.${code}`,
        message: `is not a city of ${f.province.code} ${f.province.name} (its cities: ${list})`,
      });
    }
  }
  return problems;
}

/** Every city needs the fields the rule uses; each one missing is a problem of its own. */
function missingProblems(
  f: Frame,
  file: AdjustmentInputs,
  needs: { rate: string | null; score: string | null },
) {
  const problems: Problem[] = [];
  for (const c of f.cities) {
    const given = file.cities[c.code];
    if (!given && (needs.rate || needs.score)) {
      const fields = [needs.rate && 'collectionRate', needs.score && 'assessmentScore']
        .filter(Boolean)
        .join(' and ');
      problems.push({ path: `cities.${c.code}`, message: `missing for ${c.name}: give its ${fields}` });
      continue;
    }
    if (needs.rate && given?.collectionRate === undefined)
      problems.push({
        path: `cities.${c.code}.collectionRate`,
        message: `missing for ${c.name}: ${needs.rate}`,
      });
    if (needs.score && given?.assessmentScore === undefined)
      problems.push({
        path: `cities.${c.code}.assessmentScore`,
        message: `missing for ${c.name}: ${needs.score}`,
      });
  }
  return problems;
}

/** What of the inputs file a Fujian rule needs: rates when a weight uses them, scores when money is held back. */
function fujianNeeds(p: FujianParams) {
  const rated = p.factors.value.some((x) => x.weight > 0 && x.factor !== 'insuredCount');
  return {
    rate: rated ? `the allocation weights (${p.factors.path}) use the collection rate` : null,
    score: p.holdBack.value > 0 ? `the money held back (${p.holdBack.path}) is redistributed by score` : null,
  };
}

/** Check the inputs file against the province and the rule; refuse with every problem at once. */
export function checkInputsFile(
  f: Frame,
  file: AdjustmentInputs | undefined,
  params: FujianParams | null,
  name: string,
) {
  const needs = params ? fujianNeeds(params) : { rate: null, score: null };
  if (!file) {
    if (!needs.rate && !needs.score) return;
    const message = `a Fujian-style adjustment needs each city's ${[needs.rate && 'collection rate', needs.score && 'assessment score'].filter(Boolean).join(' and ')}, which the database does not hold: give an inputs file (--inputs FILE)`;
    throw new ServiceError('INVALID_INPUT', message, 'inputs');
  }
  const problems = [...frameProblems(f, file), ...missingProblems(f, file, needs)];
  if (problems.length > 0) throw new InputsRefused(problems, name);
}

async function yearsByCity(tx: Sql, f: Frame) {
  const rows = await repo.unitYears(
    tx,
    f.province.code,
    poolBook(f.scheme),
    firstDay(f.year),
    lastDay(f.year),
  );
  return new Map(rows.map((r) => [r.unit, r]));
}

/** The Fujian-style inputs: fund income, insured at year end, rate and score, the risk fund's opening. */
export async function fujianInput(
  tx: Sql,
  f: Frame,
  file: AdjustmentInputs | undefined,
): Promise<FujianInput> {
  const years = await yearsByCity(tx, f);
  const insured = new Map(
    (await repo.insuredCounts(tx, f.province.code, f.scheme, lastDay(f.year))).map((r) => [
      r.unit,
      r.insured,
    ]),
  );
  const risk = riskFundAccount(f.province.code, f.scheme).code;
  return {
    cities: f.cities.map((c) => ({
      area: c.code,
      fundIncome: years.get(c.code)?.income ?? 0,
      insuredCount: insured.get(c.code) ?? 0,
      collectionRate: file?.cities[c.code]?.collectionRate ?? 0,
      assessmentScore: file?.cities[c.code]?.assessmentScore ?? 0,
    })),
    riskFundOpening: await repo.balanceBefore(tx, risk, firstDay(f.year)),
  };
}

/** The Shanxi-style inputs: fund income and expenditure of the year, balance at its start, the fund's opening. */
export async function shanxiInput(tx: Sql, f: Frame): Promise<ShanxiInput> {
  const years = await yearsByCity(tx, f);
  const fund = adjustmentFundAccount(f.province.code, f.scheme).code;
  return {
    cities: f.cities.map((c) => {
      const y = years.get(c.code);
      return {
        area: c.code,
        fundIncome: y?.income ?? 0,
        expenditure: y?.expenditure ?? 0,
        balance: y?.balance ?? 0,
      };
    }),
    fundOpening: await repo.balanceBefore(tx, fund, firstDay(f.year)),
  };
}
