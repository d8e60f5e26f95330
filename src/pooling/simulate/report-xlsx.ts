import type ExcelJS from 'exceljs';
import type { GroupRow } from '../../domain/simulation/summary.js';
import type { SimulationSummary } from './summary-file.js';

/** report.xlsx: the tables of summary.json, one sheet each, for people who work in Excel. */

const YUAN = '#,##0.00';
const PERCENT = '0.00"%"';

/** The sheets of the report and their first row (the tests read them by these names). */
export const SHEETS = {
  summary: 'Summary',
  funds: 'Funds',
  area: 'By area',
  level: 'By level',
  personType: 'By person type',
  band: 'By bill size',
  refused: 'Refused',
} as const;

const GROUP_COLUMNS: { header: string; key: string; width: number; numFmt?: string }[] = [
  { header: 'key', key: 'key', width: 12 },
  { header: 'group', key: 'label', width: 26 },
  { header: 'claims', key: 'claims', width: 10 },
  { header: 'persons', key: 'persons', width: 10 },
  { header: 'gainers', key: 'gainers', width: 10 },
  { header: 'losers', key: 'losers', width: 10 },
  { header: 'unchanged (±1 yuan)', key: 'unchanged', width: 12 },
  { header: 'burden, baseline (yuan)', key: 'baselineBurden', width: 18, numFmt: YUAN },
  { header: 'burden, reform (yuan)', key: 'reformBurden', width: 18, numFmt: YUAN },
  { header: 'total change (yuan)', key: 'totalChange', width: 18, numFmt: YUAN },
  { header: 'average change (yuan)', key: 'averageChange', width: 16, numFmt: YUAN },
  { header: 'income proxy known', key: 'incomeKnown', width: 12 },
  { header: 'over threshold, baseline', key: 'overBaseline', width: 14 },
  { header: 'over threshold, reform', key: 'overReform', width: 14 },
  { header: 'share over, baseline (%)', key: 'shareBaseline', width: 14, numFmt: PERCENT },
  { header: 'share over, reform (%)', key: 'shareReform', width: 14, numFmt: PERCENT },
];

function groupValues(r: GroupRow): Record<string, string | number | null> {
  const pct = (bp: number | null) => (bp === null ? null : bp / 100);
  return {
    key: r.key,
    label: r.label,
    claims: r.claims,
    persons: r.persons,
    gainers: r.gainers,
    losers: r.losers,
    unchanged: r.unchanged,
    baselineBurden: r.baselineBurden,
    reformBurden: r.reformBurden,
    totalChange: r.totalChange,
    averageChange: r.averageChange,
    incomeKnown: r.overThreshold.incomeKnown,
    overBaseline: r.overThreshold.baseline,
    overReform: r.overThreshold.reform,
    shareBaseline: pct(r.overThreshold.baselineShareBp),
    shareReform: pct(r.overThreshold.reformShareBp),
  };
}

function groupSheet(book: ExcelJS.Workbook, name: string, rows: GroupRow[], overall: GroupRow): void {
  const sheet = book.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = GROUP_COLUMNS.map((c) => ({
    header: c.header,
    key: c.key,
    width: c.width,
    style: c.numFmt ? { numFmt: c.numFmt } : {},
  }));
  sheet.getRow(1).font = { bold: true };
  for (const r of rows) sheet.addRow(groupValues(r));
  const total = sheet.addRow(groupValues(overall));
  total.font = { italic: true };
}

function summarySheet(book: ExcelJS.Workbook, s: SimulationSummary): void {
  const sheet = book.addWorksheet(SHEETS.summary);
  sheet.columns = [
    { header: 'item', key: 'item', width: 40 },
    { header: 'value', key: 'value', width: 60 },
  ];
  sheet.getRow(1).font = { bold: true };
  const rows: [string, string | number][] = [
    ['claims source', `${s.input.source}${s.input.file ? `: ${s.input.file}` : ''}`],
    ['claims', s.input.claims],
    ['persons', s.input.persons],
    ['person-years', s.input.personYears],
    ['input lines refused (not claims)', s.input.rejectedAtInput],
    ['claims compared (settled under both sides)', s.comparedClaims],
    [
      'baseline',
      s.baseline.packs
        .map((p) => `${p.label} (${p.areas === 'all' ? 'all areas' : p.areas.join(', ')})`)
        .join('; '),
    ],
    ['reform', s.reform.label],
    ['total bill of compared claims (yuan)', s.medfee],
    ['person burden, baseline (yuan)', s.personBurden.baseline],
    ['person burden, reform (yuan)', s.personBurden.reform],
    ['person burden, change (yuan)', s.personBurden.change],
    ['gainers / unchanged / losers', `${s.overall.gainers} / ${s.overall.unchanged} / ${s.overall.losers}`],
    ['burden threshold (% of income proxy)', s.parameters.burdenThresholdBp / 100],
    ['over threshold', s.overThreshold.note],
  ];
  for (const [item, value] of rows) sheet.addRow({ item, value });
}

function fundsSheet(book: ExcelJS.Workbook, s: SimulationSummary): void {
  const sheet = book.addWorksheet(SHEETS.funds);
  sheet.columns = [
    { header: 'fund', key: 'fund', width: 10 },
    { header: 'name', key: 'name', width: 44 },
    { header: 'baseline (yuan)', key: 'baseline', width: 18, style: { numFmt: YUAN } },
    { header: 'reform (yuan)', key: 'reform', width: 18, style: { numFmt: YUAN } },
    { header: 'change (yuan)', key: 'change', width: 18, style: { numFmt: YUAN } },
  ];
  sheet.getRow(1).font = { bold: true };
  for (const f of s.funds) sheet.addRow(f);
  sheet.addRow({ fund: 'person', name: 'person burden (psn_part_amt)', ...s.personBurden });
}

function refusedSheet(book: ExcelJS.Workbook, s: SimulationSummary): void {
  const sheet = book.addWorksheet(SHEETS.refused);
  sheet.columns = [
    { header: 'side', key: 'side', width: 10 },
    { header: 'code', key: 'code', width: 16 },
    { header: 'claims', key: 'claims', width: 10 },
    { header: 'paths', key: 'paths', width: 50 },
    { header: 'example', key: 'example', width: 60 },
    { header: 'first claim ids', key: 'ids', width: 60 },
  ];
  sheet.getRow(1).font = { bold: true };
  for (const side of ['input', 'baseline', 'reform'] as const) {
    for (const [code, e] of Object.entries(s.refused[side])) {
      const paths = Object.entries(e.byPath)
        .map(([p, n]) => `${p || '(claim)'}: ${n}`)
        .join('; ');
      sheet.addRow({ side, code, claims: e.claims, paths, example: e.example, ids: e.claimIds.join(', ') });
    }
  }
}

/** Write report.xlsx. */
export async function writeWorkbook(file: string, s: SimulationSummary): Promise<void> {
  // exceljs is large: loaded only when a report is written.
  const { default: Excel } = await import('exceljs');
  const book = new Excel.Workbook();
  book.creator = 'tongchou simulate';
  summarySheet(book, s);
  fundsSheet(book, s);
  groupSheet(book, SHEETS.area, s.byArea, s.overall);
  groupSheet(book, SHEETS.level, s.byLevel, s.overall);
  groupSheet(book, SHEETS.personType, s.byPersonType, s.overall);
  groupSheet(book, SHEETS.band, s.byBand, s.overall);
  refusedSheet(book, s);
  await book.xlsx.writeFile(file);
}
