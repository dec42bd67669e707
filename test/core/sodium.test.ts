import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { keyedBlake2b256Hex } from '../../src/core/keyring/sodium.js';

// Cross-SDK vectors published with phasehq/golang-sdk (phase/crypto/testdata/test_vectors.json), kept as data.
const fixture = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/phase-vectors.json');
const vectors = JSON.parse(readFileSync(fixture, 'utf8')) as { blake2b_digests: { input: string; salt: string; digest: string }[] };

describe('keyed BLAKE2b-256 (Phase keyDigest)', () => {
  it('matches the Phase SDK test vectors', async () => {
    assert.ok(vectors.blake2b_digests.length >= 5);
    for (const v of vectors.blake2b_digests) assert.equal(await keyedBlake2b256Hex(v.input, v.salt), v.digest, v.input.slice(0, 20));
  });
});
