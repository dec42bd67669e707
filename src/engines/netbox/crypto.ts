import {
  type Cipher,
  createCipheriv,
  createDecipheriv,
  createHash,
  pbkdf2Sync,
  randomBytes,
  randomInt,
  timingSafeEqual,
} from 'node:crypto';

/**
 * NetBox's own wire-format cryptography (docs/wire/netbox.md §2), which data and clients carry over:
 * - master key: 32 random bytes (plugin utils/crypto.py `generate_random_key(256)`);
 * - secrets: AES-256-CFB with 8-bit segments (pycryptodome's MODE_CFB default), a fresh 16-byte IV prepended,
 *   plaintext framed as 2-byte big-endian length ‖ UTF-8 ‖ random pad to 64 bytes or a multiple of 16
 *   (plugin models/secrets.py `_pad`);
 * - hash: Django PBKDF2PasswordHasher, SHA-256, 1000 iterations (plugin hashers.py `SecretValidationHasher`).
 * The RSA-OAEP copy of the master key uses the core's RSA helpers with SHA-1 (PKCS1_OAEP defaults).
 */
export const MASTER_KEY_BYTES = 32;
export const SESSION_KEY_BYTES = 32;
export const MAX_PLAINTEXT_BYTES = 65_535;
const IV_BYTES = 16;
const MIN_FRAME = 64;
const HASH_ITERATIONS = 1000;
// Django ≥ 3.2 salts: 22 characters of [A-Za-z0-9] (~128 bits).
const SALT_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const SALT_LENGTH = 22;

export const randomKey = (bytes = MASTER_KEY_BYTES): Buffer => randomBytes(bytes);

export function xor(a: Buffer, b: Buffer): Buffer {
  if (a.length !== b.length) throw new Error('xor: length mismatch');
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

function frame(plaintext: string): Buffer {
  const bytes = Buffer.from(plaintext, 'utf8');
  if (bytes.length > MAX_PLAINTEXT_BYTES) throw new RangeError('plaintext too long');
  const used = bytes.length + 2;
  const pad = used <= MIN_FRAME ? MIN_FRAME - used : (16 - (used % 16)) % 16;
  return Buffer.concat([Buffer.from([bytes.length >> 8, bytes.length & 0xff]), bytes, randomBytes(pad)]);
}

/** IV ‖ AES-256-CFB8(masterKey, IV, frame(plaintext)), the bytes the original stores in `Secret.ciphertext`. */
export function encryptSecret(masterKey: Buffer, plaintext: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-cfb8', masterKey, iv);
  return Buffer.concat([iv, cipher.update(frame(plaintext)), cipher.final()]);
}

/**
 * The framed plaintext of each ciphertext (IV ‖ AES-256-CFB8), or undefined where the bytes cannot be a NetBox
 * ciphertext; check the hash afterwards. One AES context serves them all: in CFB8 each plaintext byte is its
 * ciphertext byte XOR the first byte of AES(key, the 16 bytes before it in IV ‖ ciphertext), bytes all known before
 * decrypting, so the blocks go through AES-ECB in one pass instead of one cipher object and one serial AES call per
 * byte for each value (a page of 100 secrets spent ~1.5 ms there, issue 18). Two passes: the 2-byte length of every
 * frame first, then only the bytes it covers, never the random pad.
 */
export function decryptSecrets(masterKey: Buffer, ciphertexts: readonly Buffer[]): (string | undefined)[] {
  const ecb = createCipheriv('aes-256-ecb', masterKey, null).setAutoPadding(false);
  const out: (string | undefined)[] = new Array(ciphertexts.length);
  // Sixteen bytes of ECB input per byte decrypted: values go in groups of at most BATCH_BYTES of ciphertext, and a
  // long value through OpenSSL's own CFB8, so a page of large secrets never takes a gigabyte of blocks.
  let group: number[] = [];
  let groupBytes = 0;
  const flush = () => {
    const texts = cfb8Batch(
      ecb,
      group.map((i) => ciphertexts[i]!),
    );
    group.forEach((i, k) => (out[i] = texts[k]));
    group = [];
    groupBytes = 0;
  };
  ciphertexts.forEach((c, i) => {
    if (c.length > BATCH_VALUE_BYTES) {
      out[i] = cfb8One(masterKey, c);
      return;
    }
    if (groupBytes + c.length > BATCH_BYTES) flush();
    group.push(i);
    groupBytes += c.length;
  });
  if (group.length) flush();
  return out;
}

// Ciphertexts up to this size are batched (a password, a token: the frame is 64 bytes), longer ones decrypted alone.
const BATCH_VALUE_BYTES = 1024;
// Ciphertext bytes per ECB pass: 16 times as many bytes of blocks, 1 MiB at most.
const BATCH_BYTES = 64 * 1024;

/** The plaintext of one frame as the plugin reads it: 2-byte length, the text, pad; undefined when it cannot be one. */
function unframe(framed: Buffer): string | undefined {
  const length = (framed[0]! << 8) + framed[1]!;
  return length + 2 > framed.length ? undefined : framed.subarray(2, 2 + length).toString('utf8');
}

function cfb8One(masterKey: Buffer, ciphertext: Buffer): string | undefined {
  const decipher = createDecipheriv('aes-256-cfb8', masterKey, ciphertext.subarray(0, IV_BYTES));
  return unframe(Buffer.concat([decipher.update(ciphertext.subarray(IV_BYTES)), decipher.final()]));
}

/** decryptSecrets for one group of short ciphertexts: both passes through `ecb`. */
function cfb8Batch(ecb: Cipher, ciphertexts: readonly Buffer[]): (string | undefined)[] {
  const usable = ciphertexts.map((c) => c.length >= IV_BYTES + 2);
  const lengths = cfb8Range(
    ecb,
    ciphertexts,
    ciphertexts.map((_, i) => (usable[i] ? 2 : 0)),
    0,
  );
  const sizes = ciphertexts.map((c, i) => {
    if (!usable[i]) return 0;
    const length = (lengths[i]![0]! << 8) + lengths[i]![1]!;
    usable[i] = length + 2 <= c.length - IV_BYTES;
    return usable[i] ? length : 0;
  });
  const texts = cfb8Range(ecb, ciphertexts, sizes, 2);
  return texts.map((bytes, i) => (usable[i] ? bytes.toString('utf8') : undefined));
}

/** Of each ciphertext, `counts[i]` plaintext bytes from frame offset `from`: the CFB8 keystream by one ECB pass. */
function cfb8Range(ecb: Cipher, ciphertexts: readonly Buffer[], counts: readonly number[], from: number): Buffer[] {
  let total = 0;
  for (const n of counts) total += n;
  const blocks = Buffer.allocUnsafe(total * IV_BYTES);
  let at = 0;
  ciphertexts.forEach((c, v) => {
    // The register before frame byte j is bytes j…j+15 of IV ‖ ciphertext.
    for (let j = from; j < from + counts[v]!; j++) for (let k = 0; k < IV_BYTES; k++) blocks[at++] = c[j + k]!;
  });
  const keystream = ecb.update(blocks);
  at = 0;
  return ciphertexts.map((c, v) => {
    const out = Buffer.allocUnsafe(counts[v]!);
    for (let j = 0; j < out.length; j++, at += IV_BYTES) out[j] = c[IV_BYTES + from + j]! ^ keystream[at]!;
    return out;
  });
}

function salt(): string {
  let s = '';
  for (let i = 0; i < SALT_LENGTH; i++) s += SALT_CHARS[randomInt(SALT_CHARS.length)];
  return s;
}

/** Django `make_password(plaintext, hasher=PBKDF2 SHA-256 × 1000)`: `pbkdf2_sha256$1000$<salt>$<base64>`. */
export function hashSecret(plaintext: string): string {
  const s = salt();
  const digest = pbkdf2Sync(
    Buffer.from(plaintext, 'utf8'),
    Buffer.from(s, 'ascii'),
    HASH_ITERATIONS,
    32,
    'sha256',
  ).toString('base64');
  return `pbkdf2_sha256$${HASH_ITERATIONS}$${s}$${digest}`;
}

// Iterations we accept from a stored hash: the original's 1000 up to Django's current default, never unbounded.
const MAX_VERIFY_ITERATIONS = 2_000_000;

/** Django `check_password` for pbkdf2_sha256 strings, in constant time. */
export function checkSecretHash(plaintext: string, encoded: string): boolean {
  const parts = encoded.split('$');
  if (parts.length !== 4 || parts[0] !== 'pbkdf2_sha256') return false;
  const iterations = Number(parts[1]);
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > MAX_VERIFY_ITERATIONS) return false;
  const expected = Buffer.from(parts[3]!, 'base64');
  if (expected.length !== 32) return false;
  const actual = pbkdf2Sync(Buffer.from(plaintext, 'utf8'), Buffer.from(parts[2]!, 'utf8'), iterations, 32, 'sha256');
  return timingSafeEqual(actual, expected);
}

/**
 * The session-key verifier kept instead of Django's slow password hash (never on the wire; docs/wire/netbox.md §2.4).
 */
export const sessionKeyHash = (key: Buffer): string => createHash('sha256').update(key).digest('hex');

export function sessionKeyMatches(key: Buffer, stored: string): boolean {
  const expected = Buffer.from(stored, 'hex');
  const actual = createHash('sha256').update(key).digest();
  return expected.length === actual.length && timingSafeEqual(actual, expected);
}

/**
 * Python's lenient `base64.b64decode`, as the plugin uses it on X-Session-Key and the cookie (docs/wire/netbox.md
 * §3.2): characters outside the alphabet are dropped; wrong padding is an error, which the caller treats as "no key".
 */
export function lenientBase64(value: string): Buffer | undefined {
  const cleaned = value.replace(/[^A-Za-z0-9+/=]/g, '');
  const firstPad = cleaned.indexOf('=');
  const data = firstPad === -1 ? cleaned : cleaned.slice(0, firstPad);
  const pads = firstPad === -1 ? 0 : cleaned.length - firstPad;
  const rest = data.length % 4;
  if (rest === 1 || (rest === 2 && pads < 2) || (rest === 3 && pads < 1)) return undefined;
  return Buffer.from(data, 'base64');
}
