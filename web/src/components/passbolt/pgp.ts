import type { PrivateKey } from 'openpgp';

/**
 * OpenPGP in the browser, for Passbolt's end-to-end secrets. openpgp.js is loaded on first use (a dynamic import,
 * its own chunk), so the console's first load does not carry it. The user's private key is decrypted here with
 * their passphrase and lives only in the Passbolt page's memory: it is never sent, never stored, and forgotten when
 * the page is left or the user locks it.
 */
const lib = () => import('openpgp');

export interface UnlockedKey {
  key: PrivateKey;
  fingerprint: string;
}

/** Reads an armored private key and decrypts it; refuses a key that is not the user's registered one. */
export async function unlockPrivateKey(
  armored: string,
  passphrase: string,
  expectedFingerprint: string | undefined,
): Promise<UnlockedKey> {
  const openpgp = await lib();
  let key: PrivateKey;
  try {
    key = await openpgp.readPrivateKey({ armoredKey: armored });
  } catch {
    throw new Error('That file holds no OpenPGP private key.');
  }
  const fingerprint = key.getFingerprint().toUpperCase();
  if (expectedFingerprint && fingerprint !== expectedFingerprint.toUpperCase())
    throw new Error(`This key (${fingerprint.slice(-16)}) is not the one registered for you.`);
  if (!key.isDecrypted()) {
    try {
      key = await openpgp.decryptKey({ privateKey: key, passphrase });
    } catch {
      throw new Error('Wrong passphrase for this key.');
    }
  }
  return { key, fingerprint };
}

export async function decryptSecret(armoredMessage: string, unlocked: UnlockedKey): Promise<string> {
  const openpgp = await lib();
  const message = await openpgp.readMessage({ armoredMessage });
  const { data } = await openpgp.decrypt({ message, decryptionKeys: unlocked.key });
  return String(data);
}

/** One message per recipient, as Passbolt stores them, each signed with the user's key. */
export async function encryptFor(
  plaintext: string,
  recipients: readonly { userId: string; armoredKey: string }[],
  unlocked: UnlockedKey,
): Promise<{ user_id: string; data: string }[]> {
  const openpgp = await lib();
  return Promise.all(
    recipients.map(async (r) => {
      const encryptionKeys = await openpgp.readKey({ armoredKey: r.armoredKey });
      const message = await openpgp.createMessage({ text: plaintext });
      const data = await openpgp.encrypt({ message, encryptionKeys, signingKeys: unlocked.key });
      return { user_id: r.userId, data: String(data) };
    }),
  );
}

/** The secret's content by resource type: a bare password, or JSON with password and description. */
export interface SecretContent {
  password: string;
  description: string;
  /** Other fields of the secret's JSON (a TOTP's), kept as they are by an edit. */
  rest?: Record<string, unknown>;
}
export function parseSecret(plaintext: string, typeSlug: string | undefined): SecretContent {
  if (typeSlug === 'password-string') return { password: plaintext, description: '' };
  try {
    const { password, description, ...rest } = JSON.parse(plaintext) as Record<string, unknown>;
    return {
      password: typeof password === 'string' ? password : '',
      description: typeof description === 'string' ? description : '',
      rest,
    };
  } catch {
    return { password: plaintext, description: '' };
  }
}
export function serializeSecret(content: SecretContent, typeSlug: string | undefined): string {
  if (typeSlug === 'password-string') return content.password;
  return JSON.stringify({ ...content.rest, password: content.password, description: content.description });
}
