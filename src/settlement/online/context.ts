import type { StoredKey } from '../../db/idempotency.js';
import type { Sql } from '../../db/index.js';
import type { CompiledPack } from '../../domain/policy/model.js';
import {
  catalogueItemsSql,
  catalogueVersionSql,
  enrolmentOnSql,
  INSTITUTION_COLUMNS,
  PERSON_COLUMNS,
  requireCatalogueVersion,
  requireEnrolment,
  requireInstitution,
  requireItems,
  requirePerson,
  type CatalogueItem,
  type EnrolmentRecord,
  type InstitutionRecord,
  type PersonRecord,
} from '../../registry/lookup.js';
import { registryCacheOf, type RegistryCache } from '../../registry/cache.js';
import { areaPackSql, assignedPack } from '../../registry/packs.js';
import type { StoredTotals } from './claim.js';
import type { ValidSettleRequest } from './request.js';

/** Everything a claim is settled from, read in one statement. */
export interface ClaimContext {
  person: PersonRecord;
  enrolment: EnrolmentRecord;
  institution: InstitutionRecord;
  catalogueVersion: number;
  items: Map<string, CatalogueItem>;
  pack: CompiledPack;
  /** The person-year's totals in the enrolment's scheme ({} when none are stored yet). */
  totals: StoredTotals;
  /** The personal account's balance (0 for a resident, or an account never opened). */
  accountBalance: number;
  /** The books closed in the claim's month. */
  closedBooks: string[];
}

/**
 * The parts of a claim's read that are the person's own and change from claim to claim, and the
 * registry's epoch: $1 person, $2 scheme or null, $3 date, $4 year, $5 month, $6 idempotency key
 * or null. `e` is the enrolment that decides the date; the registry's own fragments keep its rules
 * in one place.
 */
const PERSON_PARTS = `
    (SELECT row_to_json(k) FROM (SELECT operation, input_hash AS "inputHash", result FROM idempotency
       WHERE idem_key = $6::text) k) AS seen,
    (SELECT row_to_json(p) FROM (SELECT ${PERSON_COLUMNS} FROM person WHERE psn_no = $1) p) AS person,
    (SELECT row_to_json(e) FROM e) AS enrolment,
    (SELECT t.totals FROM person_totals t, e WHERE t.psn_no = $1 AND t.year = $4::smallint AND t.scheme = e.scheme) AS totals,
    (SELECT credits - debits FROM account WHERE book = 'personal-account' AND code = 'personal:' || $1) AS balance,
    (SELECT coalesce(json_agg(book ORDER BY book), '[]') FROM closed_period WHERE period = $5) AS closed,
    (SELECT epoch FROM registry_epoch) AS epoch`;

const ENROLMENT_CTE = `e AS (${enrolmentOnSql('$1', '$2', '$3')} LIMIT 1)`;

/** The read when the registry cache holds the rest. */
const PERSON_SQL = `WITH ${ENROLMENT_CTE} SELECT ${PERSON_PARTS}`;

/** The whole read: the person's parts and the registry's, $7 institution and $8 catalogue codes. */
const WHOLE_SQL = `WITH ${ENROLMENT_CTE}, v AS (${catalogueVersionSql('$3')})
  SELECT ${PERSON_PARTS},
    (SELECT row_to_json(i) FROM (SELECT ${INSTITUTION_COLUMNS} FROM institution WHERE code = $7) i) AS institution,
    (SELECT id FROM v) AS version,
    (SELECT coalesce(json_agg(c), '[]') FROM (${catalogueItemsSql('(SELECT id FROM v)', '$8')}) c) AS items,
    (SELECT a.pack_hash FROM e, LATERAL (${areaPackSql('e."areaCode"', 'e.scheme', '$3')}) a) AS pack`;

interface PersonRow {
  seen: StoredKey | null;
  person: PersonRecord | null;
  enrolment: EnrolmentRecord | null;
  totals: StoredTotals | null;
  balance: number | null;
  closed: string[];
  epoch: number;
}

interface RegistryRow {
  institution: InstitutionRecord | null;
  version: number | null;
  items: CatalogueItem[];
  pack: string | null;
}

type ContextRow = PersonRow & RegistryRow;

function personParams(request: ValidSettleRequest, key: string | null): unknown[] {
  const { date } = request;
  return [request.psnNo, request.scheme ?? null, date, Number(date.slice(0, 4)), date.slice(0, 7), key];
}

/** An item read through JSON, refusing a price cap that a number cannot hold exactly (as bigint columns do). */
function exactItem(item: CatalogueItem): CatalogueItem {
  if (item.priceCapFen !== null && !Number.isSafeInteger(item.priceCapFen))
    throw new RangeError(`price cap of ${item.code} is beyond 2^53 and cannot be read exactly`);
  return item;
}

/**
 * What a claim needs, in one statement that locks nothing: with `key`, what the key was first used
 * for (`seen`, and nothing else is checked); otherwise the person, the enrolment, the institution,
 * the catalogue items, the pack, the totals and the personal account's balance, refused in the same
 * order and with the same codes as the registry's lookups one by one: person, enrolment,
 * institution, catalogue, pack. A settlement's write checks that the totals it read still hold.
 * The registry's part comes from the handle's cache when it holds it at the epoch read.
 */
export async function loadContext(
  sql: Sql,
  request: ValidSettleRequest,
  key: string | null,
): Promise<{ seen: StoredKey } | { seen: null; ctx: ClaimContext }> {
  const codes = [...new Set(request.lines.map((l) => l.code))];
  const cache = registryCacheOf(sql);
  const r =
    (await readWithCache(sql, cache, request, codes, key)) ??
    (await readWhole(sql, cache, request, codes, key));
  if (r.seen) return { seen: r.seen };
  return { seen: null, ctx: await contextOf(sql, r, request, codes) };
}

/** The person's read with the registry from the cache; null when the cache cannot answer for it. */
async function readWithCache(
  sql: Sql,
  cache: RegistryCache,
  request: ValidSettleRequest,
  codes: readonly string[],
  key: string | null,
): Promise<ContextRow | null> {
  const epoch = cache.epoch;
  const kept = epoch === null ? null : keptRegistry(cache, request, codes);
  if (!kept) return null;
  const [r] = await sql.query<PersonRow>(PERSON_SQL, personParams(request, key));
  if (r!.seen) return { ...r!, institution: null, version: null, items: [], pack: null };
  // What was taken from the cache holds at `epoch`; the cache may have moved on while reading.
  if (r!.epoch !== epoch || cache.epoch !== epoch) return null;
  const pack = r!.enrolment ? cache.packs.get(packKey(r!.enrolment, request.date)) : null;
  return pack === undefined ? null : { ...r!, ...kept, pack };
}

/** What the cache holds of the claim's institution, catalogue version and items; null if not all. */
function keptRegistry(
  cache: RegistryCache,
  request: ValidSettleRequest,
  codes: readonly string[],
): Omit<RegistryRow, 'pack'> | null {
  const institution = cache.institutions.get(request.institution);
  const version = cache.versions.get(request.date);
  if (institution === undefined || version === undefined) return null;
  const items: CatalogueItem[] = [];
  for (const code of version === null ? [] : codes) {
    const item = cache.items.get(`${version}|${code}`);
    if (item === undefined) return null;
    items.push(item);
  }
  return { institution, version, items };
}

function packKey(enrolment: EnrolmentRecord, date: string): string {
  return `${enrolment.areaCode}|${enrolment.scheme}|${date}`;
}

/** The whole read, whose registry part the cache keeps. */
async function readWhole(
  sql: Sql,
  cache: RegistryCache,
  request: ValidSettleRequest,
  codes: readonly string[],
  key: string | null,
): Promise<ContextRow> {
  const params = [...personParams(request, key), request.institution, codes];
  const [r] = await sql.query<ContextRow>(WHOLE_SQL, params);
  if (!r!.seen && cache.accepts(r!.epoch)) keep(cache, r!, request);
  return r!;
}

/** Keep the registry's part of a whole read; frozen, as later claims share the same objects. */
function keep(cache: RegistryCache, r: ContextRow, request: ValidSettleRequest): void {
  if (r.institution) cache.institutions.set(request.institution, Object.freeze(r.institution));
  cache.versions.set(request.date, r.version);
  for (const item of r.items) cache.items.set(`${r.version}|${item.code}`, Object.freeze(item));
  if (r.enrolment) cache.packs.set(packKey(r.enrolment, request.date), r.pack);
}

async function contextOf(
  sql: Sql,
  r: ContextRow,
  request: ValidSettleRequest,
  codes: readonly string[],
): Promise<ClaimContext> {
  const { psnNo, date } = request;
  const person = requirePerson(r.person ?? undefined, psnNo);
  const enrolment = requireEnrolment(r.enrolment ?? undefined, psnNo, date, request.scheme);
  const institution = requireInstitution(r.institution ?? undefined, request.institution, date);
  const catalogueVersion = requireCatalogueVersion(r.version ?? undefined, date);
  const items = requireItems(r.items.map(exactItem), codes, date);
  const pack = await assignedPack(sql, r.pack, { area: enrolment.areaCode, scheme: enrolment.scheme, date });
  return {
    person,
    enrolment,
    institution,
    catalogueVersion,
    items,
    pack,
    totals: r.totals ?? {},
    accountBalance: enrolment.scheme === '310' ? (r.balance ?? 0) : 0,
    closedBooks: r.closed,
  };
}

/** What a claim needs, read for a computation that writes nothing (pre-settlement, fee uploads). */
export async function readContext(sql: Sql, request: ValidSettleRequest): Promise<ClaimContext> {
  return ((await loadContext(sql, request, null)) as { ctx: ClaimContext }).ctx;
}
