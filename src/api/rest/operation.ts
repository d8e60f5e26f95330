import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { ServiceError } from '../../common/service-error.js';
import type { Database, Sql } from '../../db/index.js';
import { joinTransaction } from '../../db/index.js';
import type { Operation } from '../../staff/roles.js';
import { audit, authenticate, authorise, type Origin, type Staff, type Target } from '../../staff/service.js';
import { maskLogValue } from '../logging.js';
import type { ServerContext } from '../server-context.js';

/**
 * One REST operation, declared once: its zod schemas (which both validate the request and, turned
 * into JSON Schema, describe it in the OpenAPI document), the permission it needs, the target it
 * concerns (pooling area and subject, for the area scope and the audit log), and one service call.
 *
 * Every request is handled in the same order: authenticate (401), validate (400), authorise — role
 * and area scope, by the one function `authorise` — (403, written to the audit log), call the
 * service, and for a write record it in the audit log in the service's own transaction, so the
 * write and its record commit together or not at all. A write the service refuses is recorded as
 * refused (after the rollback: it wrote nothing else).
 */

export interface Parsed<B, Q, P> {
  body: B;
  query: Q;
  params: P;
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RestOperation<
  B extends z.ZodType | undefined,
  Q extends z.ZodType | undefined,
  P extends z.ZodType | undefined,
> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  operation: Operation;
  summary: string;
  tag: string;
  body?: B;
  query?: Q;
  params?: P;
  /** Writes are audited; reads are not. */
  write: boolean;
  /** 201 for a creation; 200 otherwise. */
  status?: number;
  /** The area and subject the request concerns (may look them up). */
  target(input: Parsed<Out<B>, Out<Q>, Out<P>>, db: Sql): Promise<Target> | Target;
  /** The one service call; a write's `db` runs inside the transaction that also writes the audit row. */
  run(input: Parsed<Out<B>, Out<Q>, Out<P>>, db: Database, who: Caller): Promise<unknown>;
  /** What the audit row keeps of the request (the body by default). */
  details?(input: Parsed<Out<B>, Out<Q>, Out<P>>, result: unknown): unknown;
}

/** Who calls and from where, for services that record their own audit trail. */
export interface Caller {
  staff: Staff;
  origin: Origin;
  /** Epoch ms, the server's clock. */
  now: number;
}

/** Type-check one operation's declaration against its own schemas. */
export function op<
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
>(
  o: RestOperation<B, Q, P>,
): RestOperation<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined> {
  return o as unknown as RestOperation<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined>;
}

/** The bearer token of a request, or UNAUTHENTICATED. */
export function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const m = typeof header === 'string' ? /^Bearer ([^\s]{1,200})$/i.exec(header.trim()) : null;
  if (!m)
    throw new ServiceError(
      'UNAUTHENTICATED',
      'send the session token as "Authorization: Bearer <token>"',
      'authorization',
    );
  return m[1]!;
}

const STAFF = Symbol('staff');
type WithStaff = FastifyRequest & { [STAFF]?: Staff };

function auditRow(
  caller: Caller,
  action: string,
  subject: string,
  outcome: 'done' | 'refused',
  details: unknown,
) {
  const { staff, origin } = caller;
  // ID numbers are masked in the audit log as in every log (DESIGN §4).
  const masked = maskLogValue(details);
  return {
    actor: staff.username,
    role: staff.role,
    action,
    subject,
    outcome,
    ip: origin.ip,
    requestId: origin.requestId,
    details: masked,
  };
}

function refusedRow(caller: Caller, action: string, subject: string, e: ServiceError, request: unknown) {
  return auditRow(caller, action, subject, 'refused', {
    code: e.code,
    message: e.message,
    path: e.path,
    request,
  });
}

async function authorised(
  ctx: ServerContext,
  o: RestOperation<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined>,
  input: Parsed<unknown, unknown, unknown>,
  caller: Caller,
): Promise<Target> {
  const target = await o.target(input as never, ctx.db);
  try {
    await authorise(ctx.db, caller.staff, o.operation, target);
  } catch (e) {
    if (e instanceof ServiceError)
      await audit(
        ctx.db,
        refusedRow(
          caller,
          o.operation,
          target.subject,
          e,
          o.details?.(input as never, null) ?? input.body ?? input.query ?? {},
        ),
      );
    throw e;
  }
  return target;
}

async function runWrite(
  ctx: ServerContext,
  o: RestOperation<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined>,
  input: Parsed<unknown, unknown, unknown>,
  caller: Caller,
  target: Target,
): Promise<unknown> {
  const details = (result: unknown) => o.details?.(input as never, result) ?? input.body ?? {};
  try {
    return await ctx.db.transaction(async (tx) => {
      const result = await o.run(input as never, joinTransaction(tx, ctx.db.kind), caller);
      await audit(tx, auditRow(caller, o.operation, target.subject, 'done', details(result)));
      return result;
    });
  } catch (e) {
    if (e instanceof ServiceError)
      await audit(ctx.db, refusedRow(caller, o.operation, target.subject, e, details(null)));
    throw e;
  }
}

/** A unique id for the OpenAPI document: 'post_persons_by_psnNo_enrolments'. */
function operationId(method: string, url: string): string {
  const words = url.split('/').filter((w) => w !== '');
  return [method.toLowerCase(), ...words.map((w) => w.replace(/^:/, 'by_'))].join('_');
}

/** Register an operation on the REST scope. */
export function register(
  app: FastifyInstance,
  ctx: ServerContext,
  o: RestOperation<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined>,
): void {
  app.route({
    method: o.method,
    url: o.url,
    schema: {
      summary: o.summary,
      tags: [o.tag],
      operationId: operationId(o.method, o.url),
      security: [{ bearer: [] }],
      ...(o.body ? { body: o.body } : {}),
      ...(o.query ? { querystring: o.query } : {}),
      ...(o.params ? { params: o.params } : {}),
    },
    onRequest: async (request) => {
      (request as WithStaff)[STAFF] = await authenticate(ctx.db, bearerToken(request), ctx.clock());
    },
    handler: async (request, reply) => {
      const caller: Caller = {
        staff: (request as WithStaff)[STAFF]!,
        origin: { ip: request.ip, requestId: request.id },
        now: ctx.clock(),
      };
      const input = { body: request.body, query: request.query, params: request.params };
      const target = await authorised(ctx, o, input, caller);
      const result = o.write
        ? await runWrite(ctx, o, input, caller, target)
        : await o.run(input as never, ctx.db, caller);
      return reply.code(o.status ?? 200).send(result);
    },
  });
}
