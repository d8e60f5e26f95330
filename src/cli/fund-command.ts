import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { Database } from '../db/index.js';
import { ServiceError } from '../common/service-error.js';
import { isMonth } from '../domain/budget/months.js';
import { parseBudgetYuan } from '../domain/budget/yuan.js';
import { parseRate } from '../domain/money/rate.js';
import type { AreaBudgetRow, InstitutionBudgetRow } from '../fund/budget/repository.js';
import { formatReport } from '../fund/budget/format.js';
import { chinaToday, fundReport } from '../fund/budget/report.js';
import {
  areaBudgetHistory,
  institutionBudgetHistory,
  setAreaBudget,
  setInstitutionBudget,
} from '../fund/budget/service.js';
import { shareText, table, yuanText } from '../fund/budget/text.js';
import { writeReportXlsx } from '../fund/budget/xlsx.js';
import { withDatabase } from './db-commands.js';
import { UsageError } from './usage-error.js';

/** `tongchou fund report` and `tongchou fund budget set | institution | history`. */

/** The option a service field came from, so that a refusal names what the user typed. */
const OPTION_OF: Record<string, string> = {
  book: '--book',
  areaCode: '--area',
  year: '--year',
  through: '--through',
  incomeFen: '--income',
  expenditureFen: '--expenditure',
  institutionCode: '--institution',
  amountFen: '--amount',
  warnSharesBp: '--warn',
  setBy: '--by',
  note: '--note',
  key: '--key',
};

async function naming<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof ServiceError && OPTION_OF[e.path])
      throw new ServiceError(e.code, e.message, OPTION_OF[e.path]);
    throw e;
  }
}

function yearOption(text: string): number {
  if (!/^\d{4}$/.test(text) || Number(text) < 1900 || Number(text) > 2199)
    throw new UsageError(`--year must be a year from 1900 to 2199, not "${text}"`);
  return Number(text);
}

function monthOption(text: string): string {
  if (!isMonth(text)) throw new UsageError(`--through must be a month YYYY-MM, not "${text}"`);
  return text;
}

function yuanOption(option: string) {
  return (text: string): number => {
    const r = parseBudgetYuan(text);
    if (!r.ok) throw new UsageError(`${option} ${r.reason}`);
    return r.value;
  };
}

/** "80,90,100" (percent, "%" optional, two decimals at most) → basis points; "none" → no shares. */
function warnOption(text: string): number[] {
  if (text.trim() === 'none') return [];
  return text.split(',').map((part) => {
    const t = part.trim().replace(/%$/, '');
    const r = /^\d{1,4}(\.\d{1,2})?$/.test(t) ? parseRate(`${t}%`, 100_000) : null;
    if (!r?.ok)
      throw new UsageError(
        `--warn must list percentages such as 80,90,100 (or "none"); "${part}" is not one`,
      );
    return r.value;
  });
}

function whoAmI(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

const thisYear = () => Number(chinaToday().slice(0, 4));

interface ReportOptions {
  area?: string;
  year?: number;
  through?: string;
  xlsx?: string;
  json?: boolean;
}

async function runReport(opts: ReportOptions): Promise<void> {
  const year = opts.year ?? (opts.through ? Number(opts.through.slice(0, 4)) : thisYear());
  const input = {
    year,
    ...(opts.area ? { areaCode: opts.area } : {}),
    ...(opts.through ? { through: opts.through } : {}),
  };
  const report = await naming(() => withDatabase((db) => fundReport(db, input)));
  if (opts.xlsx) {
    await writeReportXlsx(report, opts.xlsx);
    process.stderr.write(`fund report written to ${opts.xlsx}\n`);
  }
  process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
}

function stampText(b: { version: number; setBy: string; setAt: string; note: string | null }): string {
  return `version ${b.version}, set by ${b.setBy} at ${b.setAt}${b.note ? ` (${b.note})` : ''}`;
}

function areaBudgetText(b: AreaBudgetRow & { changed: boolean; replay: boolean }): string {
  const what = `budget ${b.book} ${b.areaCode} ${b.year}: income ${yuanText(b.incomeFen)}, expenditure ${yuanText(b.expenditureFen)}`;
  const how = b.replay
    ? 'already done under this key'
    : b.changed
      ? 'set'
      : 'unchanged (the current version holds these figures)';
  return `${what}; ${how}: ${stampText(b)}\n`;
}

function institutionBudgetText(b: InstitutionBudgetRow & { changed: boolean; replay: boolean }): string {
  const shares = b.warnSharesBp.map((s) => shareText(s)).join(' / ') || 'none';
  const what = `total budget ${b.institutionCode} ${b.book} ${b.year}: ${yuanText(b.amountFen)}, warnings at ${shares}`;
  const how = b.replay
    ? 'already done under this key'
    : b.changed
      ? 'set'
      : 'unchanged (the current version holds these figures)';
  return `${what}; ${how}: ${stampText(b)}\n`;
}

function addReportCommand(fund: Command): void {
  fund
    .command('report')
    .description(
      'budgets, monthly execution, months of expenditure covered with their band, deficit and ' +
        'institution-budget warnings, per book and area (the area and the areas under it)',
    )
    .option('--area <code>', 'a pooling area; the report covers it and every area under it (default: all)')
    .option('--year <year>', 'the budget year (default: this year, China time)', yearOption)
    .option(
      '--through <YYYY-MM>',
      'the last month reported (default: December, or this month this year)',
      monthOption,
    )
    .option('--xlsx <file>', 'also write the report as an Excel workbook')
    .option('--json', 'print the report as JSON instead of tables')
    .action((opts: ReportOptions) => runReport(opts));
}

/** The options every budget write takes: who, why, and the idempotency key. */
function withStamp(c: Command): Command {
  return c
    .option('--by <name>', 'who sets it (default: the login name)')
    .option('--note <text>', 'why, kept with the version')
    .option('--key <key>', 'idempotency key: a retry with the same key changes nothing (default: a new key)');
}

interface SetOptions extends Stamp {
  book: string;
  area: string;
  year: number;
  income: number;
  expenditure: number;
}

function addSetCommand(budget: Command): void {
  withStamp(
    budget
      .command('set')
      .description("set a book's annual budget in an area (income and expenditure, yuan)")
      .requiredOption('--book <book>', 'employee-pool, resident-pool, critical-illness, maternity, …')
      .requiredOption('--area <code>', 'the pooling area (its own accounts; a city code is 市本级)')
      .requiredOption('--year <year>', 'the budget year', yearOption)
      .requiredOption(
        '--income <yuan>',
        'the income budget, yuan (two decimals at most)',
        yuanOption('--income'),
      )
      .requiredOption('--expenditure <yuan>', 'the expenditure budget, yuan', yuanOption('--expenditure')),
  ).action(async (o: SetOptions) => {
    const figures = {
      book: o.book,
      areaCode: o.area,
      year: o.year,
      incomeFen: o.income,
      expenditureFen: o.expenditure,
    };
    const r = await naming(() => withDatabase((db) => setAreaBudget(db, { ...stamp(o), ...figures })));
    process.stdout.write(areaBudgetText(r));
  });
}

interface InstitutionOptions extends Stamp {
  institution: string;
  book: string;
  year: number;
  amount: number;
  warn?: number[];
}

function addInstitutionCommand(budget: Command): void {
  withStamp(
    budget
      .command('institution')
      .description("set a designated institution's total budget (总额预算) for a year, with warning shares")
      .requiredOption('--institution <code>', 'the institution code')
      .requiredOption('--book <book>', 'the fund book that pays it, e.g. employee-pool')
      .requiredOption('--year <year>', 'the budget year', yearOption)
      .requiredOption('--amount <yuan>', 'the total budget, yuan', yuanOption('--amount'))
      .option(
        '--warn <shares>',
        'warn at these shares of it used, e.g. 80,90,100 ("none"; default: keep)',
        warnOption,
      ),
  ).action(async (o: InstitutionOptions) => {
    const input = {
      ...stamp(o),
      ...{ institutionCode: o.institution, book: o.book, year: o.year, amountFen: o.amount },
      ...(o.warn ? { warnSharesBp: o.warn } : {}),
    };
    const r = await naming(() => withDatabase((db) => setInstitutionBudget(db, input)));
    process.stdout.write(institutionBudgetText(r));
  });
}

function addBudgetCommands(fund: Command): void {
  const budget = fund
    .command('budget')
    .description('set budgets (each change a new version: who, when, why)');
  addSetCommand(budget);
  addInstitutionCommand(budget);
  addHistoryCommand(budget);
}

interface Stamp {
  by?: string;
  note?: string;
  key?: string;
}

function stamp(o: Stamp): { key: string; setBy: string; note?: string } {
  return {
    key: o.key ?? `cli:${randomUUID()}`,
    setBy: o.by ?? whoAmI(),
    ...(o.note ? { note: o.note } : {}),
  };
}

interface HistoryOptions {
  book: string;
  year: number;
  area?: string;
  institution?: string;
}

/** The versions of one budget as table rows (header first). */
async function historyRows(db: Database, o: HistoryOptions): Promise<string[][]> {
  const stampCells = (b: { setBy: string; setAt: string; note: string | null }) => [
    b.setBy,
    b.setAt,
    b.note ?? '',
  ];
  if (o.area !== undefined) {
    const rows = await areaBudgetHistory(db, { book: o.book, areaCode: o.area, year: o.year });
    return [
      ['version', 'income', 'expenditure', 'set by', 'set at', 'note'],
      ...rows.map((b) => [
        String(b.version),
        yuanText(b.incomeFen),
        yuanText(b.expenditureFen),
        ...stampCells(b),
      ]),
    ];
  }
  const rows = await institutionBudgetHistory(db, {
    book: o.book,
    institutionCode: o.institution!,
    year: o.year,
  });
  return [
    ['version', 'total budget', 'warn at', 'set by', 'set at', 'note'],
    ...rows.map((b) => [
      String(b.version),
      yuanText(b.amountFen),
      b.warnSharesBp.map((x) => shareText(x)).join(' / ') || 'none',
      ...stampCells(b),
    ]),
  ];
}

function addHistoryCommand(budget: Command): void {
  budget
    .command('history')
    .description("every version of an area's or an institution's budget, oldest first")
    .requiredOption('--book <book>', 'the fund book')
    .requiredOption('--year <year>', 'the budget year', yearOption)
    .option('--area <code>', 'an area budget')
    .option('--institution <code>', 'an institution budget')
    .action(async (o: HistoryOptions) => {
      if ((o.area === undefined) === (o.institution === undefined))
        throw new UsageError('give either --area or --institution');
      const [header, ...rows] = await naming(() => withDatabase((db) => historyRows(db, o)));
      process.stdout.write(
        rows.length === 0 ? 'no budget set\n' : `${table(header!, rows, '').join('\n')}\n`,
      );
    });
}

/** `tongchou fund …`: the fund report and budgets. */
export function addFundCommand(program: Command): void {
  const fund = program.command('fund').description('fund management: budgets, execution, risk warnings');
  addReportCommand(fund);
  addBudgetCommands(fund);
}
