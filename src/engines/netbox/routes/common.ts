import type { FastifyRequest } from 'fastify';
import { invalid, type Caller } from '../../../core/ports.js';
import { netboxPage } from '../../../http/netbox-rest.js';
import { pageLinks } from '../../../http/route-kit.js';
import { lenientBase64 } from '../crypto.js';
import { MSG, shaped } from '../errors.js';
import { isBrief, type Query } from '../filters.js';
import type { InventoryRow, SecretRow } from '../repo.js';
import { secretJson, legacySecretJson, type SecretRenderContext } from '../serializers.js';
import type { Services } from '../service/index.js';
import { KINDS, kindOf } from '../service/inventory.js';
import { isRecord, type Related } from '../validate.js';

export type { Services } from '../service/index.js';

/**
 * Each API's cookie: the plugin's `netbox_secrets_sessionid`, NetBox 2.x's `session_key` (docs/wire/netbox.md §3.2).
 */
export const PLUGIN_COOKIE = 'netbox_secrets_sessionid';
export const LEGACY_COOKIE = 'session_key';

/**
 * The session key a request carries: the cookie first (Django may have quoted it), else `X-Session-Key`. A value
 * that is not base64 counts as absent, and a bad cookie hides the header, as in the plugin (docs/wire/netbox.md §3.2).
 */
export function suppliedSessionKey(request: FastifyRequest, legacy: boolean): Buffer | undefined {
  const cookie =
    request.cookies?.[legacy ? LEGACY_COOKIE : PLUGIN_COOKIE] ??
    (legacy ? request.cookies?.[PLUGIN_COOKIE] : undefined);
  if (cookie !== undefined) return lenientBase64(cookie.replace(/^"(.*)"$/, '$1'));
  const header = request.headers['x-session-key'];
  if (typeof header !== 'string') return undefined;
  return lenientBase64(header);
}

/**
 * The plugin's check before every secrets action (docs/wire/netbox.md §3.1): a write without a key is refused; a
 * supplied key must verify (on every method, GET included); no key on a read simply means no plaintext.
 */
export async function masterKeyOf(
  s: Services,
  request: FastifyRequest,
  caller: Caller,
  options: { required: boolean; legacy: boolean },
): Promise<Buffer | undefined> {
  const key = suppliedSessionKey(request, options.legacy);
  if (key === undefined) {
    if (options.required) throw shaped('list', MSG.noSessionKeyForWrite);
    return undefined;
  }
  return s.sessions.masterKey(caller, key);
}

export function listEnvelope<T>(
  request: FastifyRequest,
  page: { limit: number; offset: number },
  count: number,
  results: T[],
) {
  return { count, ...pageLinks(request, page, count), results };
}

export const pageFor = (query: Query) => netboxPage(query);

/** `?brief=` on a read (a write always answers the full form). */
export const brief = (request: { method: string; query: Query }) => request.method === 'GET' && isBrief(request.query);

/** Renders secrets with their roles and assigned objects: one read of roles, one query per kind of object. */
export async function renderSecrets(
  s: Services,
  request: FastifyRequest,
  rows: SecretRow[],
  plaintexts: Map<number, string | null> | undefined,
  legacy: boolean,
  asBrief = false,
) {
  // Nested roles show `secret_count: 0` (docs/wire/netbox.md §3.1), so the per-role counts are not needed here.
  const tree = await s.roles.tree({ counts: false });
  const objects = new Map<string, Map<number, InventoryRow>>();
  for (const [name, kind] of Object.entries(KINDS)) {
    objects.set(
      name,
      await s.inventory.byIds(
        kind,
        rows.filter((r) => r.assigned_object_type === name).map((r) => r.assigned_object_id),
      ),
    );
  }
  return rows.map((row) => {
    const role = tree.byId.get(row.role_id)!;
    const kind = kindOf(row.assigned_object_type);
    const c: SecretRenderContext = {
      role,
      roleDepth: tree.ancestors(role).length,
      kind,
      object: objects.get(row.assigned_object_type)?.get(row.assigned_object_id),
      plaintext: plaintexts?.get(row.id) ?? null,
    };
    return legacy ? legacySecretJson(request, row, c, asBrief) : secretJson(request, row, c, asBrief);
  });
}

/** Whether a row has every attribute a related-object dict names (compared as text, as Django's lookups do). */
export function matchesAttrs(row: object, attrs: Record<string, unknown>): boolean {
  const fields: Record<string, unknown> = { ...row };
  return Object.entries(attrs).every(([k, v]) => String(fields[k]) === String(v));
}

/** A role reference: a pk, or a dict of `id`/`name`/`slug` that must match exactly one role. */
export async function resolveRole(s: Services, ref: Related | undefined): Promise<number | undefined> {
  if (!ref) return undefined;
  if ('id' in ref) return ref.id;
  const tree = await s.roles.tree({ counts: false });
  const matches = tree.roles.filter((r) => matchesAttrs(r, ref.attrs));
  if (matches.length === 1) return matches[0]!.id;
  throw invalid(
    'role',
    matches.length
      ? `Multiple objects match the provided attributes: ${JSON.stringify(ref.attrs)}`
      : MSG.relatedAttrs(ref.attrs),
  );
}

/** The legacy `device` reference: it must exist (a real foreign key in NetBox 2.x). */
export async function resolveDevice(s: Services, ref: Related | undefined): Promise<number | undefined> {
  if (!ref) return undefined;
  const kind = KINDS['dcim.device'];
  if ('id' in ref) {
    if (!(await s.inventory.byIds(kind, [ref.id])).has(ref.id)) throw invalid('device', MSG.relatedId(ref.id));
    return ref.id;
  }
  const name = ref.attrs.name;
  const ids =
    typeof name === 'string' && Object.keys(ref.attrs).length === 1 ? await s.inventory.idsByName(kind, [name]) : [];
  if (ids.length === 1) return ids[0];
  throw invalid(
    'device',
    ids.length
      ? `Multiple objects match the provided attributes: ${JSON.stringify(ref.attrs)}`
      : MSG.relatedAttrs(ref.attrs),
  );
}

/** Bulk bodies: `[{"id": n, …}, …]` on the list URL (NetBox ≥ 2.10 and the plugin). */
export function bulkItems(body: unknown): { id: number; body: Record<string, unknown> }[] {
  if (!Array.isArray(body) || !body.length)
    throw invalid('non_field_errors', 'Expected a list of objects with an "id".');
  return body.map((item: unknown, i) => {
    if (!isRecord(item) || typeof item.id !== 'number' || !Number.isInteger(item.id))
      throw invalid(`${i}.id`, 'This field is required.');
    return { id: item.id, body: item };
  });
}
