import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CliError, EXIT } from './errors.js';

/** What `hush login` stores: the server and the token, in a file only its owner may read. */
export interface StoredLogin {
  url: string;
  token: string;
}

export interface Settings extends StoredLogin {
  /** Where each value came from, for `hush whoami` and for error messages. */
  from: { url: 'HUSH_URL' | 'config'; token: 'HUSH_TOKEN' | 'config' };
}

/** XDG Base Directory: `$XDG_CONFIG_HOME/hush/config.json`, else `~/.config/hush/config.json`. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME)
      ? env.XDG_CONFIG_HOME
      : path.join(os.homedir(), '.config');
  return path.join(base, 'hush', 'config.json');
}

function readLogin(file = configPath()): Partial<StoredLogin> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CliError(`cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    return {
      ...(typeof parsed.url === 'string' ? { url: parsed.url } : {}),
      ...(typeof parsed.token === 'string' ? { token: parsed.token } : {}),
    };
  } catch {
    throw new CliError(`${file} is not valid JSON: fix it or remove it with "hush logout"`);
  }
}

/** Written with mode 0600 in a 0700 directory, and re-chmodded in case the file existed with looser bits. */
export function writeLogin(login: StoredLogin, file = configPath()): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(login, null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

export function removeLogin(file = configPath()): boolean {
  try {
    fs.unlinkSync(file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

/** A URL without its trailing slash; anything but http(s) is refused with the expected shape. */
export function normalizeUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(`"${raw}" is not a URL: give the server's address, e.g. --url http://127.0.0.1:8000`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CliError(`"${raw}" must start with http:// or https://`);
  return url.href.replace(/\/+$/, '');
}

/** True for plain HTTP to anything but this machine: the token would cross the network readable. */
export function isInsecureRemote(url: string): boolean {
  const u = new URL(url);
  return (
    u.protocol === 'http:' &&
    !['localhost', '127.0.0.1', '[::1]'].includes(u.hostname) &&
    !u.hostname.startsWith('127.')
  );
}

/** HUSH_URL and HUSH_TOKEN override the stored login, each on its own (a pipeline often sets only the token). */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const stored = readLogin(configPath(env));
  const url = env.HUSH_URL || stored.url;
  const token = env.HUSH_TOKEN || stored.token;
  if (!url)
    throw new CliError('no Hush server configured: run "hush login --url URL" or set HUSH_URL', EXIT.unauthenticated);
  if (!token)
    throw new CliError(`no token for ${url}: run "hush login --url ${url}" or set HUSH_TOKEN`, EXIT.unauthenticated);
  return {
    url: normalizeUrl(url),
    token,
    from: { url: env.HUSH_URL ? 'HUSH_URL' : 'config', token: env.HUSH_TOKEN ? 'HUSH_TOKEN' : 'config' },
  };
}
