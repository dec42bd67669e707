import { parseDotenv } from './dotenv.js';
import { CliError } from './errors.js';

export const IMPORT_FORMATS = ['dotenv', 'json'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface FileEntry {
  key: string;
  value: string;
  /** Where the entry is, for error messages: `file:12` or `file [3]`. */
  where: string;
  path?: string;
  comment?: string;
  tags?: string[];
}

export const formatOf = (file: string, given?: string): ImportFormat => {
  if (given !== undefined) {
    if (!(IMPORT_FORMATS as readonly string[]).includes(given))
      throw new CliError(`--format must be one of ${IMPORT_FORMATS.join(', ')}`);
    return given as ImportFormat;
  }
  return file.toLowerCase().endsWith('.json') ? 'json' : 'dotenv';
};

function scalar(key: string, v: unknown, where: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new CliError(`${where} (${key}): the value must be a string, number or boolean`);
}

/**
 * JSON: an object `{"KEY": "value", …}`, or the array `hush secrets list --json` prints (`key`, `value`, and
 * optionally `path`, `comment`, `tags`), so one environment can be copied into another.
 */
function parseJson(text: string, file: string): FileEntry[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new CliError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (Array.isArray(data)) {
    return data.map((item, i) => {
      const where = `${file} [${i}]`;
      if (typeof item !== 'object' || item === null || typeof (item as { key?: unknown }).key !== 'string')
        throw new CliError(`${where}: each entry needs a string "key"`);
      const it = item as Record<string, unknown>;
      const entry: FileEntry = { key: it.key as string, value: scalar(it.key as string, it.value, where), where };
      if (typeof it.path === 'string') entry.path = it.path;
      if (typeof it.comment === 'string') entry.comment = it.comment;
      if (Array.isArray(it.tags)) entry.tags = it.tags.filter((t): t is string => typeof t === 'string');
      return entry;
    });
  }
  if (typeof data !== 'object' || data === null)
    throw new CliError(`${file}: expected an object {"KEY": "value"} or an array of secrets`);
  return Object.entries(data).map(([key, v]) => ({
    key,
    value: scalar(key, v, `${file} "${key}"`),
    where: `${file} "${key}"`,
  }));
}

export function parseImportFile(text: string, format: ImportFormat, file: string): FileEntry[] {
  if (format === 'json') return parseJson(text, file);
  return parseDotenv(text, file).map((e) => ({ key: e.key, value: e.value, where: `${file}:${e.line}` }));
}
