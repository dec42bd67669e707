import { createHash } from 'node:crypto';
import type { AuditLogTable } from './tables.js';

/** The hash before the first entry of every stripe. */
export const GENESIS_HASH = '0'.repeat(64);

/** The stripe of entries that name no object, and of every entry written before stripes existed (migration 0009). */
export const FIRST_STRIPE = 1;

/**
 * An entry's hash covers every column but its own, in a fixed order, JSON-encoded so no two different rows can
 * serialise to the same text. An entry of the first stripe hashes exactly as entries did before stripes, so chains
 * written by earlier releases still verify; an entry of any other stripe also covers its stripe, so it cannot be
 * moved into another stripe (or into the first) and still verify. Changing this function invalidates every existing
 * chain: never do it without a versioned successor.
 */
export function entryHash(row: Omit<AuditLogTable, 'hash'>): string {
  const fields: unknown[] = [
    row.seq,
    row.at,
    row.actor_user_id,
    row.actor_username,
    row.token_id,
    row.engine,
    row.action,
    row.object_type,
    row.object_id,
    row.client_ip,
    row.request_id,
    row.details,
    row.prev_hash,
  ];
  if (row.stripe !== FIRST_STRIPE) fields.push(row.stripe);
  return createHash('sha256').update(JSON.stringify(fields), 'utf8').digest('hex');
}
