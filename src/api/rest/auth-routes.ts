import type { FastifyInstance } from 'fastify';
import { ServiceError } from '../../common/service-error.js';
import { authenticate, login, loginSchema, logout } from '../../staff/service.js';
import { RateLimiter } from '../rate-limit.js';
import type { ServerContext } from '../server-context.js';
import { bearerToken } from './operation.js';

/** POST /auth/login (username and password → bearer token), POST /auth/logout, GET /auth/me. */
export function authRoutes(app: FastifyInstance, ctx: ServerContext): void {
  // Guessing passwords: 10 attempts at once per address and username, then one every 10 s.
  const attempts = new RateLimiter({ perSecond: 0.1, burst: 10 });
  app.post(
    '/auth/login',
    {
      schema: {
        summary: 'Sign in: a bearer token for 8 hours',
        tags: ['auth'],
        operationId: 'auth_login',
        body: loginSchema,
      },
    },
    async (request) => {
      const body = request.body as { username: string; password: string };
      const wait = attempts.take(`${request.ip}|${body.username}`, ctx.clock());
      if (wait > 0)
        throw new ServiceError(
          'RATE_LIMITED',
          `too many sign-in attempts for ${body.username} from this address; retry in ${wait} s`,
          '',
        );
      return login(ctx.db, body, { ip: request.ip, requestId: request.id }, ctx.clock());
    },
  );
  app.post(
    '/auth/logout',
    {
      schema: {
        summary: 'End the session of the token sent',
        tags: ['auth'],
        operationId: 'auth_logout',
        security: [{ bearer: [] }],
      },
    },
    async (request, reply) => {
      const token = bearerToken(request);
      await authenticate(ctx.db, token, ctx.clock());
      await logout(ctx.db, token, ctx.clock());
      return reply.code(204).send();
    },
  );
  app.get(
    '/auth/me',
    {
      schema: {
        summary: 'Who the token signs in: username, role, areas',
        tags: ['auth'],
        operationId: 'auth_me',
        security: [{ bearer: [] }],
      },
    },
    async (request) => authenticate(ctx.db, bearerToken(request), ctx.clock()),
  );
}
