import { z } from 'zod';
import { ServiceError } from '../../common/service-error.js';
import type { Sql } from '../../db/index.js';
import { reverse } from '../../settlement/online/service.js';
import { op } from './operation.js';
import * as read from './read-repository.js';
import { areaCode, code, date, idempotencyKey, page, pageOf } from './schema.js';

/** Settlements: list (by person, institution or insured area, and dates), read one, reverse one. */

const listQuery = z
  .strictObject({
    ...page,
    psnNo: code.optional(),
    institution: code.optional(),
    areaCode: areaCode.optional(),
    from: date.optional(),
    to: date.optional(),
  })
  .refine((q) => q.psnNo ?? q.institution ?? q.areaCode, {
    message: 'give psnNo, institution or areaCode',
    path: ['psnNo'],
  });

/** The area a listing is scoped by: the person's, else the institution's, else the one asked for. */
async function listArea(
  db: Sql,
  q: z.output<typeof listQuery>,
): Promise<{ area: string | null; subject: string }> {
  if (q.psnNo) return { area: await read.personArea(db, q.psnNo), subject: `person/${q.psnNo}` };
  if (q.institution)
    return { area: await read.institutionArea(db, q.institution), subject: `institution/${q.institution}` };
  return { area: q.areaCode!, subject: `pooling_area/${q.areaCode}` };
}

const oneParams = z.strictObject({ psnNo: code, setlId: code });

export const settlementOperations = [
  op({
    method: 'GET',
    url: '/settlements',
    operation: 'settlement.read',
    summary: 'Settlements of a person, an institution or an insured area, by date (amounts in fen)',
    tag: 'settlement',
    write: false,
    query: listQuery,
    target: (i, db) => listArea(db, i.query),
    run: async (i, db) => pageOf(await read.listSettlements(db, i.query), i.query),
  }),
  op({
    method: 'GET',
    url: '/settlements/:psnNo/:setlId',
    operation: 'settlement.read',
    summary: 'One settlement with its fee lines and fund rows (amounts in fen)',
    tag: 'settlement',
    write: false,
    params: oneParams,
    target: async (i, db) => ({
      area: await read.settlementArea(db, i.params.psnNo, i.params.setlId),
      subject: `settlement/${i.params.psnNo}/${i.params.setlId}`,
    }),
    run: async (i, db) => {
      const found = await read.findSettlement(db, i.params.psnNo, i.params.setlId);
      if (!found)
        throw new ServiceError(
          'NOT_FOUND',
          `no settlement ${i.params.setlId} of person ${i.params.psnNo}`,
          'setlId',
        );
      return found;
    },
  }),
  op({
    method: 'POST',
    url: '/settlements/:psnNo/:setlId/reversal',
    operation: 'settlement.reverse',
    summary:
      'Reverse a settlement (reviewer or approver), once; the key makes a retry return the first answer',
    tag: 'settlement',
    write: true,
    params: oneParams,
    body: z.strictObject({ key: idempotencyKey, date }),
    target: async (i, db) => ({
      area: await read.settlementArea(db, i.params.psnNo, i.params.setlId),
      subject: `settlement/${i.params.psnNo}/${i.params.setlId}`,
    }),
    run: (i, db) =>
      reverse(db, { ...i.body, key: `rest:${i.body.key}`, psnNo: i.params.psnNo, setlId: i.params.setlId }),
  }),
];
