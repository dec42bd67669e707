import Table from 'cli-table3';
import { loadSettings } from './config.js';
import { createClient, type HushClient } from './http.js';

/** Shown instead of a value in tables; fixed, so it does not tell the value's length either. */
export const MASK = '••••••••';

export const out = (text: string): void => {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
};
/** Notes and warnings go to stderr, so stdout stays clean for pipes. */
export const note = (text: string): void => {
  process.stderr.write(`${text}\n`);
};
export const json = (value: unknown): void => out(JSON.stringify(value, null, 2));

export function table(head: string[], rows: (string | number)[][]): string {
  const t = new Table({ head, style: { head: [], border: [] }, wordWrap: true });
  t.push(...rows.map((r) => r.map(String)));
  return t.toString();
}

/** A client for the logged-in server (or HUSH_URL/HUSH_TOKEN). */
export const connect = (): HushClient => createClient(loadSettings());
