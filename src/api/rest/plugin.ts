import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { parseJsonBody } from '../national/exact-json.js';
import type { ServerContext } from '../server-context.js';
import { adminOperations } from './admin-routes.js';
import { authRoutes } from './auth-routes.js';
import { fundOperations } from './fund-routes.js';
import { register } from './operation.js';
import { registryOperations } from './registry-routes.js';
import { jsonSchemaOf, plainJson, zodValidator } from './schema.js';
import { settlementOperations } from './settlement-routes.js';

/** Where the REST API lives, and its documents. */
export const REST_PREFIX = '/api/v1';
export const DOCS_PATH = '/api/docs';

/**
 * The staff REST API (/api/v1) with its OpenAPI document (/api/docs/json) and browsable docs
 * (/api/docs), in a scope of its own: bodies are read by the strict JSON parser (depth-limited,
 * no duplicate keys, UTF-8 only), requests are validated by their zod schemas, and the OpenAPI
 * document is generated from those same schemas.
 */
export async function restRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  // JSON only: any other content type is refused with 415 before the handler.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    try {
      done(null, plainJson(parseJsonBody(body as Buffer, ctx.config.maxJsonDepth)));
    } catch (e) {
      done(e as Error, undefined);
    }
  });
  app.setValidatorCompiler(zodValidator);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Tongchou staff REST API',
        version: '1',
        description:
          'Amounts are whole fen (integers). Sign in at POST /api/v1/auth/login and send the token as "Authorization: Bearer <token>".',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: ({ schema, url }) => {
      const s = (schema ?? {}) as Record<string, unknown>;
      const converted: Record<string, unknown> = { ...s };
      if (s.body) converted.body = jsonSchemaOf(s.body, 'input');
      if (s.querystring) converted.querystring = jsonSchemaOf(s.querystring, 'output');
      if (s.params) converted.params = jsonSchemaOf(s.params, 'output');
      return { schema: converted as never, url };
    },
  });
  await app.register(swaggerUi, { routePrefix: DOCS_PATH });
  await app.register(
    async (v1) => {
      authRoutes(v1, ctx);
      for (const o of [...registryOperations, ...settlementOperations, ...fundOperations, ...adminOperations])
        register(v1, ctx, o);
    },
    { prefix: REST_PREFIX },
  );
}
