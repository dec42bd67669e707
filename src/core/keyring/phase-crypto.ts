import { HushError } from '../errors.js';
import { libsodium } from './sodium.js';

/**
 * The end-to-end primitives of Phase's clients (shared/specs/phase.md §5.3), checked against the golang-sdk vectors:
 * XChaCha20-Poly1305 with the nonce after the ciphertext, and "ph:v1" messages — an ephemeral crypto_kx key pair,
 * the client-side tx key to encrypt, the recipient's server-side rx key to decrypt.
 */
export interface HexKeyPair {
  publicKey: string;
  privateKey: string;
}

const NONCE_BYTES = 24;
const PH_V1 = /^ph:v1:([0-9a-f]{64}):([A-Za-z0-9+/=]*)$/;

/** `ciphertext ‖ nonce` of `plaintext` under a 32-byte key, no associated data. */
export async function encryptRaw(plaintext: Uint8Array, key: Uint8Array): Promise<Uint8Array> {
  const s = await libsodium();
  const nonce = s.randombytes_buf(NONCE_BYTES);
  const ciphertext = s.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, null, null, nonce, key);
  return Buffer.concat([ciphertext, nonce]);
}

export async function decryptRaw(sealed: Uint8Array, key: Uint8Array): Promise<Uint8Array> {
  const s = await libsodium();
  if (sealed.length < NONCE_BYTES + 16) throw new HushError('invalid', 'Invalid ciphertext format', { reason: 'ciphertext_short' });
  const nonce = sealed.subarray(sealed.length - NONCE_BYTES);
  try {
    return s.crypto_aead_xchacha20poly1305_ietf_decrypt(null, sealed.subarray(0, sealed.length - NONCE_BYTES), null, nonce, key);
  } catch {
    throw new HushError('invalid', 'Invalid ciphertext format', { reason: 'ciphertext_rejected' });
  }
}

/** An environment's (or an account's) key pair from its 32-byte seed, as Phase derives it. */
export async function kxSeedKeyPair(seedHex: string): Promise<HexKeyPair> {
  const s = await libsodium();
  const pair = s.crypto_kx_seed_keypair(s.from_hex(seedHex));
  return { publicKey: s.to_hex(pair.publicKey), privateKey: s.to_hex(pair.privateKey) };
}

export async function kxRandomKeyPair(): Promise<HexKeyPair> {
  const s = await libsodium();
  const pair = s.crypto_kx_keypair();
  return { publicKey: s.to_hex(pair.publicKey), privateKey: s.to_hex(pair.privateKey) };
}

/** The session keys both sides of crypto_kx derive (for the vectors; messages use them internally). */
export async function kxSessionKeys(role: 'client' | 'server', own: HexKeyPair, peerPublicKeyHex: string): Promise<{ rx: string; tx: string }> {
  const s = await libsodium();
  const f = role === 'client' ? s.crypto_kx_client_session_keys : s.crypto_kx_server_session_keys;
  const keys = f(s.from_hex(own.publicKey), s.from_hex(own.privateKey), s.from_hex(peerPublicKeyHex));
  return { rx: s.to_hex(keys.sharedRx), tx: s.to_hex(keys.sharedTx) };
}

/** `ph:v1:<ephemeral public key>:<base64(ciphertext ‖ nonce)>`, readable only with the recipient's private key. */
export async function encryptAsymmetric(plaintext: string, recipientPublicKeyHex: string): Promise<string> {
  const s = await libsodium();
  const ephemeral = s.crypto_kx_keypair();
  const keys = s.crypto_kx_client_session_keys(ephemeral.publicKey, ephemeral.privateKey, s.from_hex(recipientPublicKeyHex));
  const sealed = await encryptRaw(Buffer.from(plaintext, 'utf8'), keys.sharedTx);
  s.memzero(ephemeral.privateKey);
  return `ph:v1:${s.to_hex(ephemeral.publicKey)}:${Buffer.from(sealed).toString('base64')}`;
}

export const isPhaseCiphertext = (text: string): boolean => PH_V1.test(text);

/** Opens a ph:v1 message; anything malformed or not for this key pair is `invalid`, never an internal error. */
export async function decryptAsymmetric(ciphertext: string, own: HexKeyPair): Promise<string> {
  const s = await libsodium();
  const match = PH_V1.exec(ciphertext);
  if (!match) throw new HushError('invalid', 'Invalid ciphertext format', { reason: 'ciphertext_format' });
  let keys;
  try {
    keys = s.crypto_kx_server_session_keys(s.from_hex(own.publicKey), s.from_hex(own.privateKey), s.from_hex(match[1]!));
  } catch {
    throw new HushError('invalid', 'Invalid ciphertext format', { reason: 'ciphertext_key' });
  }
  return Buffer.from(await decryptRaw(Buffer.from(match[2]!, 'base64'), keys.sharedRx)).toString('utf8');
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
