import sodium from 'libsodium-wrappers';

/** libsodium, initialised once; the primitives Phase's clients use (BLAKE2b, XChaCha20, X25519) come from here. */
let ready: Promise<typeof sodium> | undefined;

export function libsodium(): Promise<typeof sodium> {
  ready ??= sodium.ready.then(() => sodium);
  return ready;
}

/** BLAKE2b with a 32-byte output and an optional key (≤ 64 bytes), as lower-case hex. */
export async function keyedBlake2b256Hex(message: string, key: string): Promise<string> {
  const s = await libsodium();
  const keyBytes = key === '' ? null : Buffer.from(key, 'utf8');
  return Buffer.from(s.crypto_generichash(32, Buffer.from(message, 'utf8'), keyBytes)).toString('hex');
}
