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
 * $1 person, $2 scheme or null, $3 date, $4 institution, $5 catalogue codes, $6 year, $7 month, $8
 * idempotency key or null. `e` is the enrolment that decides the date; the registry's own fragments
 * keep its rules in one place.
 */
const CONTEXT_SQL = `WITH e AS (${enrolmentOnSql('$1', '$2', '$3')} LIMIT 1),
    v AS (${catalogueVersionSql('$3')})
  SELECT
    (SELECT row_to_json(k) FROM (SELECT operation, input_hash AS "inputHash", result FROM idempotency
       WHERE idem_key = $8::text) k) AS seen,
    (SELECT row_to_json(p) FROM (SELECT ${PERSON_COLUMNS} FROM person WHERE psn_no = $1) p) AS person,
    (SELECT row_to_json(e) FROM e) AS enrolment,
    (SELECT row_to_json(i) FROM (SELECT ${INSTITUTION_COLUMNS} FROM institution WHERE code = $4) i) AS institution,
    (SELECT id FROM v) AS version,
    (SELECT coalesce(json_agg(c), '[]') FROM (${catalogueItemsSql('(SELECT id FROM v)', '$5', '$3')}) c) AS items,
    (SELECT a.pack_hash FROM e, LATERAL (${areaPackSql('e."areaCode"', 'e.scheme', '$3')}) a) AS pack,
    (SELECT t.totals FROM person_totals t, e WHERE t.psn_no = $1 AND t.year = $6::smallint AND t.scheme = e.scheme) AS totals,
    (SELECT credits - debits FROM account WHERE book = 'personal-account' AND code = 'personal:' || $1) AS balance,
    (SELECT coalesce(json_agg(book ORDER BY book), '[]') FROM closed_period WHERE period = $7) AS closed`;

interface ContextRow {
  seen: StoredKey | null;
  person: PersonRecord | null;
  enrolment: EnrolmentRecord | null;
  institution: InstitutionRecord | null;
  version: number | null;
  items: CatalogueItem[];
  pack: string | null;
  totals: StoredTotals | null;
  balance: number | null;
  closed: string[];
}

function params(request: ValidSettleRequest, codes: readonly string[], key: string | null): unknown[] {
  const { date } = request;
  const head = [request.psnNo, request.scheme ?? null, date, request.institution, codes];
  return [...head, Number(date.slice(0, 4)), date.slice(0, 7), key];
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
 */
export async function loadContext(
  sql: Sql,
  request: ValidSettleRequest,
  key: string | null,
): Promise<{ seen: StoredKey } | { seen: null; ctx: ClaimContext }> {
  const codes = [...new Set(request.lines.map((l) => l.code))];
  const [r] = await sql.query<ContextRow>(CONTEXT_SQL, params(request, codes, key));
  if (r!.seen) return { seen: r!.seen };
  return { seen: null, ctx: await contextOf(sql, r!, request, codes) };
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
