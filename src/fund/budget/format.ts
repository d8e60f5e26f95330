import { BAND_LABELS } from '../../domain/budget/bands.js';
import type { BookReport, FundLine, FundReport, InstitutionLine } from './assemble.js';
import { monthsText, shareText, table, yuanText } from './text.js';

/** The fund report as readable tables (yuan with two decimals; shares and months half up to 0.01). */

function lineLabel(l: FundLine): string {
  return l.area === null ? 'total' : `${l.area} ${l.name}`;
}

function bandText(l: FundLine): string {
  const m = l.monthsCovered;
  return m ? `${m.band} ${BAND_LABELS[m.band]}` : '—';
}

function summaryRows(b: BookReport): string[][] {
  return [...b.lines, b.total].map((l) => {
    const e = l.execution;
    return [
      lineLabel(l),
      l.budget ? yuanText(l.budget.income) : '—',
      yuanText(e.ytdIncome),
      shareText(e.incomeShareBp),
      l.budget ? yuanText(l.budget.expenditure) : '—',
      yuanText(e.ytdExpenditure),
      shareText(e.expenditureShareBp),
      yuanText(l.balance.net),
      monthsText(l.monthsCovered?.hundredths ?? null),
      bandText(l),
      e.deficit.warning ? `deficit ${yuanText(e.deficit.amount)}` : '',
    ];
  });
}

const SUMMARY = [
  'area',
  'income budget',
  'income YTD',
  'exec %',
  'expend. budget',
  'expend. YTD',
  'exec %',
  'balance',
  'months',
  'band',
  'warning',
];

function monthlyRows(b: BookReport): string[][] {
  return [...b.lines, b.total].flatMap((l) =>
    l.execution.months.map((m, i) => [
      i === 0 ? lineLabel(l) : '',
      m.month,
      yuanText(m.income),
      yuanText(m.expenditure),
      yuanText(m.ytdIncome),
      shareText(m.incomeShareBp),
      yuanText(m.ytdExpenditure),
      shareText(m.expenditureShareBp),
    ]),
  );
}

const MONTHLY = ['area', 'month', 'income', 'expenditure', 'income YTD', 'exec %', 'expend. YTD', 'exec %'];

function bookLines(b: BookReport, r: FundReport): string[] {
  const bandRefs = [...new Set([...b.lines, b.total].map((l) => l.bands.ref))];
  const notes = [
    `  balance = fund + clearing − payable at the end of ${r.through}; months = balance ÷ average monthly ` +
      'expenditure over the last 12 months (from the first month with expenditure, if later)',
    ...bandRefs.map((ref) => `  bands: ${ref}`),
  ];
  const missing = b.total.missingBudgets;
  if (missing.length > 0) notes.push(`  the total has no budget: no budget is set for ${missing.join(', ')}`);
  return [
    `${b.name} (${b.book})`,
    ...table(SUMMARY, summaryRows(b)),
    ...notes,
    '',
    `  monthly execution, ${r.year}`,
    ...table(MONTHLY, monthlyRows(b), '  '),
    '',
  ];
}

function institutionRows(list: readonly InstitutionLine[]): string[][] {
  return list.map((i) => [
    `${i.institution} ${i.name}`,
    i.budget.book,
    yuanText(i.budget.amountFen),
    i.budget.warnSharesBp.map((s) => shareText(s)).join(' / ') || 'none',
    yuanText(i.use.ytdUse),
    shareText(i.use.useShareBp),
    yuanText(i.use.remaining),
    i.use.warning === null ? '' : `reached ${shareText(i.use.warning)}`,
  ]);
}

const INSTITUTIONS = [
  'institution',
  'book',
  'total budget',
  'warn at',
  'used YTD',
  'used %',
  'remaining',
  'warning',
];

/** The whole report as text for a terminal. */
export function formatReport(r: FundReport): string {
  const scope = r.area ? `area ${r.area.code} ${r.area.name} and the areas under it` : 'every area';
  const lines = [`Fund report ${r.year}, January to ${r.through}: ${scope}`, ''];
  if (r.books.length === 0) lines.push('No fund book has accounts or budgets in these areas.', '');
  for (const b of r.books) lines.push(...bookLines(b, r));
  lines.push(`Institution total budgets (总额预算), ${r.year}`);
  if (r.institutions.length === 0) lines.push('  none set for these areas', '');
  else lines.push(...table(INSTITUTIONS, institutionRows(r.institutions)), '');
  lines.push(`Warnings: ${r.warnings.length === 0 ? 'none' : r.warnings.length}`);
  for (const w of r.warnings) lines.push(`  [${w.kind}] ${w.book} ${w.where}: ${w.message}`);
  return `${lines.join('\n')}\n`;
}
