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

export function parseRsaPrivateKey(pem: string, field: string): KeyObject {
  try {
    const key = createPrivateKey(pem);
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
