import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { startHush, type RunningHush } from '../helpers/server.js';
import { P, unlockedAdmin } from '../engines/netbox/helpers.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../test/conformance/netbox_crypto_check.py',
);
const available = spawnSync(PYTHON, ['-c', 'import cryptography'], { encoding: 'utf8' }).status === 0;
const skip = available
  ? false
  : 'python3-cryptography is not installed (apt-get install -y python3-cryptography); NetBox crypto compatibility SKIPPED';
if (skip) process.stderr.write(`!!! ${skip}\n`);

function python(input: unknown): Promise<any> {
  return new Promise((resolve, reject) => {
    const child = execFile(PYTHON, [SCRIPT], { encoding: 'utf8', timeout: 30_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
    );
    child.stdin!.end(JSON.stringify(input));
  });
}

/**
 * Hush's master-key copy, session-key mask, secret ciphertext and hash, checked by an independent implementation
 * (Python, standard library + python3-cryptography) in the original's formats (docs/wire/netbox.md §2, §6 case 68);
 * and a secret encrypted by that implementation, read back through Hush's API.
 */
describe('NetBox crypto compatibility with an independent implementation', { skip }, () => {
  let hush: RunningHush;
  before(async () => {
    hush = await startHush();
  });
  after(() => hush.close());

  it('decrypts what Hush stores, and Hush decrypts what the original format holds', async () => {
    const s = await unlockedAdmin(hush);
    const plaintext = 'p@ss wörd';
    const created = await s.call('POST', `${P}/secrets/`, {
      assigned_object_type: 'dcim.device',
      assigned_object_id: s.deviceId,
      role: s.roleId,
      name: 'compat',
      plaintext,
    });
    assert.equal(created.status, 201);
    const db = hush.app.core.db as Kysely<any>;
    const { keyring } = hush.app.core;
    const userKey = await db
      .selectFrom('netbox_user_keys')
      .selectAll()
      .where('id', '=', s.userKeyId)
      .executeTakeFirstOrThrow();
    const session = await db
      .selectFrom('netbox_session_keys')
      .selectAll()
      .where('userkey_id', '=', s.userKeyId)
      .executeTakeFirstOrThrow();
    const secret = await db
      .selectFrom('netbox_secrets')
      .selectAll()
      .where('id', '=', created.body.id)
      .executeTakeFirstOrThrow();
    // Hush wraps the original's bytes in its keyring at rest; unwrapped, they are the original's formats.
    const sessionCipher = await keyring
      .cipher('netbox_session_keys')
      .open(session.cipher, { row: session.seal_id, column: 'cipher' });
    const ciphertext = await keyring
      .cipher('netbox_secrets')
      .open(secret.ciphertext, { row: secret.seal_id, column: 'ciphertext' });

    const out = await python({
      private_key: s.pair.privateKey,
      master_key_cipher: userKey.master_key_cipher,
      session_key: s.sessionKey,
      session_cipher: sessionCipher.toString('base64'),
      ciphertext: ciphertext.toString('base64'),
      hash: created.body.hash,
    });
    assert.equal(out.master_key_len, 32);
    assert.equal(out.session_cipher_matches, true);
    assert.equal(out.frame_len, 64);
    assert.equal(out.plaintext, plaintext);
    assert.equal(out.cfb128_differs, true);
    assert.deepEqual([out.hash_algorithm, out.hash_iterations, out.hash_verifies], ['pbkdf2_sha256', 1000, true]);

    // A secret in the original's format (as an import from NetBox would bring it) reads back through the API.
    const sealId = 'imported-1';
    const sealed = await keyring
      .cipher('netbox_secrets')
      .seal(Buffer.from(out.foreign_ciphertext, 'base64'), { row: sealId, column: 'ciphertext' });
    const now = new Date().toISOString();
    const row = await db
      .insertInto('netbox_secrets')
      .values({
        assigned_object_type: 'dcim.device',
        assigned_object_id: s.deviceId,
        role_id: s.roleId,
        name: 'imported',
        seal_id: sealId,
        ciphertext: sealed,
        hash: out.foreign_hash,
        description: '',
        comments: '',
        created: now,
        last_updated: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    assert.equal((await s.call('GET', `${P}/secrets/${row.id}/`)).body.plaintext, 'made in python ✓');
  });
});
