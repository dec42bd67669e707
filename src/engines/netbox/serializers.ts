import type { FastifyRequest } from 'fastify';
import { microsIso } from '../../core/ports.js';
import { absoluteUrl } from '../../http/netbox-rest.js';
import type { InventoryRow, Kind } from './service/inventory.js';
import type { RoleRow, RoleView } from './service/roles.js';
import type { SecretRow } from './service/secrets.js';
import type { UserKeyView } from './service/user-keys.js';

/**
 * Rows → wire JSON for both APIs. Shapes follow docs/wire/netbox.md: §3.1 (plugin netbox-secrets v3.1.1
 * `api/serializers_/{keys,secrets,nested}.py`), §3.4 (NetBox v2.9.11 / v2.11.12 `secrets/api/serializers.py`)
 * and §1.6 (nested devices and VMs). Tags and custom fields are not modelled: always `[]` and `{}`. Times are rendered
 * with six fraction digits as DRF does (`microsIso`), dates (legacy `created`) as dates.
 */
export const PLUGIN = '/api/plugins/secrets';
export const LEGACY = '/api/secrets';

const url = (request: FastifyRequest, path: string) => absoluteUrl(request, path);

/** Plugin `display` of a secret: its name, or `Secret #<pk>` when blank (plugin models `__str__`). */
export const secretDisplay = (row: Pick<SecretRow, 'id' | 'name'>) => row.name || `Secret #${row.id}`;

export function nestedUser(request: FastifyRequest, id: number, username: string) {
  return { id, url: url(request, `/api/users/users/${id}/`), display: username, username };
}

export const nestedUserKey = (request: FastifyRequest, id: number, username: string) => ({
  id,
  url: url(request, `${PLUGIN}/user-keys/${id}/`),
  display: username,
});

export function userKeyJson(request: FastifyRequest, k: UserKeyView, brief: boolean) {
  const nested = nestedUserKey(request, k.id, k.username);
  if (brief) return nested;
  return {
    id: k.id,
    url: nested.url,
    display_url: url(request, `/plugins/secrets/user-keys/${k.id}/`),
    display: k.username,
    user: nestedUser(request, k.user_id, k.username),
    public_key: k.public_key,
    is_active: k.master_key_cipher !== null,
    is_filled: k.public_key !== '',
    created: microsIso(k.created),
    last_updated: microsIso(k.last_updated),
    tags: [] as never[],
    custom_fields: {},
  };
}

/** `session_key` is the key only in the answer that made or recovered it; GET: null (docs/wire/netbox.md §3.1). */
export function sessionKeyJson(
  request: FastifyRequest,
  row: { id: number; created: string },
  userKeyId: number,
  username: string,
  key: Buffer | null,
) {
  return {
    id: row.id,
    userkey: nestedUserKey(request, userKeyId, username),
    session_key: key ? key.toString('base64') : null,
    created: microsIso(row.created),
  };
}

/** Plugin role, nested inside a secret: `secret_count` is 0 there because the plugin applies no annotation. */
export function nestedRole(request: FastifyRequest, r: RoleRow, depth: number, secretCount = 0) {
  return {
    id: r.id,
    url: url(request, `${PLUGIN}/secret-roles/${r.id}/`),
    display: r.name,
    name: r.name,
    slug: r.slug,
    description: r.description,
    secret_count: secretCount,
    _depth: depth,
  };
}

export function roleJson(request: FastifyRequest, r: RoleView, brief: boolean) {
  if (brief) return nestedRole(request, r, r.depth, r.secretCount);
  const parent = r.parent && {
    id: r.parent.id,
    url: url(request, `${PLUGIN}/secret-roles/${r.parent.id}/`),
    display_url: url(request, `/plugins/secrets/secret-roles/${r.parent.id}/`),
    display: r.parent.name,
    name: r.parent.name,
    slug: r.parent.slug,
    _depth: r.depth - 1,
  };
  return {
    id: r.id,
    url: url(request, `${PLUGIN}/secret-roles/${r.id}/`),
    display_url: url(request, `/plugins/secrets/secret-roles/${r.id}/`),
    display: r.name,
    name: r.name,
    slug: r.slug,
    parent: parent ?? null,
    description: r.description,
    tags: [] as never[],
    custom_fields: {},
    created: microsIso(r.created),
    last_updated: microsIso(r.last_updated),
    secret_count: r.secretCount,
    owner: null,
    comments: r.comments,
    _depth: r.depth,
  };
}

/** Legacy 2.11 role: no tree; nested form `{id, url, display, name, slug}` (2.9 lacks `display`). */
export function legacyRoleJson(request: FastifyRequest, r: RoleView, brief: boolean) {
  const nested = {
    id: r.id,
    url: url(request, `${LEGACY}/secret-roles/${r.id}/`),
    display: r.name,
    name: r.name,
    slug: r.slug,
  };
  if (brief) return { ...nested, secret_count: r.secretCount };
  return {
    ...nested,
    description: r.description,
    custom_fields: {},
    created: microsIso(r.created),
    last_updated: microsIso(r.last_updated),
    secret_count: r.secretCount,
  };
}

const legacyNestedRole = (request: FastifyRequest, r: RoleRow) => ({
  id: r.id,
  url: url(request, `${LEGACY}/secret-roles/${r.id}/`),
  display: r.name,
  name: r.name,
  slug: r.slug,
});

/** A nested device or VM: NetBox 4.6 brief fields, plus `display_name` for the legacy renderings (2.9/2.11 devices). */
export function nestedObject(request: FastifyRequest, kind: Kind, row: InventoryRow, legacy: boolean) {
  const base = { id: row.id, url: url(request, `${kind.path}${row.id}/`), display: row.name, name: row.name };
  if (legacy) return kind.model === 'device' ? { ...base, display_name: row.name } : base;
  return { ...base, description: row.description };
}

export function inventoryJson(request: FastifyRequest, kind: Kind, row: InventoryRow, brief: boolean) {
  const nested = nestedObject(request, kind, row, false);
  if (brief) return nested;
  return {
    id: row.id,
    url: nested.url,
    display_url: url(request, `${kind.path.replace('/api', '')}${row.id}/`),
    display: row.name,
    name: row.name,
    description: row.description,
    created: microsIso(row.created),
    last_updated: microsIso(row.last_updated),
    tags: [] as never[],
    custom_fields: {},
  };
}

export interface SecretRenderContext {
  role: RoleRow;
  roleDepth: number;
  kind: Kind | undefined;
  object: InventoryRow | undefined;
  plaintext: string | null;
}

export function secretJson(request: FastifyRequest, s: SecretRow, c: SecretRenderContext, brief: boolean) {
  const self = url(request, `${PLUGIN}/secrets/${s.id}/`);
  if (brief) return { id: s.id, url: self, display: secretDisplay(s), name: s.name };
  return {
    id: s.id,
    url: self,
    display: secretDisplay(s),
    assigned_object_type: s.assigned_object_type,
    assigned_object_id: s.assigned_object_id,
    // The plugin does not check that the object exists; a missing one renders as null (docs/wire/netbox.md §1.5).
    assigned_object: c.kind && c.object ? nestedObject(request, c.kind, c.object, false) : null,
    role: nestedRole(request, c.role, c.roleDepth),
    name: s.name,
    plaintext: c.plaintext,
    hash: s.hash,
    description: s.description,
    comments: s.comments,
    tags: [] as never[],
    custom_fields: {},
    created: microsIso(s.created),
    last_updated: microsIso(s.last_updated),
  };
}

/**
 * The legacy view emits the union of 2.9 and 2.11 (docs/wire/netbox.md §3.4 "Recommendation"): `device` (the 2.9 field
 * the seed shows, null for a VM) next to 2.11's `assigned_object*`; `created` is a date, as both versions render it.
 */
export function legacySecretJson(request: FastifyRequest, s: SecretRow, c: SecretRenderContext, brief: boolean) {
  const self = url(request, `${LEGACY}/secrets/${s.id}/`);
  const display = s.name || 'Secret';
  if (brief) return { id: s.id, url: self, display, name: s.name };
  const object = c.kind && c.object ? nestedObject(request, c.kind, c.object, true) : null;
  return {
    id: s.id,
    url: self,
    display,
    device: c.kind?.model === 'device' ? object : null,
    assigned_object_type: s.assigned_object_type,
    assigned_object_id: s.assigned_object_id,
    assigned_object: object,
    role: legacyNestedRole(request, c.role),
    name: s.name,
    plaintext: c.plaintext,
    hash: s.hash,
    tags: [] as never[],
    custom_fields: {},
    created: s.created.slice(0, 10),
    last_updated: microsIso(s.last_updated),
  };
}

/**
 * The legacy answer to a write (POST, PUT, PATCH, bulk included): NetBox 2.0–2.3 answered writes with
 * `WritableSecretSerializer` (`utilities/api.py` `WritableSerializerMixin`, used for create, update and
 * partial_update), which renders related objects as pks — the seed's `{"id", "device": 1827, "role": 1, "name",
 * "plaintext"}` (v2.0 `secrets/api/serializers.py`; v2.3 adds `hash`, `created`, `last_updated`). Reads keep the
 * nested shape. `assigned_object_type`/`_id` name a VM secret, for which `device` is null (2.11's writable fields).
 */
export function legacySecretWriteJson(s: SecretRow, plaintext: string | null) {
  return {
    id: s.id,
    device: s.assigned_object_type === 'dcim.device' ? s.assigned_object_id : null,
    role: s.role_id,
    name: s.name,
    plaintext,
    hash: s.hash,
    created: s.created.slice(0, 10),
    last_updated: microsIso(s.last_updated),
    assigned_object_type: s.assigned_object_type,
    assigned_object_id: s.assigned_object_id,
  };
}
