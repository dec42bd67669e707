/**
 * The cross-engine template syntax: `${{ kind.NAME }}` is replaced by what the engine that registered `kind` resolves
 * NAME to (the lists engine registers `secret`, NetActuate's cloud-init syntax). Whitespace (spaces, tabs) inside the
 * braces is allowed; `$${{` stands for a literal `${{`. Pure text handling: no I/O, no permissions.
 */

/** One reference as written, e.g. `{ kind: 'secret', name: 'API_KEY' }`; `id` is `secret.API_KEY`. */
export interface TemplateReference {
  readonly kind: string;
  readonly name: string;
  readonly id: string;
}

export type TemplatePart = string | TemplateReference;

export interface ParsedTemplate {
  /** Literal text and references, in order. */
  readonly parts: readonly TemplatePart[];
  /** Each distinct reference once, in order of first use. */
  readonly references: readonly TemplateReference[];
  /** `${{ … }}` openings that are not a reference (unterminated, multi-line, no `kind.`), as short excerpts (the first 100). */
  readonly malformed: readonly string[];
}

// Longer than any name a resolver accepts; bounds the search for `}}` so unterminated openings cost O(n) overall.
const MAX_INNER_CHARS = 300;
const OPENING = /\$\$\{\{|\$\{\{/g;
// Enough to show what is wrong; a megabyte of stray openings must not make a megabyte-sized error.
const MAX_MALFORMED = 100;
const REFERENCE = /^[ \t]*([a-z][a-z0-9_]*)\.([^\s{}]+)[ \t]*$/;

const excerpt = (text: string) => (text.length > 40 ? `${text.slice(0, 40)}…` : text).replace(/[\r\n]/g, ' ');

export function parseTemplate(template: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  const references = new Map<string, TemplateReference>();
  const malformed: string[] = [];
  let literal: string[] = [];
  let last = 0;
  const re = new RegExp(OPENING.source, 'g');
  for (let m = re.exec(template); m; m = re.exec(template)) {
    const start = m.index;
    if (m[0].length === 4) {
      // `$${{` → a literal `${{`; what follows it is ordinary text.
      literal.push(template.slice(last, start), '${{');
      last = start + 4;
      continue;
    }
    const window = template.slice(start + 3, start + 3 + MAX_INNER_CHARS + 2);
    const close = window.indexOf('}}');
    const match = close < 0 ? null : REFERENCE.exec(window.slice(0, close));
    if (!match) {
      if (malformed.length < MAX_MALFORMED)
        malformed.push(excerpt(close < 0 ? template.slice(start, start + 40) : `\${{${window.slice(0, close)}}}`));
      re.lastIndex = start + 3;
      continue;
    }
    const id = `${match[1]}.${match[2]}`;
    let ref = references.get(id);
    if (!ref) {
      ref = { kind: match[1]!, name: match[2]!, id };
      references.set(id, ref);
    }
    literal.push(template.slice(last, start));
    parts.push(literal.join(''), ref);
    literal = [];
    last = start + 3 + close + 2;
    re.lastIndex = last;
  }
  literal.push(template.slice(last));
  parts.push(literal.join(''));
  return { parts: parts.filter((p) => p !== ''), references: [...references.values()], malformed };
}

/** Joins the parts with each reference's value; every reference must have one. */
export function fillTemplate(parts: readonly TemplatePart[], valueOf: (ref: TemplateReference) => string): string {
  return parts.map((p) => (typeof p === 'string' ? p : valueOf(p))).join('');
}
