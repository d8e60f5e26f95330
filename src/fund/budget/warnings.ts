import { BAND_LABELS } from '../../domain/budget/bands.js';
import type { FundLine, FundReport, ReportWarning } from './assemble.js';
import { monthsText, shareText, yuanText } from './text.js';

/**
 * The warnings a report raises:
 *  - months covered outside the sound band, both ways: too little (severe, low) is a risk to paying
 *    benefits; too much (high, excessive) is money collected and not spent (结余过多), against
 *    以收定支、收支平衡、略有结余;
 *  - a current-year deficit: expenditure above income, year to date;
 *  - an institution's total budget used up to a share its owner configured.
 */

function lineWarnings(book: string, line: FundLine, through: string): ReportWarning[] {
  const where = line.area ?? 'total';
  const out: ReportWarning[] = [];
  const m = line.monthsCovered;
  if (m && m.band !== 'sound') {
    out.push({
      kind: 'months-covered',
      book,
      where,
      message:
        `the balance ${yuanText(m.balance)} covers ${monthsText(m.hundredths)} months of expenditure ` +
        `(average ${yuanText(m.averageMonthlyExpenditure)} a month over ${m.from}..${m.to}): ` +
        `${m.band} (${BAND_LABELS[m.band]}); bands: ${line.bands.origin === 'pack' ? line.bands.ref : 'issue 5 defaults'}`,
    });
  }
  const e = line.execution;
  if (e.deficit.warning) {
    out.push({
      kind: 'deficit',
      book,
      where,
      message:
        `current-year deficit to ${through}: expenditure ${yuanText(e.ytdExpenditure)} exceeds ` +
        `income ${yuanText(e.ytdIncome)} by ${yuanText(e.deficit.amount)}`,
    });
  }
  return out;
}

/** Every warning of a report, book by book, then the institutions. */
export function reportWarnings(r: FundReport): ReportWarning[] {
  const out: ReportWarning[] = [];
  for (const b of r.books) {
    for (const line of [...b.lines, b.total]) out.push(...lineWarnings(b.book, line, r.through));
  }
  for (const i of r.institutions) {
    const u = i.use;
    if (u.warning === null) continue;
    out.push({
      kind: 'institution-budget',
      book: i.budget.book,
      where: i.institution,
      message:
        `${i.name} has used ${yuanText(u.ytdUse)} of its total budget ${yuanText(u.budget)} ` +
        `(${shareText(u.useShareBp)}), reaching the ${shareText(u.warning)} warning`,
    });
  }
  return out;
}
