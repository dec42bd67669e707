import * as openpgp from 'openpgp';
import { isUniqueViolation } from '../../../core/errors.js';
import { nowIso } from '../../../core/ids.js';
import { generateJwtKeyPair } from '../jwt.js';
import type { PassboltContext } from './context.js';

export interface ServerKey {
  publicKey: string;
  fingerprint: string;
  /** Held in memory only while the process runs; stored sealed by the keyring. Never logged. */
  privateKey: string;
}

/**
 * The server's OpenPGP key pair (GET /auth/verify.json, login challenges) and its JWT signing key, made on first
 * use. Their private halves are sealed by the core keyring, bound to their row; two processes starting together
 * race on the primary key and the loser reads the winner's.
 */
export function createServerKeys(pc: PassboltContext) {
  const { repo } = pc;
  const db = repo.db;
  const cipher = pc.ctx.keyring.cipher('passbolt_server_keys');
  const cache = new Map<string, Promise<ServerKey>>();

  async function load(kind: 'openpgp' | 'jwt'): Promise<ServerKey> {
    const read = () => db.selectFrom('passbolt_server_keys').selectAll().where('kind', '=', kind).executeTakeFirst();
    let row = await read();
    if (!row) {
      const made = kind === 'openpgp' ? await makeOpenPgp() : await makeJwt();
      try {
        await db
          .insertInto('passbolt_server_keys')
          .values({ kind, public_key: made.publicKey, fingerprint: made.fingerprint, private_ct: await cipher.seal(made.privateKey, { row: kind, column: 'private' }), created: nowIso() })
          .execute();
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
      }
      row = (await read())!;
    }
    return { publicKey: row.public_key, fingerprint: row.fingerprint, privateKey: await cipher.openText(row.private_ct, { row: kind, column: 'private' }) };
  }

  function get(kind: 'openpgp' | 'jwt'): Promise<ServerKey> {
    let p = cache.get(kind);
    if (!p) {
      p = load(kind);
      p.catch(() => cache.delete(kind));
      cache.set(kind, p);
    }
    return p;
  }

  return { openpgp: () => get('openpgp'), jwt: () => get('jwt') };
}

async function makeOpenPgp(): Promise<{ publicKey: string; privateKey: string; fingerprint: string }> {
  const { publicKey, privateKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'Hush server', email: 'server@hush.invalid' }], format: 'armored' });
  const fingerprint = (await openpgp.readKey({ armoredKey: publicKey })).getFingerprint().toUpperCase();
  return { publicKey, privateKey, fingerprint };
}

async function makeJwt(): Promise<{ publicKey: string; privateKey: string; fingerprint: string }> {
  const { publicPem, privatePem } = await generateJwtKeyPair();
  return { publicKey: publicPem, privateKey: privatePem, fingerprint: '' };
}

export type ServerKeys = ReturnType<typeof createServerKeys>;
