import { compareRatio } from './share.js';

/**
 * The risk-warning bands on the months of expenditure a fund's accumulated balance covers
 * (累计结余可支付月数). A pack may state them (fundWarning.monthsCovered); none of the source
 * documents does, so without one the defaults of the project's issue 5 apply, labelled as such.
 */

export const BAND_NAMES = ['severe', 'low', 'sound', 'high', 'excessive'] as const;
export type BandName = (typeof BAND_NAMES)[number];

/** How the report names a band in Chinese. */
export const BAND_LABELS: Record<BandName, string> = {
  severe: '严重不足',
  low: '不足',
  sound: '合理',
  high: '较多',
  excessive: '过多',
};

/**
 * One band: the months covered up to `upTo` hundredths of a month (a value equal to it belongs here
 * when `inclusive`, else to the next band); the last band has no upper end (null).
 */
export interface Band {
  name: BandName;
  upTo: number | null;
  inclusive: boolean;
}

/**
 * Issue 5's defaults, "under 3 severe, 3–6 low, 6–9 sound, 9–15 high, over 15 excessive", read
 * literally at the boundaries: "under 3" leaves 3 out of severe, so each lower bound belongs to the
 * band above it (3 is low, 6 sound, 9 high); "over 15" leaves 15 out of excessive, so 15 is high.
 */
export const ISSUE_DEFAULT_BANDS: readonly Band[] = [
  { name: 'severe', upTo: 300, inclusive: false },
  { name: 'low', upTo: 600, inclusive: false },
  { name: 'sound', upTo: 900, inclusive: false },
  { name: 'high', upTo: 1500, inclusive: true },
  { name: 'excessive', upTo: null, inclusive: false },
];

export const ISSUE_DEFAULT_ORIGIN =
  'issue 5 defaults (under 3 severe, 3–6 low, 6–9 sound, 9–15 high, over 15 excessive); no source document states bands';

/** A pack's dated band sets, compiled (months in hundredths). A null version states none from its date. */
export interface FundWarning {
  monthsCovered: {
    path: string;
    source: string;
    versions: { from: string; bands: Band[] | null }[];
  } | null;
}

/** The bands that apply and where they come from. */
export interface BandsInForce {
  bands: readonly Band[];
  /** "pack" when a pack states them, else "issue-default". */
  origin: 'pack' | 'issue-default';
  /** The pack parameter and its source sentence, or the issue's defaults. */
  ref: string;
}

/** The bands a pack states for a date, or the issue's defaults when it states none. */
export function bandsOn(w: FundWarning | null, date: string, packLabel = 'the pack'): BandsInForce {
  const m = w?.monthsCovered;
  const version = m?.versions.filter((v) => v.from <= date).at(-1);
  if (!m || !version?.bands) {
    return { bands: ISSUE_DEFAULT_BANDS, origin: 'issue-default', ref: ISSUE_DEFAULT_ORIGIN };
  }
  const ref = `${packLabel} ${m.path}.values.${version.from} (${m.source})`;
  return { bands: version.bands, origin: 'pack', ref };
}

/**
 * The band of months covered = num / den (den > 0), compared exactly with each band's upper end:
 * never a float, so 2.999… is severe and 3 is low under the defaults.
 */
export function classifyBand(num: number | bigint, den: number | bigint, bands: readonly Band[]): BandName {
  for (const band of bands) {
    if (band.upTo === null) return band.name;
    const c = compareRatio(num, den, band.upTo, 100);
    if (c < 0 || (c === 0 && band.inclusive)) return band.name;
  }
  throw new RangeError('a band set ends with a band that has no upper end');
}
