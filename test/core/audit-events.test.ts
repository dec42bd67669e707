import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AUDIT_VERBS, auditNameProblem, defineAuditEvents } from '../../src/core/audit/events.js';

describe('audit action naming rule (src/core/audit/events.ts)', () => {
  it('accepts <object>.<verb> in snake_case with a listed verb', () => {
    for (const name of [
      'secret.read',
      'user_key.create',
      'master_key.bootstrap',
      'session_key.refused',
      'value2.update',
      'token.provision',
    ]) {
      assert.equal(auditNameProblem(name), undefined, name);
    }
    for (const verb of AUDIT_VERBS) assert.equal(auditNameProblem(`thing.${verb}`), undefined, verb);
  });

  it('refuses other shapes, saying why', () => {
    const shapes = [
      'secret', // no verb
      'secret.history.read', // three parts: the object is one snake_case word
      'netbox.secret.read', // the engine is its own column, never part of the name
      'Secret.read', // upper case
      'secretRead.read', // camelCase
      'secret-key.read', // kebab-case
      '_secret.read', // leading underscore
      '1secret.read', // leading digit
      'secret.', // empty verb
      '.read', // empty object
      'secret.read ', // trailing space
      '', // empty
    ];
    for (const name of shapes)
      assert.match(auditNameProblem(name) ?? '', /is not <object>\.<verb> in snake_case/, JSON.stringify(name));
  });

  it('refuses a verb that is not listed, naming the verbs that are', () => {
    const problem = auditNameProblem('secret.reveal');
    assert.match(problem ?? '', /ends in "reveal", which is not one of create, read,/);
    assert.match(auditNameProblem('secret.reads') ?? '', /"reads"/);
  });

  it('defineAuditEvents returns the names frozen, and throws naming every broken one', () => {
    const events = defineAuditEvents({ secretRead: 'secret.read', secretCreate: 'secret.create' });
    assert.deepEqual(events, { secretRead: 'secret.read', secretCreate: 'secret.create' });
    assert.ok(Object.isFrozen(events));
    assert.throws(
      () => defineAuditEvents({ ok: 'secret.read', a: 'netbox.secret.read', b: 'secret.peek' }),
      (e: Error) =>
        /netbox\.secret\.read/.test(e.message) && /"peek"/.test(e.message) && !/"secret\.read" is not/.test(e.message),
    );
  });
});
