import { DIMENSIONS } from '../../domain/policy/dimensions.js';
import type { Claim, FeeLine } from '../../domain/settlement/types.js';
import {
  FLAG_ASSISTANCE,
  FLAG_FAMILY_DOCTOR,
  FLAG_USE_ACCOUNT,
  type Footer,
  type RowGroupColumns,
} from './columnar-format.js';

const SCHEMES = ['310', '390'] as const;
const CLASSES = ['', '01', '02', '03'] as const;
const NO_DISEASES: string[] = [];

/** Reads claims back from a row group's columns as the calculator takes them. */
export class ClaimDecoder {
  private readonly dates = new Map<number, string>();
  private readonly single: (string[] | undefined)[] = [];
  private readonly text = new TextDecoder();
  private readonly lines: FeeLine[] = [];
  private readonly feeArrays: FeeLine[][] = [];
  private readonly reused: Claim = {
    claimId: '',
    psnNo: '',
    scheme: '310',
    personType: 'active',
    age: 0,
    familyDoctor: false,
    assistance: false,
    medType: '11',
    institution: '',
    level: '0',
    priceClass: undefined,
    personArea: '',
    careArea: '',
    date: '',
    diseases: NO_DISEASES,
    useAccount: false,
    accountBalance: 0,
    fees: [],
    prior: undefined,
  };

  constructor(private readonly dicts: Footer['dictionaries']) {}

  /**
   * Claim i of the row group. Its claimId is left empty (settling never reads it): `claimId` reads
   * it when it is needed, for a refusal.
   */
  decode(c: RowGroupColumns, i: number): Claim {
    const flags = c.flags[i]!;
    const priceClass = c.priceClass[i]!;
    return {
      claimId: '',
      psnNo: '',
      scheme: SCHEMES[c.scheme[i]!]!,
      personType: DIMENSIONS.personType[c.personType[i]!]!,
      age: c.age[i]!,
      familyDoctor: (flags & FLAG_FAMILY_DOCTOR) !== 0,
      assistance: (flags & FLAG_ASSISTANCE) !== 0,
      medType: DIMENSIONS.medType[c.medType[i]!]!,
      institution: this.dicts.institutions[c.institution[i]!]!,
      level: DIMENSIONS.level[c.level[i]!]!,
      priceClass: priceClass === 0 ? undefined : DIMENSIONS.priceClass[priceClass - 1],
      personArea: this.dicts.areas[c.personArea[i]!]!,
      careArea: this.dicts.areas[c.careArea[i]!]!,
      date: this.dateOf(c.date[i]!),
      diseases: this.diseasesOf(c, i),
      useAccount: (flags & FLAG_USE_ACCOUNT) !== 0,
      accountBalance: c.balance[i]!,
      fees: this.feesOf(c, i),
      prior: priorOf(c, i),
    };
  }

  /**
   * As `decode`, into one claim object and fee-line objects kept by the decoder, overwritten by
   * the next call: settling a million claims then allocates nothing here. Only for a caller that
   * keeps nothing of the claim past the next call (settle keeps nothing of it).
   */
  decodeReused(c: RowGroupColumns, i: number): Claim {
    const claim = this.reused;
    const flags = c.flags[i]!;
    const priceClass = c.priceClass[i]!;
    claim.scheme = SCHEMES[c.scheme[i]!]!;
    claim.personType = DIMENSIONS.personType[c.personType[i]!]!;
    claim.age = c.age[i]!;
    claim.familyDoctor = (flags & FLAG_FAMILY_DOCTOR) !== 0;
    claim.assistance = (flags & FLAG_ASSISTANCE) !== 0;
    claim.medType = DIMENSIONS.medType[c.medType[i]!]!;
    claim.institution = this.dicts.institutions[c.institution[i]!]!;
    claim.level = DIMENSIONS.level[c.level[i]!]!;
    claim.priceClass = priceClass === 0 ? undefined : DIMENSIONS.priceClass[priceClass - 1];
    claim.personArea = this.dicts.areas[c.personArea[i]!]!;
    claim.careArea = this.dicts.areas[c.careArea[i]!]!;
    claim.date = this.dateOf(c.date[i]!);
    claim.diseases = this.diseasesOf(c, i);
    claim.useAccount = (flags & FLAG_USE_ACCOUNT) !== 0;
    claim.accountBalance = c.balance[i]!;
    claim.prior = priorOf(c, i);
    const from = i === 0 ? 0 : c.lineEnd[i - 1]!;
    const count = c.lineEnd[i]! - from;
    // One array per number of lines, so that no array changes length from claim to claim.
    claim.fees = this.feeArrays[count] ?? this.feeArray(count);
    this.fillFees(c, from, claim.fees);
    return claim;
  }

  /** The claim's fee lines, starting at line `from` of the row group, into the objects of `fees`. */
  private fillFees(c: RowGroupColumns, from: number, fees: FeeLine[]): void {
    for (let j = 0; j < fees.length; j++) {
      const line = fees[j]!;
      const k = from + j;
      const cap = c.priceCap[k]!;
      line.code = this.dicts.codes[c.code[k]!]!;
      line.catalogClass = CLASSES[c.feeClass[k]!] as FeeLine['catalogClass'];
      line.amount = c.amount[k]!;
      line.selfPayRate = c.selfPay[k]!;
      line.priceCapTotal = cap < 0 ? null : cap;
    }
  }

  /** An array of `count` of the decoder's fee-line objects, made once per count. */
  private feeArray(count: number): FeeLine[] {
    const fees: FeeLine[] = [];
    for (let j = 0; j < count; j++) {
      fees.push(
        (this.lines[j] ??= { code: '', catalogClass: '01', amount: 0, selfPayRate: 0, priceCapTotal: null }),
      );
    }
    return (this.feeArrays[count] = fees);
  }

  /** The claim's id. */
  claimId(c: RowGroupColumns, i: number): string {
    return this.text.decode(c.idBytes.subarray(i === 0 ? 0 : c.idEnd[i - 1]!, c.idEnd[i]!));
  }

  /** The person number of the row group's person p. */
  psnNo(c: RowGroupColumns, p: number): string {
    return this.text.decode(c.psnBytes.subarray(p === 0 ? 0 : c.psnEnd[p - 1]!, c.psnEnd[p]!));
  }

  /** A claim as read back in full, with its id and person number (for tests and conversion checks). */
  decodeFull(c: RowGroupColumns, i: number): Claim {
    const claim = this.decode(c, i);
    claim.claimId = this.claimId(c, i);
    claim.psnNo = this.psnNo(c, c.person[i]!);
    return claim;
  }

  private dateOf(n: number): string {
    let text = this.dates.get(n);
    if (text === undefined) {
      const y = Math.floor(n / 10_000);
      const m = Math.floor(n / 100) % 100;
      const d = n % 100;
      text = `${y}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
      this.dates.set(n, text);
    }
    return text;
  }

  private diseasesOf(c: RowGroupColumns, i: number): string[] {
    const from = i === 0 ? 0 : c.diseaseEnd[i - 1]!;
    const to = c.diseaseEnd[i]!;
    if (from === to) return NO_DISEASES;
    if (to === from + 1) {
      // Most claims carry one diagnosis: one array per code serves them all (settling only reads it).
      const id = c.disease[from]!;
      return (this.single[id] ??= [this.dicts.diseases[id]!]);
    }
    const out: string[] = [];
    for (let k = from; k < to; k++) out.push(this.dicts.diseases[c.disease[k]!]!);
    return out;
  }

  private feesOf(c: RowGroupColumns, i: number): FeeLine[] {
    const from = i === 0 ? 0 : c.lineEnd[i - 1]!;
    const to = c.lineEnd[i]!;
    const fees: FeeLine[] = [];
    for (let k = from; k < to; k++) {
      const cap = c.priceCap[k]!;
      fees.push({
        code: this.dicts.codes[c.code[k]!]!,
        catalogClass: CLASSES[c.feeClass[k]!] as FeeLine['catalogClass'],
        amount: c.amount[k]!,
        selfPayRate: c.selfPay[k]!,
        priceCapTotal: cap < 0 ? null : cap,
      });
    }
    return fees;
  }
}

/** The claim's prior accumulators: priorClaim is ascending, so a binary search finds them. */
function priorOf(c: RowGroupColumns, i: number): Claim['prior'] {
  const claims = c.priorClaim;
  if (claims.length === 0) return undefined;
  let lo = 0;
  let hi = claims.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = claims[mid]!;
    if (at === i)
      return {
        deductibleUsed: c.priorDeductible[mid]!,
        poolPaid: c.priorPool[mid]!,
        admissions: c.priorAdmissions[mid]!,
      };
    if (at < i) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}
