import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { IdentityPort } from '../../../core/ports.js';
import { callerOf } from '../../../http/route-kit.js';
import { Type } from '../../../http/schemas.js';

const Reach = Type.Union([Type.Literal('all'), Type.Literal('some'), Type.Literal('none')], {
  description: '`all` objects of the type, `some` (object-scoped grants: their ids in `object_ids`), or `none`',
});

export const AccessOut = Type.Object({
  user: Type.Object({ id: Type.Integer(), username: Type.String(), is_superuser: Type.Boolean(), kind: Type.String() }),
  idle_timeout_seconds: Type.Integer({ description: 'Inactivity after which the console signs out' }),
  clipboard_clear_seconds: Type.Integer({
    description: 'Seconds after which the console clears a value it copied; 0: it leaves the clipboard alone',
  }),
  object_types: Type.Array(
    Type.Object({
      name: Type.String({ description: '`app_label.model`, as permissions name it' }),
      description: Type.String(),
      actions: Type.Array(Type.Object({ action: Type.String(), reach: Reach, object_ids: Type.Array(Type.String()) })),
    }),
  ),
});

export const OverviewOut = Type.Object({
  engines: Type.Array(
    Type.Object({
      engine: Type.String(),
      counts: Type.Array(
        Type.Object({
          what: Type.String({ description: 'What is counted, plural: `apps`, `environments`, `lists`, `secrets`…' }),
          count: Type.Integer({ minimum: 0 }),
        }),
      ),
    }),
  ),
});

/**
 * `GET /api/users/me/access/`: what the caller may do, per declared object type and action, so the console offers
 * only what the server would allow (the server checks every request anyway). Beyond NetBox; any authenticated caller
 * may read their own.
 */
export function consoleRoutes(
  identity: IdentityPort,
  // HUSH_CONSOLE_IDLE_MINUTES and HUSH_CONSOLE_CLIPBOARD_SECONDS: served here so the console obeys the server.
  settings: { idleMinutes: number; clipboardSeconds: number },
): FastifyPluginAsyncTypebox {
  const { permissions, objectTypes } = identity;
  return async (app) => {
    app.get(
      '/api/users/me/access/',
      {
        config: { hush: { access: 'authenticated' } },
        schema: {
          operationId: 'users_me_access',
          tags: ['users'],
          summary: 'What the caller may do, per object type and action',
          response: { 200: AccessOut },
        },
      },
      async (request) => {
        const caller = callerOf(request);
        const types = await Promise.all(
          objectTypes.list().map(async (spec) => ({
            name: spec.name,
            description: spec.description,
            actions: await Promise.all(
              spec.actions.map(async (action) => {
                const scope = await permissions.scope(caller, action, spec.name);
                const reach = scope === 'all' ? ('all' as const) : scope.length ? ('some' as const) : ('none' as const);
                return { action, reach, object_ids: scope === 'all' ? [] : [...new Set(scope)].sort() };
              }),
            ),
          })),
        );
        return {
          user: {
            id: caller.user.id,
            username: caller.user.username,
            is_superuser: caller.user.isSuperuser,
            kind: caller.user.kind,
          },
          idle_timeout_seconds: settings.idleMinutes * 60,
          clipboard_clear_seconds: settings.clipboardSeconds,
          object_types: types,
        };
      },
    );

    // The console's front page: per engine, how many objects the caller can reach (counted as each engine's lists
    // count them, nothing decrypted or audited). Beyond NetBox.
    app.get(
      '/api/users/me/overview/',
      {
        config: { hush: { access: 'authenticated' } },
        schema: {
          operationId: 'users_me_overview',
          tags: ['users'],
          summary: 'How many objects of each engine the caller can reach',
          response: { 200: OverviewOut },
        },
      },
      async (request) => ({
        engines: (await identity.overview.counts(callerOf(request))).map((e) => ({ ...e, counts: [...e.counts] })),
      }),
    );
  };
}
