import type { FujianCity, FujianResult, ShanxiCity, ShanxiResult } from '../../domain/adjustment/index.js';
import type { Fen } from '../../domain/money/money.js';
import { formatRate } from '../../domain/money/rate.js';
import type { AdjustmentReport } from './service.js';

/** The adjustment report as a readable table for a terminal: one row per city, amounts in yuan. */

/** Yuan with thousands separators and two decimals, e.g. 1234567 → "12,345.67". */
export function yuan(fen: Fen): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const whole = Math.floor(abs / 100).toLocaleString('en');
  return `${sign}${whole}.${String(abs % 100).padStart(2, '0')}`;
}

/** Columns right-aligned (the first two left-aligned), separated by two spaces. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < 2 ? c + ' '.repeat(widths[i]! - width(c)) : ' '.repeat(widths[i]! - width(c)) + c))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** Display width: CJK characters take two columns. */
function width(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1;
  return w;
}

/** A column: its title, its cell for a city and its cell in the total row. */
type Column<C> = [title: string, cell: (c: C) => string, total: string];

function columnTable<C extends { area: string }>(
  cols: Column<C>[],
  cities: C[],
  names: Record<string, string>,
) {
  const header = ['city', 'name', ...cols.map(([title]) => title)];
  const rows = cities.map((c) => [c.area, names[c.area] ?? '', ...cols.map(([, cell]) => cell(c))]);
  rows.push(['total', '', ...cols.map(([, , total]) => total)]);
  return table(header, rows);
}

const sumOf = <C>(cities: C[], get: (c: C) => Fen) => yuan(cities.reduce((s, c) => s + get(c), 0));

function netText(c: FujianCity): string {
  if (c.position === 'contributor') return `-${yuan(c.netPayment)}`;
  return c.position === 'recipient' ? `+${yuan(c.netReceipt)}` : '0.00';
}

function fujianTable(r: FujianResult, names: Record<string, string>): string {
  const t = r.totals;
  const cols: Column<FujianCity>[] = [
    ['income', (c) => yuan(c.fundIncome), sumOf(r.cities, (c) => c.fundIncome)],
    ['paid in', (c) => yuan(c.paidIn), yuan(t.paidIn)],
    ['weight', (c) => c.weightDecimal, '1'],
    ['allocation', (c) => yuan(c.allocation), yuan(t.allocation)],
    ['net', netText, ''],
    ['returned', (c) => yuan(c.returned), yuan(t.returned)],
    ['kept', (c) => yuan(c.kept), yuan(t.kept)],
    ['held back', (c) => yuan(c.heldBack), yuan(t.heldBack)],
    ['redistributed', (c) => yuan(c.redistributed), yuan(t.redistributed)],
    ['received', (c) => yuan(c.received), yuan(t.received)],
  ];
  const risk = r.riskFund;
  const lines = [
    columnTable(cols, r.cities, names),
    '',
    `net: − net contributor (净上缴), + net recipient (净拨付), before returns, keep and hold-back`,
    `paid in ${yuan(t.paidIn)} = allocation paid ${yuan(t.allocationPaid)} + kept ${yuan(t.kept)} + held back ${yuan(t.heldBack)}; held back ${yuan(t.heldBack)} = redistributed ${yuan(t.redistributed)}`,
    `risk fund: opening ${yuan(risk.opening)} + kept ${yuan(risk.kept)} − returned ${yuan(risk.returned)} = closing ${yuan(risk.closing)}`,
  ];
  if (risk.shortfall > 0)
    lines.push(
      `SHORTFALL: returns due ${yuan(t.returnDue)}, the risk fund paid ${yuan(risk.returned)}; ${yuan(risk.shortfall)} is not paid`,
    );
  return lines.join('\n');
}

function shanxiTable(r: ShanxiResult, names: Record<string, string>): string {
  const t = r.totals;
  const cols: Column<ShanxiCity>[] = [
    ['income', (c) => yuan(c.fundIncome), sumOf(r.cities, (c) => c.fundIncome)],
    ['expenditure', (c) => yuan(c.expenditure), sumOf(r.cities, (c) => c.expenditure)],
    ['paid in', (c) => yuan(c.paidIn), yuan(t.paidIn)],
    ['deficit', (c) => yuan(c.deficit), yuan(t.deficit)],
    ['cover due', (c) => yuan(c.coverDue), yuan(t.coverDue)],
    ['covered', (c) => yuan(c.covered), yuan(t.covered)],
    ['from balance', (c) => yuan(c.fromBalance), yuan(t.fromBalance)],
    ['shortfall', (c) => yuan(c.shortfall), yuan(t.shortfall)],
  ];
  const f = r.fund;
  const lines = [
    columnTable(cols, r.cities, names),
    '',
    `adjustment fund: opening ${yuan(f.opening)} + paid in ${yuan(f.paidIn)} − covered ${yuan(f.covered)} = closing ${yuan(f.closing)}`,
  ];
  if (t.coverShortfall > 0)
    lines.push(
      `the fund was short: ${yuan(t.coverDue)} due, ${yuan(t.covered)} paid pro rata by largest remainder`,
    );
  if (t.shortfall > 0)
    lines.push(
      `SHORTFALL: ${yuan(t.shortfall)} of the deficits is covered neither by the fund nor by the cities' balances`,
    );
  return lines.join('\n');
}

function parameters(r: AdjustmentReport): string {
  const rates: [string, { value: number; path: string }][] =
    r.style === 'fujian'
      ? [
          ['pay-in', r.params.payInShare],
          ['net-payment cap', r.params.netPaymentCap],
          ['net-receipt cap', r.params.netReceiptCap],
          ['hold-back', r.params.holdBack],
        ]
      : [
          ['pay-in', r.params.payInShare],
          ['deficit cover', r.params.deficitCover],
        ];
  const parts = rates.map(([name, p]) => `${name} ${formatRate(p.value)}`);
  if (r.style === 'fujian') {
    parts.push(
      `weights ${r.params.factors.value.map((f) => `${formatRate(f.weight)} ${f.factor}`).join(' + ')}`,
    );
    parts.push(`redistribution among ${r.params.redistributionAmong.value}`);
  }
  return parts.join('; ');
}

function heading(r: AdjustmentReport): string {
  const what = r.style === 'fujian' ? 'Fujian-style' : 'Shanxi-style';
  const status =
    r.status === 'computed'
      ? `dry run, nothing posted${r.posted ? ` (the year is already posted, from ${r.posted})` : ''}`
      : r.journalId === null
        ? `${r.status}: every figure is 0, no journal`
        : `${r.status} as journal ${r.journalId} on ${r.date}`;
  return [
    `${what} adjustment fund ${r.year}: ${r.province.code} ${r.province.name}, scheme ${r.scheme} — ${status}`,
    `pack ${r.pack}: ${parameters(r)}`,
    `amounts in yuan; every figure with its rule, parameter and inputs: --json (trace)`,
    '',
  ].join('\n');
}

/** The whole report as text. */
export function formatAdjustment(r: AdjustmentReport): string {
  const body = r.style === 'fujian' ? fujianTable(r.result, r.cityNames) : shanxiTable(r.result, r.cityNames);
  return `${heading(r)}${body}\n`;
}
