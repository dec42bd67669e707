/**
 * Audit action names are a public interface: SIEM rules match on them. One rule across engines (docs/audit.md §6):
 * `<object>.<verb>`, both snake_case, with the engine in its own column rather than in the name, so the same kind
 * of event reads the same everywhere (`secret.read` in netbox, phase and passbolt alike).
 */
const ACTION_NAME = /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/;

/** The verbs an action may end in; a new one is a deliberate addition here, not a spelling invented in a service. */
export const AUDIT_VERBS = [
  'create',
  'read',
  'update',
  'delete',
  'rename',
  'restore',
  'replace',
  'activate',
  'revoke',
  'provision',
  'rotate',
  'generate',
  'bootstrap',
  'refused',
  'login',
  'logout',
  'share',
  'import',
  'archive',
] as const;

/** Why a name breaks the rule, or undefined when it keeps it. */
export function auditNameProblem(name: string): string | undefined {
  if (!ACTION_NAME.test(name)) return `"${name}" is not <object>.<verb> in snake_case`;
  const verb = name.slice(name.indexOf('.') + 1);
  if (!(AUDIT_VERBS as readonly string[]).includes(verb))
    return `"${name}" ends in "${verb}", which is not one of ${AUDIT_VERBS.join(', ')}`;
  return undefined;
}

/**
 * An engine's audit actions, declared once in its `events.ts`: `defineAuditEvents({ secretRead: 'secret.read' })`.
 * Every name is checked against the rule when the module loads, so a misspelt action fails the first test that
 * imports the engine; the core refuses at run time an action the engine did not declare.
 */
export function defineAuditEvents<const T extends Record<string, string>>(events: T): Readonly<T> {
  const problems = Object.values(events)
    .map(auditNameProblem)
    .filter((p) => p !== undefined);
  if (problems.length) throw new Error(`Audit action names break the naming rule: ${problems.join('; ')}.`);
  return Object.freeze({ ...events });
}
