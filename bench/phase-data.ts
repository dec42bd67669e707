// Secrets shaped like a real Phase environment for the phase-* scenarios: service-style keys, values of 40-80
// characters, some tags and comments, optionally a couple of `${KEY}` references. Sizes drive the cost of
// encryption, JSON and the answer, so a toy `K1=v1` would understate both Hush and the ceiling.
import { createHash } from 'node:crypto';

export interface PhaseSecretInput {
  key: string;
  value: string;
  path: string;
  comment: string;
  tags: string[];
}

const KINDS = ['DATABASE_URL', 'REDIS_URL', 'API_KEY', 'JWT_SECRET', 'SMTP_PASSWORD'] as const;

/** Deterministic, so every run of the harness sends and stores the same bytes. */
function filler(seed: string, length: number): string {
  let text = '';
  for (let i = 0; text.length < length; i++) text += createHash('sha256').update(`${seed}:${i}`).digest('base64url');
  return text.slice(0, length);
}

/** A value of exactly `length` characters (40-80), dressed like the kind of secret the key names. */
function valueOf(service: number, kind: (typeof KINDS)[number], length: number): string {
  const seed = `${service}:${kind}`;
  const [prefix, suffix] =
    kind === 'DATABASE_URL'
      ? [`postgres://s${service}:`, `@db:5432/s${service}`]
      : kind === 'REDIS_URL'
        ? ['redis://:', `@cache:6379/${service % 16}`]
        : kind === 'API_KEY'
          ? ['sk_live_', '']
          : ['', ''];
  return prefix + filler(seed, length - prefix.length - suffix.length) + suffix;
}

/**
 * `count` secrets SERVICE_<n>_<KIND> in `path`, five per service. With `references`, SERVICE_1_ and SERVICE_2_DATABASE_URL
 * point at SERVICE_0_DATABASE_URL (in "/"), so a read also pays for resolving references, as real apps do.
 */
export function phaseSecrets(count: number, path: string, references = false): PhaseSecretInput[] {
  return Array.from({ length: count }, (_, i) => {
    const service = Math.floor(i / KINDS.length);
    const kind = KINDS[i % KINDS.length]!;
    const length = 40 + ((i * 37) % 41);
    const value =
      references && kind === 'DATABASE_URL' && (service === 1 || service === 2)
        ? `\${SERVICE_0_DATABASE_URL}?application_name=service_${service}`
        : valueOf(service, kind, length);
    return {
      key: `SERVICE_${service}_${kind}`,
      value,
      path,
      comment: i % 7 === 0 ? `owned by team ${service % 4}, rotated quarterly` : '',
      tags: i % 10 === 3 ? ['backend'] : i % 25 === 8 ? ['backend', 'pci'] : [],
    };
  });
}
