import { invalidFields, type FieldProblem } from '../errors.js';

/**
 * One object type a permission can name. Engines declare theirs in their manifest (`objectTypes`), naming exactly
 * the type and actions their route access rules and `permissions.can/require/scope` calls check; the core declares
 * its own below. A grant may name only declared types and actions (anything else would grant nothing), and a check
 * of an undeclared pair is a programming error, refused loudly (see `assertChecked`).
 */
export interface ObjectTypeSpec {
  /** `app_label.model`, as grants name it (NetBox's convention). */
  readonly name: string;
  readonly actions: readonly string[];
  /** What holding it allows, for help texts. */
  readonly description: string;
  /**
   * What an object-scoped grant (`object_id`, NetBox's `constraints: {"id": …}`) names for this type; absent when
   * no check of this type looks at one object, so a narrowed grant would grant nothing.
   */
  readonly objectId?: string;
}

export const CRUD = ['view', 'add', 'change', 'delete'] as const;

/** Object types of identity and audit themselves, checked by the core and the admin API. */
export const IdentityObject = {
  user: 'users.user',
  token: 'users.token',
  permission: 'users.objectpermission',
  auditLog: 'core.auditlog',
  metrics: 'core.metrics',
} as const;

const CORE_OBJECT_TYPES: readonly ObjectTypeSpec[] = [
  {
    name: IdentityObject.user,
    actions: CRUD,
    description:
      "user accounts; change includes resetting a non-superuser's password (which lets the holder act as that user)",
  },
  {
    name: IdentityObject.token,
    actions: CRUD,
    description:
      "other users' API tokens (everyone manages their own without it); add for a user lets the holder act as that user",
    objectId: 'a token id',
  },
  { name: IdentityObject.permission, actions: CRUD, description: 'permissions, within what the holder holds itself' },
  { name: IdentityObject.auditLog, actions: ['view'], description: 'the audit log (GET /api/core/audit-log/)' },
  { name: IdentityObject.metrics, actions: ['view'], description: 'Prometheus metrics (GET /metrics)' },
];

export interface GrantContent {
  objectTypes: readonly string[];
  actions: readonly string[];
  objectId?: string | null | undefined;
}

/** How the caller's interface names the three parts of a grant, so refusals name the field the user typed. */
export interface GrantFields {
  objectTypes: string;
  actions: string;
  objectId: string;
}

const API_FIELDS: GrantFields = { objectTypes: 'object_types', actions: 'actions', objectId: 'constraints' };

function createObjectTypeRegistry(specs: readonly ObjectTypeSpec[]) {
  const byName = new Map<string, ObjectTypeSpec>();
  for (const spec of specs) {
    if (byName.has(spec.name)) throw new Error(`Object type ${spec.name} is declared twice.`);
    byName.set(spec.name, spec);
  }
  const names = () => [...byName.keys()].sort();

  return {
    /** Every declared type, sorted by name. */
    list: (): ObjectTypeSpec[] => names().map((n) => byName.get(n)!),

    get: (name: string): ObjectTypeSpec | undefined => byName.get(name),

    declares: (name: string, action: string): boolean => byName.get(name)?.actions.includes(action) ?? false,

    /** Throws unless the check names a declared type and action: a check nobody can be granted is a bug. */
    assertChecked(name: string, action: string): void {
      if (!byName.get(name)?.actions.includes(action)) {
        throw new Error(
          `Permission check of "${action}" on "${name}", which no engine declares (EngineManifest.objectTypes).`,
        );
      }
    },

    /**
     * Refuses (400, naming the field) a grant that names an unknown type, an action none of its types has, or one
     * object of a type no check narrows to one object, listing what is valid.
     */
    check(grant: GrantContent, fields: GrantFields = API_FIELDS): void {
      const problems: FieldProblem[] = [];
      const unknown = grant.objectTypes.filter((t) => !byName.has(t));
      if (unknown.length) {
        problems.push({
          field: fields.objectTypes,
          message: `unknown object type${unknown.length > 1 ? 's' : ''} ${unknown.map((t) => `"${t}"`).join(', ')}; valid: ${names().join(', ')}`,
        });
      }
      const known = grant.objectTypes.map((t) => byName.get(t)).filter((s): s is ObjectTypeSpec => s !== undefined);
      if (known.length) {
        const valid = [...new Set(known.flatMap((s) => s.actions))];
        const bad = grant.actions.filter((a) => !valid.includes(a));
        if (bad.length) {
          problems.push({
            field: fields.actions,
            message: `${bad.map((a) => `"${a}"`).join(', ')} ${bad.length > 1 ? 'are not actions' : 'is not an action'} of ${known.map((s) => s.name).join(', ')}; valid: ${valid.join(', ')}`,
          });
        }
        const unscoped = known.filter((s) => s.objectId === undefined);
        if (grant.objectId !== undefined && grant.objectId !== null && unscoped.length) {
          problems.push({
            field: fields.objectId,
            message: `${unscoped.map((s) => s.name).join(', ')} cannot be granted on one object (no check looks at one); grant it without an object id`,
          });
        }
      }
      if (problems.length) throw invalidFields(problems);
    },
  };
}

export type ObjectTypeRegistry = ReturnType<typeof createObjectTypeRegistry>;

/** The core's own types and those the engines declare: what a server built from these engines checks. */
export const objectTypesWith = (engineTypes: readonly ObjectTypeSpec[]): ObjectTypeRegistry =>
  createObjectTypeRegistry([...CORE_OBJECT_TYPES, ...engineTypes]);
