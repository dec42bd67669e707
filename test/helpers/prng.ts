import { randomInt } from 'node:crypto';

/**
 * A small seeded PRNG (mulberry32) for the fuzz and crash suites: the same seed gives the same requests and the same
 * kill points, so a failure printed with its seed can be replayed.
 */
export interface Prng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [lo, hi] (both included). */
  int(lo: number, hi: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  /** A new generator derived from this one and `salt`, independent of how much this one is used afterwards. */
  fork(salt: number): Prng;
}

export function prng(seed: number): Prng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const self: Prng = {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (items) => {
      if (!items.length) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)]!;
    },
    chance: (p) => next() < p,
    fork: (salt) => prng(mix(seed, salt)),
  };
  return self;
}

/** Combines a seed and a salt into a new 32-bit seed (murmur3's finaliser). */
function mix(seed: number, salt: number): number {
  let h = (seed ^ Math.imul(salt + 0x9e3779b9, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The seed named by `variable` (decimal or 0x-hex), or a fresh random one. */
export function seedFrom(variable: string): number {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') return randomInt(0, 2 ** 32);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n >= 2 ** 32)
    throw new Error(`${variable} must be an integer 0..2^32-1, got "${raw}"`);
  return n;
}

/** A positive whole number from `variable`, or `fallback` when it is unset. */
export function countFrom(variable: string, fallback: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${variable} must be a whole number, got "${raw}"`);
  return n;
}
