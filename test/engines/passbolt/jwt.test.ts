import assert from 'node:assert/strict';
import { createHmac, createPrivateKey, createPublicKey, createSign, generateKeyPairSync } from 'node:crypto';
import { before, describe, it } from 'node:test';
import {
  generateJwtKeyPair,
  jwtKeysOf,
  looksLikeJwt,
  signJwt,
  verifyJwt,
  type AccessClaims,
  type JwtKeys,
} from '../../../src/engines/passbolt/jwt.js';

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/** Access tokens exactly as Hush made them before it used jose: the wire format that must not change. */
function handMade(claims: object, privatePem: string, header: object = { typ: 'JWT', alg: 'RS256' }): string {
  const body = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  return `${body}.${b64url(createSign('RSA-SHA256').update(body).sign(createPrivateKey(privatePem)))}`;
}

describe('passbolt JWT access tokens', () => {
  let pems: { publicPem: string; privatePem: string };
  let keys: JwtKeys;
  let other: JwtKeys;
  const now = Math.floor(Date.now() / 1000);
  const claims: AccessClaims = {
    iss: 'https://hush.example/',
    sub: '8d4a2b7c-3f1e-4c5d-9a6b-1e2f3a4b5c6d',
    exp: now + 300,
  };

  before(async () => {
    pems = await generateJwtKeyPair();
    keys = await jwtKeysOf(pems.publicPem, pems.privatePem);
    // Any other RSA key will do (a 3072-bit one costs seconds to make).
    const o = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    other = await jwtKeysOf(o.publicKey, o.privateKey);
  });

  it('issues byte for byte the tokens it issued before (header, claims, RS256 signature)', async () => {
    const token = await signJwt(claims, keys);
    // RSASSA-PKCS1-v1_5 is deterministic, so the same claims and key give the same token.
    assert.equal(token, handMade(claims, pems.privatePem));
    const [head, payload] = token.split('.');
    assert.equal(Buffer.from(head!, 'base64url').toString(), '{"typ":"JWT","alg":"RS256"}');
    assert.equal(
      Buffer.from(payload!, 'base64url').toString(),
      JSON.stringify({ iss: claims.iss, sub: claims.sub, exp: claims.exp }),
    );
  });

  it('verifies tokens issued before, and refuses them once expired, without tolerance', async () => {
    const token = handMade(claims, pems.privatePem);
    assert.deepEqual(await verifyJwt(token, keys), claims);
    assert.deepEqual(await verifyJwt(token, keys, new Date((claims.exp - 1) * 1000)), claims);
    assert.equal(await verifyJwt(token, keys, new Date(claims.exp * 1000)), undefined);
    assert.equal(await verifyJwt(handMade({ ...claims, exp: now - 1 }, pems.privatePem), keys), undefined);
  });

  it('refuses tokens without a string sub or a numeric exp, other keys, tampering and other algorithms', async () => {
    for (const bad of [
      { iss: claims.iss, sub: claims.sub },
      { iss: claims.iss, exp: claims.exp },
      { ...claims, sub: 7 },
      { ...claims, exp: String(claims.exp) },
    ]) {
      assert.equal(await verifyJwt(handMade(bad, pems.privatePem), keys), undefined, JSON.stringify(bad));
    }
    assert.equal(await verifyJwt(await signJwt(claims, other), keys), undefined);
    const [h, , s] = (await signJwt(claims, keys)).split('.');
    assert.equal(
      await verifyJwt(`${h}.${b64url(JSON.stringify({ ...claims, sub: 'someone-else' }))}.${s}`, keys),
      undefined,
    );
    const payload = b64url(JSON.stringify(claims));
    const none = `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${payload}.`;
    assert.equal(await verifyJwt(none, keys), undefined);
    // The classic confusion: HS256 keyed with the published public key.
    const hsBody = `${b64url(JSON.stringify({ typ: 'JWT', alg: 'HS256' }))}.${payload}`;
    const hs = `${hsBody}.${b64url(createHmac('sha256', pems.publicPem).update(hsBody).digest())}`;
    assert.equal(await verifyJwt(hs, keys), undefined);
    assert.equal(await verifyJwt('not.a.token', keys), undefined);
  });

  it('publishes the public key as the JWK it always served', () => {
    const { kty, n, e } = createPublicKey(pems.publicPem).export({ format: 'jwk' }) as {
      kty: string;
      n: string;
      e: string;
    };
    assert.deepEqual(Object.entries(keys.jwk), Object.entries({ kty, n, e, alg: 'RS256', use: 'sig' }));
    assert.equal(keys.publicPem, pems.publicPem);
  });

  it('tells JWT-shaped bearer values from Hush tokens', async () => {
    assert.equal(looksLikeJwt(await signJwt(claims, keys)), true);
    assert.equal(looksLikeJwt(`${b64url('{"alg":"RS256"}')}.e30.c2ln`), true);
    for (const value of [
      'hush_0123456789abcdef',
      'a.b',
      `${b64url('{"typ":"JWT"}')}.e30.c2ln`,
      `${b64url('not json')}.e30.c2ln`,
      `${b64url('{"alg":"RS256"}')}.e 30.c2ln`,
    ]) {
      assert.equal(looksLikeJwt(value), false, value);
    }
  });
});
