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

function fingerprint(key: Buffer): string {
  return createHmac('sha256', key).update('hush root key id').digest('hex').slice(0, 16);
}

export function toRootKey(key: Buffer): RootKey {
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

/**
 * Writes a key file readable by its owner only, atomically: the key goes to a private temporary file that is then
 * hard-linked into place, which fails if the file exists. Two processes starting at once thus agree on one key, and
 * neither can read a half-written file. Returns false when the file already existed.
 */
export function writeKeyFile(file: string, key: Buffer): boolean {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const fd = fs.openSync(temp, 'wx', 0o600);
    try {
      fs.writeSync(fd, `${key.toString('base64')}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.linkSync(temp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new HushError('unavailable', `Cannot create the root key file ${file}.`, { cause: e });
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

export function nextKeyFile(source: RootKeySource): string {
  return `${source.file}.next`;
}

/**
 * Every root key currently available: the current one, plus the next one when a rotation was interrupted
 * (its data keys may already be re-wrapped). Creates the key file when there is none and `create` is set.
 */
export function loadRootKeys(source: RootKeySource, create: boolean): { current: RootKey; all: RootKey[]; created: boolean } {
  if (source.inline) {
    const current = toRootKey(decodeKey(source.inline, 'HUSH_ROOT_KEY'));
    return { current, all: [current], created: false };
  }
  let created = false;
  let current = readKeyFile(source.file);
  if (!current) {
    if (!create) throw new HushError('unavailable', `No root key file at ${source.file}. Start the server once to create it.`);
    created = writeKeyFile(source.file, randomBytes(KEY_BYTES));
    current = readKeyFile(source.file);
    if (!current) throw new HushError('unavailable', `The root key file ${source.file} vanished while starting.`);
  }
  const next = readKeyFile(nextKeyFile(source));
  return { current, all: next ? [current, next] : [current], created };
}

/** Mode bits wider than 0600 on the key file are worth a warning at start-up. */
export function keyFileTooOpen(file: string): boolean {
  try {
    return (fs.statSync(file).mode & 0o077) !== 0;
  } catch {
    return false;
  }
}
