import { HushError } from './errors.js';

/**
 * Bounds how much expensive cryptography runs at once. Key generation and scrypt run on libuv's worker threads
 * (four by default, shared with file and DNS work): without a bound, a handful of 8192-bit key generations occupy
 * them all and every password login waits behind them. A gate lets `max` operations run, parks up to `queue` more
 * in arrival order, and refuses the rest at once with 429 and Retry-After, so a flood costs its sender, not the
 * other users. Gates are per process; they never nest (a task must not enter a gate it already holds a slot of).
 */
export interface CryptoGateOptions {
  /** What the gate guards, for the client's message: "key generation", "password and key checks". */
  readonly name: string;
  readonly max: number;
  readonly queue: number;
  /** What the 429 tells the client to wait: about how long the queue takes to drain. */
  readonly retryAfterSeconds: number;
}

export interface CryptoGate {
  /** Runs `work` when a slot is free; throws `rate_limited` (reason `crypto_busy`) when the queue is full too. */
  run<T>(work: () => Promise<T> | T): Promise<T>;
  /** Operations running now. */
  readonly active: number;
  /** Operations waiting for a slot. */
  readonly waiting: number;
  readonly max: number;
}

export function createCryptoGate(options: CryptoGateOptions): CryptoGate {
  const { max, queue, retryAfterSeconds } = options;
  if (!Number.isInteger(max) || max < 1) throw new RangeError('crypto gate: max must be a positive integer');
  if (!Number.isInteger(queue) || queue < 0) throw new RangeError('crypto gate: queue must be 0 or more');
  let active = 0;
  const waiting: Array<() => void> = [];

  // A finished task hands its slot straight to the longest waiter, so `active` never dips below what is running.
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };

  return {
    get active() {
      return active;
    },
    get waiting() {
      return waiting.length;
    },
    max,
    async run<T>(work: () => Promise<T> | T): Promise<T> {
      if (active < max) active++;
      else if (waiting.length < queue) await new Promise<void>((resolve) => waiting.push(resolve));
      else {
        throw new HushError(
          'rate_limited',
          `The server is busy with other ${options.name}; try again in ${retryAfterSeconds} second${retryAfterSeconds === 1 ? '' : 's'}.`,
          {
            reason: 'crypto_busy',
            retryAfterSeconds,
          },
        );
      }
      try {
        return await work();
      } finally {
        release();
      }
    },
  };
}

/** The gates of one process, sized by configuration (HUSH_KEYGEN_*, HUSH_CRYPTO_*). */
export function createCryptoGates(limits: {
  keyGeneration: { concurrency: number; queue: number };
  crypto: { concurrency: number; queue: number };
}) {
  return {
    /** RSA key-pair generation: seconds of a worker thread each. */
    keyGeneration: createCryptoGate({
      name: 'key generation',
      max: limits.keyGeneration.concurrency,
      queue: limits.keyGeneration.queue,
      retryAfterSeconds: 5,
    }),
    /**
     * Per-login work, tens of milliseconds each: scrypt hashing and checks, RSA private-key unlocks of NetBox session
     * keys, OpenPGP login challenges. Kept apart from key generation, so logins never wait behind it.
     */
    credentials: createCryptoGate({
      name: 'password and key checks',
      max: limits.crypto.concurrency,
      queue: limits.crypto.queue,
      retryAfterSeconds: 1,
    }),
  };
}
