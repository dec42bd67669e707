import {
  decryptAsymmetric,
  encryptAsymmetric,
  HushError,
  invalid,
  isPhaseCiphertext,
  microsIso,
  type AuditActor,
  type AuditEvent,
  type Caller,
} from '../../../core/ports.js';
import { ERR } from '../errors.js';
import { normalizePath } from '../paths.js';
import type { EnvRow } from '../repo.js';
import { envJson, secretJson, type SecretJson } from '../serializers.js';
import { isUuid, PhaseObject, type PhaseContext } from './context.js';
import { readEvents, type SecretService } from './secrets.js';
import type { OpenedSecret } from './snapshots.js';
import { LIMITS, parseBody, parseCreate, parseDelete, parseUpdate } from '../validate.js';
import { createEnvKeys } from './env-keys.js';
import type { PhaseTokens } from './tokens.js';

export interface ServiceQuery {
  keyDigest?: string | undefined;
  path?: string | undefined;
  /** Any of these tag names (the `Tags` header, comma-separated). */
  tags?: string[] | undefined;
}

const ENCRYPTED_FIELDS = ['key', 'value', 'comment'] as const;

/**
 * Phase's end-to-end service API (docs/wire/phase.md §5.2) over the one store /v1 uses: what clients send is
 * opened with the environment key here and written through the same secret service (versions, revision, audit);
 * what they read is the stored plaintext sealed to the environment key, references left as written.
 */
export function createE2eeService(pc: PhaseContext, secrets: SecretService, tokens: PhaseTokens) {
  const { ctx, repo } = pc;
  const envKeys = createEnvKeys(pc);
  /**
   * A secret's fields sealed to its environment key, kept as long as its snapshot is (one revision, while plaintext
   * keeping is on): each seal costs an X25519 exchange, and any valid ciphertext serves every caller, as Phase serves
   * the same stored ciphertexts to all. With keeping off, snapshots are new objects and nothing is reused.
   */
  const sealed = new WeakMap<OpenedSecret, Promise<{ key: string; value: string; comment: string }>>();
  function sealedOnce(s: OpenedSecret, seal: (text: string) => Promise<string>) {
    let found = sealed.get(s);
    if (!found) {
      found = Promise.all([seal(s.key), seal(s.value), seal(s.comment)]).then(([key, value, comment]) => ({
        key,
        value,
        comment,
      }));
      found.catch(() => sealed.delete(s));
      sealed.set(s, found);
    }
    return found;
  }

  /** Every ciphertext field of every item opened in place; a bad one names its item and field. */
  async function openItems(raw: unknown, env: EnvRow): Promise<unknown> {
    const body = parseBody(raw);
    if (!Array.isArray(body.secrets)) return body;
    // Checked before any decryption, so an oversized batch costs no CPU.
    if (body.secrets.length > LIMITS.batch)
      throw new HushError('too_large', `At most ${LIMITS.batch} secrets per request.`);
    const { keyPair } = await envKeys.of(env);
    const open = async (i: number, field: string, text: unknown) => {
      // An empty field stays empty; everything else must be a ph:v1 message this environment's key opens.
      if (typeof text !== 'string' || text === '') return text;
      const refuse = () =>
        new HushError('invalid', 'Invalid ciphertext format', {
          problems: [{ field: `secrets.${i}.${field}`, message: 'not a ph:v1 ciphertext for this environment' }],
        });
      if (!isPhaseCiphertext(text)) throw refuse();
      try {
        return await decryptAsymmetric(text, keyPair);
      } catch {
        throw refuse();
      }
    };
    const secretsOut = await Promise.all(
      body.secrets.map(async (item: unknown, i: number) => {
        if (typeof item !== 'object' || item === null || Array.isArray(item)) return item;
        const copy: Record<string, unknown> = { ...(item as Record<string, unknown>) };
        for (const field of ENCRYPTED_FIELDS) if (field in copy) copy[field] = await open(i, field, copy[field]);
        // The client's keyDigest is ignored: the server hashes the decrypted key (docs/wire/phase.md §5.3, SDK bug).
        delete copy.keyDigest;
        const o = copy.override;
        if (o && typeof o === 'object' && !Array.isArray(o) && 'value' in o)
          copy.override = { ...o, value: await open(i, 'override.value', (o as { value: unknown }).value) };
        return copy;
      }),
    );
    return { ...body, secrets: secretsOut };
  }

  return {
    /**
     * `Secret-Id: <secret id>`, else `Environment: <id>`, else `app_id` + `env` (docs/wire/phase.md §3.1), with the
     * same access rules as /v1 but no SSE requirement.
     */
    async environment(
      caller: Caller,
      headers: { secretId?: string | undefined; environment?: string | undefined },
      query: { app_id?: string; env?: string },
      action: 'view' | 'add' | 'change' | 'delete',
    ) {
      let env: EnvRow | undefined;
      const header = headers.environment;
      if (headers.secretId) {
        env = (await pc.envOfSecret(headers.secretId)).env;
      } else if (header) {
        // Phase resolves this header while authenticating, so an unknown id is a 401 (docs/wire/phase.md §3.1).
        env = isUuid(header) ? await repo.getEnv(header.toLowerCase()) : undefined;
        if (!env) throw new HushError('unauthenticated', ERR.envNotFoundById, { reason: 'env_unknown' });
      } else {
        env = (await pc.resolveEnv(query)).env;
      }
      await pc.requireSecretAccess(caller, env, action);
      return env;
    },

    async tokenInfo(caller: Caller) {
      const token = await tokens.ofCaller(caller);
      const scope = await ctx.permissions.scope(caller, 'view', PhaseObject.app);
      const apps = await repo.listApps(scope);
      const answer = [];
      for (const app of apps) {
        const environmentKeys = [];
        for (const env of await repo.listEnvs(app.id)) {
          // Keys for every environment the account may act on, as Phase hands them out: a write-only account needs
          // them to encrypt; it still cannot read anything back.
          if (!(await pc.canAccessEnv(caller, env))) continue;
          const wrapped = await envKeys.wrappedFor(env, token.public_key);
          environmentKeys.push({
            id: env.id,
            environment: snake(envJson(env)),
            paths: null,
            identity_key: wrapped.identityKey,
            wrapped_seed: wrapped.wrappedSeed,
            wrapped_salt: wrapped.wrappedSalt,
            // Text, as Phase's ids are (the golang-sdk decodes `user` into a Go string).
            user: caller.user.kind === 'person' ? String(caller.user.id) : null,
            service_account: caller.user.kind === 'service' ? String(caller.user.id) : null,
            created_at: microsIso(env.created_at),
            updated_at: microsIso(env.updated_at),
            deleted_at: null,
          });
        }
        // An app with no environment the token may act on is of no use to a client (and may be outside its scope).
        if (!environmentKeys.length) continue;
        answer.push({
          id: app.id,
          name: app.name,
          encryption: app.sse_enabled === 1 ? ('SSE' as const) : ('E2E' as const),
          environment_keys: environmentKeys,
        });
      }
      return {
        wrapped_key_share: token.wrapped_key_share,
        ...(caller.user.kind === 'person'
          ? { user_id: String(caller.user.id) }
          : { account_id: String(caller.user.id) }),
        offline_enabled: false,
        organisation: { id: 'hush', name: 'Hush' },
        apps: answer,
      };
    },

    /** The environment's secrets sealed to its key; the caller's overrides (persons only) sealed the same way. */
    async list(
      caller: Caller,
      env: EnvRow,
      query: ServiceQuery,
      camelCase: boolean,
    ): Promise<{ body: (SecretJson | SnakeCased<SecretJson>)[] | string; reads: AuditEvent[] }> {
      const path = query.path ? normalizePath(query.path) : undefined;
      const snapshot = await secrets.snapshots.of(env);
      const unfiltered = path === undefined && query.keyDigest === undefined && query.tags === undefined;
      const chosen = unfiltered
        ? snapshot.secrets
        : snapshot.secrets.filter(
            (s) =>
              (path === undefined || s.row.path === path) &&
              (query.keyDigest === undefined || s.row.key_digest === query.keyDigest) &&
              (query.tags === undefined || s.tags.some((t) => query.tags!.includes(t))),
          );
      const { keyPair } = await envKeys.of(env);
      const seal = (text: string) => encryptAsymmetric(text, keyPair.publicKey);
      const overrides =
        caller.user.kind === 'person' && chosen.length
          ? await repo.overridesOf(
              chosen.map((s) => s.row.id),
              caller.user.id,
            )
          : [];
      const byId = new Map(overrides.map((o) => [o.secret_id, o]));
      const build = () =>
        Promise.all(
          chosen.map(async (s) => {
            const o = byId.get(s.row.id);
            const json = secretJson({
              row: s.row,
              ...(await sealedOnce(s, seal)),
              tags: s.tags,
              override: o
                ? {
                    id: o.id,
                    value: await seal(await secrets.writer.openOverride(o.secret_id, o.user_id, o.value_ct)),
                    isActive: o.is_active === 1,
                    created_at: o.created_at,
                    updated_at: o.updated_at,
                  }
                : null,
            });
            return camelCase ? json : snake(json);
          }),
        );
      const reads = readEvents(
        chosen.map((s) => s.row.id),
        env.id,
      );
      // The whole environment without overrides is the same text for every caller: built once per revision.
      if (unfiltered && !overrides.length)
        return {
          body: await snapshot.memo(`e2ee-answer-${camelCase}`, async () => JSON.stringify(await build())),
          reads,
        };
      return { body: await build(), reads };
    },

    async create(caller: Caller, actor: AuditActor, env: EnvRow, raw: unknown) {
      await secrets.create(caller, actor, env, parseCreate(await openItems(raw, env)));
    },

    /** Phase replaces tags on every E2EE update: omitted tags clear them (docs/wire/phase.md §5.2). */
    async update(caller: Caller, actor: AuditActor, env: EnvRow, raw: unknown) {
      const opened = (await openItems(raw, env)) as { secrets?: unknown };
      if (Array.isArray(opened.secrets)) {
        opened.secrets = opened.secrets.map((item) =>
          typeof item === 'object' && item !== null && !('tags' in item) ? { ...item, tags: [] } : item,
        );
      }
      await secrets.update(caller, actor, env, parseUpdate(opened));
    },

    /** Unknown ids are ignored, as Phase does here (unlike /v1). */
    async remove(actor: AuditActor, env: EnvRow, raw: unknown): Promise<number> {
      return secrets.remove(actor, env, parseDelete(raw), { ignoreMissing: true });
    },

    checkDigest(digest: string | undefined): string | undefined {
      if (digest === undefined || digest === '' || digest === 'null') return undefined;
      if (!/^[0-9a-f]{64}$/.test(digest)) throw invalid('KeyDigest', 'must be 64 lower-case hexadecimal characters');
      return digest;
    },
  };
}

const SNAKE = /[A-Z]/g;
type SnakeKey<S extends string> = S extends `${infer C}${infer Rest}`
  ? `${C extends Lowercase<C> ? C : `_${Lowercase<C>}`}${SnakeKey<Rest>}`
  : S;
/** `T` with its keys (and its nested objects' keys) in snake_case, as `snake` makes it. */
export type SnakeCased<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T as K extends string ? SnakeKey<K> : K]: SnakeCased<T[K]> }
    : T;

/** Phase's snake_case answers for clients that do not send `X-Use-Camel-Case: true` (its Python CLI). */
function snake<T extends object>(value: T): SnakeCased<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k.replace(SNAKE, (c) => `_${c.toLowerCase()}`)] =
      v && typeof v === 'object' && !Array.isArray(v) ? snake(v) : v;
  }
  return out as SnakeCased<T>;
}

export type E2eeService = ReturnType<typeof createE2eeService>;
