import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ServiceError } from '../../common/service-error.js';
import { authenticate } from '../auth/credentials.js';
import { internalMessage, refusalOf } from '../errors.js';
import type { ServerContext } from '../server-context.js';
import { refusalAnswer, type Answer } from './envelope.js';
import { JsonNumber, parseJsonBody, type ExactJson } from './exact-json.js';
import { callService } from './service.js';

/** The national interface's one endpoint. */
export const NATIONAL_PATH = '/fsi/api/rsfComIfsService/callService';

const JSON_TYPE = /^application\/json\s*(;|$)/i;

function requireJson(contentType: string | undefined): void {
  if (contentType === undefined || !JSON_TYPE.test(contentType)) {
    throw new ServiceError(
      'UNSUPPORTED_MEDIA_TYPE',
      `send the message as application/json (got ${contentType ?? 'no content type'})`,
      'content-type',
    );
  }
}

/** Reject once ms have passed; the work goes on (and is awaited at shutdown). */
function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ServiceError(
            'TIMEOUT',
            `no answer within ${ms} ms; the outcome is not known yet: send the same message (same msgid) again to learn it`,
            '',
          ),
        ),
      ms,
    );
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

function field(message: ExactJson, name: string): string | undefined {
  if (
    message === null ||
    typeof message !== 'object' ||
    Array.isArray(message) ||
    message instanceof JsonNumber
  )
    return undefined;
  const v = message[name];
  return typeof v === 'string' ? v.slice(0, 60) : undefined;
}

/** Authenticate, limit, parse and call: the answer, or the refusal thrown. */
async function answer(ctx: ServerContext, request: FastifyRequest, receivedAt: number): Promise<Answer> {
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const auth = await authenticate(
    ctx.db,
    { headers: request.headers, body },
    receivedAt,
    ctx.config.signatureWindowS,
  );
  const wait = ctx.limiter.take(auth.institution, receivedAt);
  if (wait > 0) {
    throw new ServiceError(
      'RATE_LIMITED',
      `institution ${auth.institution} sends more than ${ctx.config.rateLimit.perSecond} messages a second; retry in ${wait} s`,
      '',
    );
  }
  requireJson(request.headers['content-type']);
  const message = parseJsonBody(body, ctx.config.maxJsonDepth);
  request.log.info(
    { institution: auth.institution, infno: field(message, 'infno'), msgid: field(message, 'msgid') },
    'national message',
  );
  const work = ctx.track(
    callService({
      db: ctx.db,
      institution: auth.institution,
      message,
      requestId: request.id,
      receivedAt,
      clock: ctx.clock,
      nonce: auth.nonce,
    }),
  );
  return withDeadline(work, ctx.config.handlerTimeoutMs);
}

/** An error as the interface's refusal (always HTTP 200, infcode -1); a fault of ours is logged. */
export function nationalRefusal(
  ctx: ServerContext,
  request: FastifyRequest,
  error: unknown,
  receivedAt: number,
): Answer {
  const refusal = refusalOf(error, ctx.config);
  if (!refusal) request.log.error({ err: error }, 'national message failed');
  const e = refusal ?? { code: 'INTERNAL' as const, path: '', message: internalMessage(request.id) };
  const answer = refusalAnswer(e, { requestId: request.id, receivedAt, respondedAt: ctx.clock() });
  request.log.info({ code: e.code, path: e.path }, 'national message refused');
  return answer;
}

/**
 * The endpoint, in a scope of its own: every content type is read as raw bytes (the signature
 * covers them exactly as sent), and every error, Fastify's own included, is answered in the
 * interface's shape with HTTP 200.
 */
export async function nationalRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.setErrorHandler((error, request, reply) => {
    void reply.code(200).send(nationalRefusal(ctx, request, error, ctx.clock()));
  });
  app.post(NATIONAL_PATH, async (request, reply) => {
    const receivedAt = ctx.clock();
    try {
      const a = await answer(ctx, request, receivedAt);
      request.log.info({ infcode: a.infcode }, 'national message answered');
      return reply.code(200).send(a);
    } catch (error) {
      return reply.code(200).send(nationalRefusal(ctx, request, error, receivedAt));
    }
  });
}
