import type { Updateable } from 'kysely';
import { HushError, invalid, isUniqueViolation, newUuid, nowIso, type AuditActor } from '../../../core/ports.js';
import { checkSecretHash, decryptSecrets, encryptSecret, hashSecret } from '../crypto.js';
import { notFoundModel } from '../errors.js';
import { NetboxAudit } from '../events.js';
import { and, defineFilterSet, ordering, values, type Conditions, type Query } from '../filters.js';
import { secretWhere, type SecretRow } from '../repo.js';
import type { NetboxSecretTable } from '../tables.js';
import { inIds, OT, type NetboxContext } from './context.js';
import { KINDS, type InventoryService, type KindName } from './inventory.js';

export type { SecretRow } from '../repo.js';

export type NewSecret = Required<Pick<SecretInput, 'kind' | 'objectId' | 'roleId' | 'plaintext'>> & SecretInput;

export interface SecretInput {
  kind?: KindName | undefined;
  objectId?: number | undefined;
  roleId?: number | undefined;
  name?: string | undefined;
  plaintext?: string | undefined;
  description?: string | undefined;
  comments?: string | undefined;
}

/**
 * The plugin's SecretFilterSet and NetBox 2.x's (docs/wire/netbox.md §3.1); the device and VM filters are the legacy
 * ones, accepted on the plugin API too. Anything else is refused (src/core/store/filterset.ts).
 */
const SECRET_FILTERS = defineFilterSet({
  id: { kind: 'number', column: 'netbox_secrets.id' },
  name: { kind: 'text', column: 'netbox_secrets.name' },
  description: { kind: 'text', column: 'netbox_secrets.description' },
  assigned_object_id: { kind: 'number', column: 'assigned_object_id' },
  created: { kind: 'date', column: 'netbox_secrets.created' },
  last_updated: { kind: 'date', column: 'netbox_secrets.last_updated' },
  assigned_object_type: { kind: 'choice' },
  assigned_object_type_id: { kind: 'choice' },
  role_id: { kind: 'choice' },
  role: { kind: 'choice' },
  device_id: { kind: 'choice' },
  device: { kind: 'choice' },
  virtual_machine_id: { kind: 'choice' },
  virtual_machine: { kind: 'choice' },
  q: { kind: 'search' },
});

const COLUMN = 'ciphertext';
// Verified (sealed ciphertext → hash) pairs: PBKDF2 costs ~0.2 ms, which would dominate a page of 100 reads. Keyed by
// the sealed bytes, which the keyring authenticates to their row, so a changed hash or ciphertext is checked afresh.
const VERIFIED_MAX = 20_000;

/** Messages of the uniqueness rule: the plugin's serializer wording, or the legacy model's `__all__` one. */
const duplicate = (legacy: boolean) =>
  legacy
    ? invalid('__all__', 'Secret with this Device, Role and Name already exists.')
    : new HushError(
        'invalid',
        'The fields assigned_object_type, assigned_object_id, role, name must make a unique set.',
        {
          problems: [
            {
              field: '',
              message: 'The fields assigned_object_type, assigned_object_id, role, name must make a unique set.',
            },
          ],
        },
      );

export function createSecretService(nc: NetboxContext, inventory: InventoryService) {
  const { repo } = nc;
  const verified = new Map<string, string>();

  function remember(sealed: string, hash: string) {
    if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!);
    verified.set(sealed, hash);
  }

  /** The keyring's seal opened: NetBox's own ciphertext, or null when it does not open (moved or corrupt bytes). */
  async function opened(row: SecretRow): Promise<Buffer | null> {
    try {
      return await nc.secretsCipher.open(row.ciphertext, { row: row.seal_id, column: COLUMN });
    } catch {
      return null;
    }
  }

  function verifiedPlaintext(row: SecretRow, plaintext: string | undefined): string | null {
    if (plaintext === undefined) return null;
    if (verified.get(row.ciphertext) === row.hash) return plaintext;
    // The plugin gives null on a hash mismatch (wrong key or corrupt data), never a 500 (docs/wire/netbox.md §2.2).
    if (!checkSecretHash(plaintext, row.hash)) return null;
    remember(row.ciphertext, row.hash);
    return plaintext;
  }

  async function seal(masterKey: Buffer, plaintext: string) {
    const sealId = newUuid();
    const ciphertext = await nc.secretsCipher.seal(encryptSecret(masterKey, plaintext), {
      row: sealId,
      column: COLUMN,
    });
    return { seal_id: sealId, ciphertext, hash: hashSecret(plaintext) };
  }

  async function filters(query: Query): Promise<Conditions> {
    const where: Conditions = SECRET_FILTERS.where(query);
    const types = values(query, 'assigned_object_type');
    if (types.length) where.push(secretWhere.typeIn(types.some((t) => t in KINDS) ? types : []));
    const typeIds = values(query, 'assigned_object_type_id').map(Number);
    if (typeIds.length)
      where.push(
        secretWhere.typeIn(
          Object.entries(KINDS)
            .filter(([, k]) => typeIds.includes(k.ctId))
            .map(([n]) => n),
        ),
      );
    const roleIds = values(query, 'role_id');
    if (roleIds.length) {
      const known = new Set((await repo.roleIds()).map(String));
      const bad = roleIds.find((r) => !known.has(r));
      if (bad !== undefined)
        throw invalid('role_id', `Select a valid choice. ${bad} is not one of the available choices.`);
      where.push(inIds('role_id', roleIds.map(Number)));
    }
    const roleSlugs = values(query, 'role');
    if (roleSlugs.length) where.push(secretWhere.roleSlugIn(roleSlugs));
    // Hush extension (legacy filters on the plugin API too): the object by id or by name.
    for (const [kind, idKey, nameKey] of [
      ['dcim.device', 'device_id', 'device'],
      ['virtualization.virtualmachine', 'virtual_machine_id', 'virtual_machine'],
    ] as const) {
      const ids = values(query, idKey).map(Number).filter(Number.isInteger);
      const named = await inventory.idsByName(KINDS[kind], values(query, nameKey));
      if (values(query, idKey).length || values(query, nameKey).length) {
        where.push(secretWhere.assignedTo(kind, inIds('assigned_object_id', [...ids, ...named])));
      }
    }
    const q = values(query, 'q')[0]?.trim();
    if (q) where.push(secretWhere.search(q));
    return where;
  }

  async function get(id: number, scope: 'all' | Set<number> = 'all'): Promise<SecretRow> {
    const row = await repo.secretById(id);
    if (!row || (scope !== 'all' && !scope.has(id))) throw notFoundModel('Secret');
    return row;
  }

  async function checkRole(roleId: number | undefined) {
    if (roleId === undefined) return;
    if (!(await repo.roleExists(roleId)))
      throw invalid('role', `Related object not found using the provided numeric ID: ${roleId}`);
  }

  const auditEvent = (
    action: string,
    row: Pick<SecretRow, 'id' | 'name' | 'role_id' | 'assigned_object_type' | 'assigned_object_id'>,
    details: Record<string, unknown> = {},
  ) => ({
    action,
    objectType: OT.secret,
    objectId: row.id,
    details: {
      name: row.name,
      role: row.role_id,
      assigned_object: `${row.assigned_object_type}:${row.assigned_object_id}`,
      ...details,
    },
  });

  return {
    get,

    async list(query: Query, page: { limit: number; offset: number }, scope: 'all' | Set<number>) {
      const where = await filters(query);
      if (scope !== 'all') where.push(inIds('netbox_secrets.id', [...scope]));
      const order = ordering(query, {
        id: 'id',
        name: 'name',
        created: 'created',
        last_updated: 'last_updated',
        assigned_object_id: 'assigned_object_id',
        assigned_object_type: 'assigned_object_type',
        role: 'role',
      });
      return repo.listSecrets(and(where), order, page);
    },

    /** Plaintexts for the rows the master key opens; null where it does not (the plugin's silent failure). */
    async reveal(rows: SecretRow[], masterKey: Buffer): Promise<Map<number, string | null>> {
      const sealed: Buffer[] = [];
      const openedRows: SecretRow[] = [];
      const out = new Map<number, string | null>();
      for (const row of rows) {
        const bytes = await opened(row);
        out.set(row.id, null);
        if (bytes) {
          sealed.push(bytes);
          openedRows.push(row);
        }
      }
      let plaintexts: (string | undefined)[] = [];
      try {
        plaintexts = decryptSecrets(masterKey, sealed);
      } catch {
        // A key AES refuses opens nothing: every value is null, as for a wrong key.
      }
      openedRows.forEach((row, i) => out.set(row.id, verifiedPlaintext(row, plaintexts[i])));
      return out;
    },

    /** Creates every item or none (one transaction); the crypto happens before it opens. */
    async createMany(actor: AuditActor, inputs: NewSecret[], masterKey: Buffer, legacy: boolean): Promise<SecretRow[]> {
      for (const input of inputs) await checkRole(input.roleId);
      const sealed = await Promise.all(inputs.map((input) => seal(masterKey, input.plaintext)));
      const now = nowIso();
      try {
        return await repo.db.transaction().execute(async (trx) => {
          const rows: SecretRow[] = [];
          for (const [i, input] of inputs.entries()) {
            rows.push(
              await repo.insertSecret(
                {
                  assigned_object_type: input.kind,
                  assigned_object_id: input.objectId,
                  role_id: input.roleId,
                  name: input.name ?? '',
                  description: input.description ?? '',
                  comments: input.comments ?? '',
                  ...sealed[i]!,
                  created: now,
                  last_updated: now,
                },
                trx,
              ),
            );
          }
          await nc.audit.appendWithin(
            trx,
            actor,
            rows.map((row) => auditEvent(NetboxAudit.secretCreate, row, { plaintext_written: true })),
          );
          return rows;
        });
      } catch (e) {
        if (isUniqueViolation(e)) throw duplicate(legacy);
        throw e;
      }
    },

    /** Updates every item or none; `masterKey` is needed only by items that carry a plaintext. */
    async updateMany(
      actor: AuditActor,
      items: { id: number; input: SecretInput }[],
      masterKey: Buffer | undefined,
      scope: 'all' | Set<number>,
      legacy: boolean,
    ): Promise<SecretRow[]> {
      const changes: { id: number; set: Updateable<NetboxSecretTable>; plaintext: boolean }[] = [];
      for (const { id, input } of items) {
        await get(id, scope);
        await checkRole(input.roleId);
        const set: Updateable<NetboxSecretTable> = { last_updated: nowIso() };
        if (input.kind !== undefined) set.assigned_object_type = input.kind;
        if (input.objectId !== undefined) set.assigned_object_id = input.objectId;
        if (input.roleId !== undefined) set.role_id = input.roleId;
        if (input.name !== undefined) set.name = input.name;
        if (input.description !== undefined) set.description = input.description;
        if (input.comments !== undefined) set.comments = input.comments;
        if (input.plaintext !== undefined) {
          // The plugin's serializer will not encrypt without a master key (docs/wire/netbox.md §3.1, bulk update).
          if (!masterKey) throw invalid('plaintext', 'Cannot encrypt secret: master key not available in context');
          Object.assign(set, await seal(masterKey, input.plaintext));
        }
        changes.push({ id, set, plaintext: input.plaintext !== undefined });
      }
      try {
        return await repo.db.transaction().execute(async (trx) => {
          const rows: SecretRow[] = [];
          const events = [];
          for (const c of changes) {
            const row = await repo.updateSecret(c.id, c.set, trx);
            // Deleted by another request since it was read: the same 404 as a secret that never was, nothing written.
            if (!row) throw notFoundModel('Secret');
            const fields = Object.keys(c.set).filter(
              (k) => !['last_updated', 'seal_id', 'ciphertext', 'hash'].includes(k),
            );
            if (c.plaintext) fields.push('plaintext');
            events.push(auditEvent(NetboxAudit.secretUpdate, row, { fields, plaintext_written: c.plaintext }));
            rows.push(row);
          }
          await nc.audit.appendWithin(trx, actor, events);
          return rows;
        });
      } catch (e) {
        if (isUniqueViolation(e)) throw duplicate(legacy);
        throw e;
      }
    },

    async remove(actor: AuditActor, ids: number[], scope: 'all' | Set<number>): Promise<void> {
      const rows = await Promise.all(ids.map((id) => get(id, scope)));
      await repo.db.transaction().execute(async (trx) => {
        await repo.deleteSecrets(ids, trx);
        await nc.audit.appendWithin(
          trx,
          actor,
          rows.map((r) => auditEvent(NetboxAudit.secretDelete, r)),
        );
      });
    },
  };
}

export type SecretService = ReturnType<typeof createSecretService>;
