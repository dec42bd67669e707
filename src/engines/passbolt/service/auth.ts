import type { Transaction } from 'kysely';
import * as openpgp from 'openpgp';
import { HushError, isHushError, nowIso, type AuditActor, type Caller } from '../../../core/ports.js';
import { badRequest, MSG } from '../errors.js';
import { PassboltAudit } from '../events.js';
import { signJwt, verifyJwt, type AccessClaims } from '../jwt.js';
import { MAX_ARMORED_CHARS, readUntrustedMessage, UNTRUSTED_MESSAGE_CONFIG } from '../openpgp.js';
import { anonymous, audit, isUuid, type PassboltContext } from './context.js';
import type { ServerKeys } from './server-keys.js';
import type { PassboltTables } from '../tables.js';

/**
 * Passbolt's JWT login (plugins/PassboltCe/JwtAuthentication: GpgJwtAuthenticator, JwtArmoredChallengeService,
 * VerifyTokenValidationService, RefreshToken*Service). Durations are Passbolt's defaults.
 */
export const PROTOCOL_VERSION = '1.0.0';
const ACCESS_TOKEN_SECONDS = 5 * 60;
const REFRESH_TOKEN_MS = 30 * 24 * 3600 * 1000;
const VERIFY_TOKEN_MAX_SECONDS = 3600;

export const AUTH_MSG = {
  userId: 'The user id is missing or invalid.',
  userKey: 'The user OpenPGP key does not exist, or is invalid, or has been deleted.',
  challengeMissing: 'The user challenge is missing or invalid.',
  decrypt: 'The challenge cannot be decrypted.',
  signature: 'The user signature could not be verified.',
  deserialize: 'The challenge is invalid. Deserialization failed.',
  validation: 'The challenge is invalid. Validation Failed.',
  domain: 'The domain is invalid.',
  refreshInvalid: 'The refresh token provided is invalid or expired.',
  loginFailed: 'The authentication failed.',
} as const;

/** Passbolt's base URL as Router::url('/', true) prints it: scheme, host, port, trailing slash. */
export const domainOf = (origin: string) => `${origin.replace(/\/+$/, '')}/`;

export function createAuthService(pc: PassboltContext, keys: ServerKeys) {
  const { repo, ctx } = pc;
  const digest = (type: string, accountId: string, token: string) =>
    ctx.keyring.keyedHash(`passbolt:${type}:${accountId}:${token}`, '');

  async function issueTokens(
    accountId: string,
    origin: string,
    actor: AuditActor | undefined,
    trxWork?: (trx: Transaction<PassboltTables>) => Promise<void>,
  ) {
    const jwt = await keys.jwt();
    const userKey = await repo.keyOf(accountId);
    const claims: AccessClaims = {
      iss: domainOf(origin),
      sub: accountId,
      exp: Math.floor(Date.now() / 1000) + ACCESS_TOKEN_SECONDS,
      ...(userKey ? { key: userKey.id } : {}),
    };
    const accessToken = await signJwt(claims, jwt);
    const refreshToken = pc.newId();
    const hash = await digest('refresh', accountId, refreshToken);
    await repo.db.transaction().execute(async (trx) => {
      if (trxWork) await trxWork(trx);
      await trx
        .insertInto('passbolt_auth_tokens')
        .values({
          id: pc.newId(),
          token_hash: hash,
          account_id: accountId,
          type: 'refresh',
          active: 1,
          expires: new Date(Date.now() + REFRESH_TOKEN_MS).toISOString(),
          created: nowIso(),
        })
        .execute();
      if (actor)
        await ctx.audit.appendWithin(trx, actor, [
          audit(PassboltAudit.sessionLogin, 'passbolt.user', accountId, { method: 'jwt' }),
        ]);
    });
    return { accessToken, refreshToken };
  }

  async function activeUserOf(accountId: string) {
    const account = await repo.accountById(accountId);
    const user = account ? await ctx.users.get(account.user_id).catch(() => undefined) : undefined;
    return account && user && user.is_active === 1 ? { account, user } : undefined;
  }

  /** The JWT login proper (see `login`). */
  async function jwtLogin(body: Record<string, unknown>, origin: string, actor: AuditActor) {
    if (!isUuid(body.user_id)) throw badRequest(AUTH_MSG.userId);
    const accountId = body.user_id.toLowerCase();
    const found = await activeUserOf(accountId);
    const userKey = found ? await repo.keyOf(accountId) : undefined;
    // Service accounts use Hush tokens, as at GPGAuth: Passbolt's logins are for people.
    if (!found || !userKey || found.user.kind !== 'person') throw new HushError('not_found', MSG.userNotFound);
    const armored = body.challenge;
    if (
      typeof armored !== 'string' ||
      armored.length > MAX_ARMORED_CHARS ||
      !armored.includes('-----BEGIN PGP MESSAGE-----')
    )
      throw badRequest(AUTH_MSG.challengeMissing);

    const server = await keys.openpgp();
    let userPublic: openpgp.Key;
    let clear: string;
    try {
      userPublic = await openpgp.readKey({ armoredKey: userKey.armored_key });
      const message = await readUntrustedMessage(armored);
      if (!message) throw new Error('not a message the server decrypts');
      const decrypted = await openpgp.decrypt({
        message,
        decryptionKeys: server.privateKey,
        config: UNTRUSTED_MESSAGE_CONFIG,
        verificationKeys: userPublic,
        expectSigned: true,
      });
      clear = String(decrypted.data);
    } catch (e) {
      const signatureProblem = /signature/i.test(String((e as Error)?.message));
      throw new HushError('invalid', signatureProblem ? AUTH_MSG.signature : AUTH_MSG.decrypt, {
        reason: 'challenge_rejected',
      });
    }
    let challenge: Record<string, unknown>;
    try {
      challenge = JSON.parse(clear);
      if (!challenge || typeof challenge !== 'object') throw new Error('not an object');
    } catch {
      throw badRequest(AUTH_MSG.deserialize);
    }
    if (typeof challenge.domain !== 'string' || challenge.domain.replace(/\/+$/, '') !== origin.replace(/\/+$/, ''))
      throw badRequest(AUTH_MSG.domain);
    const now = Math.floor(Date.now() / 1000);
    const expiry = Number(challenge.verify_token_expiry);
    if (
      challenge.version !== PROTOCOL_VERSION ||
      !isUuid(challenge.verify_token) ||
      !Number.isFinite(expiry) ||
      expiry < now ||
      expiry > now + VERIFY_TOKEN_MAX_SECONDS
    ) {
      throw badRequest(AUTH_MSG.validation);
    }
    const verifyToken = challenge.verify_token;
    const verifyHash = await digest('verify', accountId, verifyToken);
    const { accessToken, refreshToken } = await issueTokens(
      accountId,
      origin,
      { ...actor, userId: found.user.id, username: found.user.username },
      async (trx) => {
        // Spent nonces and refresh tokens are kept only until they expire; logins clear the expired ones.
        await trx.deleteFrom('passbolt_auth_tokens').where('expires', '<', nowIso()).execute();
        // A verify token works once: the unique digest makes a replayed challenge fail even across processes.
        try {
          await trx
            .insertInto('passbolt_auth_tokens')
            .values({
              id: pc.newId(),
              token_hash: verifyHash,
              account_id: accountId,
              type: 'verify',
              active: 0,
              expires: new Date(expiry * 1000).toISOString(),
              created: nowIso(),
            })
            .execute();
        } catch {
          throw badRequest(AUTH_MSG.validation);
        }
      },
    );
    const answer = JSON.stringify({
      version: PROTOCOL_VERSION,
      domain: domainOf(origin),
      access_token: accessToken,
      refresh_token: refreshToken,
      verify_token: verifyToken,
    });
    const encrypted = await openpgp.encrypt({
      message: await openpgp.createMessage({ text: answer }),
      encryptionKeys: userPublic,
      signingKeys: server.privateKey,
    });
    return { challenge: encrypted as string };
  }

  return {
    async verifyKey() {
      const key = await keys.openpgp();
      return { fingerprint: key.fingerprint, keydata: key.publicKey };
    },

    async jwtPublic() {
      const key = await keys.jwt();
      return { keydata: key.publicPem, jwk: key.jwk };
    },

    /**
     * POST /auth/jwt/login.json: checks the signed, encrypted challenge and answers one encrypted to the user. The
     * OpenPGP work runs on the event loop, so it is bounded with the other per-login crypto (HUSH_CRYPTO_*).
     */
    login: (body: Record<string, unknown>, origin: string, actor: AuditActor) =>
      ctx.gates.credentials.run(async () => {
        try {
          return await jwtLogin(body, origin, actor);
        } catch (e) {
          // A refused attempt is logged without an actor: naming a user id proves nothing. Ids that are not UUIDs
          // name no account and are not logged.
          if (isHushError(e) && isUuid(body.user_id)) {
            await ctx.audit.append(anonymous(actor), [
              audit(PassboltAudit.sessionRefused, 'passbolt.user', body.user_id.toLowerCase(), {
                method: 'jwt',
                reason: e.reason ?? e.kind,
                user_id: body.user_id.toLowerCase(),
              }),
            ]);
          }
          throw e;
        }
      }),

    /** POST /auth/jwt/refresh.json: consumes a refresh token, returns a new access token and refresh token. */
    async refresh(body: Record<string, unknown>, cookieToken: string | undefined, origin: string) {
      const token = typeof body.refresh_token === 'string' ? body.refresh_token : cookieToken;
      const accountId = typeof body.user_id === 'string' ? body.user_id.toLowerCase() : undefined;
      if (!isUuid(token) || !isUuid(accountId)) throw badRequest(AUTH_MSG.refreshInvalid);
      const hash = await digest('refresh', accountId, token.toLowerCase());
      const found = await activeUserOf(accountId);
      const consumed = await repo.db
        .updateTable('passbolt_auth_tokens')
        .set({ active: 0 })
        .where('token_hash', '=', hash)
        .where('type', '=', 'refresh')
        .where('active', '=', 1)
        .where('expires', '>', nowIso())
        .executeTakeFirst();
      if (!found || Number(consumed.numUpdatedRows) !== 1) throw badRequest(AUTH_MSG.refreshInvalid);
      return issueTokens(accountId, origin, undefined);
    },

    /** POST /auth/jwt/logout.json: ends the refresh token; access tokens expire on their own (5 minutes). */
    async logout(caller: Caller, body: Record<string, unknown>, cookieToken: string | undefined, actor: AuditActor) {
      const account = await pc.accountOf(caller);
      const token = typeof body.refresh_token === 'string' ? body.refresh_token : cookieToken;
      if (!account || !isUuid(token)) throw badRequest(AUTH_MSG.refreshInvalid);
      const hash = await digest('refresh', account.id, token.toLowerCase());
      await repo.db.transaction().execute(async (trx) => {
        const r = await trx
          .updateTable('passbolt_auth_tokens')
          .set({ active: 0 })
          .where('token_hash', '=', hash)
          .where('type', '=', 'refresh')
          .where('active', '=', 1)
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) !== 1) throw badRequest(AUTH_MSG.refreshInvalid);
        await ctx.audit.appendWithin(trx, actor, [
          audit(PassboltAudit.sessionLogout, 'passbolt.user', account.id, { method: 'jwt' }),
        ]);
      });
    },

    /** The caller an access token stands for, or undefined when it is not valid (bad signature, expired, user gone). */
    async callerOfAccessToken(token: string): Promise<Caller | undefined> {
      const claims = await verifyJwt(token, await keys.jwt());
      if (!claims || !isUuid(claims.sub)) return undefined;
      const found = await activeUserOf(claims.sub);
      if (!found) return undefined;
      // A token issued for a key since replaced belongs to the old key's holder; it is refused like an expired one, as
      // the key change ends the refresh tokens and GPGAuth sessions (users.setKey). A token from before tokens named
      // their key is judged by when it was issued, to the second.
      const key = await repo.keyOf(claims.sub);
      if (!key) return undefined;
      if (
        claims.key !== undefined
          ? claims.key !== key.id
          : Date.parse(key.created) >= (claims.exp - ACCESS_TOKEN_SECONDS) * 1000 + 1000
      )
        return undefined;
      const { user } = found;
      return {
        user: {
          id: user.id as Caller['user']['id'],
          username: user.username,
          kind: user.kind as 'person' | 'service',
          isSuperuser: user.is_superuser === 1,
        },
        tokenId: null,
        sessionId: null,
        writeEnabled: true,
      };
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
