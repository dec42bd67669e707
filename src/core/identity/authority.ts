import { forbidden } from '../errors.js';
import type { Caller } from './caller.js';
import { IdentityObject, type GrantContent } from './object-types.js';

/**
 * Who may change whom: the rules every identity write applies (users.ts, tokens.ts, permissions.ts), whichever API
 * or command asks. Without them three ordinary grants would each be a superuser in disguise: `users.user change`
 * (make oneself superuser, reset the admin's password), `users.objectpermission add` (grant oneself anything) and
 * `users.token add` (mint the admin a token and use it).
 *
 * - Only a superuser makes superusers (creating one, or setting `is_superuser` on anyone, itself included), and only
 *   a superuser changes or deletes a superuser's account or manages a superuser's tokens.
 * - Anyone manages their own tokens; another user's need `users.token` with the action (for that token, when it
 *   exists).
 * - A non-superuser creates, changes or deletes only permissions it holds itself: every object type × action of the
 *   permission, on the same object when the permission names one (or on every object), must be among its own
 *   enabled grants — before and after a change.
 *
 * The machine's operator (`hush admin` on the server's host, first-start bootstrap) holds everything: it already
 * holds the database and the root key.
 */
export const OPERATOR = Object.freeze({ operator: true as const });

export type Authority = Caller | typeof OPERATOR;

const isOperator = (by: Authority): by is typeof OPERATOR => 'operator' in by;

/** The caller the rules restrict; undefined for the operator and superusers, whom they do not. */
const restricted = (by: Authority): Caller | undefined => (isOperator(by) || by.user.isSuperuser ? undefined : by);

/** `permissions.can`, bound to the transaction the write runs in. */
export type Can = (caller: Caller, action: string, objectType: string, objectId?: string | number) => Promise<boolean>;

interface Account {
  username: string;
  is_superuser: number;
}

/** Creating (`target` absent), changing or deleting an account. The caller's model permission is the route's. */
export function requireUserWrite(
  by: Authority,
  target: Account | undefined,
  change: { isSuperuser?: boolean | undefined },
  verb: 'change' | 'delete' = 'change',
): void {
  if (!restricted(by)) return;
  if (change.isSuperuser === true)
    throw forbidden('Only a superuser can make a user a superuser (is_superuser).', 'superuser_only');
  if (target?.is_superuser === 1)
    throw forbidden(`Only a superuser can ${verb} the superuser account "${target.username}".`, 'superuser_only');
}

/**
 * Creating (`tokenId` absent), changing or deleting a token of `ownerId`. The permission is checked before `owner`
 * is looked up, so a caller without it cannot learn which user ids exist.
 */
export async function requireTokenWrite(
  can: Can,
  by: Authority,
  action: 'add' | 'change' | 'delete',
  ownerId: number,
  owner: () => Promise<Account>,
  tokenId?: number,
): Promise<void> {
  const caller = restricted(by);
  if (!caller || caller.user.id === ownerId) return;
  const verb = { add: 'create', change: 'change', delete: 'delete' }[action];
  if (!(await can(caller, action, IdentityObject.token, tokenId))) {
    throw forbidden(
      `You can ${verb} tokens of your own account only; another user's need the ${IdentityObject.token} ${action} permission.`,
    );
  }
  const account = await owner();
  if (account.is_superuser === 1)
    throw forbidden(`Only a superuser can ${verb} tokens of the superuser "${account.username}".`, 'superuser_only');
}

/**
 * Every object type × action the grant gives (on its object, if it names one) must be the granter's own. A pair no
 * check looks at (`view` and `add` on several types where one has only `view`) gives nothing and is skipped.
 */
export async function requireGrantable(
  can: Can,
  declares: (objectType: string, action: string) => boolean,
  by: Authority,
  grant: GrantContent,
  verb: 'grant' | 'change' | 'delete',
): Promise<void> {
  const caller = restricted(by);
  if (!caller) return;
  const objectId = grant.objectId ?? undefined;
  const missing: string[] = [];
  for (const type of grant.objectTypes) {
    const lacking: string[] = [];
    for (const action of grant.actions)
      if (declares(type, action) && !(await can(caller, action, type, objectId))) lacking.push(action);
    if (lacking.length)
      missing.push(`${lacking.join(', ')} on ${type}${objectId === undefined ? '' : ` #${objectId}`}`);
  }
  if (!missing.length) return;
  const what = verb === 'grant' ? 'grant only permissions' : `${verb} only permissions`;
  throw forbidden(`You can ${what} you hold yourself; you do not hold ${missing.join('; ')}.`, 'grant_exceeds_own');
}
