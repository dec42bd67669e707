import type { EngineContext } from '../../../core/ports.js';
import type { PassboltTables } from '../tables.js';
import { createAuthService } from './auth.js';
import { createGpgAuthService } from './gpgauth.js';
import { createGroupService } from './groups.js';
import { createPassboltContext } from './context.js';
import { createResourceReader } from './resources-read.js';
import { createResourceWriter } from './resources-write.js';
import { createServerKeys } from './server-keys.js';
import { createShareService } from './share.js';
import { createUserService } from './users.js';

/** The engine's services, built once by `create`: routes, the JWT authenticator and the admin commands share them. */
export function passboltServices(ctx: EngineContext<PassboltTables>) {
  const pc = createPassboltContext(ctx);
  const reader = createResourceReader(pc);
  const users = createUserService(pc);
  const keys = createServerKeys(pc);
  return {
    pc,
    reader,
    writer: createResourceWriter(pc, reader),
    users,
    share: createShareService(pc),
    groups: createGroupService(pc, users),
    auth: createAuthService(pc, keys),
    gpgauth: createGpgAuthService(pc, keys, users.ofAccount),
  };
}

export type PassboltServices = ReturnType<typeof passboltServices>;
