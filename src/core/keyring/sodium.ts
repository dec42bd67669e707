import wrappers from 'libsodium-wrappers';
import sodium from 'sodium-native';

/**
 * libsodium, the primitives Phase's clients use. The end-to-end crypto (XChaCha20-Poly1305, X25519 key exchange)
 * goes through the native binding (`sodium-native`, prebuilt, no compiler needed), whose X25519 exchange is about
 * six times faster than the WebAssembly build's; that exchange is most of what an end-to-end write costs.
 */
export { sodium };

let ready: Promise<typeof wrappers> | undefined;
const wasm = (): Promise<typeof wrappers> => (ready ??= wrappers.ready.then(() => wrappers));

/**
 * BLAKE2b with a 32-byte output and an optional key (≤ 64 bytes), as lower-case hex. From the WebAssembly build:
 * the native binding refuses keys shorter than 16 bytes, which libsodium itself (and Phase's digest vectors) allow.
 */
export async function keyedBlake2b256Hex(message: string, key: string): Promise<string> {
  const s = await wasm();
  const keyBytes = key === '' ? null : Buffer.from(key, 'utf8');
  return Buffer.from(s.crypto_generichash(32, Buffer.from(message, 'utf8'), keyBytes)).toString('hex');
}
