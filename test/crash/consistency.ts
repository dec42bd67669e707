import type { Inspector } from './harness.js';

/**
 * The audit log and the data must tell the same story after any crash: every audit entry of a change names a change
 * that is stored, and every stored change has its entry. A change committed without its entry (or an entry without
 * its change) would mean the two were written in different transactions.
 */
interface AuditRow {
  seq: number;
  action: string;
  object_id: string | null;
  details: string;
}

const entries = (db: Inspector, engine: string, actions: string[]) =>
  db.all<AuditRow>(
    `select seq, action, object_id, details from core_audit_log where engine = ? and action in (${actions.map(() => '?').join(', ')}) order by seq`,
    [engine, ...actions],
  );

/** Phase: one `secret.create`/`secret.update` entry per stored version (secret id, version), and no other. */
export async function phaseProblems(db: Inspector): Promise<string[]> {
  const problems: string[] = [];
  const logged = new Map<string, number>();
  for (const e of await entries(db, 'phase', ['secret.create', 'secret.update'])) {
    const version = (JSON.parse(e.details) as { version?: number }).version;
    const key = `${e.object_id}@${version}`;
    logged.set(key, (logged.get(key) ?? 0) + 1);
    const expected = e.action === 'secret.create' ? version === 1 : (version ?? 0) > 1;
    if (!expected) problems.push(`audit entry ${e.seq} (${e.action}) names version ${version}`);
  }
  const stored = await db.all<{ secret_id: string; version: number }>(
    'select secret_id, version from phase_secret_versions',
  );
  const storedKeys = new Set(stored.map((v) => `${v.secret_id}@${v.version}`));
  for (const [key, n] of logged) {
    if (!storedKeys.has(key)) problems.push(`audit names ${key}, which is not stored`);
    if (n > 1) problems.push(`audit names ${key} ${n} times`);
  }
  for (const key of storedKeys) if (!logged.has(key)) problems.push(`stored version ${key} has no audit entry`);
  const current = await db.all<{ id: string; version: number }>('select id, version from phase_secrets');
  for (const s of current)
    if (!storedKeys.has(`${s.id}@${s.version}`))
      problems.push(`secret ${s.id} is at version ${s.version}, which is not stored`);
  return problems;
}

/**
 * Passbolt: every resource has its `resource.create` entry (and every such entry its resource); the users holding a
 * permission are exactly the creator plus those the `resource.share` entries added (minus those they removed); every
 * holder has a copy of the secret and nobody else has one.
 */
export async function passboltProblems(db: Inspector): Promise<string[]> {
  const problems: string[] = [];
  const resources = new Map(
    (
      await db.all<{ id: string; created_by: string }>(
        'select id, created_by from passbolt_resources where deleted = 0',
      )
    ).map((r) => [r.id, r]),
  );
  const created = new Set<string>();
  const holders = new Map<string, Set<string>>();
  for (const e of await entries(db, 'passbolt', ['resource.create', 'resource.share', 'resource.delete'])) {
    const id = e.object_id ?? '';
    if (e.action === 'resource.create') {
      created.add(id);
      const resource = resources.get(id);
      if (!resource) problems.push(`audit entry ${e.seq} creates resource ${id}, which is not stored`);
      else holders.set(id, new Set([resource.created_by]));
    } else if (e.action === 'resource.delete') {
      created.delete(id);
      holders.delete(id);
    } else {
      const d = JSON.parse(e.details) as { added?: string[]; removed?: string[] };
      const set = holders.get(id) ?? new Set<string>();
      for (const a of d.added ?? []) set.add(a);
      for (const r of d.removed ?? []) set.delete(r);
      holders.set(id, set);
    }
  }
  const permissions = await db.all<{ aco_foreign_key: string; aro_foreign_key: string }>(
    'select aco_foreign_key, aro_foreign_key from passbolt_permissions',
  );
  const copies = await db.all<{ resource_id: string; user_id: string }>(
    'select resource_id, user_id from passbolt_secrets',
  );
  for (const [id] of resources) {
    if (!created.has(id)) {
      problems.push(`resource ${id} is stored without a resource.create entry`);
      continue;
    }
    const expected = [...(holders.get(id) ?? [])].sort();
    const permitted = permissions
      .filter((p) => p.aco_foreign_key === id)
      .map((p) => p.aro_foreign_key)
      .sort();
    const copied = copies
      .filter((c) => c.resource_id === id)
      .map((c) => c.user_id)
      .sort();
    if (expected.join() !== permitted.join())
      problems.push(
        `resource ${id}: permissions for ${permitted.length} users, the audit log accounts for ${expected.length}`,
      );
    if (copied.join() !== permitted.join())
      problems.push(`resource ${id}: ${copied.length} secret copies for ${permitted.length} permitted users`);
  }
  return problems;
}
