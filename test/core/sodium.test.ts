import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import {
  decryptAsymmetric,
  decryptRaw,
  encryptAsymmetric,
  encryptRaw,
  isPhaseCiphertext,
  kxSeedKeyPair,
  kxSessionKeys,
  xorHex,
} from '../../src/core/keyring/phase-crypto.js';
import { keyedBlake2b256Hex } from '../../src/core/keyring/sodium.js';

// Cross-SDK vectors published with phasehq/golang-sdk (phase/crypto/testdata/test_vectors.json), kept as data.
const fixture = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/phase-vectors.json');
const vectors = JSON.parse(readFileSync(fixture, 'utf8')) as {
  blake2b_digests: { input: string; salt: string; digest: string }[];
};

describe('keyed BLAKE2b-256 (Phase keyDigest)', () => {
  it('matches the Phase SDK test vectors', async () => {
    assert.ok(vectors.blake2b_digests.length >= 5);
    for (const v of vectors.blake2b_digests)
      assert.equal(await keyedBlake2b256Hex(v.input, v.salt), v.digest, v.input.slice(0, 20));
  });
});

interface Vectors {
  seed_keypairs: { seed: string; public_key: string; private_key: string }[];
  session_keys: Record<string, string>;
  encrypt_raw: { plaintext: string; key: string; ciphertext_with_nonce: string }[];
  asymmetric_encrypt: {
    plaintext: string;
    recipient_public_key: string;
    recipient_private_key: string;
    ciphertext: string;
  }[];
  xor_reconstruct: { shares: string[]; expected: string }[];
}
const all = vectors as unknown as Vectors;

describe('Phase end-to-end crypto (golang-sdk vectors)', () => {
  it('derives the env key pairs from seeds', async () => {
    for (const v of all.seed_keypairs)
      assert.deepEqual(await kxSeedKeyPair(v.seed), { publicKey: v.public_key, privateKey: v.private_key });
  });

  it('derives the same crypto_kx session keys on both sides', async () => {
    const k = all.session_keys;
    const a = { publicKey: k.public_key_a!, privateKey: k.private_key_a! };
    const b = { publicKey: k.public_key_b!, privateKey: k.private_key_b! };
    assert.deepEqual(await kxSeedKeyPair(k.seed_a!), a);
    assert.deepEqual(await kxSessionKeys('client', a, b.publicKey), { rx: k.client_rx, tx: k.client_tx });
    assert.deepEqual(await kxSessionKeys('server', b, a.publicKey), { rx: k.server_rx, tx: k.server_tx });
  });

  it('opens XChaCha20-Poly1305 ciphertexts with the nonce last, and round-trips its own', async () => {
    for (const v of all.encrypt_raw) {
      const key = Buffer.from(v.key, 'hex');
      assert.equal(
        Buffer.from(await decryptRaw(Buffer.from(v.ciphertext_with_nonce, 'hex'), key)).toString('utf8'),
        v.plaintext,
      );
      assert.equal(
        Buffer.from(await decryptRaw(await encryptRaw(Buffer.from(v.plaintext), key), key)).toString('utf8'),
        v.plaintext,
      );
    }
    await assert.rejects(
      decryptRaw(Buffer.alloc(60), Buffer.from(all.encrypt_raw[0]!.key, 'hex')),
      /Invalid ciphertext format/,
    );
  });

  it('opens ph:v1 messages, and what it seals opens with the recipient key only', async () => {
    for (const v of all.asymmetric_encrypt) {
      const own = { publicKey: v.recipient_public_key, privateKey: v.recipient_private_key };
      assert.equal(await decryptAsymmetric(v.ciphertext, own), v.plaintext);
      const mine = await encryptAsymmetric(v.plaintext, own.publicKey);
      assert.ok(isPhaseCiphertext(mine));
      assert.equal(await decryptAsymmetric(mine, own), v.plaintext);
      await assert.rejects(decryptAsymmetric(mine, await kxSeedKeyPair('ab'.repeat(32))), /Invalid ciphertext format/);
    }
    for (const bad of ['', 'ph:v1:zz:abc', 'ph:v2:' + '0'.repeat(64) + ':', 'ph:v1:' + '0'.repeat(64) + ':!!']) {
      await assert.rejects(decryptAsymmetric(bad, await kxSeedKeyPair('ab'.repeat(32))), /Invalid ciphertext format/);
    }
  });

  it('reconstructs split keys by XOR', () => {
    for (const v of all.xor_reconstruct) assert.equal(xorHex(...v.shares), v.expected);
  });
});
