import type ExcelJS from 'exceljs';
import { BAND_LABELS } from '../../domain/budget/bands.js';
import { fenToYuan } from '../../domain/money/money.js';
import type { FundLine, FundReport } from './assemble.js';

/**
 * The fund report as an Excel workbook: the same figures as the text, one sheet each for the summary
 * per book and area, the monthly execution, the institutions' total budgets and the warnings. Amounts
 * are yuan (the nearest double to fen/100, exact to the fen), shares fractions shown as percentages,
 * months numbers with two decimals (half up).
 */

const YUAN = '#,##0.00';
const SHARE = '0.00%';
const MONTHS = '0.00';

type Cell = string | number | null;
interface Column {
  header: string;
  width?: number;
  format?: string;
}

function sheet(wb: ExcelJS.Workbook, name: string, columns: Column[], rows: Cell[][]): void {
  const ws = wb.addWorksheet(name);
  ws.columns = columns.map((c) => ({
    header: c.header,
    width: c.width ?? 14,
    style: c.format ? { numFmt: c.format } : {},
  }));
  ws.getRow(1).font = { bold: true };
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  for (const r of rows) ws.addRow(r);
}

const yuan = (fen: number | null | undefined): Cell =>
  fen === null || fen === undefined ? null : fenToYuan(fen);
const share = (bp: number | null): Cell => (bp === null ? null : bp / 10_000);

function summaryRow(book: string, l: FundLine): Cell[] {
  const e = l.execution;
  const m = l.monthsCovered;
  return [
    book,
    l.area ?? 'total',
    l.name,
    yuan(l.budget?.income),
    yuan(e.ytdIncome),
    share(e.incomeShareBp),
    yuan(l.budget?.expenditure),
    yuan(e.ytdExpenditure),
    share(e.expenditureShareBp),
    share(e.elapsedShareBp),
    yuan(l.balance.fund),
    yuan(l.balance.payable),
    yuan(l.balance.net),
    m ? `${m.from}..${m.to}` : null,
    yuan(m?.averageMonthlyExpenditure),
    m ? m.hundredths / 100 : null,
    m ? `${m.band} ${BAND_LABELS[m.band]}` : null,
    l.bands.ref,
    e.deficit.warning ? 'deficit' : null,
    yuan(e.deficit.amount),
  ];
}

const SUMMARY: Column[] = [
  { header: 'book', width: 16 },
  { header: 'area', width: 8 },
  { header: 'name', width: 16 },
  { header: 'income budget', format: YUAN, width: 18 },
  { header: 'income YTD', format: YUAN, width: 18 },
  { header: 'income exec', format: SHARE },
  { header: 'expenditure budget', format: YUAN, width: 18 },
  { header: 'expenditure YTD', format: YUAN, width: 18 },
  { header: 'expenditure exec', format: SHARE },
  { header: 'year elapsed', format: SHARE },
  { header: 'fund', format: YUAN, width: 18 },
  { header: 'payable', format: YUAN, width: 18 },
  { header: 'balance', format: YUAN, width: 18 },
  { header: 'months averaged', width: 18 },
  { header: 'average monthly expenditure', format: YUAN, width: 18 },
  { header: 'months covered', format: MONTHS },
  { header: 'band' },
  { header: 'bands source', width: 40 },
  { header: 'deficit warning' },
  { header: 'deficit', format: YUAN, width: 18 },
];

const MONTHLY: Column[] = [
  { header: 'book', width: 16 },
  { header: 'area', width: 8 },
  { header: 'name', width: 16 },
  { header: 'month', width: 10 },
  { header: 'income', format: YUAN, width: 18 },
  { header: 'expenditure', format: YUAN, width: 18 },
  { header: 'income YTD', format: YUAN, width: 18 },
  { header: 'income exec', format: SHARE },
  { header: 'expenditure YTD', format: YUAN, width: 18 },
  { header: 'expenditure exec', format: SHARE },
];

function institutionSheet(wb: ExcelJS.Workbook, r: FundReport): void {
  const months = r.institutions[0]?.use.months.map((m) => m.month) ?? [];
  const columns: Column[] = [
    { header: 'institution', width: 18 },
    { header: 'name', width: 24 },
    { header: 'area', width: 8 },
    { header: 'book', width: 16 },
    { header: 'total budget', format: YUAN, width: 18 },
    { header: 'version' },
    { header: 'set by' },
    { header: 'set at', width: 26 },
    { header: 'warn at', width: 20 },
    { header: 'used YTD', format: YUAN, width: 18 },
    { header: 'used', format: SHARE },
    { header: 'remaining', format: YUAN, width: 18 },
    { header: 'warning reached', format: SHARE },
    ...months.map((m) => ({ header: m, format: YUAN, width: 16 })),
  ];
  const rows = r.institutions.map((i): Cell[] => [
    i.institution,
    i.name,
    i.areaCode,
    i.budget.book,
    yuan(i.budget.amountFen),
    i.budget.version,
    i.budget.setBy,
    i.budget.setAt,
    i.budget.warnSharesBp.map((s) => `${s / 100}%`).join(' / ') || 'none',
    yuan(i.use.ytdUse),
    share(i.use.useShareBp),
    yuan(i.use.remaining),
    share(i.use.warning),
    ...i.use.months.map((m) => yuan(m.use)),
  ]);
  sheet(wb, 'Institutions', columns, rows);
}

/** Write the report to an .xlsx file. */
export async function writeReportXlsx(r: FundReport, file: string): Promise<void> {
  // exceljs is large: loaded only when a workbook is written.
  const { default: Excel } = await import('exceljs');
  const wb = new Excel.Workbook();
  wb.creator = 'tongchou';
  const lines = r.books.flatMap((b) => [...b.lines, b.total].map((l) => ({ book: b.book, l })));
  sheet(
    wb,
    'Summary',
    SUMMARY,
    lines.map(({ book, l }) => summaryRow(book, l)),
  );
  const monthly = lines.flatMap(({ book, l }) =>
    l.execution.months.map((m): Cell[] => [
      ...[book, l.area ?? 'total', l.name, m.month, yuan(m.income), yuan(m.expenditure)],
      ...[yuan(m.ytdIncome), share(m.incomeShareBp), yuan(m.ytdExpenditure), share(m.expenditureShareBp)],
    ]),
  );
  sheet(wb, 'Monthly', MONTHLY, monthly);
  institutionSheet(wb, r);
  sheet(
    wb,
    'Warnings',
    [
      { header: 'kind', width: 18 },
      { header: 'book', width: 16 },
      { header: 'where', width: 18 },
      { header: 'message', width: 100 },
    ],
    r.warnings.map((w) => [w.kind, w.book, w.where, w.message]),
  );
  const scope = r.area ? `${r.area.code} ${r.area.name} and the areas under it` : 'every area';
  sheet(
    wb,
    'About',
    [
      { header: 'item', width: 16 },
      { header: 'value', width: 100 },
    ],
    [
      ['year', r.year],
      ['through', r.through],
      ['areas', scope],
      ['balance', 'fund + clearing − payable at the end of the month reported (累计结余)'],
      [
        'months covered',
        'balance ÷ average monthly expenditure over the last 12 months (from the first month with expenditure, if later)',
      ],
    ],
  );
  await wb.xlsx.writeFile(file);
}
