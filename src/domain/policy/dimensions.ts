/**
 * The dimensions a policy table may split on, each with its closed domain of values. A table says
 * which dimensions it splits on (`by`); the validator checks that every cell of their product is
 * either given a value or explicitly declared absent.
 */
export const DIMENSIONS = {
  scheme: ['310', '390'],
  personType: ['active', 'retired', 'resident', 'minor'],
  medType: ['11', '14', '21'],
  level: ['0', '1', '2', '3'],
  priceClass: ['1', '2-city', '2-county', '3'],
  area: ['in', 'out-of-county', 'out-of-city', 'out-of-province'],
  familyDoctor: ['yes', 'no'],
  assistance: ['yes', 'no'],
} as const;

export type Dim = keyof typeof DIMENSIONS;
export type DimValue<D extends Dim> = (typeof DIMENSIONS)[D][number];

export type PoolingLevel = 'county' | 'city' | 'province';
export type Scheme = DimValue<'scheme'>;
export type PersonType = DimValue<'personType'>;

/** The claim field that carries each dimension, for error paths. */
export const DIM_CLAIM_FIELD: Record<Dim, string> = {
  scheme: 'insutype',
  personType: 'psn_type',
  medType: 'med_type',
  level: 'fixmedins_lv',
  priceClass: 'price_class',
  area: 'mdtrtarea_admvs',
  familyDoctor: 'psn_tags',
  assistance: 'psn_tags',
};

const PERSON_TYPES_BY_SCHEME: Record<Scheme, readonly PersonType[]> = {
  '310': ['active', 'retired'],
  '390': ['resident', 'minor'],
};

/** Person types that can occur under the given schemes (an employee is never a minor resident). */
export function personTypesFor(schemes: readonly Scheme[]): PersonType[] {
  return DIMENSIONS.personType.filter((t) => schemes.some((s) => PERSON_TYPES_BY_SCHEME[s].includes(t)));
}

/** Areas that can occur for a pack pooled at the given level (inside one city pool, no county is "out"). */
export function areasFor(level: PoolingLevel): DimValue<'area'>[] {
  if (level === 'county') return ['in', 'out-of-county', 'out-of-city', 'out-of-province'];
  if (level === 'city') return ['in', 'out-of-city', 'out-of-province'];
  return ['in', 'out-of-province'];
}

/** Where the care took place relative to the person's pool, from two 6-digit area codes (医保区划). */
export function classifyArea(level: PoolingLevel, personArea: string, careArea: string): DimValue<'area'> {
  const common = commonPrefix(personArea, careArea);
  if (common < 2) return 'out-of-province';
  if (level === 'province') return 'in';
  if (common < 4) return 'out-of-city';
  if (level === 'city') return 'in';
  return common >= 6 ? 'in' : 'out-of-county';
}

/** How many leading characters (of six) two area codes share; no substrings on the hot path. */
function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < 6 && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** NHSA psn_type → person type: 1101 active, 1201 retired, 1501 resident, 1401–1405 minors/students. */
export function personTypeOf(psnType: string): PersonType | undefined {
  if (psnType === '1101') return 'active';
  if (psnType === '1201') return 'retired';
  if (psnType === '1501') return 'resident';
  if (/^140[1-5]$/.test(psnType)) return 'minor';
  return undefined;
}
