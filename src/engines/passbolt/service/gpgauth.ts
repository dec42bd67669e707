import * as openpgp from 'openpgp';
import { HushError, nowIso, type AuditActor, type Caller, type UserRow } from '../../../core/ports.js';
import { PassboltAudit } from '../events.js';
import { readUntrustedMessage, UNTRUSTED_MESSAGE_CONFIG } from '../openpgp.js';
import type { AccountRow } from '../repo.js';
import { anonymous, audit, isUuid, type PassboltContext } from './context.js';
import type { ServerKeys } from './server-keys.js';

/**
 * Passbolt's GPGAuth login (passbolt_api src/Authenticator/GpgAuthenticator.php, GpgAuthHeadersMiddleware.php,
 * Controller/Auth/AuthLoginController.php), on the core's login sessions. Three requests, each naming the user by
 * the fingerprint of their key (`gpg_auth.keyid`):
 *   stage 0 (`server_verify_token`): the client encrypts a nonce to the server key; the server proves it holds the
 *     private key by answering the nonce in `X-GPGAuth-Verify-Response`;
 *   stage 1 (keyid only): the server answers a nonce encrypted to the user and signed, in `X-GPGAuth-User-Auth-Token`;
 *   stage 2 (`user_token_result`): the client returns the nonce in clear; it works once, within five minutes
 *     (PASSBOLT_AUTH_LOGIN_TOKEN_EXPIRY's default), and opens the session.
 * The answers are Passbolt's, statuses included: stages 0 and 1 are "errors" with status 200 (the extension relies
 * on it), a user that cannot be found and a wrong stage-2 token are 400.
 */
export const GPGAUTH_VERSION = '1.3.0';
const NONCE_VERSION = `gpgauthv${GPGAUTH_VERSION}`;
const LOGIN_TOKEN_MS = 5 * 60 * 1000;
const FINGERPRINT = /^[A-F0-9]{40}$/;

export const GPGAUTH_MSG = {
  failed: 'The authentication failed.',
  noUser: 'There is no user associated with this key.',
  serverToken: 'The server verify token is missing or invalid.',
  loggedIn: 'You are successfully logged in.',
} as const;

/** One stage's answer: the X-GPGAuth-* headers, the envelope's status and message, and on success the session. */
export interface StageResult {
  headers: Record<string, string>;
  /** `partial`: 200 in an error envelope (stages 0 and 1); `refused`: 400; `complete`: 200 success. */
  outcome: 'partial' | 'refused' | 'complete';
  message: string;
  session?: { secret: string; csrfToken: string; expires: string };
  user?: unknown;
}

/** The nonce format both sides check (`_checkNonce`): `gpgauthv1.3.0|36|<uuid>|gpgauthv1.3.0`. */
export function isNonce(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const parts = value.split('|');
  return (
    parts.length === 4 && parts[0] === parts[3] && parts[0] === NONCE_VERSION && parts[1] === '36' && isUuid(parts[2])
  );
}

/** PHP's `quotemeta(urlencode($message))`, which the extension undoes with locutus' urldecode and stripslashes. */
export function phpQuotedUrlencode(text: string): string {
  const urlencoded = encodeURIComponent(text)
    .replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
  return urlencoded.replace(/[.\\+*?[^\]$()]/g, '\\$&');
}

/** The `gpg_auth` fields of a login request; Passbolt also accepts them under `data` (the extension's form names). */
export function gpgAuthFields(body: unknown): Record<string, unknown> | undefined {
  let data = body && typeof body === 'object' ? (body as Record<string, unknown>) : undefined;
  if (data?.data && typeof data.data === 'object') data = data.data as Record<string, unknown>;
  const fields = data?.gpg_auth;
  return fields && typeof fields === 'object' && !Array.isArray(fields)
    ? (fields as Record<string, unknown>)
    : undefined;
}

export function createGpgAuthService(
  pc: PassboltContext,
  keys: ServerKeys,
  userJsonOf: (accountId: string) => Promise<unknown>,
) {
  const { repo, ctx } = pc;
  const digest = (accountId: string, token: string) =>
    ctx.keyring.keyedHash(`passbolt:login:${accountId}:${token.toLowerCase()}`, '');

  /** The active user owning the key with this fingerprint (`_identifyUserWithFingerprint`), or why there is none. */
  async function identify(
    keyid: unknown,
  ): Promise<{ account: AccountRow; user: UserRow; armoredKey: string; fingerprint: string } | { problem: string }> {
    if (typeof keyid !== 'string') return { problem: 'No key id set.' };
    const fingerprint = keyid.toUpperCase();
    if (!FINGERPRINT.test(fingerprint)) return { problem: 'Invalid fingerprint.' };
    const matches = await repo.keysByFingerprint(fingerprint, 2);
    // Two accounts holding one fingerprint (registered before uniqueness was checked) name nobody for certain.
    const key = matches.length === 1 ? matches[0] : undefined;
    const account = key ? await repo.accountById(key.account_id) : undefined;
    const user = account ? await ctx.users.get(account.user_id).catch(() => undefined) : undefined;
    // Service accounts are for scripts with API tokens; Passbolt's users are people, so one is found by no key here.
    if (!key || !account || !user || user.is_active !== 1 || user.kind !== 'person')
      return { problem: 'User not found.' };
    return { account, user, armoredKey: key.armored_key, fingerprint };
  }

  async function stage0(fields: Record<string, unknown>, headers: Record<string, string>): Promise<StageResult> {
    const message = await readUntrustedMessage(fields.server_verify_token);
    if (!message) throw new HushError('invalid', GPGAUTH_MSG.serverToken, { reason: 'gpgauth_server_token' });
    const server = await keys.openpgp();
    try {
      const { data } = await openpgp.decrypt({
        message,
        decryptionKeys: server.privateKey,
        config: UNTRUSTED_MESSAGE_CONFIG,
      });
      // Only a well-formed nonce is echoed: the server never decrypts arbitrary messages for a caller.
      if (isNonce(data)) headers['X-GPGAuth-Verify-Response'] = data;
      else headers['X-GPGAuth-Error'] = 'true';
    } catch {
      headers['X-GPGAuth-Error'] = 'true';
    }
    return { headers, outcome: 'partial', message: GPGAUTH_MSG.failed };
  }

  async function stage1(account: AccountRow, armoredKey: string, headers: Record<string, string>) {
    headers['X-GPGAuth-Progress'] = 'stage1';
    const token = pc.newId();
    const server = await keys.openpgp();
    let encrypted: string;
    try {
      encrypted = (await openpgp.encrypt({
        message: await openpgp.createMessage({ text: `${NONCE_VERSION}|36|${token}|${NONCE_VERSION}` }),
        encryptionKeys: await openpgp.readKey({ armoredKey }),
        signingKeys: server.privateKey,
      })) as string;
    } catch {
      // An expired or revoked key has no key to encrypt to: the login cannot go on, and says why.
      const message = `${GPGAUTH_MSG.noUser} The user's OpenPGP key cannot be encrypted to (expired or revoked).`;
      headers['X-GPGAuth-Error'] = 'true';
      headers['X-GPGAuth-Debug'] = message;
      return { headers, outcome: 'refused' as const, message };
    }
    await repo.db.transaction().execute(async (trx) => {
      // Spent and expired tokens are useless; each stage 1 clears them, as the JWT login does.
      await trx.deleteFrom('passbolt_auth_tokens').where('expires', '<', nowIso()).execute();
      await trx
        .insertInto('passbolt_auth_tokens')
        .values({
          id: pc.newId(),
          token_hash: await digest(account.id, token),
          account_id: account.id,
          type: 'login',
          active: 1,
          expires: new Date(Date.now() + LOGIN_TOKEN_MS).toISOString(),
          created: nowIso(),
        })
        .execute();
    });
    headers['X-GPGAuth-User-Auth-Token'] = phpQuotedUrlencode(encrypted);
    return { headers, outcome: 'partial', message: GPGAUTH_MSG.failed } satisfies StageResult;
  }

  async function stage2(
    found: { account: AccountRow; user: UserRow; fingerprint: string },
    result: unknown,
    headers: Record<string, string>,
    actor: AuditActor,
  ): Promise<StageResult> {
    headers['X-GPGAuth-Progress'] = 'stage2';
    const actorOfUser: AuditActor = { ...actor, userId: found.user.id, username: found.user.username };
    const refuse = async (reason: string): Promise<StageResult> => {
      headers['X-GPGAuth-Error'] = 'true';
      // Naming a fingerprint proves nothing: the refusal is anonymous, and whom it was tried as is in its details.
      await ctx.audit.append(anonymous(actor), [
        audit(PassboltAudit.sessionRefused, 'passbolt.user', found.account.id, {
          method: 'gpgauth',
          reason,
          fingerprint: found.fingerprint,
          username: found.user.username,
        }),
      ]);
      return { headers, outcome: 'refused', message: GPGAUTH_MSG.failed };
    };
    if (!isNonce(result)) return refuse('token_format');
    const hash = await digest(found.account.id, result.split('|')[2]!);
    const session = await repo.db.transaction().execute(async (trx) => {
      // Spending the token and opening the session commit together: a replay finds the token inactive.
      const spent = await trx
        .updateTable('passbolt_auth_tokens')
        .set({ active: 0 })
        .where('token_hash', '=', hash)
        .where('type', '=', 'login')
        .where('account_id', '=', found.account.id)
        .where('active', '=', 1)
        .where('expires', '>', nowIso())
        .executeTakeFirst();
      if (Number(spent.numUpdatedRows) !== 1) return undefined;
      const opened = await ctx.sessions.open(found.user.id, trx);
      await ctx.audit.appendWithin(trx, actorOfUser, [
        audit(PassboltAudit.sessionLogin, 'passbolt.user', found.account.id, { method: 'gpgauth' }),
      ]);
      return opened;
    });
    if (!session) return refuse('token_invalid');
    headers['X-GPGAuth-Progress'] = 'complete';
    headers['X-GPGAuth-Authenticated'] = 'true';
    headers['X-GPGAuth-Refer'] = '/';
    return {
      headers,
      outcome: 'complete',
      message: GPGAUTH_MSG.loggedIn,
      session,
      user: await userJsonOf(found.account.id),
    };
  }

  return {
    /** POST /auth/login.json and POST /auth/verify.json (both Passbolt's AuthLogin.loginPost): the stage the fields ask for. */
    login: (body: unknown, actor: AuditActor) =>
      ctx.gates.credentials.run(async (): Promise<StageResult> => {
        const headers: Record<string, string> = { 'X-GPGAuth-Authenticated': 'false', 'X-GPGAuth-Progress': 'stage0' };
        const fields = gpgAuthFields(body) ?? {};
        const found = await identify(fields.keyid);
        if ('problem' in found) {
          // Passbolt names the reason even outside debug mode: the extension shows it (`_missingUserError`).
          const message = `${GPGAUTH_MSG.noUser} ${found.problem}`;
          headers['X-GPGAuth-Error'] = 'true';
          headers['X-GPGAuth-Debug'] = message;
          return { headers, outcome: 'refused', message };
        }
        if (fields.server_verify_token !== undefined) return stage0(fields, headers);
        if (fields.user_token_result === undefined) return stage1(found.account, found.armoredKey, headers);
        return stage2(found, fields.user_token_result, headers, actor);
      }),

    /** Ends the caller's session (POST /auth/logout.json), with its audit entry. */
    async logout(caller: Caller & { sessionId: number }, actor: AuditActor) {
      const account = await pc.accountOf(caller);
      await repo.db.transaction().execute(async (trx) => {
        await ctx.sessions.close(caller.sessionId, trx);
        await ctx.audit.appendWithin(trx, actor, [
          account
            ? audit(PassboltAudit.sessionLogout, 'passbolt.user', account.id, { method: 'gpgauth' })
            : audit(PassboltAudit.sessionLogout, 'users.user', String(caller.user.id), { method: 'session' }),
        ]);
      });
    },
  };
}

export type GpgAuthService = ReturnType<typeof createGpgAuthService>;
