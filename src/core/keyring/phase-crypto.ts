import { HushError } from '../errors.js';
import { sodium } from './sodium.js';

/**
 * The end-to-end primitives of Phase's clients (docs/wire/phase.md §5.3), checked against the golang-sdk vectors:
 * XChaCha20-Poly1305 with the nonce after the ciphertext, and "ph:v1" messages — an ephemeral crypto_kx key pair,
 * the client-side tx key to encrypt, the recipient's server-side rx key to decrypt.
 */
export interface HexKeyPair {
  publicKey: string;
  privateKey: string;
}

const NONCE_BYTES = 24;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const PH_V1 = /^ph:v1:([0-9a-f]{64}):([A-Za-z0-9+/=]*)$/;

const asBuffer = (b: Uint8Array): Buffer => (Buffer.isBuffer(b) ? b : Buffer.from(b));
const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');
/**
 * For a message's ephemeral and session keys, zeroed once the message is made or opened. That only keeps them out of
 * later heap dumps; long-lived keys (environment key pairs) are kept in memory as hex, like the keyring's data keys.
 * (Plain buffers: sodium_malloc's guard pages cost an mmap per call.)
 */
const messageKeyBuffer = (bytes: number) => Buffer.alloc(bytes);

/** `ciphertext ‖ nonce` of `plaintext` under a 32-byte key, no associated data. */
export async function encryptRaw(plaintext: Uint8Array, key: Uint8Array): Promise<Uint8Array> {
  const out = Buffer.alloc(plaintext.length + TAG_BYTES + NONCE_BYTES);
  const nonce = out.subarray(plaintext.length + TAG_BYTES);
  sodium.randombytes_buf(nonce);
  sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
    out.subarray(0, plaintext.length + TAG_BYTES),
    asBuffer(plaintext),
    null,
    null,
    nonce,
    asBuffer(key),
  );
  return out;
}

export async function decryptRaw(sealed: Uint8Array, key: Uint8Array): Promise<Uint8Array> {
  if (sealed.length < NONCE_BYTES + TAG_BYTES)
    throw new HushError('invalid', 'Invalid ciphertext format', { reason: 'ciphertext_short' });
  if (key.length !== KEY_BYTES) throw new HushError('invalid', 'Invalid ciphertext format', { reason: 'key_length' });
  const bytes = Buffer.from(sealed);
  const ciphertext = bytes.subarray(0, bytes.length - NONCE_BYTES);
  const out = Buffer.alloc(ciphertext.length - TAG_BYTES);
  try {
    sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      out,
      null,
      ciphertext,
      null,
      bytes.subarray(bytes.length - NONCE_BYTES),
      asBuffer(key),
    );
  } catch {
    throw new HushError('invalid', 'Invalid ciphertext format', { reason: 'ciphertext_rejected' });
  }
  return out;
}

/** An environment's (or an account's) key pair from its 32-byte seed, as Phase derives it. */
export async function kxSeedKeyPair(seedHex: string): Promise<HexKeyPair> {
  const seed = Buffer.from(seedHex, 'hex');
  if (seed.length !== 32) throw new HushError('invalid', 'A key seed is 32 bytes.');
  const publicKey = Buffer.alloc(32);
  const privateKey = Buffer.alloc(32);
  sodium.crypto_kx_seed_keypair(publicKey, privateKey, seed);
  return { publicKey: hexOf(publicKey), privateKey: hexOf(privateKey) };
}

export async function kxRandomKeyPair(): Promise<HexKeyPair> {
  const publicKey = Buffer.alloc(32);
  const privateKey = Buffer.alloc(32);
  sodium.crypto_kx_keypair(publicKey, privateKey);
  return { publicKey: hexOf(publicKey), privateKey: hexOf(privateKey) };
}

/** The session keys both sides of crypto_kx derive (for the vectors; messages use them internally). */
export async function kxSessionKeys(
  role: 'client' | 'server',
  own: HexKeyPair,
  peerPublicKeyHex: string,
): Promise<{ rx: string; tx: string }> {
  const rx = Buffer.alloc(32);
  const tx = Buffer.alloc(32);
  const f = role === 'client' ? sodium.crypto_kx_client_session_keys : sodium.crypto_kx_server_session_keys;
  f(
    rx,
    tx,
    Buffer.from(own.publicKey, 'hex'),
    Buffer.from(own.privateKey, 'hex'),
    Buffer.from(peerPublicKeyHex, 'hex'),
  );
  return { rx: hexOf(rx), tx: hexOf(tx) };
}

/** `ph:v1:<ephemeral public key>:<base64(ciphertext ‖ nonce)>`, readable only with the recipient's private key. */
export async function encryptAsymmetric(plaintext: string, recipientPublicKeyHex: string): Promise<string> {
  const recipient = Buffer.from(recipientPublicKeyHex, 'hex');
  if (recipient.length !== 32) throw new HushError('invalid', 'A public key is 32 bytes.');
  const ephemeralPublic = Buffer.alloc(32);
  const ephemeralPrivate = messageKeyBuffer(32);
  const tx = messageKeyBuffer(32);
  try {
    sodium.crypto_kx_keypair(ephemeralPublic, ephemeralPrivate);
    sodium.crypto_kx_client_session_keys(null, tx, ephemeralPublic, ephemeralPrivate, recipient);
    const sealed = await encryptRaw(Buffer.from(plaintext, 'utf8'), tx);
    return `ph:v1:${hexOf(ephemeralPublic)}:${Buffer.from(sealed).toString('base64')}`;
  } finally {
    sodium.sodium_memzero(ephemeralPrivate);
    sodium.sodium_memzero(tx);
  }
}

export const isPhaseCiphertext = (text: string): boolean => PH_V1.test(text);

/** Opens a ph:v1 message; anything malformed or not for this key pair is `invalid`, never an internal error. */
export async function decryptAsymmetric(ciphertext: string, own: HexKeyPair): Promise<string> {
  const match = PH_V1.exec(ciphertext);
  if (!match) throw new HushError('invalid', 'Invalid ciphertext format', { reason: 'ciphertext_format' });
  const rx = messageKeyBuffer(32);
  try {
    try {
      sodium.crypto_kx_server_session_keys(
        rx,
        null,
        Buffer.from(own.publicKey, 'hex'),
        Buffer.from(own.privateKey, 'hex'),
        Buffer.from(match[1]!, 'hex'),
      );
    } catch {
      throw new HushError('invalid', 'Invalid ciphertext format', { reason: 'ciphertext_key' });
    }
    return Buffer.from(await decryptRaw(Buffer.from(match[2]!, 'base64'), rx)).toString('utf8');
  } finally {
    sodium.sodium_memzero(rx);
  }
}

/** XOR of equal-length hex shares: Phase splits an account's private key into two such shares. */
export function xorHex(...shares: string[]): string {
  const bytes = shares.map((h) => Buffer.from(h, 'hex'));
  const out = Buffer.alloc(bytes[0]!.length);
  for (const b of bytes) {
    if (b.length !== out.length) throw new HushError('invalid', 'Key shares differ in length.');
    for (let i = 0; i < out.length; i++) out[i]! ^= b[i]!;
  }
  return out.toString('hex');
}
