import { formatYuan, type Fen } from '../../domain/money/money.js';

/** How the report writes its numbers: exact text from integers, never a float's digits. */

/** Yuan with two decimals and thousands separators, e.g. 123456789 → "1,234,567.89". */
export function yuanText(fen: Fen): string {
  const [whole, cents] = formatYuan(fen).split('.');
  return `${whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents!}`;
}

/** Basis points as a percentage with two decimals, e.g. 4167 → "41.67%"; null → "—". */
export function shareText(bp: number | null): string {
  return bp === null ? '—' : `${hundredthsText(bp)}%`;
}

/** Hundredths of a month as months with two decimals, e.g. 437 → "4.37"; null → "—". */
export function monthsText(hundredths: number | null): string {
  return hundredths === null ? '—' : hundredthsText(hundredths);
}

function hundredthsText(n: number): string {
  const abs = Math.abs(n);
  return `${n < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Columns on a terminal: CJK characters take two. */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += ch.codePointAt(0)! >= 0x2e80 ? 2 : 1;
  return w;
}

export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

export function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - displayWidth(text))) + text;
}

/** A table: the first column left-aligned, the others right-aligned, two spaces apart. */
export function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  indent = '  ',
): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => displayWidth(r[c] ?? ''))));
  return all.map(
    (r) =>
      indent +
      r
        .map((cell, c) => (c === 0 ? padEnd(cell, widths[c]!) : padStart(cell, widths[c]!)))
        .join('  ')
        .trimEnd(),
  );
}
