import { HushError, invalidFields, type FieldProblem } from '../../core/ports.js';
import { MAX_PLAINTEXT_BYTES } from './crypto.js';
import { MSG } from './errors.js';
import { kindOf, type KindName } from './service/inventory.js';
import { LEGACY_SECRET_FIELDS, refuseUnstored, ROLE_FIELDS, SECRET_FIELDS, type WriteFields } from './write-fields.js';

/**
 * Write bodies as DRF validates them (docs/wire/netbox.md §3.0 "Writing related objects", §3.1 and §3.4 write
 * rules): every problem is collected and answered as `{"field": ["message"]}`.
 */
export type Body = Record<string, unknown>;

/** A related object given as a pk, a numeric string, or a dict of attributes. */
export type Related = { id: number } | { attrs: Record<string, unknown> };

/** A JSON object (not a list, not null). */
export const isRecord = (value: unknown): value is Body =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function asBody(body: unknown, fields?: WriteFields): Body {
  if (body === null || body === undefined) return {};
  if (!isRecord(body))
    throw new HushError('invalid', 'Invalid data. Expected a dictionary.', {
      problems: [{ field: '', message: 'Invalid data. Expected a dictionary, but got list.' }],
    });
  if (fields) refuseUnstored(body, fields);
  return body;
}

export function related(value: unknown, field: string, problems: FieldProblem[]): Related | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return { id: value };
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) return { id: Number(value) };
  if (isRecord(value)) {
    const attrs = value;
    if (typeof attrs.id === 'number' || (typeof attrs.id === 'string' && /^\d+$/.test(attrs.id)))
      return { id: Number(attrs.id) };
    return { attrs };
  }
  problems.push({ field, message: MSG.relatedBad(value) });
  return undefined;
}

function text(body: Body, field: string, max: number, problems: FieldProblem[]): string | undefined {
  const v = body[field];
  if (v === undefined) return undefined;
  if (v === null) {
    problems.push({ field, message: MSG.nullValue });
    return undefined;
  }
  if (typeof v !== 'string') {
    problems.push({ field, message: 'Not a valid string.' });
    return undefined;
  }
  if (v.length > max) {
    problems.push({ field, message: `Ensure this field has no more than ${max} characters.` });
    return undefined;
  }
  return v.trim();
}

/** DRF trims `plaintext`; blank or null is refused; the original 500s above 65,535 bytes, Hush answers 400. */
function plaintext(body: Body, required: boolean, problems: FieldProblem[]): string | undefined {
  const v = body.plaintext;
  if (v === undefined) {
    if (required) problems.push({ field: 'plaintext', message: MSG.required });
    return undefined;
  }
  if (v === null) {
    problems.push({ field: 'plaintext', message: MSG.nullValue });
    return undefined;
  }
  if (typeof v !== 'string') {
    problems.push({ field: 'plaintext', message: 'Not a valid string.' });
    return undefined;
  }
  const trimmed = v.trim();
  if (!trimmed) {
    problems.push({ field: 'plaintext', message: MSG.blank });
    return undefined;
  }
  if (Buffer.byteLength(trimmed, 'utf8') > MAX_PLAINTEXT_BYTES) {
    problems.push({
      field: 'plaintext',
      message: `Ensure this field has no more than ${MAX_PLAINTEXT_BYTES} bytes (UTF-8).`,
    });
    return undefined;
  }
  return trimmed;
}

export interface ParsedSecret {
  kind?: KindName | undefined;
  objectId?: number | undefined;
  device?: Related | undefined;
  role?: Related | undefined;
  name?: string | undefined;
  plaintext?: string | undefined;
  description?: string | undefined;
  comments?: string | undefined;
}

/**
 * `partial` is PATCH; `legacy` takes `device` (2.9) besides `assigned_object_type`/`assigned_object_id` and requires
 * `plaintext` on every full write, as the 2.x serializer's required CharField does; `create` requires it too.
 */
export function parseSecret(
  raw: unknown,
  options: { partial: boolean; legacy: boolean; create?: boolean },
): ParsedSecret {
  const { partial, legacy } = options;
  const body = asBody(raw, legacy ? LEGACY_SECRET_FIELDS : SECRET_FIELDS);
  const problems: FieldProblem[] = [];
  const out: ParsedSecret = {};

  const type = body.assigned_object_type;
  if (type !== undefined) {
    if (typeof type !== 'string' || !/^[a-z_]+\.[a-z_]+$/.test(type))
      problems.push({
        field: 'assigned_object_type',
        message: "Invalid value. Specify a content type as '<app_label>.<model_name>'.",
      });
    else if (!kindOf(type)) problems.push({ field: 'assigned_object_type', message: `Invalid content type: ${type}` });
    else out.kind = type as KindName;
  }
  const objectId = body.assigned_object_id;
  if (objectId !== undefined) {
    const n = typeof objectId === 'string' && /^\d+$/.test(objectId) ? Number(objectId) : objectId;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 2 ** 31 - 1)
      problems.push({ field: 'assigned_object_id', message: 'A valid integer is required.' });
    else out.objectId = n;
  }
  if (legacy && body.device !== undefined && body.device !== null)
    out.device = related(body.device, 'device', problems);
  if (!partial) {
    const hasObject = type !== undefined || objectId !== undefined;
    if (legacy && body.device === undefined && !hasObject) problems.push({ field: 'device', message: MSG.required });
    // A new secret needs an object: `device: null` names none (it used to reach the database and fail there).
    else if (legacy && options.create && body.device === null && !hasObject)
      problems.push({ field: 'device', message: MSG.nullValue });
    if (!legacy || hasObject) {
      if (type === undefined) problems.push({ field: 'assigned_object_type', message: MSG.required });
      if (objectId === undefined) problems.push({ field: 'assigned_object_id', message: MSG.required });
    }
  }

  if (body.role === null) problems.push({ field: 'role', message: 'This field cannot be null.' });
  else if (body.role !== undefined) out.role = related(body.role, 'role', problems);
  else if (!partial) problems.push({ field: 'role', message: MSG.required });

  out.name = text(body, 'name', 100, problems);
  out.description = text(body, 'description', 200, problems);
  out.comments = text(body, 'comments', 100_000, problems);
  // Required on create (Hush) and on every full write of the 2.x serializer; the plugin's PUT may omit it.
  out.plaintext = plaintext(body, options.create === true || (legacy && !partial), problems);

  if (problems.length) throw invalidFields(problems);
  return out;
}

export interface ParsedRole {
  name?: string | undefined;
  slug?: string | undefined;
  description?: string | undefined;
  comments?: string | undefined;
  parent?: Related | null | undefined;
}

export function parseRole(raw: unknown): ParsedRole {
  const body = asBody(raw, ROLE_FIELDS);
  const problems: FieldProblem[] = [];
  const out: ParsedRole = {
    name: text(body, 'name', 1000, problems),
    slug: text(body, 'slug', 1000, problems),
    description: text(body, 'description', 1000, problems),
    comments: text(body, 'comments', 100_000, problems),
  };
  if (body.parent === null) out.parent = null;
  else if (body.parent !== undefined) out.parent = related(body.parent, 'parent', problems);
  if (problems.length) throw invalidFields(problems);
  return out;
}
