import { newUuid, nowIso, type AuditActor, type Caller } from '../../../core/ports.js';
import { randomKey, SESSION_KEY_BYTES, sessionKeyHash, sessionKeyMatches, xor } from '../crypto.js';
import { MSG, shaped } from '../errors.js';
import { NetboxAudit } from '../events.js';
import { SESSION_KEY_OBJECT, type NetboxContext } from './context.js';
import { openMasterKey, type UserKeyService } from './user-keys.js';

const COLUMN = 'cipher';

/**
 * Session keys (docs/wire/netbox.md §2.4): the caller's private key opens their copy of the master key; the server
 * keeps only `session_key XOR master_key` (sealed by the keyring) and a verifier of the session key, and returns the
 * key once. Private keys live in memory for the one request.
 */
export function createSessionKeyService(nc: NetboxContext, userKeys: UserKeyService) {
  const { repo } = nc;
  const current = (userId: number) => repo.currentSessionKey(userId);

  async function refuse(actor: AuditActor, caller: Caller, reason: string, message: string): Promise<never> {
    await nc.audit.append(actor, [
      {
        action: NetboxAudit.sessionKeyRefused,
        objectType: SESSION_KEY_OBJECT,
        details: { user: caller.user.username, reason },
      },
    ]);
    throw shaped('text', message);
  }

  return {
    current,

    /** The master key a supplied session key unlocks; a key that does not verify is the original's 400. */
    async masterKey(caller: Caller, sessionKey: Buffer): Promise<Buffer> {
      const row = await current(caller.user.id);
      if (!row || sessionKey.length !== SESSION_KEY_BYTES || !sessionKeyMatches(sessionKey, row.hash))
        throw shaped('list', MSG.invalidSessionKey);
      const masked = await nc.sessionCipher.open(row.cipher, { row: row.seal_id, column: COLUMN });
      return xor(sessionKey, masked);
    },

    /**
     * Steps and messages of the plugin's `POST /session-key/` (docs/wire/netbox.md §3.1), in order. The RSA decryption runs on the
     * event loop, so the process takes at most HUSH_CRYPTO_CONCURRENCY of these at once (429 beyond its queue).
     * `created: false` is a recovered key: nothing changed, and its audit entry is written in a transaction of its own.
     */
    create: (actor: AuditActor, caller: Caller, privateKey: string | undefined, preserve: boolean) =>
      nc.ctx.gates.credentials.run(async () => {
        if (!privateKey) return refuse(actor, caller, 'no_private_key', MSG.noPrivateKey);
        const own = await userKeys.byUser(caller.user.id);
        if (!own) return refuse(actor, caller, 'no_user_key', MSG.noUserKey);
        if (own.master_key_cipher === null) return refuse(actor, caller, 'user_key_inactive', MSG.inactiveUserKey);
        const master = openMasterKey(own, privateKey);
        if (!master) return refuse(actor, caller, 'invalid_private_key', MSG.invalidPrivateKey);

        const existing = await current(caller.user.id);
        if (preserve && existing) {
          const masked = await nc.sessionCipher
            .open(existing.cipher, { row: existing.seal_id, column: COLUMN })
            .catch(() => undefined);
          const recovered = masked && xor(masked, master);
          if (!recovered || !sessionKeyMatches(recovered, existing.hash))
            return refuse(actor, caller, 'recovery_failed', MSG.invalidPrivateKey);
          await nc.audit.append(actor, [
            {
              action: NetboxAudit.sessionKeyCreate,
              objectType: SESSION_KEY_OBJECT,
              objectId: existing.id,
              details: { user: caller.user.username, preserved: true },
            },
          ]);
          return { created: false, key: recovered, row: existing, userKeyId: own.id };
        }

        const key = randomKey(SESSION_KEY_BYTES);
        const sealId = newUuid();
        const cipher = await nc.sessionCipher.seal(xor(key, master), { row: sealId, column: COLUMN });
        const row = await repo.db.transaction().execute(async (trx) => {
          const inserted = await repo.replaceSessionKey(
            own,
            { seal_id: sealId, cipher, hash: sessionKeyHash(key), created: nowIso() },
            trx,
          );
          await nc.audit.appendWithin(trx, actor, [
            {
              action: NetboxAudit.sessionKeyCreate,
              objectType: SESSION_KEY_OBJECT,
              objectId: inserted.id,
              details: { user: caller.user.username, preserved: false },
            },
          ]);
          return inserted;
        });
        return { created: true, key, row, userKeyId: own.id };
      }),

    /** Returns false when the caller had no session key. */
    async remove(actor: AuditActor, caller: Caller): Promise<boolean> {
      const row = await current(caller.user.id);
      if (!row) return false;
      await repo.db.transaction().execute(async (trx) => {
        await repo.deleteSessionKey(row.id, trx);
        await nc.audit.appendWithin(trx, actor, [
          {
            action: NetboxAudit.sessionKeyDelete,
            objectType: SESSION_KEY_OBJECT,
            objectId: row.id,
            details: { user: caller.user.username },
          },
        ]);
      });
      return true;
    },
  };
}

export type SessionKeyService = ReturnType<typeof createSessionKeyService>;
