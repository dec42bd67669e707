import { CliError } from './errors.js';

/**
 * The .env dialect of the `dotenv` package (v16+), which most tools read: `KEY=value`, optional `export `, `#`
 * comments; single quotes and backticks are literal, double quotes turn `\n`/`\r` into line breaks, and any quote
 * may span lines. Nothing is expanded (`$X` stays as written), as in dotenv itself.
 */
const KEY_LINE = /^\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*|:\s+)(.*)$/;

export interface DotenvEntry {
  key: string;
  value: string;
  line: number;
}

/** Every assignment in file order, with its line number; a malformed line is an error naming it (dotenv skips those). */
export function parseDotenv(text: string, file = 'input'): DotenvEntry[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const entries: DotenvEntry[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*(#.*)?$/.test(line)) continue;
    const m = KEY_LINE.exec(line);
    if (!m) throw new CliError(`${file}:${i + 1}: expected KEY=VALUE`);
    const start = i + 1;
    const rest = m[2]!;
    const quote = rest[0];
    if (quote === "'" || quote === '"' || quote === '`') {
      // The closing quote is the first one followed only by blanks or a comment, possibly lines later.
      let body = rest.slice(1);
      let end = closing(body, quote);
      while (end === -1 && i + 1 < lines.length) {
        body += `\n${lines[++i]}`;
        end = closing(body, quote);
      }
      if (end === -1) throw new CliError(`${file}:${start}: the ${quote} quote is never closed`);
      let value = body.slice(0, end);
      if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
      entries.push({ key: m[1]!, value, line: start });
    } else {
      const hash = rest.indexOf('#');
      entries.push({ key: m[1]!, value: (hash === -1 ? rest : rest.slice(0, hash)).trim(), line: start });
    }
  }
  return entries;
}

function closing(body: string, quote: string): number {
  for (let at = body.indexOf(quote); at !== -1; at = body.indexOf(quote, at + 1)) {
    if (/^\s*(#.*)?$/.test(body.slice(at + 1).split('\n')[0]!)) return at;
  }
  return -1;
}

/**
 * One `KEY=…` line that dotenv parses back to exactly `value`: single quotes when the value has none (everything
 * inside is literal, line breaks included), else backticks, else double quotes (line breaks as `\n`, so the value
 * must not hold `"` or a literal backslash-n). A value that fits none of them, or holds a carriage return, has no
 * exact dotenv form: an error names the key.
 */
export function dotenvLine(key: string, value: string): string {
  if (!/^[\w.-]+$/.test(key)) throw new CliError(`${key} is not a valid dotenv key: use --format json or yaml`);
  if (!value.includes('\r')) {
    if (!value.includes("'")) return `${key}='${value}'`;
    if (!value.includes('`')) return `${key}=\`${value}\``;
  }
  if (!value.includes('"') && !/\\[nr]/.test(value))
    return `${key}="${value.replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`;
  throw new CliError(
    `the value of ${key} cannot be written exactly in dotenv (it holds ' and \` plus " or a literal \\n, or a carriage return): use --format json, yaml or shell`,
  );
}
