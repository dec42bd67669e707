import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { HushError } from '../errors.js';
import { KEY_BYTES } from './aead.js';

/** The key that wraps every data key. It never enters the database; `id` is a fingerprint safe to store. */
export interface RootKey {
  readonly id: string;
  readonly key: Buffer;
}

export interface RootKeySource {
  /** Path of the key file (created on first start); `<file>.next` holds a rotation in progress. */
  file: string;
  /** A key given in the environment (base64 or hex); when set, the file is not used. */
  inline: string | undefined;
}

/** The key files as they are now. `current` is undefined when the file is missing. */
export interface RootKeyFiles {
  current: RootKey | undefined;
  /** `<file>.next`: a root-key rotation that has not finished. */
  next: RootKey | undefined;
}

function fingerprint(key: Buffer): string {
  return createHmac('sha256', key).update('hush root key id').digest('hex').slice(0, 16);
}

function toRootKey(key: Buffer): RootKey {
  return { id: fingerprint(key), key };
}

function decodeKey(text: string, where: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== KEY_BYTES) {
    throw new HushError('unavailable', `${where} must hold a 32-byte key, base64 or hex encoded.`);
  }
  return key;
}

function readKeyFile(file: string): RootKey | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new HushError('unavailable', `Cannot read the root key file ${file}.`, { cause: e });
  }
  return toRootKey(decodeKey(text, `The root key file ${file}`));
}

export function nextKeyFile(source: RootKeySource): string {
  return `${source.file}.next`;
}

/** Reads the root key (inline, or the key file) and a rotation's `<file>.next`. Creates nothing. */
export function readRootKeys(source: RootKeySource): RootKeyFiles {
  if (source.inline) return { current: toRootKey(decodeKey(source.inline, 'HUSH_ROOT_KEY')), next: undefined };
  return { current: readKeyFile(source.file), next: readKeyFile(nextKeyFile(source)) };
}

/** Makes a rename, link or unlink in `dir` survive a power loss. */
export function syncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

// `<file>.<pid>.<12 hex>.tmp`, the private name a key is written under before it gets its real one.
const tempName = (file: string) => `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Writes a new key file readable by its owner only, atomically: the key goes to a private temporary file that is
 * then hard-linked into place, which fails if the file exists, so no reader ever sees a half-written key. The
 * temporary name is removed on success and on failure; a crash in between leaves it for `removeStaleTempFiles`.
 * Callers hold the keyring lock. Returns false when the file already existed.
 */
export function writeKeyFile(file: string, key: Buffer): boolean {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = tempName(file);
  try {
    const fd = fs.openSync(temp, 'wx', 0o600);
    try {
      fs.writeSync(fd, `${key.toString('base64')}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.linkSync(temp, file);
    fs.rmSync(temp);
    syncDir(path.dirname(file));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new HushError('unavailable', `Cannot create the root key file ${file}.`, { cause: e });
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

/**
 * Removes the temporary copies of `<file>` and `<file>.next` a crash left behind (each is a copy of a key, perhaps
 * one a rotation has since retired). Only writers holding the keyring lock create them, so the caller, holding it
 * too, cannot remove one still being written. Returns the names removed.
 */
export function removeStaleTempFiles(source: RootKeySource): string[] {
  if (source.inline) return [];
  const dir = path.dirname(source.file);
  const pattern = new RegExp(`^${escapeRegExp(path.basename(source.file))}(?:\\.next)?\\.\\d+\\.[0-9a-f]{12}\\.tmp$`);
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => pattern.test(n));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  for (const n of names) fs.rmSync(path.join(dir, n), { force: true });
  if (names.length) syncDir(dir);
  return names.map((n) => path.join(dir, n));
}

/** Mode bits wider than 0600 on the key file are worth a warning at start-up. */
export function keyFileTooOpen(file: string): boolean {
  try {
    return (fs.statSync(file).mode & 0o077) !== 0;
  } catch {
    return false;
  }
}
