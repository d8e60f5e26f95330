import type { FastifyInstance } from 'fastify';
import { ServiceError } from '../common/service-error.js';
import type { ServerContext } from './server-context.js';

const READY_TIMEOUT_MS = 2_000;

/** Whether the database answers a trivial query within the time allowed. */
async function databaseAnswers(ctx: ServerContext): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>(
    (resolve) => (timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS)),
  );
  const query = ctx.db.query('SELECT 1 AS one').then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([query, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** /healthz: the process is up. /readyz: it can serve (the database answers, and it is not closing). */
export async function healthRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async () => {
    if (ctx.closing) throw new ServiceError('UNAVAILABLE', 'the server is shutting down', '');
    if (!(await databaseAnswers(ctx)))
      throw new ServiceError('UNAVAILABLE', 'the database does not answer', '');
    return { status: 'ready' };
  });
}
