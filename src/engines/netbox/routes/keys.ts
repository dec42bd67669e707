import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { generateRsaKeyPair, HushError, type Caller } from '../../../core/ports.js';
import { auditActorOf, callerOf, noChangeMade, perUserRateLimit, reachedOverHttps } from '../../../http/route-kit.js';
import { Type } from '../../../http/schemas.js';
import { MSG, shaped } from '../errors.js';
import { NetboxAudit } from '../events.js';
import { KeyPairOut, KeySizeQuery, LegacySessionKeyOut, PreserveKeyQuery, SessionKeyOut } from '../schema.js';
import { sessionKeyJson } from '../serializers.js';
import { OT } from '../service/context.js';
import { MAX_KEY_BITS, MIN_KEY_BITS, OPEN_KEY_BITS } from '../service/user-keys.js';
import { asBody } from '../validate.js';
import { LEGACY_COOKIE, PLUGIN_COOKIE, type Services } from './common.js';

const truthy = (v: unknown) => v === true || (typeof v === 'string' && ['true', 'yes', '1'].includes(v.toLowerCase()));

/** The original sets its cookie for browser sessions only, never for tokens (docs/wire/netbox.md §3.1 step 7). */
const bySession = (caller: Caller) => caller.tokenId === null && caller.sessionId !== null;

const cookieOptions = (request: FastifyRequest) => ({
  path: '/',
  httpOnly: true,
  sameSite: 'strict' as const,
  secure: reachedOverHttps(request),
});

function notAllowed(method: string): never {
  throw new HushError('method_not_allowed', `Method "${method}" not allowed.`);
}

/** Session keys and RSA key pairs, plugin (`/session-key/`) and legacy (`/get-session-key/`) forms. */
export function keyRoutes(s: Services): FastifyPluginAsyncTypebox {
  const authenticated = { access: 'authenticated', allowReadOnlyToken: true } as const;
  /**
   * Creating a session key changes data; recovering the existing one (`preserve_key`) changes nothing, and its
   * audit entry is written outside any transaction: those requests say so with `noChangeMade`.
   */
  const createsSessionKey = { ...authenticated, changesData: true } as const;

  async function auditKeyPair(request: FastifyRequest, bits: number) {
    await s.nc.audit.append(auditActorOf(request), [
      { action: NetboxAudit.keyPairGenerate, details: { key_size: bits } },
    ]);
  }

  /**
   * PEM as the original's pycryptodome `export_key()` writes it: 64-character lines, no trailing newline (docs/wire/netbox.md §2.8).
   * Made off the event loop, at most HUSH_KEYGEN_CONCURRENCY at once in the process.
   */
  async function keyPair(bits: number) {
    const pair = await s.nc.ctx.gates.keyGeneration.run(() => generateRsaKeyPair(bits));
    return { public_key: pair.publicKey.trimEnd(), private_key: pair.privateKey.trimEnd() };
  }

  async function createSession(request: FastifyRequest, privateKey: unknown, preserve: boolean) {
    const caller = callerOf(request);
    const made = await s.sessions.create(
      auditActorOf(request),
      caller,
      typeof privateKey === 'string' ? privateKey : undefined,
      preserve,
    );
    if (!made.created) noChangeMade(request);
    return { caller, ...made };
  }

  return async (app) => {
    const P = '/api/plugins/secrets';
    // One budget per user for both generate endpoints, counted before any work is done.
    const keyGenerationBudget = perUserRateLimit(app, s.nc.ctx.config.limits.keyGenerationRateLimit);

    app.get(
      `${P}/session-key/`,
      {
        config: { hush: authenticated },
        schema: { operationId: 'plugin_session_key_read', tags: ['netbox'], response: { 200: SessionKeyOut } },
      },
      async (request) => {
        const caller = callerOf(request);
        const row = await s.sessions.current(caller.user.id);
        if (!row) throw new HushError('not_found', MSG.noActiveSessionKey);
        return sessionKeyJson(request, row, row.userkey_id, caller.user.username, null);
      },
    );

    app.post(
      `${P}/session-key/`,
      {
        config: { hush: createsSessionKey },
        schema: {
          operationId: 'plugin_session_key_create',
          tags: ['netbox'],
          response: { 200: SessionKeyOut, 201: SessionKeyOut },
        },
      },
      async (request, reply) => {
        const body = asBody(request.body);
        const made = await createSession(request, body.private_key, truthy(body.preserve_key));
        if (bySession(made.caller)) reply.setCookie(PLUGIN_COOKIE, made.key.toString('base64'), cookieOptions(request));
        return reply
          .status(made.created ? 201 : 200)
          .send(sessionKeyJson(request, made.row, made.userKeyId, made.caller.user.username, made.key));
      },
    );

    app.delete(
      `${P}/session-key/`,
      {
        config: { hush: { ...authenticated, changesData: true } },
        schema: { operationId: 'plugin_session_key_delete', tags: ['netbox'], response: { 204: Type.Null() } },
      },
      async (request, reply) => {
        const removed = await s.sessions.remove(auditActorOf(request), callerOf(request));
        reply.clearCookie(PLUGIN_COOKIE, { path: '/' });
        if (!removed) throw new HushError('not_found', MSG.noActiveSessionKey);
        return reply.status(204).send(null);
      },
    );

    for (const method of ['PUT', 'PATCH'] as const) {
      app.route({
        method,
        url: `${P}/session-key/`,
        config: { hush: { ...authenticated, changesData: false } },
        schema: { hide: true },
        handler: async () => notAllowed(method),
      });
    }

    app.get(
      `${P}/generate-rsa-key-pair/`,
      {
        config: { hush: authenticated },
        preHandler: keyGenerationBudget,
        schema: {
          operationId: 'plugin_generate_rsa_key_pair',
          tags: ['netbox'],
          querystring: KeySizeQuery,
          response: { 200: KeyPairOut },
        },
      },
      async (request) => {
        const raw = request.query.key_size;
        const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
        let bits = MIN_KEY_BITS;
        if (value !== undefined) {
          if (!/^-?\d+$/.test(value.trim())) throw shaped('error', MSG.keySizeNotInteger);
          bits = Number(value);
          if (bits < MIN_KEY_BITS || bits > MAX_KEY_BITS)
            throw shaped('error', MSG.keySizeRange(MIN_KEY_BITS, MAX_KEY_BITS));
          if (bits % 256) throw shaped('error', MSG.keySizeStep);
          if (bits > OPEN_KEY_BITS && !(await s.nc.can(callerOf(request), 'add', OT.userKey))) {
            throw shaped('error', MSG.keySizeNeedsPermission(OPEN_KEY_BITS, OT.userKey), 'forbidden');
          }
        }
        const pair = await keyPair(bits);
        await auditKeyPair(request, bits);
        return { ...pair, key_size: bits };
      },
    );

    const L = '/api/secrets';

    // NetBox 2.x reads `private_key` from a form body and `preserve_key` from the query string (docs/wire/netbox.md
    // §3.4); pynetbox 7.0.0 calls this for plugin clients too. JSON bodies and a body `preserve_key` are accepted as
    // well. The plugin 2.x had the same endpoint under its own prefix (docs/wire/netbox.md §3.3): an alias, left out of
    // the OpenAPI document.
    for (const url of [`${L}/get-session-key/`, `${P}/get-session-key/`]) {
      app.post(
        url,
        {
          config: { hush: createsSessionKey },
          schema: {
            operationId: 'legacy_get_session_key',
            tags: ['netbox'],
            hide: url !== `${L}/get-session-key/`,
            querystring: PreserveKeyQuery,
            response: { 200: LegacySessionKeyOut },
          },
        },
        async (request, reply) => {
          const body = asBody(request.body);
          const queryPreserve = request.query.preserve_key;
          const made = await createSession(
            request,
            body.private_key,
            (queryPreserve !== undefined && queryPreserve !== '') || truthy(body.preserve_key),
          );
          if (bySession(made.caller))
            reply.setCookie(LEGACY_COOKIE, made.key.toString('base64'), cookieOptions(request));
          return { session_key: made.key.toString('base64') };
        },
      );
    }

    // The original always generated 2048 bits (a string/int comparison bug); Hush honours key_size in 2048..4096.
    app.get(
      `${L}/generate-rsa-key-pair/`,
      {
        config: { hush: authenticated },
        preHandler: keyGenerationBudget,
        schema: {
          operationId: 'legacy_generate_rsa_key_pair',
          tags: ['netbox'],
          querystring: KeySizeQuery,
          response: { 200: KeyPairOut },
        },
      },
      async (request) => {
        const n = Number(request.query.key_size);
        const bits = Number.isInteger(n) && n >= 2048 && n <= 4096 && n % 256 === 0 ? n : 2048;
        const pair = await keyPair(bits);
        await auditKeyPair(request, bits);
        return { private_key: pair.private_key, public_key: pair.public_key };
      },
    );
  };
}
