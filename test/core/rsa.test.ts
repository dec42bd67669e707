import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HushError } from '../../src/core/errors.js';
import {
  generateRsaKeyPair,
  parseRsaPrivateKey,
  parseRsaPublicKey,
  rsaOaepDecrypt,
  rsaOaepEncrypt,
} from '../../src/core/keyring/rsa.js';

describe('RSA helpers for engines', () => {
  it('generates a key pair and round-trips RSA-OAEP with SHA-1 and SHA-256', async () => {
    const { publicKey, privateKey } = await generateRsaKeyPair(2048);
    assert.match(publicKey, /^-----BEGIN PUBLIC KEY-----/);
    assert.equal(parseRsaPublicKey(publicKey, 'public_key').bits, 2048);
    const secret = Buffer.from('32 bytes of master key material!');
    for (const hash of ['sha1', 'sha256'] as const) {
      const sealed = rsaOaepEncrypt(publicKey, secret, hash);
      assert.deepEqual(rsaOaepDecrypt(parseRsaPrivateKey(privateKey, 'private_key'), sealed, hash), secret);
    }
    assert.throws(() => rsaOaepDecrypt(privateKey, rsaOaepEncrypt(publicKey, secret, 'sha1'), 'sha256'));
  });

  it('names the field when a key does not parse', () => {
    assert.throws(
      () => parseRsaPublicKey('not a key', 'public_key'),
      (e: unknown) => e instanceof HushError && e.field === 'public_key',
    );
    assert.throws(
      () => parseRsaPrivateKey('-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----', 'private_key'),
      (e: unknown) => e instanceof HushError && e.field === 'private_key',
    );
  });
});
