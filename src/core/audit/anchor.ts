import type { Kysely } from 'kysely';
import type { AuditTables } from './tables.js';
import type { VerifyReport } from './verify.js';

export type AuditHeads = VerifyReport['heads'];

/**
 * Checks the chain against heads an earlier verify saved outside the database (docs/audit.md §6). The chain has no
 * secret key, so someone able to write the database can delete a stripe's newest entries and move its head back, and
 * the walk alone cannot tell. A saved head can: heads only move forward, and the entry a saved head named stays in
 * the log with the same hash until an archive takes it (then the archive's checkpoint and file vouch for it).
 */
export async function checkAnchor(
  db: Kysely<AuditTables>,
  report: VerifyReport,
  saved: AuditHeads,
): Promise<VerifyReport['problems']> {
  const problems: VerifyReport['problems'] = [];
  const now = new Map(report.heads.map((h) => [h.stripe, h] as const));
  const live = saved.filter((h) => h.seq > 0 && h.seq > (report.archivedThrough ?? 0));
  const rows = new Map<number, { hash: string; stripe: number }>();
  for (let i = 0; i < live.length; i += 500) {
    const seqs = live.slice(i, i + 500).map((h) => h.seq);
    for (const r of await db
      .selectFrom('core_audit_log')
      .select(['seq', 'hash', 'stripe'])
      .where('seq', 'in', seqs)
      .execute())
      rows.set(r.seq, r);
  }
  for (const h of saved) {
    const current = now.get(h.stripe);
    if (!current) problems.push({ seq: h.seq, problem: `stripe ${h.stripe}: its head, saved in the anchor, is gone` });
    else if (current.seq < h.seq)
      problems.push({
        seq: h.seq,
        problem: `stripe ${h.stripe}: its head moved back from entry ${h.seq} (saved in the anchor) to ${current.seq}: its newest entries were removed`,
      });
    else if (live.includes(h)) {
      const row = rows.get(h.seq);
      if (!row || row.hash !== h.hash || row.stripe !== h.stripe)
        problems.push({
          seq: h.seq,
          problem: `stripe ${h.stripe}: entry ${h.seq}, its head when the anchor was saved, is ${row ? 'changed' : 'gone'}: the stripe was rewritten`,
        });
    }
  }
  return problems;
}

/** Reads an anchor file's heads; undefined when the text is not one. */
export function parseAnchor(text: string): AuditHeads | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const heads = (value as { heads?: unknown } | null)?.heads;
  if (!Array.isArray(heads)) return undefined;
  const ok = heads.every(
    (h: unknown) =>
      typeof h === 'object' &&
      h !== null &&
      Number.isInteger((h as { stripe?: unknown }).stripe) &&
      Number.isInteger((h as { seq?: unknown }).seq) &&
      typeof (h as { hash?: unknown }).hash === 'string',
  );
  return ok ? (heads as AuditHeads) : undefined;
}
