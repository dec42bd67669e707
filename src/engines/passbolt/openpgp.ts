import * as openpgp from 'openpgp';
import type { RuleFailure } from './errors.js';
import { MSG } from './errors.js';

/**
 * The engine's OpenPGP checks, on public material only: Passbolt's wire format is OpenPGP, so this is the
 * engine's own wire-format crypto. Nothing here ever decrypts a user's secret: the server holds no user private key.
 */

/** Bounds every armored input: a secret or key larger than this is not a password manager entry. */
export const MAX_ARMORED_CHARS = 256 * 1024;

/**
 * What the server decrypts comes from anyone (a login challenge): a compressed packet may not inflate beyond a nonce's
 * needs (openpgp's default is unbounded, a few hundred KiB could inflate to gigabytes on the event loop), and a
 * message may not carry many session-key packets, each one a private-key operation.
 */
export const UNTRUSTED_MESSAGE_CONFIG = { maxDecompressedMessageSize: 64 * 1024 } as const;
const MAX_SESSION_KEY_PACKETS = 4;

/** Reads an armored message sent by a caller, or undefined when it is not one the server will try to decrypt. */
export async function readUntrustedMessage(armored: unknown): Promise<openpgp.Message<string> | undefined> {
  if (typeof armored !== 'string' || armored.length > MAX_ARMORED_CHARS) return undefined;
  const message = await openpgp.readMessage({ armoredMessage: armored }).catch(() => undefined);
  if (!message) return undefined;
  const sessionKeys = message.packets.filterByTag(openpgp.enums.packet.publicKeyEncryptedSessionKey).length;
  return sessionKeys > MAX_SESSION_KEY_PACKETS ? undefined : message;
}

export interface PublicKeyInfo {
  armored: string;
  fingerprint: string;
  keyId: string;
  /** Every key id of the key (primary and subkeys), 16 upper-case hex characters each. */
  keyIds: string[];
  bits: number | null;
  uid: string;
  type: string;
  expires: string | null;
  keyCreated: string;
}

const TYPE_NAMES: Record<string, string> = {
  rsaEncryptSign: 'RSA',
  rsaEncrypt: 'RSA',
  rsaSign: 'RSA',
  dsa: 'DSA',
  elgamal: 'ELGAMAL',
  ecdsa: 'ECDSA',
  eddsaLegacy: 'EdDSA',
  ed25519: 'EdDSA',
  ed448: 'EdDSA',
  ecdh: 'ECC',
};

const CURVE_BITS: Record<string, number> = {
  ed25519Legacy: 255,
  curve25519Legacy: 255,
  ed25519: 255,
  x25519: 255,
  ed448: 448,
  nistP256: 256,
  nistP384: 384,
  nistP521: 521,
};

/** Parses an armored public key; refuses private keys (the server must never hold one of a user's). */
export async function readPublicKey(armored: string): Promise<PublicKeyInfo | { error: string }> {
  if (
    typeof armored !== 'string' ||
    !armored.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----') ||
    armored.length > MAX_ARMORED_CHARS
  ) {
    return { error: 'The key should be a valid ASCII-armored OpenPGP public key.' };
  }
  let key: openpgp.Key;
  try {
    key = await openpgp.readKey({ armoredKey: armored });
  } catch {
    return { error: 'The key should be a valid ASCII-armored OpenPGP public key.' };
  }
  if (key.isPrivate()) return { error: 'The key should be a public key, not a private key.' };
  try {
    await key.getEncryptionKey();
  } catch {
    return { error: 'The key cannot be used for encryption (expired, revoked or without an encryption subkey).' };
  }
  const info = key.getAlgorithmInfo() as { algorithm: string; bits?: number; curve?: string };
  const expiration = await key.getExpirationTime();
  const fingerprint = key.getFingerprint().toUpperCase();
  return {
    armored: key.armor(),
    fingerprint,
    keyId: fingerprint.slice(-8),
    keyIds: key.getKeyIDs().map((k) => k.toHex().toUpperCase()),
    bits: info.bits ?? (info.curve ? (CURVE_BITS[info.curve] ?? null) : null),
    uid: key.getUserIDs()[0] ?? '',
    type: TYPE_NAMES[info.algorithm] ?? info.algorithm,
    expires: expiration instanceof Date ? expiration.toISOString() : null,
    keyCreated: key.getCreationTime().toISOString(),
  };
}

/**
 * Checks one submitted secret: a well-formed armored OpenPGP message encrypted to one of `recipientKeyIds`.
 * Returns Passbolt's rule failures for `path` (SecretsTable `isValidOpenPGPMessage`, MessageRecipientValidation
 * `hasAsymmetricPacketRule`/`wrongRecipient`), or an empty list.
 */
export async function checkSecretMessage(
  path: string,
  data: unknown,
  recipientKeyIds: readonly string[],
): Promise<RuleFailure[]> {
  if (data === undefined || data === null) return [{ path, rule: '_required', message: 'A message is required.' }];
  if (typeof data !== 'string' || data.trim() === '')
    return [{ path, rule: '_empty', message: 'The message should not be empty.' }];
  if (
    data.length > MAX_ARMORED_CHARS ||
    // eslint-disable-next-line no-control-regex -- armor is ASCII: the class is every ASCII character, controls included
    !/^[\x00-\x7f]*$/.test(data) ||
    !data.includes('-----BEGIN PGP MESSAGE-----')
  ) {
    return [{ path, rule: 'isValidOpenPGPMessage', message: MSG.messageInvalid }];
  }
  let message: openpgp.Message<openpgp.MaybeStream<Uint8Array>>;
  try {
    message = await openpgp.readMessage({ armoredMessage: data });
  } catch {
    return [{ path, rule: 'isValidOpenPGPMessage', message: MSG.messageInvalid }];
  }
  const recipients = message.getEncryptionKeyIDs().map((k) => k.toHex().toUpperCase());
  if (!recipients.length) return [{ path, rule: 'hasAsymmetricPacketRule', message: MSG.asymmetric }];
  if (!recipients.some((r) => recipientKeyIds.includes(r)))
    return [{ path, rule: 'wrongRecipient', message: MSG.wrongRecipient }];
  return [];
}
