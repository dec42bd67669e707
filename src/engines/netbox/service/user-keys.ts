import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  isUniqueViolation,
  HushError,
  invalid,
  nowIso,
  parseRsaPrivateKey,
  rsaOaepDecrypt,
  rsaOaepEncrypt,
  type AuditActor,
  type Caller,
  type Db,
  type EngineAuditEvent,
} from '../../../core/ports.js';
import { randomKey } from '../crypto.js';
import { MSG, notFoundModel } from '../errors.js';
import { NetboxAudit } from '../events.js';
import { defineFilterSet, integers, ordering, values, type Query } from '../filters.js';
import type { UserKeyRow } from '../repo.js';
import type { NetboxTables } from '../tables.js';
import { OT, type NetboxContext } from './context.js';

export type { UserKeyRow } from '../repo.js';
export type UserKeyView = UserKeyRow & { username: string };

// The plugin's bounds (PLUGINS_CONFIG public_key_size default 2048; maximum 8192), docs/wire/netbox.md §2.7.
export const MIN_KEY_BITS = 2048;
export const MAX_KEY_BITS = 8192;
/**
 * Largest key `generate-rsa-key-pair` makes for any caller. Work grows with the cube of the size: 4096 bits take a
 * second or two of a worker thread, 8192 bits 30-100 s. Larger keys are for callers who may add user keys (or
 * superusers), the only ones for whom such a key is of use: a key pair nobody registers protects nothing.
 */
export const OPEN_KEY_BITS = 4096;

/**
 * A PEM public key as the plugin accepts it through the API, with its messages; OpenSSH lines and private keys are
 * refused (docs/wire/netbox.md §2.6).
 */
export function checkPublicKey(pem: string): KeyObject {
  if (/PRIVATE KEY/.test(pem) || /^\s*ssh-/.test(pem))
    throw invalid('public_key', 'Invalid RSA key format: expected a PEM RSA public key (no private key, no SSH/PGP).');
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw invalid('public_key', 'Invalid RSA key format: RSA key format is not supported');
  }
  if (key.asymmetricKeyType !== 'rsa') throw invalid('public_key', 'Invalid RSA key format: not an RSA key');
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_KEY_BITS)
    throw invalid('public_key', `Key length (${bits} bits) is below minimum requirement (${MIN_KEY_BITS} bits).`);
  if (bits > MAX_KEY_BITS)
    throw invalid('public_key', `Key length (${bits} bits) exceeds maximum allowed (${MAX_KEY_BITS} bits).`);
  return key;
}

/** An RSA public key's modulus and exponent (base64url, as JWK writes them): equal for the two halves of a pair. */
const publicNumbers = (key: KeyObject): string => {
  const { n, e } = key.export({ format: 'jwk' });
  return `${n}.${e}`;
};

// Stored public keys whose numbers are known, by their PEM text. A user key's row changes its PEM when the key is
// replaced, so the text is the version; the bound is the number of user keys in use at once, beyond which the
// oldest is dropped (parsing it again costs ~0.2 ms).
const STORED_KEY_CACHE_SIZE = 1000;
const storedNumbers = new Map<string, string>();

function storedPublicNumbers(pem: string): string {
  let numbers = storedNumbers.get(pem);
  if (numbers === undefined) {
    numbers = publicNumbers(createPublicKey(pem));
    if (storedNumbers.size >= STORED_KEY_CACHE_SIZE) storedNumbers.delete(storedNumbers.keys().next().value!);
    storedNumbers.set(pem, numbers);
  }
  return numbers;
}

/**
 * The master key from a user key and a private key, or undefined when the private key does not open it. A private key
 * that is not the pair of the stored public key is refused before the decryption, which runs on the event loop and
 * would cost a 16384-bit stranger a second or more.
 */
export function openMasterKey(row: UserKeyRow, privateKeyPem: string): Buffer | undefined {
  if (row.master_key_cipher === null) return undefined;
  try {
    const key = parseRsaPrivateKey(privateKeyPem, 'private_key');
    // The public half of the supplied key against the stored key, by modulus and exponent: the same test as
    // comparing their SPKI encodings, without parsing the stored PEM and encoding both on every request.
    if (publicNumbers(createPublicKey(key)) !== storedPublicNumbers(row.public_key)) return undefined;
    const master = rsaOaepDecrypt(key, Buffer.from(row.master_key_cipher, 'base64'), 'sha1');
    return master.length === 32 ? master : undefined;
  } catch {
    return undefined;
  }
}

const sealMaster = (master: Buffer, publicKey: string) => rsaOaepEncrypt(publicKey, master, 'sha1').toString('base64');

/** The plugin's UserKeyFilterSet (docs/wire/netbox.md §3.1); anything else is refused. */
const USER_KEY_FILTERS = defineFilterSet({
  // Only exact ids: the list is filtered in memory, and a lookup Hush would not apply is refused.
  id: { kind: 'number', lookups: [] },
  user_id: { kind: 'choice' },
  user: { kind: 'choice' },
  q: { kind: 'search' },
});

export function createUserKeyService(nc: NetboxContext) {
  const { repo } = nc;

  async function withUsername(row: UserKeyRow): Promise<UserKeyView> {
    const user = await nc.users.get(row.user_id).catch(() => undefined);
    return { ...row, username: user?.username ?? `#${row.user_id}` };
  }

  async function get(id: number, scope: 'all' | Set<number> = 'all'): Promise<UserKeyView> {
    const row = await repo.userKeyById(id);
    if (!row || (scope !== 'all' && !scope.has(row.id))) throw notFoundModel('UserKey');
    return withUsername(row);
  }

  const byUser = (userId: number) => repo.userKeyByUser(userId);

  async function dependents(trx: Db<NetboxTables>) {
    const total = await repo.secretCount(trx);
    const rows = await repo.firstSecrets(20, undefined, trx);
    return MSG.dependents(
      rows.map((r) => `${r.name || `Secret #${r.id}`} (${r.id})`),
      total,
    );
  }

  return {
    get,
    byUser,

    /** User keys are one per user, so the list is filtered, ordered (by username) and paged in memory. */
    async list(query: Query, scope: 'all' | Set<number>) {
      USER_KEY_FILTERS.check(query);
      let rows = await Promise.all((await repo.allUserKeys()).map(withUsername));
      if (scope !== 'all') rows = rows.filter((r) => scope.has(r.id));
      const ids = integers(query, 'id');
      if (ids.length) rows = rows.filter((r) => ids.includes(r.id));
      const userIds = values(query, 'user_id');
      for (const u of userIds) {
        if (!/^\d+$/.test(u) || !(await nc.users.get(Number(u)).catch(() => undefined)))
          throw invalid('user_id', `Select a valid choice. ${u} is not one of the available choices.`);
      }
      if (userIds.length) rows = rows.filter((r) => userIds.map(Number).includes(r.user_id));
      const usernames = values(query, 'user');
      if (usernames.length) rows = rows.filter((r) => usernames.includes(r.username));
      const q = values(query, 'q')[0]?.trim().toLowerCase();
      if (q) rows = rows.filter((r) => r.username.toLowerCase().includes(q));
      const order = ordering(query, { id: 'id', created: 'created', last_updated: 'last_updated', user: 'username' });
      order.push({ column: 'username', desc: false });
      rows.sort((a, b) => {
        for (const o of order) {
          const x = a[o.column as keyof UserKeyView] ?? '';
          const y = b[o.column as keyof UserKeyView] ?? '';
          if (x !== y) return (x < y ? -1 : 1) * (o.desc ? -1 : 1);
        }
        return a.id - b.id;
      });
      return rows;
    },

    /**
     * The first filled key while none is active bootstraps the master key (docs/wire/netbox.md §2.5); later keys
     * start inactive.
     */
    async create(actor: AuditActor, userId: number, publicKey: string): Promise<UserKeyView> {
      checkPublicKey(publicKey);
      const user = await nc.users.get(userId).catch(() => undefined);
      if (!user) throw invalid('user', MSG.relatedId(userId));
      if (await byUser(userId)) throw invalid('user', 'User key with this user already exists.');
      // RSA before the transaction (docs/architecture.md §12); used only if no key is active once the lock is held.
      const bootstrapCipher = sealMaster(randomKey(), publicKey);
      const id = await repo.db.transaction().execute(async (trx) => {
        await repo.lockMasterKey(trx);
        const bootstrap = (await repo.activeUserKeyIds(trx)).length === 0;
        const now = nowIso();
        let rowId: number;
        try {
          rowId = await repo.insertUserKey(
            {
              user_id: userId,
              public_key: publicKey,
              master_key_cipher: bootstrap ? bootstrapCipher : null,
              created: now,
              last_updated: now,
            },
            trx,
          );
        } catch (e) {
          // A concurrent create for the same user won (the check above ran before the lock). No query here: on
          // PostgreSQL the failed insert has aborted the transaction, and one would fail and hide this answer.
          if (isUniqueViolation(e)) throw invalid('user', 'User key with this user already exists.');
          throw e;
        }
        const events: EngineAuditEvent[] = [
          {
            action: NetboxAudit.userKeyCreate,
            objectType: OT.userKey,
            objectId: rowId,
            details: { user: user.username, active: bootstrap },
          },
        ];
        if (bootstrap) {
          await repo.bumpMasterKeyGeneration(trx);
          events.push({
            action: NetboxAudit.masterKeyBootstrap,
            objectType: OT.userKey,
            objectId: rowId,
            details: { user: user.username, active: true },
          });
        }
        await nc.audit.appendWithin(trx, actor, events);
        return rowId;
      });
      return get(id);
    },

    /**
     * A changed public key deactivates the key (its master-key copy no longer matches) and ends its session key.
     * Refused while secrets exist and this is the only active key. Unlike the original (which leaves the instance
     * with no active key, docs/wire/netbox.md §2.5 "Trap"), the only filled key left with no active key re-bootstraps.
     * `changed: false` when the key is the one stored (or none is given): then nothing is written.
     */
    async update(
      actor: AuditActor,
      id: number,
      publicKey: string | undefined,
      scope: 'all' | Set<number>,
    ): Promise<{ key: UserKeyView; changed: boolean }> {
      const before = await get(id, scope);
      if (publicKey === undefined || publicKey === before.public_key) return { key: before, changed: false };
      checkPublicKey(publicKey);
      const bootstrapCipher = sealMaster(randomKey(), publicKey);
      await repo.db.transaction().execute(async (trx) => {
        await repo.lockMasterKey(trx);
        const active = await repo.activeUserKeyIds(trx);
        const onlyActive = active.length === 1 && active[0] === id;
        if (onlyActive && (await repo.secretCount(trx)) > 0) throw invalid('public_key', MSG.publicKeyBlocked);
        const othersActive = active.some((a) => a !== id);
        await repo.deleteSessionKeysOf(id, trx);
        await repo.updateUserKey(
          id,
          { public_key: publicKey, master_key_cipher: othersActive ? null : bootstrapCipher, last_updated: nowIso() },
          trx,
        );
        await nc.audit.appendWithin(trx, actor, [
          {
            action: NetboxAudit.userKeyUpdate,
            objectType: OT.userKey,
            objectId: id,
            details: { user: before.username, fields: ['public_key'], active: !othersActive },
          },
        ]);
      });
      return { key: await get(id), changed: true };
    },

    /**
     * Deletes every key or none. Removing every active key while secrets exist would destroy the master key: 409, as
     * the original's ProtectedError.
     */
    async remove(actor: AuditActor, ids: number[], scope: 'all' | Set<number>): Promise<void> {
      const before = await Promise.all(ids.map((id) => get(id, scope)));
      await repo.db.transaction().execute(async (trx) => {
        await repo.lockMasterKey(trx);
        const active = await repo.activeUserKeyIds(trx);
        if (active.length && active.every((a) => ids.includes(a)) && (await repo.secretCount(trx)) > 0)
          throw new HushError('conflict', await dependents(trx));
        await repo.deleteUserKeys(ids, trx);
        await nc.audit.appendWithin(
          trx,
          actor,
          before.map((k) => ({
            action: NetboxAudit.userKeyDelete,
            objectType: OT.userKey,
            objectId: k.id,
            details: { user: k.username },
          })),
        );
      });
    },

    /**
     * `POST /user-keys/activate/`: the admin's private key opens the master key, which is re-encrypted to each
     * target's public key; all or nothing. Returns the unknown ids instead when some do not exist. Bounded like
     * session-key creation (the same RSA decryption).
     */
    activate: (actor: AuditActor, caller: Caller, privateKey: string, ids: number[]) =>
      nc.ctx.gates.credentials.run(async () => {
        const own = await byUser(caller.user.id);
        if (!own) throw new HushError('invalid', MSG.noUserKey, { reason: 'netbox_error_key' });
        if (own.master_key_cipher === null)
          throw new HushError('invalid', MSG.inactiveUserKey, { reason: 'netbox_error_key' });
        const master = openMasterKey(own, privateKey);
        if (!master) throw new HushError('invalid', MSG.invalidPrivateKey, { reason: 'netbox_error_key' });
        const targets = await repo.userKeysByIds(ids);
        const missing = ids.filter((i) => !targets.some((t) => t.id === i));
        if (missing.length) return { missing, activated: [] as UserKeyView[] };
        const ciphers = targets.map((t) => ({ id: t.id, cipher: sealMaster(master, t.public_key) }));
        const views = await Promise.all(targets.map(withUsername));
        await repo.db.transaction().execute(async (trx) => {
          await repo.lockMasterKey(trx);
          for (const c of ciphers)
            await repo.updateUserKey(c.id, { master_key_cipher: c.cipher, last_updated: nowIso() }, trx);
          await nc.audit.appendWithin(
            trx,
            actor,
            views.map((v) => ({
              action: NetboxAudit.userKeyActivate,
              objectType: OT.userKey,
              objectId: v.id,
              details: { user: v.username },
            })),
          );
        });
        return {
          missing,
          activated: views.sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0)),
        };
      }),
  };
}

export type UserKeyService = ReturnType<typeof createUserKeyService>;
