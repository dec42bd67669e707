import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCryptoGate } from '../../src/core/crypto-gate.js';
import { HushError } from '../../src/core/errors.js';

/** A task the test finishes when it chooses: `done()` resolves it, `fail()` rejects it. */
function latch() {
  let done!: () => void;
  let fail!: (e: Error) => void;
  const promise = new Promise<void>((resolve, reject) => {
    done = resolve;
    fail = reject;
  });
  return { promise, done, fail };
}

describe('crypto gate', () => {
  it('runs max tasks, queues the next ones in order, and refuses the rest with a 429 naming the wait', async () => {
    const gate = createCryptoGate({ name: 'key generation', max: 2, queue: 1, retryAfterSeconds: 5 });
    const order: string[] = [];
    const a = latch();
    const b = latch();
    const c = latch();
    const runs = [
      gate.run(async () => (await a.promise, order.push('a'))),
      gate.run(async () => (await b.promise, order.push('b'))),
      gate.run(async () => (order.push('c started'), await c.promise, order.push('c'))),
    ];
    assert.deepEqual([gate.active, gate.waiting], [2, 1]);
    await assert.rejects(
      gate.run(() => 'never'),
      (e: unknown) =>
        e instanceof HushError &&
        e.kind === 'rate_limited' &&
        e.reason === 'crypto_busy' &&
        e.retryAfterSeconds === 5 &&
        /key generation/.test(e.message),
    );
    b.done();
    await runs[1];
    // b's slot went straight to c: still two running, nobody waiting.
    await new Promise((r) => setImmediate(r));
    assert.deepEqual([gate.active, gate.waiting, order], [2, 0, ['b', 'c started']]);
    a.done();
    c.done();
    await Promise.all(runs);
    assert.deepEqual([gate.active, gate.waiting], [0, 0]);
  });

  it('frees the slot of a task that fails, and passes its error on', async () => {
    const gate = createCryptoGate({ name: 'password checks', max: 1, queue: 0, retryAfterSeconds: 1 });
    const a = latch();
    const failing = gate.run(() => a.promise);
    await assert.rejects(
      gate.run(() => 'busy'),
      (e: unknown) => e instanceof HushError && e.kind === 'rate_limited',
    );
    a.fail(new Error('scrypt failed'));
    await assert.rejects(failing, /scrypt failed/);
    assert.equal(gate.active, 0);
    assert.equal(await gate.run(() => 'free again'), 'free again');
  });

  it('refuses a size that would block everything', () => {
    assert.throws(() => createCryptoGate({ name: 'x', max: 0, queue: 1, retryAfterSeconds: 1 }), RangeError);
    assert.throws(() => createCryptoGate({ name: 'x', max: 1, queue: -1, retryAfterSeconds: 1 }), RangeError);
  });
});
