import { LRUCache } from 'lru-cache';
import { encryptAsymmetric, kxSeedKeyPair, type HexKeyPair } from '../../../core/ports.js';
import type { EnvRow } from '../repo.js';
import type { PhaseContext } from './context.js';

export interface EnvKeys {
  keyPair: HexKeyPair;
  saltHex: string;
  seedHex: string;
}

/**
 * Environments whose keys are kept at once. Deriving a pair costs one decryption and one key derivation, so the
 * bound is there for memory (a few hundred bytes each, key material included), not for the hit rate.
 */
const MAX_ENVIRONMENTS = 4096;

/**
 * An environment's key pair, derived from its sealed seed as Phase's clients derive it, so ciphertexts either side
 * makes open on the other. Kept per process like the salts: seeds never change.
 */
export function createEnvKeys(pc: PhaseContext) {
  const cache = new LRUCache<string, Promise<EnvKeys>>({ max: MAX_ENVIRONMENTS });

  async function load(env: EnvRow): Promise<EnvKeys> {
    const seedHex = await pc.envCipher.openText(env.seed_ct, { row: env.id, column: 'seed' });
    return { seedHex, saltHex: await pc.saltOf(env), keyPair: await kxSeedKeyPair(seedHex) };
  }

  function of(env: EnvRow): Promise<EnvKeys> {
    let found = cache.get(env.id);
    if (!found) {
      found = load(env);
      found.catch(() => cache.delete(env.id));
      cache.set(env.id, found);
    }
    return found;
  }

  return {
    of,
    /** The seed and salt as Phase's token endpoint hands them out: their hex text sealed to the account's key. */
    async wrappedFor(env: EnvRow, accountPublicKey: string) {
      const keys = await of(env);
      return {
        identityKey: keys.keyPair.publicKey,
        wrappedSeed: await encryptAsymmetric(keys.seedHex, accountPublicKey),
        wrappedSalt: await encryptAsymmetric(keys.saltHex, accountPublicKey),
      };
    },
  };
}

export type EnvKeysService = ReturnType<typeof createEnvKeys>;
