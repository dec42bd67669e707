import type { CompiledQuery } from 'kysely';
import { HushError } from '../errors.js';

/**
 * PostgreSQL cannot store U+0000 in a text value ("invalid byte sequence for encoding UTF8: 0x00"), so a NUL in any
 * name, filter or path reaching a query was a 500 there while SQLite stored it. Every query is checked before it
 * runs, on both dialects, so the same input gets the same answer everywhere: a 400. Secret values are sealed before
 * they are stored, so a NUL inside one is still kept.
 */
export const nulInText = (): HushError =>
  new HushError('invalid', 'Text may not contain the NUL character (U+0000).', { reason: 'nul_in_text' });

/**
 * Throws nulInText() when a compiled query holds a NUL: in its SQL text (identifiers and raw SQL, every literal
 * Kysely writes into it) or in any of its parameters (strings, and the strings inside array and object values). The
 * store's driver (fault-dialect.ts) runs it on every query it is given, built or prepared (prepared.ts), which costs
 * a scan of the SQL text and of a handful of values instead of a walk of the whole operation tree per query.
 */
export function refuseNulIn(query: CompiledQuery): void {
  if (query.sql.includes('\u0000')) throw nulInText();
  for (const p of query.parameters) if (typeof p === 'string' ? p.includes('\u0000') : holdsNul(p)) throw nulInText();
}

function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array || value instanceof Date) return false;
  for (const v of Array.isArray(value) ? value : Object.values(value)) if (holdsNul(v)) return true;
  return false;
}
