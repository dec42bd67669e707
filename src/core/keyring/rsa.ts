import {
  createPublicKey,
  generateKeyPair,
  privateDecrypt,
  publicEncrypt,
  constants,
  createPrivateKey,
  type KeyObject,
} from 'node:crypto';
import { promisify } from 'node:util';
import { invalid } from '../errors.js';
import { rsaPrivateKeyJwk } from './rsa-pem.js';

/** RSA helpers for engines whose originals use RSA (NetBox user keys). Private keys pass through memory only. */
export type OaepHash = 'sha1' | 'sha256';

const generate = promisify(generateKeyPair);

export async function generateRsaKeyPair(bits: number): Promise<{ publicKey: string; privateKey: string }> {
  const { publicKey, privateKey } = await generate('rsa', {
    modulusLength: bits,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  return { publicKey, privateKey };
}

/** Parses a PEM public key, naming `field` in the error a client sees when it is not an RSA public key. */
export function parseRsaPublicKey(pem: string, field: string): { key: KeyObject; bits: number } {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw invalid(field, 'Invalid RSA key format.');
  }
  if (key.asymmetricKeyType !== 'rsa') throw invalid(field, 'Key is not an RSA key.');
  return { key, bits: key.asymmetricKeyDetails?.modulusLength ?? 0 };
}

/** Builds the key from its components when rsa-pem.ts can read them (8× faster), else lets OpenSSL decode the PEM. */
function privateKeyOf(pem: string): KeyObject {
  const jwk = rsaPrivateKeyJwk(pem);
  if (jwk) {
    try {
      return createPrivateKey({ key: jwk, format: 'jwk' });
    } catch {
      // Components OpenSSL will not build a key from: its PEM decoder gives the verdict, as for any other input.
    }
  }
  return createPrivateKey(pem);
}

export function parseRsaPrivateKey(pem: string, field: string): KeyObject {
  try {
    const key = privateKeyOf(pem);
    if (key.asymmetricKeyType !== 'rsa') throw new Error('not rsa');
    return key;
  } catch {
    throw invalid(field, 'Invalid private key.');
  }
}

export function rsaOaepEncrypt(publicKey: KeyObject | string, data: Buffer, hash: OaepHash): Buffer {
  return publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, data);
}

export function rsaOaepDecrypt(privateKey: KeyObject | string, data: Buffer, hash: OaepHash): Buffer {
  return privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, data);
}
