import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { parseRsaPrivateKey, rsaOaepDecrypt, rsaOaepEncrypt } from '../../src/core/keyring/rsa.js';
import { rsaPrivateKeyJwk } from '../../src/core/keyring/rsa-pem.js';

/** A PKCS#1 key whose version 0 is written `02 02 00 00` (the outer SEQUENCE, `30 82 LL LL`, one byte longer). */
function nonMinimalVersion(der: Buffer): Buffer {
  const head = Buffer.from([0x30, 0x82, 0, 0]);
  head.writeUInt16BE(der.readUInt16BE(2) + 1, 2);
  return Buffer.concat([head, Buffer.from([0x02, 0x02, 0x00, 0x00]), der.subarray(7)]);
}

const pair = (bits: number) => generateKeyPairSync('rsa', { modulusLength: bits });

/** OpenSSL's verdict on a PEM: the key's JWK, or undefined when it refuses it. */
function openSsl(pem: string) {
  try {
    return createPrivateKey(pem).export({ format: 'jwk' });
  } catch {
    return undefined;
  }
}

describe('RSA private keys read from PEM without the OpenSSL decoders (src/core/keyring/rsa-pem.ts)', () => {
  it('reads PKCS#1 and PKCS#8 keys of several sizes into the components OpenSSL finds', () => {
    for (const bits of [1024, 2048, 3072]) {
      const { privateKey } = pair(bits);
      for (const type of ['pkcs1', 'pkcs8'] as const) {
        const pem = privateKey.export({ type, format: 'pem' }).toString();
        assert.deepEqual(rsaPrivateKeyJwk(pem), privateKey.export({ format: 'jwk' }), `${bits} ${type}`);
        // CRLF line ends and surrounding blank lines, as files copied between systems have.
        assert.deepEqual(rsaPrivateKeyJwk(`\n${pem.replace(/\n/g, '\r\n')}\n`), openSsl(pem));
      }
    }
  });

  it('leaves everything else to OpenSSL, whose verdict parseRsaPrivateKey keeps', () => {
    const { privateKey } = pair(2048);
    const pkcs1 = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const body = pkcs1.split('\n').slice(1, -2).join('');
    const wrap = (b64: string) => `-----BEGIN RSA PRIVATE KEY-----\n${b64}\n-----END RSA PRIVATE KEY-----\n`;
    const der = Buffer.from(body, 'base64');
    const others = [
      privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pass' }).toString(),
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      pkcs1.replace('-----END RSA PRIVATE KEY-----', '-----END PRIVATE KEY-----'),
      wrap(Buffer.concat([der, Buffer.from([0x05, 0x00])]).toString('base64')),
      wrap(der.subarray(0, der.length - 10).toString('base64')),
      wrap(body.slice(0, -4)),
      wrap(`${body}*`),
      wrap(randomBytes(600).toString('base64')),
      // Layouts and encodings OpenSSL refuses: one line, the end marker not on a line of its own, a tab, a version
      // written with a needless leading zero.
      pkcs1.replace(/\n/g, ''),
      pkcs1.replace('\n-----END', '-----END'),
      pkcs1.replace('\n', '\n\t'),
      wrap(nonMinimalVersion(der).toString('base64')),
    ];
    for (const pem of others) {
      assert.equal(rsaPrivateKeyJwk(pem), undefined, pem.slice(0, 60));
      const verdict = openSsl(pem);
      let parsed: unknown;
      try {
        parsed = parseRsaPrivateKey(pem, 'private_key').export({ format: 'jwk' });
      } catch {
        parsed = undefined;
      }
      // Refused by both, or (an RSA key OpenSSL reads some other way) the very key OpenSSL reads.
      assert.deepEqual(parsed, verdict?.kty === 'RSA' ? verdict : undefined);
    }
  });

  it('a key read from components decrypts what its public key encrypted', () => {
    const { privateKey, publicKey } = pair(2048);
    const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const sealed = rsaOaepEncrypt(publicKey, Buffer.from('master key'), 'sha1');
    assert.equal(rsaOaepDecrypt(parseRsaPrivateKey(pem, 'private_key'), sealed, 'sha1').toString(), 'master key');
  });
});
