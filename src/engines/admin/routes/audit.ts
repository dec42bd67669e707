import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { defineFilterSet, type IdentityPort } from '../../../core/ports.js';
import { pageLinks, pageOf } from '../../../http/route-kit.js';
import { paginated, Type } from '../../../http/schemas.js';
import { AuditOut, AuditQuery } from '../schema.js';
import { auditJson } from '../serializers.js';

const AuditVerifyOut = Type.Object({
  ok: Type.Boolean({
    description:
      'true: every entry links to the previous one of its stripe, hashes to what it says, and every stripe ends at its head',
  }),
  entries: Type.Integer({ description: 'Entries checked' }),
  through_seq: Type.Integer({
    description: 'The newest entry checked up to; entries appended while the check ran are outside it',
  }),
  problems: Type.Array(Type.Object({ seq: Type.Integer(), problem: Type.String() }), {
    description: 'The first breaks found (at most 20), in chain order',
  }),
  heads: Type.Array(Type.Object({ stripe: Type.Integer(), seq: Type.Integer(), hash: Type.String() }), {
    description:
      "Every stripe's head as checked: a copy kept outside the database lets a later check (hush admin audit verify --anchor) catch a stripe whose newest entries were removed and its head moved back",
  }),
  checked_at: Type.String(),
});

/**
 * The audit log's filters, exact matches each (the schema types them): any other parameter is refused with 400
 * naming it, as on every NetBox-style list, so a misspelt filter never returns the whole log.
 */
const AUDIT_FILTERS = defineFilterSet(
  Object.fromEntries(
    ['actor', 'engine', 'action', 'object_type', 'object_id', 'since', 'until'].map((name) => [
      name,
      { kind: 'search' } as const,
    ]),
  ),
);

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
        AUDIT_FILTERS.check(q);
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

    // Beyond NetBox: what `hush admin audit verify` checks, for the console's "verify chain". It reads every entry,
    // so it is no cheaper than reading the log, which whoever calls it may already do.
    app.get(
      '/api/core/audit-log/verify/',
      {
        config: { hush: { access: { objectType: 'core.auditlog', action: 'view' } } },
        schema: {
          operationId: 'audit_log_verify',
          tags: ['core'],
          summary: "Checks the audit log's hash chain from its first entry to its head",
          response: { 200: AuditVerifyOut },
        },
      },
      async () => {
        const report = await identity.audit.verify();
        return {
          ok: report.ok,
          entries: report.entries,
          through_seq: report.throughSeq,
          problems: report.problems,
          heads: report.heads,
          checked_at: new Date().toISOString(),
        };
      },
    );
  };
}
