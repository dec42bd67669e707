import { KNOWN_FINDINGS, KNOWN_LOG_FINDINGS, type Finding } from './oracle.js';
import type { FuzzRequest } from './requests.js';

/** Prints a request so it can be read and replayed: tokens named, long values cut. */
export function describeRequest(req: FuzzRequest, secrets: Record<string, string>): string {
  const hide = (s: string) => Object.entries(secrets).reduce((t, [name, value]) => t.split(value).join(`<${name}>`), s);
  const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s);
  const headers = Object.entries(req.headers).map(([k, v]) => `${k}: ${cut(hide(v), 120)}`);
  const body = req.body === undefined ? '(no body)' : cut(JSON.stringify(hide(req.body.toString('latin1'))), 400);
  return [
    `#${req.index} ${req.method} ${cut(req.path, 300)}`,
    `  route: ${req.route.method} ${req.route.template} (${req.route.source}); as ${req.identity}; ${req.notes.join(', ') || 'no mutation'}`,
    ...headers.map((h) => `  ${h}`),
    `  body: ${body}`,
  ].join('\n');
}

/** The server's warnings and errors about one request (message, error type, message and code; never a stack). */
export type ServerLog = (requestId: string) => string[];

export function serverLogOf(stdout: string): ServerLog {
  const byId = new Map<string, string[]>();
  for (const raw of stdout.split('\n')) {
    if (!raw.includes('"level":40') && !raw.includes('"level":50') && !raw.includes('"level":60')) continue;
    try {
      const line = JSON.parse(raw) as {
        reqId?: string;
        msg?: string;
        err?: { type?: string; message?: string; code?: string };
      };
      if (!line.reqId) continue;
      const err = line.err
        ? ` — ${line.err.type}: ${line.err.message}${line.err.code ? ` (${line.err.code})` : ''}`
        : '';
      byId.set(line.reqId, [...(byId.get(line.reqId) ?? []), `${line.msg}${err}`]);
    } catch {
      // not a log line
    }
  }
  return (id) => byId.get(id) ?? [];
}

function describeFinding(f: Finding, secrets: Record<string, string>, log: ServerLog): string {
  const lines = [`[${f.check}] ${f.detail}`];
  if (f.request) lines.push(describeRequest(f.request, secrets));
  if (f.response) {
    const text = f.response.body.toString('utf8');
    lines.push(
      `  → ${f.response.status}${f.response.error ? ` (${f.response.error})` : ''} ${String(f.response.headers['content-type'] ?? '')}: ${text.length > 600 ? `${text.slice(0, 600)}…` : text}`,
    );
    const id = f.response.headers['x-request-id'];
    for (const l of typeof id === 'string' ? log(id) : []) lines.push(`  server log: ${l.slice(0, 400)}`);
  }
  return lines.join('\n');
}

/** The run's summary: new findings in full, known ones counted with one example, waivers that matched nothing. */
export function summarize(
  title: string,
  seed: number,
  findings: Finding[],
  stats: Map<string, number>,
  secrets: Record<string, string>,
  log: ServerLog,
): { text: string; fresh: Finding[] } {
  const fresh = findings.filter((f) => !f.known);
  const known = new Map<string, Finding[]>();
  for (const f of findings) if (f.known) known.set(f.known, [...(known.get(f.known) ?? []), f]);
  const out = [`fuzz ${title}: seed ${seed} (replay: HUSH_FUZZ_SEED=${seed}; one request: HUSH_FUZZ_ONLY=<index>)`];
  out.push(
    `  answers: ${[...stats]
      .sort()
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
  );
  for (const [id, list] of known)
    out.push(
      `  known finding ${id}: ${list.length}× (waived), e.g.\n${indent(describeFinding(list[0]!, secrets, log))}`,
    );
  const unused = [...KNOWN_FINDINGS.map((k) => k.id), ...KNOWN_LOG_FINDINGS.map((k) => k.id)].filter(
    (id) => !known.has(id),
  );
  if (unused.length)
    out.push(`  waivers that matched nothing this run (fixed? then remove them from oracle.ts): ${unused.join(', ')}`);
  if (fresh.length) {
    out.push(`  ${fresh.length} NEW FINDINGS (first 25):`);
    for (const f of fresh.slice(0, 25)) out.push(indent(describeFinding(f, secrets, log)));
  }
  return { text: out.join('\n'), fresh };
}

const indent = (s: string) =>
  s
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
