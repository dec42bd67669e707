import { randomBytes, randomUUID } from 'node:crypto';
import { HushError } from './errors.js';

/** Branded ids: a `UserId` cannot be passed where a `TokenId` is expected, though both are numbers on the wire. */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type UserId = Brand<number, 'UserId'>;
export type TokenId = Brand<number, 'TokenId'>;
export type PermissionId = Brand<number, 'PermissionId'>;
export type DataKeyId = Brand<number, 'DataKeyId'>;

/** A random identifier for non-secret use (request ids, generated names). */
export function randomId(bytes = 12): string {
  return randomBytes(bytes).toString('base64url');
}

/** Current time as the ISO-8601 UTC string every table stores (sortable as text on both dialects). */
export function nowIso(): string {
  return new Date().toISOString();
}

/** A lower-case hyphenated UUID4, the id format of engines whose originals use UUIDs (Phase). */
export function newUuid(): string {
  return randomUUID();
}

/**
 * A time given as text (ISO-8601, e.g. `2027-01-01T00:00:00Z`) as the UTC string tables store; undefined when the
 * text names no time.
 */
export function isoTimeOf(text: string): string | undefined {
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/** The `--expires <when>` option of the admin commands that mint tokens (the core's and engines' alike). */
export function parseExpiry(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const time = isoTimeOf(value);
  if (time === undefined)
    throw new HushError('invalid', `--expires: "${value}" is not a date (use ISO-8601, e.g. 2027-01-01T00:00:00Z)`);
  return time;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A hyphenated UUID in either case (engines compare ids lower-cased), the one check of the id format. */
export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);
