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
import { accountBalance } from './repository.js';
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
 * How a claim's context is read. `totals: 'lock'` takes the person-year's totals row (creating it
 * empty if needed) until the transaction ends, as settlement does so that settlements of one person
 * queue; `read` only reads it. `claim` first claims an idempotency key in the same statement: when
 * the key is taken already, nothing is locked or checked and loadContext answers null.
 */
export interface ContextRead {
  totals: 'lock' | 'read';
  claim?: { key: string; operation: string; hash: string };
}

/** $8 key, $9 operation, $10 input hash: the claim of db/idempotency.ts claimKey. */
const CLAIM = `k AS (INSERT INTO idempotency (idem_key, operation, input_hash) VALUES ($8, $9, $10)
    ON CONFLICT (idem_key) DO NOTHING RETURNING idem_key),`;

function totalsSql(read: ContextRead): string {
  if (read.totals === 'read')
    return `SELECT p.totals FROM person_totals p, e WHERE p.psn_no = $1 AND p.year = $6::smallint AND p.scheme = e.scheme`;
  return `INSERT INTO person_totals (psn_no, year, scheme) SELECT $1, $6::smallint, scheme FROM e
    ${read.claim ? 'WHERE EXISTS (SELECT 1 FROM k)' : ''}
    ON CONFLICT (psn_no, year, scheme) DO UPDATE SET updated_at = now() RETURNING totals`;
}

/**
 * $1 person, $2 scheme or null, $3 date, $4 institution, $5 catalogue codes, $6 year, $7 month. `e` is
 * the enrolment that decides the date; the registry's own fragments keep its rules in one place.
 */
function contextSql(read: ContextRead): string {
  return `WITH e AS (${enrolmentOnSql('$1', '$2', '$3')} LIMIT 1),
    v AS (${catalogueVersionSql('$3')}),
    ${read.claim ? CLAIM : ''}
    t AS (${totalsSql(read)})
  SELECT
    ${read.claim ? 'EXISTS (SELECT 1 FROM k)' : 'true'} AS claimed,
    (SELECT row_to_json(p) FROM (SELECT ${PERSON_COLUMNS} FROM person WHERE psn_no = $1) p) AS person,
    (SELECT row_to_json(e) FROM e) AS enrolment,
    (SELECT row_to_json(i) FROM (SELECT ${INSTITUTION_COLUMNS} FROM institution WHERE code = $4) i) AS institution,
    (SELECT id FROM v) AS version,
    (SELECT coalesce(json_agg(c), '[]') FROM (${catalogueItemsSql('(SELECT id FROM v)', '$5', '$3')}) c) AS items,
    (SELECT a.pack_hash FROM e, LATERAL (${areaPackSql('e."areaCode"', 'e.scheme', '$3')}) a) AS pack,
    (SELECT totals FROM t) AS totals,
    (SELECT coalesce(json_agg(book ORDER BY book), '[]') FROM closed_period WHERE period = $7) AS closed`;
}

const SQL = new Map<string, string>();
function sqlFor(read: ContextRead): string {
  const name = `${read.totals}${read.claim ? '+claim' : ''}`;
  let text = SQL.get(name);
  if (!text) SQL.set(name, (text = contextSql(read)));
  return text;
}

interface ContextRow {
  claimed: boolean;
  person: PersonRecord | null;
  enrolment: EnrolmentRecord | null;
  institution: InstitutionRecord | null;
  version: number | null;
  items: CatalogueItem[];
  pack: string | null;
  totals: StoredTotals | null;
  closed: string[];
}

function params(request: ValidSettleRequest, codes: readonly string[], read: ContextRead): unknown[] {
  const { date } = request;
  const claim = read.claim ? [read.claim.key, read.claim.operation, read.claim.hash] : [];
  const head = [request.psnNo, request.scheme ?? null, date, request.institution, codes];
  return [...head, Number(date.slice(0, 4)), date.slice(0, 7), ...claim];
}

/** An item read through JSON, refusing a price cap that a number cannot hold exactly (as bigint columns do). */
function exactItem(item: CatalogueItem): CatalogueItem {
  if (item.priceCapFen !== null && !Number.isSafeInteger(item.priceCapFen))
    throw new RangeError(`price cap of ${item.code} is beyond 2^53 and cannot be read exactly`);
  return item;
}

/**
 * The person, the enrolment, the institution, the catalogue items, the pack and the totals a claim
 * needs, in one statement (with the key's claim, if asked), refused in the same order and with the
 * same codes as the registry's lookups one by one: person, enrolment, institution, catalogue, pack.
 * The personal account's balance is read by a second statement sent with it, so that it is read
 * after the totals row is locked: a settlement of the same person that held the row has committed.
 */
export async function loadContext(
  tx: Sql,
  request: ValidSettleRequest,
  read: ContextRead,
): Promise<ClaimContext | null> {
  const { psnNo, date } = request;
  const codes = [...new Set(request.lines.map((l) => l.code))];
  const [[row], balance] = await Promise.all([
    tx.query<ContextRow>(sqlFor(read), params(request, codes, read)),
    accountBalance(tx, psnNo),
  ]);
  const r = row!;
  if (!r.claimed) return null;
  const person = requirePerson(r.person ?? undefined, psnNo);
  const enrolment = requireEnrolment(r.enrolment ?? undefined, psnNo, date, request.scheme);
  const institution = requireInstitution(r.institution ?? undefined, request.institution, date);
  const catalogueVersion = requireCatalogueVersion(r.version ?? undefined, date);
  const items = requireItems(r.items.map(exactItem), codes, date);
  const pack = await assignedPack(tx, r.pack, { area: enrolment.areaCode, scheme: enrolment.scheme, date });
  return {
    person,
    enrolment,
    institution,
    catalogueVersion,
    items,
    pack,
    totals: r.totals ?? {},
    accountBalance: enrolment.scheme === '310' ? balance : 0,
    closedBooks: r.closed,
  };
}
