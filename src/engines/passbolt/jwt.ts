import { decodeProtectedHeader, exportJWK, importPKCS8, importSPKI, jwtVerify, SignJWT, type CryptoKey } from 'jose';
import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';

/**
 * RS256 JSON Web Tokens, as Passbolt's access tokens (plugins/PassboltCe/JwtAuthentication JwtTokenCreateService:
 * firebase/php-jwt, RS256, claims iss/sub/exp), signed and checked by `jose`. The private key never leaves the
 * engine except sealed by the keyring.
 */
const ALG = 'RS256';

export interface AccessClaims {
  iss: string;
  sub: string;
  exp: number;
  /** The id of the user's OpenPGP key row when the token was issued: a token outlives no key replacement. */
  key?: string;
}

/** The JWT key pair, parsed once when the server keys are loaded (server-keys.ts), and the public half as served. */
export interface JwtKeys {
  readonly publicPem: string;
  readonly jwk: { kty: string; n: string; e: string; alg: typeof ALG; use: 'sig' };
  readonly signing: CryptoKey;
  readonly verifying: CryptoKey;
}

const generate = promisify(generateKeyPair);

/** Made once per installation, on a worker thread: a 3072-bit key takes long enough to stall every request otherwise. */
export async function generateJwtKeyPair(): Promise<{ publicPem: string; privatePem: string }> {
  const { publicKey, privateKey } = await generate('rsa', { modulusLength: 3072 });
  return {
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

export async function jwtKeysOf(publicPem: string, privatePem: string): Promise<JwtKeys> {
  const verifying = await importSPKI(publicPem, ALG, { extractable: true });
  // An RSA public key exports exactly these three members; the order is the one GET /auth/jwt/jwks.json has always had.
  const { kty, n, e } = (await exportJWK(verifying)) as { kty: string; n: string; e: string };
  return {
    publicPem,
    jwk: { kty, n, e, alg: ALG, use: 'sig' },
    signing: await importPKCS8(privatePem, ALG),
    verifying,
  };
}

/** The header is `{"typ":"JWT","alg":"RS256"}` in that order and the claims are exactly iss, sub, exp: the wire format tokens have always had. */
export function signJwt(claims: AccessClaims, keys: JwtKeys): Promise<string> {
  return new SignJWT({ iss: claims.iss, sub: claims.sub, exp: claims.exp, ...(claims.key ? { key: claims.key } : {}) })
    .setProtectedHeader({ typ: 'JWT', alg: ALG })
    .sign(keys.signing);
}

/** True when `value` has the shape of a JWT at all (three base64url parts, a JSON header naming an alg). */
export function looksLikeJwt(value: string): boolean {
  const parts = value.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) return false;
  try {
    return typeof decodeProtectedHeader(value).alg === 'string';
  } catch {
    return false;
  }
}

/**
 * The claims of a token signed by `keys` with RS256 (no other algorithm is accepted) whose `sub` is a string and
 * whose `exp` is a number after now, with no clock tolerance; undefined otherwise. The issuer is not checked: a
 * token stays valid whichever address of the server the client logged in at.
 */
export async function verifyJwt(token: string, keys: JwtKeys, now?: Date): Promise<AccessClaims | undefined> {
  try {
    const { payload } = await jwtVerify(token, keys.verifying, {
      algorithms: [ALG],
      requiredClaims: ['sub', 'exp'],
      ...(now ? { currentDate: now } : {}),
    });
    if (typeof payload.sub !== 'string' || typeof payload.exp !== 'number') return undefined;
    if (payload.key !== undefined && typeof payload.key !== 'string') return undefined;
    return payload as unknown as AccessClaims;
  } catch {
    return undefined;
  }
}
