import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/**
 * The OpenAPI document is generated from the route schemas (every route has one), served at
 * `/api/docs/openapi.json`, at `/api/docs/?format=openapi` (where pynetbox's `nb.openapi()` looks) and
 * browsable at `/api/docs`.
 */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Hush',
        version,
        description:
          'Self-hosted secrets server: NetBox, Passbolt, Phase and NetActuate secrets APIs over one encrypted store.',
      },
      components: {
        securitySchemes: {
          token: {
            type: 'apiKey',
            in: 'header',
            name: 'Authorization',
            description: '`Token <key>` or `Bearer <key>`',
          },
        },
      },
      security: [{ token: [] }],
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    staticCSP: true,
    uiHooks: {
      // pynetbox's `nb.openapi()` asks the UI's own path for the document.
      onRequest: (request, reply, done) => {
        if ((request.query as { format?: string }).format === 'openapi') void reply.send(app.swagger());
        else done();
      },
    },
  });
  app.get('/api/docs/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
