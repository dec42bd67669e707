import { createPrivateKey, createPublicKey, createSign, createVerify, generateKeyPair, type JsonWebKey } from 'node:crypto';
import { promisify } from 'node:util';

/**
 * RS256 JSON Web Tokens, as Passbolt's access tokens (plugins/PassboltCe/JwtAuthentication JwtTokenCreateService:
 * firebase/php-jwt, RS256, claims iss/sub/exp). This is the engine's own wire-format crypto; the private key
 * never leaves this module except sealed by the keyring.
 */
const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');
const HEADER = b64url(JSON.stringify({ typ: 'JWT', alg: 'RS256' }));

export interface AccessClaims {
  iss: string;
  sub: string;
  exp: number;
}

const generate = promisify(generateKeyPair);

/** Made once per installation, on a worker thread: a 3072-bit key takes long enough to stall every request otherwise. */
export async function generateJwtKeyPair(): Promise<{ publicPem: string; privatePem: string }> {
  const { publicKey, privateKey } = await generate('rsa', { modulusLength: 3072 });
  return { publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

export function signJwt(claims: AccessClaims, privatePem: string): string {
  const body = `${HEADER}.${b64url(JSON.stringify(claims))}`;
  const signature = createSign('RSA-SHA256').update(body).sign(createPrivateKey(privatePem));
  return `${body}.${b64url(signature)}`;
}

/** True when `value` has the shape of a JWT at all (three base64url parts, a JSON header naming an alg). */
export function looksLikeJwt(value: string): boolean {
  const parts = value.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) return false;
  try {
    return typeof JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')).alg === 'string';
  } catch {
    return false;
  }
}

/** The claims of a token signed by `publicPem` with RS256 and not expired; undefined otherwise. Only RS256 is accepted. */
export function verifyJwt(token: string, publicPem: string, nowSeconds = Math.floor(Date.now() / 1000)): AccessClaims | undefined {
  const [head, payload, signature] = token.split('.');
  if (!head || !payload || !signature) return undefined;
  try {
    const header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8'));
    if (header.alg !== 'RS256') return undefined;
    const ok = createVerify('RSA-SHA256').update(`${head}.${payload}`).verify(createPublicKey(publicPem), Buffer.from(signature, 'base64url'));
    if (!ok) return undefined;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number' || claims.exp <= nowSeconds) return undefined;
    return claims as AccessClaims;
  } catch {
    return undefined;
  }
}

/** The public key as a JWK (GET /auth/jwt/jwks.json). */
export function publicJwk(publicPem: string): { kty: string; n: string; e: string; alg: 'RS256'; use: 'sig' } {
  // An RSA public key exports exactly these three members.
  const { kty, n, e } = createPublicKey(publicPem).export({ format: 'jwk' }) as { kty: string; n: string; e: string };
  return { kty, n, e, alg: 'RS256', use: 'sig' };
}
