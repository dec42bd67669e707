import { stringify } from 'yaml';
import { dotenvLine } from './dotenv.js';
import { CliError } from './errors.js';

export const EXPORT_FORMATS = ['dotenv', 'json', 'yaml', 'shell', 'k8s-secret'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** POSIX single quotes: everything literal, a `'` written as `'\''`; safe for sh, bash and zsh, line breaks included. */
const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/** DNS-1123 subdomain, as Kubernetes requires for a Secret's name. */
function k8sName(raw: string): string {
  const name = raw
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '')
    .slice(0, 253);
  if (!name) throw new CliError(`"${raw}" gives no valid Kubernetes name: pass --name`);
  return name;
}

export function render(
  format: ExportFormat,
  vars: Map<string, string>,
  options: { name: string; namespace?: string | undefined },
): string {
  const entries = [...vars];
  switch (format) {
    case 'dotenv':
      return entries.map(([k, v]) => `${dotenvLine(k, v)}\n`).join('');
    case 'json':
      return `${JSON.stringify(Object.fromEntries(entries), null, 2)}\n`;
    case 'yaml':
      return entries.length ? stringify(Object.fromEntries(entries)) : '{}\n';
    case 'shell':
      return entries
        .map(([k, v]) => {
          if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
            throw new CliError(`${k} is not a shell variable name: use --format json or dotenv`);
          return `export ${k}=${shellQuote(v)}\n`;
        })
        .join('');
    case 'k8s-secret': {
      for (const [k] of entries)
        if (!/^[-._a-zA-Z0-9]+$/.test(k)) throw new CliError(`${k} is not a valid Kubernetes Secret key`);
      const metadata: Record<string, string> = { name: k8sName(options.name) };
      if (options.namespace) metadata.namespace = options.namespace;
      const data = Object.fromEntries(entries.map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')]));
      return stringify({ apiVersion: 'v1', kind: 'Secret', metadata, type: 'Opaque', data });
    }
  }
}
