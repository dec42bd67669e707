import { HushError, invalid } from '../../core/ports.js';
import type { ValueKey } from './repo.js';

/**
 * Keys are any non-empty text up to 128 characters without control characters, as NetActuate takes them (its own
 * example is `"new key"`); `api-key`, `db.password` and `1PASSWORD` are keys like any other. `${{secret.KEY}}` can
 * name every key without whitespace or braces; one with them stays stored and listed, and a template that tries to
 * name it fails with the reason (src/core/references/registry.ts).
 */
export const MAX_KEY_CHARS = 128;
export const MAX_NAME_CHARS = 100;
// Certificates with their chain fit; larger blobs belong in object storage.
export const MAX_VALUE_CHARS = 65_536;

/**
 * List names: any printable text, but not only digits and no `/` (a path segment). `{secretList}` is a name or an
 * id in the same path segment, and ids are all digits: a list named "2024" would be shadowed by the list whose id
 * is 2024 as soon as that many lists had been made, and the same URL would silently switch to another list. So
 * digits address lists by id, and a name must hold something else.
 */
export function checkListName(raw: unknown): string {
  if (typeof raw !== 'string') throw invalid('name', 'must be a string');
  const name = raw.trim();
  if (!name) throw invalid('name', 'must not be empty');
  if (name.length > MAX_NAME_CHARS) throw invalid('name', `must be at most ${MAX_NAME_CHARS} characters`);
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  if (/[\u0000-\u001f\u007f/]/.test(name)) throw invalid('name', 'must not contain "/" or control characters');
  if (/^\d+$/.test(name)) throw invalid('name', 'must not be only digits (numbers address lists by id)');
  return name;
}

export function checkKey(raw: unknown): string {
  if (typeof raw !== 'string') throw invalid('secret_key', 'must be a string');
  if (!raw.trim()) throw invalid('secret_key', 'must not be empty');
  if (raw.length > MAX_KEY_CHARS) throw invalid('secret_key', `must be at most ${MAX_KEY_CHARS} characters`);
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  if (/[\u0000-\u001f\u007f]/.test(raw)) throw invalid('secret_key', 'must not contain control characters');
  return raw;
}

export function checkValue(raw: unknown): string {
  if (typeof raw !== 'string') throw invalid('secret_value', 'must be a string');
  if (raw.length > MAX_VALUE_CHARS) throw invalid('secret_value', `must be at most ${MAX_VALUE_CHARS} characters`);
  return raw;
}

/** `{"version": n}` of a restore. */
export function checkVersion(raw: unknown): number {
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1)
    throw invalid('version', 'must be a positive integer');
  return raw;
}

export const needsOneOf = (fields: string[]) =>
  new HushError('invalid', `Give at least one of ${fields.join(', ')}.`, {
    problems: [{ field: fields[0]!, message: 'This field is required.' }],
  });

/** The `after` cursor of all-values (serializers.ts `pageCursor`) back into the key it names; 400 on anything else. */
export function checkCursor(raw: string): ValueKey {
  const bad = () => invalid('after', "is not a cursor from a previous page (follow the Link header's next URL)");
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parts) || parts.length !== 3) throw bad();
  const [listId, createdAt, id] = parts as unknown[];
  // list_id is a PostgreSQL int4: a larger number would be a database error, not a page.
  if (!Number.isSafeInteger(listId) || (listId as number) < 1 || (listId as number) > 2147483647) throw bad();
  if (typeof createdAt !== 'string' || typeof id !== 'string') throw bad();
  if (createdAt.length > 40 || id.length > 64) throw bad();
  return { list_id: listId as number, created_at: createdAt, id };
}
