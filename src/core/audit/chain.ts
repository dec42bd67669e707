import { createHash } from 'node:crypto';
import type { AuditLogTable } from './tables.js';

/** The hash before the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * An entry's hash covers every column but its own, in a fixed order, JSON-encoded so no two different rows can
 * serialise to the same text. Changing this function invalidates every existing chain: never do it without a
 * versioned successor.
 */
export function entryHash(row: Omit<AuditLogTable, 'hash'>): string {
  const fields = [
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
  return createHash('sha256').update(JSON.stringify(fields), 'utf8').digest('hex');
}
