import { LRUCache } from 'lru-cache';
import * as openpgp from 'openpgp';
import { isUniqueViolation, nowIso } from '../../../core/ports.js';
import { generateJwtKeyPair, jwtKeysOf, type JwtKeys } from '../jwt.js';
import type { PassboltContext } from './context.js';

/** The server's OpenPGP key, parsed once. The private key is held in memory only while the process runs; never logged. */
export interface OpenPgpServerKey {
  readonly publicKey: string;
  readonly fingerprint: string;
  readonly privateKey: openpgp.PrivateKey;
}

interface Loaded {
  openpgp: OpenPgpServerKey;
  jwt: JwtKeys;
}
type Kind = keyof Loaded;
const KINDS: readonly Kind[] = ['openpgp', 'jwt'];

/** What a `passbolt_server_keys` row holds once opened. */
interface Opened {
  publicKey: string;
  fingerprint: string;
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

  async function open(kind: Kind): Promise<Opened> {
    const read = () => db.selectFrom('passbolt_server_keys').selectAll().where('kind', '=', kind).executeTakeFirst();
    let row = await read();
    if (!row) {
      const made = kind === 'openpgp' ? await makeOpenPgp() : await makeJwt();
      try {
        await db
          .insertInto('passbolt_server_keys')
          .values({
            kind,
            public_key: made.publicKey,
            fingerprint: made.fingerprint,
            private_ct: await cipher.seal(made.privateKey, { row: kind, column: 'private' }),
            created: nowIso(),
          })
          .execute();
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
      }
      row = (await read())!;
    }
    return {
      publicKey: row.public_key,
      fingerprint: row.fingerprint,
      privateKey: await cipher.openText(row.private_ct, { row: kind, column: 'private' }),
    };
  }

  async function load(kind: Kind): Promise<Loaded[Kind]> {
    const key = await open(kind);
    if (kind === 'jwt') return jwtKeysOf(key.publicKey, key.privateKey);
    return {
      publicKey: key.publicKey,
      fingerprint: key.fingerprint,
      privateKey: await openpgp.readPrivateKey({ armoredKey: key.privateKey }),
    };
  }

  // Bounded, as every cache of this engine is, though it holds at most the two kinds and so never evicts: each key
  // is opened and parsed once per process. `fetch` shares one load among concurrent first callers and keeps no failed one,
  // so a load that failed (database briefly down) is tried again by the next request.
  const cache = new LRUCache<Kind, Loaded[Kind]>({ max: KINDS.length, fetchMethod: (kind) => load(kind) });
  const get = <K extends Kind>(kind: K) => cache.forceFetch(kind) as Promise<Loaded[K]>;

  return { openpgp: () => get('openpgp'), jwt: () => get('jwt') };
}

async function makeOpenPgp(): Promise<Opened> {
  const { publicKey, privateKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name: 'Hush server', email: 'server@hush.invalid' }],
    format: 'armored',
  });
  const fingerprint = (await openpgp.readKey({ armoredKey: publicKey })).getFingerprint().toUpperCase();
  return { publicKey, privateKey, fingerprint };
}

async function makeJwt(): Promise<Opened> {
  const { publicPem, privatePem } = await generateJwtKeyPair();
  return { publicKey: publicPem, privateKey: privatePem, fingerprint: '' };
}

export type ServerKeys = ReturnType<typeof createServerKeys>;
