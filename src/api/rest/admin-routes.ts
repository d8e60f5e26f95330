import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { ServiceError } from '../../common/service-error.js';
import type { Database } from '../../db/index.js';
import { PackInvalid } from '../../policy/compile.js';
import { chinaToday } from '../../pooling/merge/input.js';
import { cancelMerge, listMerges, mergePools, runMerge } from '../../pooling/merge/service.js';
import { importCatalogue } from '../../registry/catalogue-import.js';
import { assignPack, packByHash, storePack } from '../../registry/packs.js';
import { requireArea } from '../../registry/service.js';
import { listAudit } from '../../staff/repository.js';
import { op, type Caller } from './operation.js';
import * as read from './read-repository.js';
import { areaCode, date, page, pageOf } from './schema.js';

/** Catalogue imports, policy packs, pool merges (administrator) and the audit log (supervisor). */

const catalogueBody = z.strictObject({
  /** The file name kept with the version (its extension says CSV). */
  sourceName: z.string().regex(/^[\w.-]{1,100}\.csv$/, 'must be a file name ending in .csv'),
  /** The CSV text, header first (see docs/rest-api.md). */
  csv: z
    .string()
    .min(1)
    .max(50 * 1024 * 1024),
  validFrom: date,
  kind: z.enum(['items', 'diseases']).default('items'),
});

/** The catalogue service reads a file: the CSV text is written to a private temporary folder for it. */
async function importCsv(db: Database, b: z.output<typeof catalogueBody>) {
  const dir = await mkdtemp(join(tmpdir(), 'tongchou-catalogue-'));
  try {
    const file = join(dir, b.sourceName);
    await writeFile(file, b.csv, { mode: 0o600 });
    return await importCatalogue(db, { file, validFrom: b.validFrom, kind: b.kind });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function storePackText(db: Database, yaml: string) {
  try {
    const pack = await storePack(db, yaml, 'rest upload');
    return { hash: pack.hash, id: pack.id, version: pack.version, label: pack.label };
  } catch (e) {
    if (!(e instanceof PackInvalid)) throw e;
    const first = e.problems[0];
    const message = `the pack is invalid (${e.problems.length} problems): ${e.problems
      .map((p) => `${p.path}: ${p.message}`)
      .slice(0, 20)
      .join('; ')}`;
    throw new ServiceError('INVALID_INPUT', message, first ? `yaml:${first.path}` : 'yaml');
  }
}

const assignBody = z.strictObject({
  packHash: z.string().regex(/^[0-9a-f]{16,128}$/, 'must be a pack hash'),
  areaCode,
  scheme: z.enum(['310', '390']),
  beginDate: date,
  endDate: date.nullish(),
});

async function assign(db: Database, b: z.output<typeof assignBody>) {
  if (b.endDate && b.endDate < b.beginDate)
    throw new ServiceError(
      'INVALID_INPUT',
      `endDate ${b.endDate} is before beginDate ${b.beginDate}`,
      'endDate',
    );
  await packByHash(db, b.packHash);
  await requireArea(db, b.areaCode, 'areaCode');
  const taken = await db.query(
    'SELECT 1 FROM area_pack WHERE area_code = $1 AND scheme = $2 AND begin_date = $3',
    [b.areaCode, b.scheme, b.beginDate],
  );
  if (taken.length > 0)
    throw new ServiceError(
      'ALREADY_EXISTS',
      `area ${b.areaCode} already has a ${b.scheme} pack from ${b.beginDate}`,
      'beginDate',
    );
  await assignPack(db, {
    area: b.areaCode,
    scheme: b.scheme,
    beginDate: b.beginDate,
    endDate: b.endDate ?? null,
    packHash: b.packHash,
  });
  return { ...b, endDate: b.endDate ?? null };
}

/** The merge service records its own audit event (pool.merge.*) under this actor and origin. */
const mergeContext = (who: Caller) => ({
  actor: `staff:${who.staff.username}`,
  origin: `api ${who.origin.ip ?? ''} ${who.origin.requestId ?? ''}`.trim(),
  today: chinaToday(new Date(who.now)),
});
const mergeParams = z.strictObject({
  id: z.coerce
    .number()
    .int()
    .min(1)
    .max(2 ** 31),
});
const mergeTarget = async (i: { params: { id: number } }, db: Parameters<typeof read.mergeArea>[0]) => ({
  area: await read.mergeArea(db, i.params.id),
  subject: `pool_merge/${i.params.id}`,
});

export const adminOperations = [
  op({
    method: 'GET',
    url: '/catalogue/versions',
    operation: 'catalogue.read',
    summary: 'Catalogue versions, oldest first',
    tag: 'catalogue',
    write: false,
    query: z.strictObject(page),
    target: () => ({ area: null, subject: 'catalogue' }),
    run: async (i, db) => pageOf(await read.listCatalogueVersions(db, i.query), i.query),
  }),
  op({
    method: 'POST',
    url: '/catalogue/imports',
    operation: 'catalogue.import',
    summary: 'Import a catalogue (CSV text in JSON) as a new dated version; any bad row refuses it all',
    tag: 'catalogue',
    write: true,
    status: 201,
    body: catalogueBody,
    target: () => ({ area: null, subject: 'catalogue' }),
    run: (i, db) => importCsv(db, i.body),
    details: (i, result) => ({
      sourceName: i.body.sourceName,
      validFrom: i.body.validFrom,
      kind: i.body.kind,
      result,
    }),
  }),
  op({
    method: 'GET',
    url: '/packs',
    operation: 'pack.read',
    summary: 'Stored policy packs with their area assignments',
    tag: 'policy',
    write: false,
    query: z.strictObject(page),
    target: () => ({ area: null, subject: 'policy_pack' }),
    run: async (i, db) => pageOf(await read.listPacks(db, i.query), i.query),
  }),
  op({
    method: 'POST',
    url: '/packs',
    operation: 'pack.store',
    summary: 'Store a policy pack (YAML text), validated; kept under its content hash',
    tag: 'policy',
    write: true,
    status: 201,
    body: z.strictObject({
      yaml: z
        .string()
        .min(1)
        .max(5 * 1024 * 1024),
    }),
    target: () => ({ area: null, subject: 'policy_pack' }),
    run: (i, db) => storePackText(db, i.body.yaml),
    details: (_i, result) => ({ stored: result }),
  }),
  op({
    method: 'POST',
    url: '/packs/assignments',
    operation: 'pack.assign',
    summary: "Let a stored pack govern an area's scheme from a date",
    tag: 'policy',
    write: true,
    status: 201,
    body: assignBody,
    target: (i) => ({ area: i.body.areaCode, subject: `area_pack/${i.body.areaCode}/${i.body.scheme}` }),
    run: (i, db) => assign(db, i.body),
  }),
  op({
    method: 'GET',
    url: '/pool/merges',
    operation: 'pool.merge.read',
    summary: 'Every pool merge, oldest first',
    tag: 'pooling',
    write: false,
    query: z.strictObject(page),
    target: () => ({ area: null, subject: 'pool_merge' }),
    run: async (i, db) => {
      const all = await listMerges(db);
      return pageOf(all.slice(i.query.offset, i.query.offset + i.query.limit + 1), i.query);
    },
  }),
  op({
    method: 'POST',
    url: '/pool/merges',
    operation: 'pool.merge.schedule',
    summary: "Merge county pools into their city's pool from a date (runs at once when the date has come)",
    tag: 'pooling',
    write: true,
    status: 201,
    body: z.strictObject({ into: areaCode, from: z.array(areaCode).min(1).max(200), on: date }),
    target: (i) => ({ area: i.body.into, subject: `pool_merge/${i.body.into}` }),
    run: (i, db, who) => mergePools(db, i.body, mergeContext(who)),
  }),
  op({
    method: 'POST',
    url: '/pool/merges/:id/run',
    operation: 'pool.merge.run',
    summary: 'Run a scheduled merge on or after its date',
    tag: 'pooling',
    write: true,
    params: mergeParams,
    target: mergeTarget,
    run: (i, db, who) => runMerge(db, { id: i.params.id }, mergeContext(who)),
    details: (i) => ({ id: i.params.id }),
  }),
  op({
    method: 'POST',
    url: '/pool/merges/:id/cancel',
    operation: 'pool.merge.cancel',
    summary: 'Cancel a scheduled merge before its date',
    tag: 'pooling',
    write: true,
    params: mergeParams,
    target: mergeTarget,
    run: (i, db, who) => cancelMerge(db, { id: i.params.id }, mergeContext(who)),
    details: (i) => ({ id: i.params.id }),
  }),
  op({
    method: 'GET',
    url: '/audit/events',
    operation: 'audit.read',
    summary: 'The audit log, oldest first, after an event id; by actor or subject',
    tag: 'audit',
    write: false,
    query: z.strictObject({
      limit: page.limit,
      after: z.coerce.number().int().min(0).default(0),
      actor: z.string().max(64).optional(),
      subject: z.string().max(200).optional(),
    }),
    target: () => ({ area: null, subject: 'audit_event' }),
    run: async (i, db) => {
      const rows = await listAudit(db, i.query);
      const more = rows.length > i.query.limit;
      const items = more ? rows.slice(0, i.query.limit) : rows;
      return { items, nextAfter: more ? items.at(-1)!.id : null };
    },
  }),
];
