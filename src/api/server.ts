import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { ServiceError } from '../common/service-error.js';
import type { Database } from '../db/index.js';
import { purgeExpiredNonces } from './auth/credentials.js';
import type { ApiConfig } from './config.js';
import { httpStatusOf, internalMessage, refusalOf, restErrorBody } from './errors.js';
import { healthRoutes } from './health.js';
import { loadShed } from './load-shed.js';
import { createLogger } from './logging.js';
import { nationalRoutes } from './national/route.js';
import { createServerContext, type ServerContext } from './server-context.js';

/** What the server is built from; tests inject the clock and read the log lines. */
export interface ServerDeps {
  db: Database;
  config: ApiConfig;
  /** Epoch milliseconds; Date.now unless a test fixes the time. */
  clock?: () => number;
  /** Where log lines go (standard output when absent). */
  logStream?: DestinationStream;
}

const NONCE_PURGE_MS = 60_000;

/**
 * Answer a request the HTTP parser could not read (malformed, headers too large, too slow) in the
 * same JSON shape as every other refusal, instead of Node's bare status line.
 */
function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable || socket.destroyed) return;
  const timeout = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
  const status = timeout ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const body = JSON.stringify(
    restErrorBody(
      timeout
        ? { code: 'TIMEOUT', message: 'the request was not received in time', path: '' }
        : { code: 'INVALID_INPUT', message: 'the request is not valid HTTP', path: '' },
      randomUUID(),
    ),
  );
  socket.end(
    `HTTP/1.1 ${status} ${timeout ? 'Request Timeout' : 'Bad Request'}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** REST refusals and not-found in the `{ error: { code, message, path, requestId } }` shape. */
function restErrors(app: FastifyInstance, ctx: ServerContext): void {
  app.setErrorHandler((error, request, reply) => {
    const refusal = refusalOf(error, ctx.config);
    if (!refusal) {
      request.log.error({ err: error }, 'request failed');
      const body = restErrorBody(
        { code: 'INTERNAL', message: internalMessage(request.id), path: '' },
        request.id,
      );
      return reply.code(500).send(body);
    }
    return reply.code(httpStatusOf(refusal.code)).send(restErrorBody(refusal, request.id));
  });
  app.setNotFoundHandler((request, reply) => {
    const message = `no route ${request.method} ${request.url.split('?')[0]}`;
    return reply.code(404).send(restErrorBody({ code: 'NOT_FOUND', message, path: '' }, request.id));
  });
}

/** Stop readiness, stop the nonce purge, and let work still running after its answer finish. */
function closing(app: FastifyInstance, ctx: ServerContext): void {
  const purge = setInterval(() => {
    purgeExpiredNonces(ctx.db, ctx.clock()).catch((err: unknown) =>
      app.log.warn({ err }, 'nonce purge failed'),
    );
  }, NONCE_PURGE_MS);
  purge.unref();
  app.addHook('preClose', async () => {
    ctx.closing = true;
    clearInterval(purge);
  });
  app.addHook('onClose', async () => ctx.settled());
}

/**
 * The HTTP server: /healthz, /readyz and the national interface, on the given database (migrated
 * by the caller, who also closes it after `app.close()`). Not yet listening.
 */
export function buildServer(deps: ServerDeps): FastifyInstance {
  const { config } = deps;
  const ctx = createServerContext(deps.db, config, deps.clock ?? Date.now);
  const app = Fastify({
    loggerInstance: createLogger({
      level: config.logLevel,
      ...(deps.logStream ? { stream: deps.logStream } : {}),
    }) as FastifyBaseLogger,
    genReqId: () => randomUUID(),
    bodyLimit: config.bodyLimitBytes,
    requestTimeout: config.requestTimeoutMs,
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    clientErrorHandler,
  });
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    // Fastify's own 503 while closing has a body of its own shape; this one has ours.
    if (ctx.closing) {
      void reply.header('connection', 'close');
      throw new ServiceError('UNAVAILABLE', 'the server is shutting down; send the request again', '');
    }
  });
  restErrors(app, ctx);
  closing(app, ctx);
  loadShed(app, ctx);
  void app.register((scope) => healthRoutes(scope, ctx));
  void app.register((scope) => nationalRoutes(scope, ctx));
  void app.register(async (scope) => (await import('./rest/plugin.js')).restRoutes(scope, ctx));
  return app;
}
