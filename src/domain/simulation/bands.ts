import { formatYuan, parseYuan, type Fen } from '../money/money.js';

/**
 * Bill-size bands: a claim falls in a band by its total bill (medfee_sumamt). The bands are given
 * by their upper bounds in ascending order; a band holds the bills from the previous bound
 * (included) to its own (excluded), and the last band everything from the last bound up.
 */
export type BandBounds = readonly Fen[];

/**
 * The default bounds, in yuan: 200 (a small outpatient visit), 1,000, 5,000, 20,000 (an ordinary
 * admission), 50,000, 100,000 (a catastrophic bill). No source sets these; they are a reading aid
 * and `--bands` replaces them.
 */
export const DEFAULT_BAND_BOUNDS: BandBounds = [200_00, 1_000_00, 5_000_00, 20_000_00, 50_000_00, 100_000_00];

/** The band of a bill: the index of the first bound above it, or the number of bounds. */
export function bandOf(bounds: BandBounds, bill: Fen): number {
  for (let i = 0; i < bounds.length; i++) if (bill < bounds[i]!) return i;
  return bounds.length;
}

/** How many bands the bounds make. */
export function bandCount(bounds: BandBounds): number {
  return bounds.length + 1;
}

function yuanLabel(fen: Fen): string {
  const text = formatYuan(fen);
  const [whole = '', cents = '00'] = text.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return cents === '00' ? grouped : `${grouped}.${cents}`;
}

/** A band's label in yuan, e.g. "< 200", "200 – 1,000", "≥ 100,000". */
export function bandLabel(bounds: BandBounds, band: number): string {
  if (bounds.length === 0) return 'all';
  if (band === 0) return `< ${yuanLabel(bounds[0]!)}`;
  if (band >= bounds.length) return `≥ ${yuanLabel(bounds[bounds.length - 1]!)}`;
  return `${yuanLabel(bounds[band - 1]!)} – ${yuanLabel(bounds[band]!)}`;
}

/**
 * Parse bounds written as yuan separated by commas ("200,1000,5000"): each a positive amount with at
 * most two decimals, strictly ascending. Returns the bounds in fen, or the reason they are refused.
 */
export function parseBandBounds(text: string): { ok: true; bounds: Fen[] } | { ok: false; reason: string } {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => p === '')) {
    return { ok: false, reason: 'must be amounts in yuan separated by commas, e.g. 200,1000,5000' };
  }
  const bounds: Fen[] = [];
  for (const part of parts) {
    const parsed = parseYuan(part);
    if (!parsed.ok) return { ok: false, reason: `${part} ${parsed.reason}` };
    if (parsed.value <= 0) return { ok: false, reason: `${part}: a bound must be above 0` };
    const last = bounds[bounds.length - 1];
    if (last !== undefined && parsed.value <= last) {
      return { ok: false, reason: `bounds must ascend strictly (${part} follows ${formatYuan(last)})` };
    }
    bounds.push(parsed.value);
  }
  if (bounds.length > 30) return { ok: false, reason: 'at most 30 bounds' };
  return { ok: true, bounds };
}
