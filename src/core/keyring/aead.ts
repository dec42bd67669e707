import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { HushError } from '../errors.js';

/**
 * AES-256-GCM with a versioned text envelope: `hush1.<keyId>.<base64url(iv | ciphertext | tag)>`.
 * The key id tells which data key (or root key) sealed it, so rotation can leave old rows readable.
 * The associated data is never stored: the caller re-derives it from where the ciphertext lives, which is
 * what makes a ciphertext copied to another row or column fail to open.
 */
const ENVELOPE_VERSION = 'hush1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

export function sealBytes(key: Buffer, keyId: string, plaintext: Buffer, aad: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`${ENVELOPE_VERSION}|${keyId}|${aad}`, 'utf8'));
  const body = Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return `${ENVELOPE_VERSION}.${keyId}.${body.toString('base64url')}`;
}

export interface ParsedEnvelope {
  keyId: string;
  body: Buffer;
}

export function parseEnvelope(envelope: string): ParsedEnvelope {
  const parts = envelope.split('.');
  if (parts.length !== 3 || parts[0] !== ENVELOPE_VERSION || !parts[1] || !parts[2]) {
    throw new HushError('internal', 'Stored ciphertext is malformed.', { reason: 'ciphertext_malformed' });
  }
  const body = Buffer.from(parts[2], 'base64url');
  if (body.length < IV_BYTES + TAG_BYTES) {
    throw new HushError('internal', 'Stored ciphertext is malformed.', { reason: 'ciphertext_malformed' });
  }
  return { keyId: parts[1], body };
}

export function openBytes(key: Buffer, envelope: ParsedEnvelope, aad: string): Buffer {
  const iv = envelope.body.subarray(0, IV_BYTES);
  const tag = envelope.body.subarray(envelope.body.length - TAG_BYTES);
  const data = envelope.body.subarray(IV_BYTES, envelope.body.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(`${ENVELOPE_VERSION}|${envelope.keyId}|${aad}`, 'utf8'));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(data), decipher.final()]);
  } catch (cause) {
    // Wrong key, tampered bytes, or a ciphertext that belongs to another row: indistinguishable, all fatal.
    throw new HushError('internal', 'A stored ciphertext failed authentication.', {
      reason: 'ciphertext_rejected',
      cause,
    });
  }
}
