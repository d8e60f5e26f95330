import type { CompiledPack } from '../domain/policy/model.js';
import type { Scheme } from '../domain/policy/dimensions.js';
import { ServiceError } from '../common/service-error.js';
import type { Sql } from '../db/index.js';
import { parsePackText } from '../policy/load.js';

const compiled = new Map<string, CompiledPack>();

/** Store a pack's YAML text in the database under its content hash (once); returns the compiled pack. */
export async function storePack(tx: Sql, text: string, ref: string): Promise<CompiledPack> {
  const pack = parsePackText(text, ref);
  await tx.query(
    `INSERT INTO policy_pack (hash, pack_id, version, label, source) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (hash) DO NOTHING`,
    [pack.hash, pack.id, pack.version, pack.label, text],
  );
  compiled.set(pack.hash, pack);
  return pack;
}

/** Let a stored pack govern an area's scheme from a date (until `endDate`, if given). */
export async function assignPack(
  tx: Sql,
  a: { area: string; scheme: Scheme; beginDate: string; endDate?: string | null; packHash: string },
): Promise<void> {
  await tx.query(
    `INSERT INTO area_pack (area_code, scheme, begin_date, end_date, pack_hash) VALUES ($1, $2, $3, $4, $5)`,
    [a.area, a.scheme, a.beginDate, a.endDate ?? null, a.packHash],
  );
}

/** The compiled pack stored under a hash; compiled once per process. */
export async function packByHash(tx: Sql, hash: string): Promise<CompiledPack> {
  const cached = compiled.get(hash);
  if (cached) return cached;
  const [row] = await tx.query<{ source: string; label: string }>(
    'SELECT source, label FROM policy_pack WHERE hash = $1',
    [hash],
  );
  if (!row) throw new ServiceError('NOT_FOUND', `no policy pack with hash ${hash}`, 'packHash');
  const pack = parsePackText(row.source, row.label);
  compiled.set(hash, pack);
  return pack;
}

/**
 * The hash of the pack governing an area's scheme on a date: the assignment begun last among those
 * in force. The arguments name the statement's parameters (or columns).
 */
export function areaPackSql(area = '$1', scheme = '$2', date = '$3'): string {
  return `SELECT pack_hash FROM area_pack WHERE area_code = ${area} AND scheme = ${scheme} AND begin_date <= ${date}
    AND (end_date IS NULL OR end_date >= ${date}) ORDER BY begin_date DESC LIMIT 1`;
}

const AREA_PACK = areaPackSql();

/** The compiled pack of an assignment found (see areaPackSql), or POLICY_GAP when there is none. */
export async function assignedPack(
  tx: Sql,
  packHash: string | null | undefined,
  where: { area: string; scheme: Scheme; date: string },
): Promise<CompiledPack> {
  if (!packHash) {
    throw new ServiceError(
      'POLICY_GAP',
      `no policy pack governs scheme ${where.scheme} in area ${where.area} on ${where.date}`,
      'insuplc_admdvs',
    );
  }
  return packByHash(tx, packHash);
}

/** The pack that governs an area's scheme on a date, or POLICY_GAP when none is assigned. */
export async function packFor(tx: Sql, area: string, scheme: Scheme, date: string): Promise<CompiledPack> {
  const [row] = await tx.query<{ pack_hash: string }>(AREA_PACK, [area, scheme, date]);
  return assignedPack(tx, row?.pack_hash, { area, scheme, date });
}
