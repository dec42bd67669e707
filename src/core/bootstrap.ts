import { systemActor } from './audit/log.js';
import { OPERATOR } from './identity/authority.js';
import type { Core } from './index.js';
import type { UserId } from './ids.js';
import { AuditAction, LockName } from './names.js';
import { withLock } from './store/tx.js';

export interface BootstrapResult {
  username: string;
  /** The admin token's key: shown once, never stored. Absent when the caller supplied it. */
  token: string;
  tokenSupplied: boolean;
}

const BOOTSTRAP_USERNAME = 'admin';

/**
 * Creates the first superuser and its token when the instance has no user yet. Runs under a lock, so when several
 * processes start at once against one database exactly one of them creates the admin. Later starts do nothing.
 * `hush serve` calls it only once it listens, so the start that creates the admin is one that prints its token.
 */
export async function bootstrapAdmin(core: Core): Promise<BootstrapResult | undefined> {
  if ((await core.users.count()) > 0) return undefined;
  const { bootstrapToken, bootstrapPassword } = core.config;
  const insertUser = await core.users.prepare(OPERATOR, {
    username: BOOTSTRAP_USERNAME,
    password: bootstrapPassword,
    isSuperuser: true,
  });
  return withLock(core.db, LockName.bootstrap, async (trx) => {
    if ((await core.users.count(trx)) > 0) return undefined;
    const user = await insertUser(trx);
    const { row, key } = await core.tokens.create(
      OPERATOR,
      { userId: user.id as UserId, key: bootstrapToken, description: 'Created at first start' },
      trx,
    );
    await core.audit.appendWithin(trx, systemActor, [
      {
        engine: 'core',
        action: AuditAction.bootstrap,
        objectType: 'users.user',
        objectId: user.id,
        details: { token_id: row.id },
      },
    ]);
    return { username: user.username, token: key, tokenSupplied: bootstrapToken !== undefined };
  });
}
