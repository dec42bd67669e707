import type { JsonWebKey } from 'node:crypto';

/**
 * An unencrypted RSA private key in PEM (PKCS#1 `RSA PRIVATE KEY` or PKCS#8 `PRIVATE KEY`), read into its JWK
 * components, or undefined for anything else. OpenSSL 3 takes ~0.8 ms to decode a 2048-bit PEM key (its decoder
 * tries format after format) and ~0.1 ms to build the same key from JWK components; a NetBox session-key request
 * parses the key it carries every time, so that difference was a sixth of its CPU (issue 18). Only the exact DER
 * shapes below are read; whatever else a PEM may hold (an encrypted key, other key types, multi-prime RSA, extra
 * bytes) is left to OpenSSL, which decides as before.
 */
export function rsaPrivateKeyJwk(pem: string): JsonWebKey | undefined {
  // The layout OpenSSL reads: the markers on lines of their own, base64 lines between them, LF or CRLF.
  const match =
    /^\s*-----BEGIN (RSA PRIVATE KEY|PRIVATE KEY)-----\r?\n((?:[A-Za-z0-9+/=]+\r?\n)+)-----END \1-----\s*$/.exec(pem);
  if (!match) return undefined;
  const base64 = match[2]!.replace(/\r?\n/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 !== 0) return undefined;
  const der = Buffer.from(base64, 'base64');
  try {
    const pkcs1 = match[1] === 'PRIVATE KEY' ? pkcs8Contents(der) : der;
    return pkcs1 && pkcs1Jwk(pkcs1);
  } catch {
    return undefined;
  }
}

// rsaEncryption, 1.2.840.113549.1.1.1, as DER content bytes.
const RSA_ENCRYPTION = Buffer.from('2a864886f70d010101', 'hex');
const enum Tag {
  integer = 0x02,
  octetString = 0x04,
  nul = 0x05,
  oid = 0x06,
  sequence = 0x30,
}

/** A DER reader over one buffer; any malformed length throws (caught above: "not read here"). */
class Der {
  constructor(
    private readonly bytes: Buffer,
    private at = 0,
    private readonly end = bytes.length,
  ) {}

  get done(): boolean {
    return this.at === this.end;
  }

  /** The next element, which must have `tag`: a reader over its contents. */
  take(tag: Tag): Der {
    if (this.at + 2 > this.end || this.bytes[this.at] !== tag) throw new Error('unexpected tag');
    let length = this.bytes[this.at + 1]!;
    let start = this.at + 2;
    if (length & 0x80) {
      const octets = length & 0x7f;
      if (octets < 1 || octets > 3 || start + octets > this.end) throw new Error('unsupported length');
      length = 0;
      for (let i = 0; i < octets; i++) length = length * 256 + this.bytes[start + i]!;
      start += octets;
    }
    if (start + length > this.end) throw new Error('truncated');
    this.at = start + length;
    return new Der(this.bytes, start, start + length);
  }

  contents(): Buffer {
    return this.bytes.subarray(this.at, this.end);
  }

  /** A non-negative INTEGER as unsigned big-endian bytes (DER's leading zero of a high first byte dropped). */
  unsigned(): Buffer {
    const value = this.take(Tag.integer).contents();
    if (value.length === 0 || value[0]! & 0x80) throw new Error('not a non-negative integer');
    // DER's one encoding: a leading zero only before a high bit.
    if (value[0] === 0 && value.length > 1 && !(value[1]! & 0x80)) throw new Error('not minimally encoded');
    return value[0] === 0 && value.length > 1 ? value.subarray(1) : value;
  }
}

/** PrivateKeyInfo { version 0, AlgorithmIdentifier { rsaEncryption, NULL }, OCTET STRING RSAPrivateKey }. */
function pkcs8Contents(der: Buffer): Buffer | undefined {
  const outer = new Der(der);
  const info = outer.take(Tag.sequence);
  if (!outer.done || info.unsigned().toString('hex') !== '00') return undefined;
  const algorithm = info.take(Tag.sequence);
  if (!algorithm.take(Tag.oid).contents().equals(RSA_ENCRYPTION)) return undefined;
  if (algorithm.take(Tag.nul).contents().length !== 0 || !algorithm.done) return undefined;
  const key = info.take(Tag.octetString).contents();
  // Optional attributes ([0]) follow in some files: left to OpenSSL.
  return info.done ? key : undefined;
}

/** RSAPrivateKey { version 0, n, e, d, p, q, dp, dq, qi } (RFC 8017 A.1.2), two primes only. */
function pkcs1Jwk(der: Buffer): JsonWebKey | undefined {
  const outer = new Der(der);
  const key = outer.take(Tag.sequence);
  if (!outer.done || key.unsigned().toString('hex') !== '00') return undefined;
  const [n, e, d, p, q, dp, dq, qi] = Array.from({ length: 8 }, () => key.unsigned().toString('base64url'));
  if (!key.done) return undefined;
  return { kty: 'RSA', n, e, d, p, q, dp, dq, qi };
}
