import type { AuditEvent } from '../audit/log.js';
import { HushError } from '../errors.js';
import type { Caller } from '../identity/caller.js';
import { fillTemplate, parseTemplate, type TemplateReference } from './template.js';

/**
 * What an engine implements to let templates name its data: the kind it answers (`secret` for the lists engine),
 * and a batch lookup. Names the caller may not read must be left out of `values`, exactly like unknown names, so a
 * render never tells the two apart. `reads` records what was revealed (one event per value), for the audit log.
 */
export interface ReferenceResolver {
  readonly kind: string;
  resolve(
    names: readonly string[],
    caller: Caller,
  ): Promise<{ values: ReadonlyMap<string, string>; reads: readonly AuditEvent[] }>;
}

export interface RenderLimits {
  /** Largest rendered text, in UTF-16 code units (the template itself is bounded by the route). */
  maxOutputChars: number;
}

// Error messages list this many names; the `missing`/`malformed` details carry all of them.
const NAMES_IN_MESSAGE = 20;

const listed = (names: readonly string[]) =>
  names.length > NAMES_IN_MESSAGE
    ? `${names.slice(0, NAMES_IN_MESSAGE).join(', ')} and ${names.length - NAMES_IN_MESSAGE} more`
    : names.join(', ');

/**
 * Reference kinds registered by engines at start-up, and the render that uses them. A render is all or nothing:
 * one malformed, unknown or unreadable reference fails it, naming every such reference, and reveals nothing.
 */
export function createReferenceRegistry() {
  const resolvers = new Map<string, ReferenceResolver>();

  return {
    register(resolver: ReferenceResolver): void {
      if (resolvers.has(resolver.kind)) throw new Error(`Reference kind "${resolver.kind}" is registered twice.`);
      resolvers.set(resolver.kind, resolver);
    },

    kinds: (): string[] => [...resolvers.keys()].sort(),

    async render(
      template: string,
      caller: Caller,
      limits: RenderLimits,
    ): Promise<{ rendered: string; reads: AuditEvent[] }> {
      const parsed = parseTemplate(template);
      if (parsed.malformed.length) {
        throw new HushError(
          'invalid',
          // A NAME ends at whitespace or a brace, so a key holding one (NetActuate's `new key`) cannot be named.
          `Malformed references in template (a reference is \${{kind.NAME}} on one line, and NAME cannot hold ` +
            `spaces, tabs or braces; write $\${{ for a literal \${{): ${listed(parsed.malformed)}`,
          {
            problems: [{ field: 'template', message: 'contains malformed references' }],
            reason: 'malformed_references',
            details: { malformed: parsed.malformed },
          },
        );
      }
      const byKind = new Map<string, TemplateReference[]>();
      for (const ref of parsed.references) byKind.set(ref.kind, [...(byKind.get(ref.kind) ?? []), ref]);
      const values = new Map<string, string>();
      const reads: AuditEvent[] = [];
      for (const [kind, refs] of byKind) {
        const resolver = resolvers.get(kind);
        if (!resolver) continue;
        const found = await resolver.resolve(
          refs.map((r) => r.name),
          caller,
        );
        for (const r of refs) {
          const value = found.values.get(r.name);
          if (value !== undefined) values.set(r.id, value);
        }
        reads.push(...found.reads);
      }
      const missing = parsed.references.filter((r) => !values.has(r.id)).map((r) => r.id);
      if (missing.length) {
        throw new HushError('invalid', `Unknown or unreadable references in template: ${listed(missing)}`, {
          problems: [{ field: 'template', message: 'names references that do not exist or that you may not read' }],
          reason: 'missing_references',
          details: { missing },
        });
      }
      let size = 0;
      for (const p of parsed.parts) size += typeof p === 'string' ? p.length : values.get(p.id)!.length;
      if (size > limits.maxOutputChars) {
        throw new HushError('too_large', `The rendered text would exceed ${limits.maxOutputChars} characters.`, {
          problems: [{ field: 'template', message: 'renders too large' }],
        });
      }
      return { rendered: fillTemplate(parsed.parts, (r) => values.get(r.id)!), reads };
    },
  };
}

export type ReferenceRegistry = ReturnType<typeof createReferenceRegistry>;
