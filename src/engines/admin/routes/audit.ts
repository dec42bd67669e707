import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { IdentityPort } from '../../../core/ports.js';
import { pageLinks, pageOf } from '../../../http/route-kit.js';
import { paginated } from '../../../http/schemas.js';
import { AuditOut, AuditQuery } from '../schema.js';
import { auditJson } from '../serializers.js';

/** The audit log, newest first. Entries never hold secret values, so reading them is not itself audited. */
export function auditRoutes(identity: IdentityPort): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/core/audit-log/',
      {
        config: { hush: { access: { objectType: 'core.auditlog', action: 'view' } } },
        schema: {
          operationId: 'audit_log_list',
          tags: ['core'],
          querystring: AuditQuery,
          response: { 200: paginated(AuditOut) },
        },
      },
      async (request) => {
        const q = request.query;
        const page = pageOf(q);
        const since = q.since === undefined ? undefined : new Date(q.since).toISOString();
        const until = q.until === undefined ? undefined : new Date(q.until).toISOString();
        const { count, rows } = await identity.audit.list(
          {
            actor: q.actor,
            engine: q.engine,
            action: q.action,
            objectType: q.object_type,
            objectId: q.object_id,
            since,
            until,
          },
          page,
        );
        return { count, ...pageLinks(request, page, count), results: rows.map(auditJson) };
      },
    );
  };
}
