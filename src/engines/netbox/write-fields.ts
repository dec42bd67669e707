import { invalidFields, type FieldProblem } from '../../core/ports.js';

/**
 * Which fields each write takes. DRF ignores a field its serializer does not know, so a client's `tags`,
 * `custom_fields` or a device's `site` answered 2xx and vanished; Hush refuses every field it does not store, with
 * 400 naming it (issue 16). Read-only fields of the answer may be echoed back (a PUT of what a GET gave) and are
 * ignored, as in DRF. `tags: []` and `custom_fields: {}` (or only nulls) say "none", which is what Hush stores.
 */
export interface WriteFields {
  readonly writable: readonly string[];
  readonly readOnly: readonly string[];
}

const COMMON_READ_ONLY = ['id', 'url', 'display_url', 'display', 'created', 'last_updated', 'owner'];

export const SECRET_FIELDS: WriteFields = {
  writable: ['assigned_object_type', 'assigned_object_id', 'role', 'name', 'plaintext', 'description', 'comments'],
  readOnly: [...COMMON_READ_ONLY, 'assigned_object', 'hash'],
};
export const LEGACY_SECRET_FIELDS: WriteFields = {
  writable: [...SECRET_FIELDS.writable, 'device'],
  readOnly: SECRET_FIELDS.readOnly,
};
export const ROLE_FIELDS: WriteFields = {
  writable: ['name', 'slug', 'description', 'comments', 'parent'],
  readOnly: [...COMMON_READ_ONLY, 'secret_count', '_depth'],
};
// `private_key` is write-only and ignored by the plugin's serializer too (docs/wire/netbox.md §3.1).
export const USER_KEY_FIELDS: WriteFields = {
  writable: ['public_key', 'user', 'private_key'],
  readOnly: [...COMMON_READ_ONLY, 'is_active', 'is_filled'],
};
export const INVENTORY_FIELDS: WriteFields = {
  writable: ['name', 'description'],
  readOnly: COMMON_READ_ONLY,
};

/** Fields of NetBox's device and VM models that Hush's minimal inventory does not hold (docs/wire/netbox.md §3.5). */
const INVENTORY_UNMODELLED = new Set(['site', 'device_type', 'role', 'status', 'platform', 'tenant', 'cluster']);

function problemOf(key: string, value: unknown): FieldProblem | undefined {
  if (key === 'tags') {
    if (Array.isArray(value) && value.length === 0) return undefined;
    return { field: key, message: 'Hush stores no tags on this object; send [] or leave the field out.' };
  }
  if (key === 'custom_fields') {
    const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
    if (isObject && Object.values(value).every((v) => v === null)) return undefined;
    return { field: key, message: 'Hush stores no custom fields; send {} or leave the field out.' };
  }
  if (INVENTORY_UNMODELLED.has(key))
    return { field: key, message: 'Hush keeps only the name and description of devices and VMs; leave this out.' };
  return { field: key, message: 'Hush does not store this field; leave it out.' };
}

/** Refuses (400, every field named) what the write would not store. */
export function refuseUnstored(body: Record<string, unknown>, fields: WriteFields): void {
  const problems: FieldProblem[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (fields.writable.includes(key) || fields.readOnly.includes(key)) continue;
    const problem = problemOf(key, value);
    if (problem) problems.push(problem);
  }
  if (problems.length) throw invalidFields(problems);
}
