import {
  encryptRaw,
  forbidden,
  invalid,
  kxRandomKeyPair,
  nowIso,
  xorHex,
  type AuditActor,
  type Caller,
  type Db,
  type UserId,
} from '../../../core/ports.js';
import { PhaseAudit } from '../events.js';
import type { PhaseTables } from '../tables.js';
import { isUuid, PHASE_ENGINE, type PhaseContext, type TokenScope } from './context.js';

export interface MintOptions {
  description?: string | undefined;
  expires?: string | null | undefined;
  writeEnabled?: boolean | undefined;
  /** Narrow the token to these apps (all their environments, present and future)… */
  apps?: string[] | undefined;
  /** …and these single environments. Both empty or absent: the token reaches whatever its owner may. */
  environments?: string[] | undefined;
}

export interface MintedToken {
  /** `pss_user:v1:<bearer>:<public key>:<key share A>:<wrap key>` (or `pss_service:v2:…`); shown once, never stored. */
  token: string;
  tokenId: number;
  /** The header value Phase's REST clients send for the third segment: `User <bearer>` or `ServiceAccount <bearer>`. */
  bearerToken: string;
  scope: TokenScope | null;
}

/**
 * Phase-format tokens (docs/wire/phase.md §5.3). The account private key is split in two XOR shares: share A goes
 * into the token, share B is kept wrapped (XChaCha20-Poly1305) by a key that also exists only in the token. So the
 * server can wrap environment keys to the account's public key but never holds its private key, and the bearer part
 * is an ordinary core token, hashed at rest, that also works on /v1 and is revoked like any other.
 */
export function createPhaseTokens(pc: PhaseContext) {
  const { ctx, repo } = pc;
  const hex = (bytes: number) => ctx.keyring.randomHex(bytes);

  /**
   * Every named app and environment must exist and be visible to whoever mints (a typo must not mint a token that
   * reaches nothing, and ids must not be probed); a list given empty is refused, as it would otherwise mean "all".
   */
  async function checkScope(minter: Caller, options: MintOptions): Promise<TokenScope | null> {
    if (options.apps === undefined && options.environments === undefined) return null;
    const apps = [...new Set((options.apps ?? []).map((id) => id.toLowerCase()))];
    const environments = [...new Set((options.environments ?? []).map((id) => id.toLowerCase()))];
    if (!apps.length && !environments.length)
      throw invalid(
        'apps',
        'give at least one app or environment id, or leave both out for a token that is not narrowed',
      );
    for (const [i, id] of apps.entries()) {
      const app = await pc.visibleApp(minter, id).catch(() => undefined);
      if (!app) throw invalid(`apps.${i}`, `no app with id "${id}"`);
    }
    for (const [i, id] of environments.entries()) {
      const env = isUuid(id) ? await repo.getEnv(id) : undefined;
      if (!env || !(await pc.visibleApp(minter, env.app_id).catch(() => undefined)))
        throw invalid(`environments.${i}`, `no environment with id "${id}"`);
    }
    return { apps, environments };
  }

  return {
    /** `minter` is who asks (its view of apps bounds the scope it may name); `user` owns the token. */
    async mint(
      minter: Caller,
      actor: AuditActor,
      user: { id: UserId; kind: 'person' | 'service' },
      options: MintOptions = {},
    ): Promise<MintedToken> {
      const scope = await checkScope(minter, options);
      const account = await kxRandomKeyPair();
      const shareA = hex(32);
      const shareB = xorHex(shareA, account.privateKey);
      const wrapKey = hex(32);
      // Phase wraps the hex *text* of share B, which is what its clients unwrap.
      const wrapped = Buffer.from(await encryptRaw(Buffer.from(shareB, 'utf8'), Buffer.from(wrapKey, 'hex'))).toString(
        'hex',
      );
      const bearer = hex(32);
      const tokenId = await repo.db.transaction().execute(async (trx: Db<PhaseTables>) => {
        // The core refuses a minter who may not make tokens for this user (another user's need users.token add).
        const { row } = await ctx.tokens.create(
          minter,
          // A narrowed token is confined to this engine: its scope says nothing about other engines' data.
          {
            userId: user.id,
            key: bearer,
            description: options.description ?? 'Phase token',
            expires: options.expires ?? null,
            writeEnabled: options.writeEnabled,
            engine: scope ? PHASE_ENGINE : null,
          },
          trx as never,
        );
        await trx
          .insertInto('phase_tokens')
          .values({
            token_id: row.id,
            public_key: account.publicKey,
            wrapped_key_share: wrapped,
            scope: scope && JSON.stringify(scope),
            created_at: nowIso(),
          })
          .execute();
        await ctx.audit.appendWithin(trx, actor, [
          {
            action: PhaseAudit.tokenCreate,
            objectType: 'users.token',
            objectId: row.id,
            details: { user_id: user.id, format: 'phase', write_enabled: options.writeEnabled !== false, scope },
          },
        ]);
        return row.id;
      });
      const [prefix, type] = user.kind === 'person' ? ['pss_user:v1', 'User'] : ['pss_service:v2', 'ServiceAccount'];
      return {
        token: `${prefix}:${bearer}:${account.publicKey}:${shareA}:${wrapKey}`,
        tokenId,
        bearerToken: `${type} ${bearer}`,
        scope,
      };
    },

    /** The Phase side of the caller's token; a plain Hush token has none (it cannot open environment keys). */
    async ofCaller(caller: Caller) {
      const row =
        caller.tokenId === null
          ? undefined
          : await repo.db
              .selectFrom('phase_tokens')
              .selectAll()
              .where('token_id', '=', caller.tokenId)
              .executeTakeFirst();
      if (!row)
        throw forbidden(
          'This token is not a Phase-format token: mint one with `hush admin phase token-create` or POST /v1/tokens/.',
          'not_a_phase_token',
        );
      return row;
    },
  };
}

export type PhaseTokens = ReturnType<typeof createPhaseTokens>;
