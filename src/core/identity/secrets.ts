import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { CryptoGate } from '../crypto-gate.js';

/**
 * Token keys and passwords. Keys are 160 random bits shown once; only their SHA-256 is stored, which is enough
 * for random keys (no salt or slow hash needed: there is nothing to guess). Passwords are people's choices, so they
 * get scrypt with a per-password salt.
 */
export function newTokenKey(): string {
  return randomBytes(20).toString('hex');
}

export function hashTokenKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Compares two hex digests in constant time (lengths are public). */
export function digestsEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'hex');
  const bb = Buffer.from(b, 'hex');
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

// scrypt cost: about 50 ms on one core of the CI machine; login and provisioning are rare and rate-limited.
const SCRYPT = { N: 1 << 15, r: 8, p: 1, keylen: 32 } as const;
const SCRYPT_MAXMEM = 128 * SCRYPT.N * SCRYPT.r * 2;

/** What bounds concurrent scrypt runs (core/crypto-gate.ts): each run holds one slot. */
export type PasswordGate = Pick<CryptoGate, 'run'>;

function scryptAsync(
  gate: PasswordGate,
  password: string,
  salt: Buffer,
  params: { N: number; r: number; p: number },
  keylen: number,
): Promise<Buffer> {
  return gate.run(
    () =>
      new Promise<Buffer>((resolve, reject) =>
        scrypt(
          password,
          salt,
          keylen,
          { ...params, maxmem: Math.max(SCRYPT_MAXMEM, 256 * params.N * params.r) },
          (err, out) => (err ? reject(err) : resolve(out)),
        ),
      ),
  );
}

export async function hashPassword(password: string, gate: PasswordGate): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(gate, password, salt, SCRYPT, SCRYPT.keylen);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

// A hash to compare against when the user does not exist, so the response time does not reveal which usernames exist.
// Made once per process; a failed attempt (a full gate) is forgotten so the next login tries again.
let decoyHash: Promise<string> | undefined;

function decoy(gate: PasswordGate): Promise<string> {
  decoyHash ??= hashPassword(newTokenKey(), gate).catch((e: unknown) => {
    decoyHash = undefined;
    throw e;
  });
  return decoyHash;
}

export async function verifyPassword(password: string, stored: string | null, gate: PasswordGate): Promise<boolean> {
  const target = stored ?? (await decoy(gate));
  const [scheme, n, r, p, salt, hash] = target.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scryptAsync(
    gate,
    password,
    Buffer.from(salt, 'base64'),
    { N: Number(n), r: Number(r), p: Number(p) },
    expected.length,
  );
  return timingSafeEqual(actual, expected) && stored !== null;
}
