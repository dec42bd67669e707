/**
 * A `.env` file read the way dotenv (motdotla/dotenv's `parse`) reads one: `KEY=value` lines, an optional `export `,
 * `#` comments (whole lines, or after an unquoted value), values in single quotes kept as written, in double quotes
 * with `\n` as a newline and spanning lines, in backticks as written. dotenv itself is a Node module (fs, path,
 * os), which a browser bundle cannot carry, hence these few lines.
 */
export interface DotenvEntry {
  key: string;
  value: string;
  line: number;
}

export interface DotenvResult {
  entries: DotenvEntry[];
  /** Lines that are not `KEY=value` (line number and text), shown so nothing is dropped silently. */
  problems: { line: number; text: string }[];
}

const LINE = /^\s*(?:export\s+)?([\w.-]+)\s*[=:]\s*(.*)$/;

export function parseDotenv(text: string): DotenvResult {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const entries = new Map<string, DotenvEntry>();
  const problems: DotenvResult['problems'] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (!raw.trim() || raw.trim().startsWith('#')) continue;
    const m = LINE.exec(raw);
    if (!m) {
      problems.push({ line: i + 1, text: raw.slice(0, 80) });
      continue;
    }
    const key = m[1]!;
    const start = i + 1;
    const rest = m[2]!;
    const quote = rest[0];
    let value: string;
    if (quote === '"' || quote === "'" || quote === '`') {
      // A quoted value ends at the next unescaped quote, possibly lines later.
      let body = rest.slice(1);
      let j = i;
      let end = closing(body, quote);
      while (end < 0 && j + 1 < lines.length) {
        body += '\n' + lines[++j]!;
        end = closing(body, quote);
      }
      if (end >= 0) {
        i = j;
        value = body.slice(0, end);
        if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\r/g, '\r').replace(/\\"/g, '"');
      } else {
        // No closing quote anywhere below: as dotenv, the line is an unquoted value (quote included), and the lines
        // after it are read as lines of their own rather than swallowed into this one.
        value = unquoted(rest);
      }
    } else {
      value = unquoted(rest);
    }
    entries.set(key, { key, value, line: start });
  }
  // As dotenv: a key given twice keeps its last value.
  return { entries: [...entries.values()], problems };
}

/** An unquoted value: up to a ` #` comment, trimmed. */
function unquoted(rest: string): string {
  const hash = rest.search(/\s#/);
  return (hash >= 0 ? rest.slice(0, hash) : rest).trim();
}

function closing(body: string, quote: string): number {
  for (let j = 0; j < body.length; j++) {
    if (body[j] === '\\' && quote === '"') j++;
    else if (body[j] === quote) return j;
  }
  return -1;
}
