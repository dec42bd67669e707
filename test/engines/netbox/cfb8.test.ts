import assert from 'node:assert/strict';
import { createDecipheriv, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { decryptSecrets, encryptSecret, MASTER_KEY_BYTES } from '../../../src/engines/netbox/crypto.js';

/** The frame OpenSSL's own AES-256-CFB8 gives, read the way the plugin reads it (docs/wire/netbox.md §2). */
function openSslPlaintext(key: Buffer, ciphertext: Buffer): string | undefined {
  if (ciphertext.length < 18) return undefined;
  const decipher = createDecipheriv('aes-256-cfb8', key, ciphertext.subarray(0, 16));
  const framed = Buffer.concat([decipher.update(ciphertext.subarray(16)), decipher.final()]);
  const length = (framed[0]! << 8) + framed[1]!;
  return length + 2 > framed.length ? undefined : framed.subarray(2, 2 + length).toString('utf8');
}

describe('NetBox secret decryption in one ECB pass (src/engines/netbox/crypto.ts)', () => {
  it('gives what OpenSSL CFB8 gives, for plaintexts of every frame size, in one batch', () => {
    const key = randomBytes(MASTER_KEY_BYTES);
    const plaintexts = [
      '',
      'a',
      'p@ss wörd',
      '🔑'.repeat(15),
      'x'.repeat(62),
      'y'.repeat(63),
      'z'.repeat(200),
      randomBytes(3000).toString('base64'),
    ];
    const ciphertexts = plaintexts.map((p) => encryptSecret(key, p));
    assert.deepEqual(decryptSecrets(key, ciphertexts), plaintexts);
    assert.deepEqual(
      decryptSecrets(key, ciphertexts),
      ciphertexts.map((c) => openSslPlaintext(key, c)),
    );
  });

  it('agrees with OpenSSL on bytes that are not a ciphertext: too short, a length past the end, random', () => {
    const key = randomBytes(MASTER_KEY_BYTES);
    const inputs = [Buffer.alloc(0), randomBytes(17), randomBytes(18), randomBytes(80), randomBytes(1000)];
    for (let i = 0; i < 50; i++) inputs.push(randomBytes(18 + (i % 7) * 13));
    const expected = inputs.map((c) => openSslPlaintext(key, c));
    assert.ok(expected.includes(undefined), 'some random inputs must be refused');
    assert.deepEqual(decryptSecrets(key, inputs), expected);
  });

  it('a page larger than one ECB pass, and values longer than the batch takes, decrypt as OpenSSL does', () => {
    const key = randomBytes(MASTER_KEY_BYTES);
    const plaintexts = Array.from({ length: 150 }, (_, i) => randomBytes(i % 3 ? 900 : 40).toString('base64'));
    plaintexts.push('l'.repeat(60_000));
    const ciphertexts = plaintexts.map((p) => encryptSecret(key, p));
    assert.deepEqual(decryptSecrets(key, ciphertexts), plaintexts);
  });

  it('opens nothing with another key, and a value decrypted alone equals the same value in a batch', () => {
    const key = randomBytes(MASTER_KEY_BYTES);
    const ciphertext = encryptSecret(key, 'only with the right key');
    assert.notEqual(decryptSecrets(randomBytes(MASTER_KEY_BYTES), [ciphertext])[0], 'only with the right key');
    assert.deepEqual(decryptSecrets(key, [ciphertext]), ['only with the right key']);
    assert.deepEqual(decryptSecrets(key, []), []);
  });
});
