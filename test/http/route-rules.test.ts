import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyPluginAsync } from 'fastify';
import type { UserId } from '../../src/core/ids.js';
import { defineAuditEvents, type EngineContext, type EngineManifest } from '../../src/core/ports.js';
import { allEngines } from '../../src/engines/index.js';
import { auditActorOf, noChangeMade, recordPlaintextReads } from '../../src/http/route-kit.js';
import { startHush, type RunningHush } from '../helpers/server.js';
import { userWithGrants } from '../helpers/users.js';

/** A small engine used only here, to exercise the core's hooks exactly as a real engine would meet them. */
function probeEngine(routes: FastifyPluginAsync): EngineManifest {
  return probeEngineWith(() => routes);
}

function probeEngineWith(routesOf: (ctx: EngineContext) => FastifyPluginAsync): EngineManifest {
  return {
    name: 'probe',
    prefixes: ['/probe/'],
    migrations: undefined,
    auditEvents: probeEvents,
    objectTypes: [{ name: 'probe.thing', actions: ['view'], description: 'probe things' }],
    create: (ctx) => ({
      routes: routesOf(ctx),
      renderError: (e) => ({
        status:
          e.kind === 'unauthenticated'
            ? 401
            : e.kind === 'not_found'
              ? 404
              : e.kind === 'forbidden'
                ? 403
                : e.kind === 'invalid'
                  ? 422
                  : 500,
        body: { probe_error: e.message },
      }),
    }),
  };
}

const probeEvents = defineAuditEvents({ secretRead: 'secret.read', thingCreate: 'thing.create' });

const probeRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '/probe/secret',
    { config: { hush: { access: 'authenticated', returnsPlaintext: true } } },
    async (request) => {
      recordPlaintextReads(request, [
        { engine: 'probe', action: 'secret.read', objectType: 'probe.secret', objectId: 7 },
      ]);
      return { plaintext: 'hunter2' };
    },
  );
  app.get('/probe/forgetful', { config: { hush: { access: 'authenticated', returnsPlaintext: true } } }, async () => ({
    plaintext: 'leaked?',
  }));
  app.get('/probe/guarded', { config: { hush: { access: { objectType: 'probe.thing' } } } }, async () => ({
    ok: true,
  }));
  app.get('/probe/crash', { config: { hush: { access: 'public' } } }, async () => {
    throw new Error('database exploded at /var/lib/secret-path');
  });
};

describe('core route rules, through an engine', () => {
  let hush: RunningHush;
  before(async () => {
    hush = await startHush({ engines: [...allEngines(), probeEngine(probeRoutes)] });
  });
  after(() => hush.close());

  it('writes an audit entry before plaintext leaves', async () => {
    const res = await hush.request('GET', '/probe/secret');
    assert.equal(res.status, 200);
    assert.equal(res.body.plaintext, 'hunter2');
    const log = await hush.request('GET', '/api/core/audit-log/?engine=probe');
    assert.equal(log.body.count, 1);
    assert.equal(log.body.results[0].action, 'secret.read');
    assert.equal(log.body.results[0].object_id, '7');
    assert.equal(log.body.results[0].actor.username, 'admin');
    assert.ok(!JSON.stringify(log.body).includes('hunter2'));
  });

  it('fails closed when a handler returns plaintext without recording the read', async () => {
    const res = await hush.request('GET', '/probe/forgetful');
    assert.equal(res.status, 500);
    assert.ok(!JSON.stringify(res.body).includes('leaked'));
  });

  it("renders errors in the engine's own envelope, without internals", async () => {
    const res = await hush.request('GET', '/probe/crash', { token: null });
    assert.equal(res.status, 500);
    assert.deepEqual(Object.keys(res.body), ['probe_error']);
    assert.ok(!JSON.stringify(res.body).includes('secret-path'));
    const missing = await hush.request('GET', '/probe/nothing-here');
    assert.equal(missing.status, 404);
    assert.ok('probe_error' in missing.body);
  });

  it('enforces a declared object-type permission for non-superusers', async () => {
    const user = await userWithGrants(hush, 'probe-user');
    assert.equal((await hush.request('GET', '/probe/guarded', { token: user.token })).status, 403);
    await hush.request('POST', '/api/users/permissions/', {
      body: { name: 'probe view', object_types: ['probe.thing'], actions: ['view'], users: [user.id] },
    });
    assert.equal((await hush.request('GET', '/probe/guarded', { token: user.token })).status, 200);
    assert.equal((await hush.request('GET', '/probe/guarded', { token: null })).status, 401);
  });

  it('refuses to start when a route declares no access rule', async () => {
    const careless = probeEngine(async (app) => {
      app.get('/probe/open', async () => ({}));
    });
    await assert.rejects(startHush({ engines: [careless] }), /declares no access rule/);
  });

  it('refuses to start when a route checks an object type or action no manifest declares', async () => {
    const undeclaredType = probeEngine(async (app) => {
      app.get('/probe/typo', { config: { hush: { access: { objectType: 'probe.thnig' } } } }, async () => ({}));
    });
    await assert.rejects(
      startHush({ engines: [undeclaredType] }),
      /checks "view" on "probe\.thnig", which no engine declares/,
    );
    const undeclaredAction = probeEngine(async (app) => {
      app.delete(
        '/probe/thing',
        { config: { hush: { access: { objectType: 'probe.thing' }, changesData: true } } },
        async () => ({}),
      );
    });
    await assert.rejects(startHush({ engines: [undeclaredAction] }), /checks "delete" on "probe\.thing"/);
  });

  it('refuses a grant of what no engine checks, and a check of what no engine declares', async () => {
    const user = await hush.request('POST', '/api/users/users/', { body: { username: 'probe-grantee' } });
    const unknown = await hush.request('POST', '/api/users/permissions/', {
      body: { name: 'typo', object_types: ['probe.thnig'], actions: ['view'], users: [user.body.id] },
    });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.object_types[0], /unknown object type "probe\.thnig"; valid: .*probe\.thing/);
    // Even for a superuser: a check nobody can be granted is a bug to surface, not a silent answer.
    const superuser = {
      user: { id: 1 as UserId, username: 'admin', kind: 'person' as const, isSuperuser: true },
      tokenId: null,
      sessionId: null,
      writeEnabled: true,
    };
    await assert.rejects(
      hush.app.core.permissions.can(superuser, 'delete', 'probe.thing'),
      /"delete" on "probe\.thing", which no engine declares/,
    );
    assert.equal(await hush.app.core.permissions.can(superuser, 'view', 'probe.thing'), true);
  });

  it('refuses to start when a route would store plaintext answers for an Idempotency-Key', async () => {
    const hoarder = probeEngine(async (app) => {
      app.post(
        '/probe/both',
        { config: { hush: { access: 'authenticated', returnsPlaintext: true, idempotent: true, changesData: true } } },
        async () => ({}),
      );
    });
    await assert.rejects(startHush({ engines: [hoarder] }), /declares idempotent and returnsPlaintext/);
  });

  it('refuses to start when an unsafe route does not say whether it changes data, or a read says it does', async () => {
    const silent = probeEngine(async (app) => {
      app.post('/probe/thing', { config: { hush: { access: 'authenticated' } } }, async () => ({}));
    });
    await assert.rejects(
      startHush({ engines: [silent] }),
      /POST \/probe\/thing of probe does not say whether it changes data/,
    );
    const confused = probeEngine(async (app) => {
      app.get('/probe/thing', { config: { hush: { access: 'authenticated', changesData: true } } }, async () => ({}));
    });
    await assert.rejects(startHush({ engines: [confused] }), /is a read and cannot declare changesData/);
  });

  it("refuses to start when a route lies outside its engine's declared prefixes", async () => {
    const stray = probeEngine(async (app) => {
      app.get('/elsewhere/thing', { config: { hush: { access: 'public' } } }, async () => ({}));
    });
    await assert.rejects(
      startHush({ engines: [stray] }),
      /GET \/elsewhere\/thing of probe is outside its declared prefixes \(\/probe\/\)/,
    );
  });

  it('fails a 2xx answer to a change route that appended no change to the audit log, and passes one that did', async () => {
    let stored = 0;
    const writer = probeEngineWith((ctx) => async (app) => {
      const rules = { hush: { access: 'authenticated', changesData: true } } as const;
      app.post('/probe/forgetful-write', { config: rules }, async () => {
        stored += 1;
        return { stored };
      });
      app.post('/probe/write', { config: rules }, async (request) => {
        await ctx
          .store()
          .transaction()
          .execute((trx) =>
            ctx.audit.appendWithin(trx, auditActorOf(request), [
              { action: 'thing.create', objectType: 'probe.thing', objectId: 1 },
            ]),
          );
        return { ok: true };
      });
      app.post('/probe/nothing-to-do', { config: rules }, async (request) => {
        noChangeMade(request);
        return { ok: true };
      });
      app.post('/probe/misnamed', { config: rules }, async (request) => {
        await ctx
          .store()
          .transaction()
          .execute((trx) =>
            ctx.audit.appendWithin(trx, auditActorOf(request), [{ action: 'thing.made', objectType: 'probe.thing' }]),
          );
        return { ok: true };
      });
    });
    const probe = await startHush({ engines: [...allEngines(), writer] });
    try {
      const forgetful = await probe.request('POST', '/probe/forgetful-write');
      assert.equal(forgetful.status, 500);
      assert.deepEqual(Object.keys(forgetful.body), ['probe_error']);
      assert.equal(stored, 1, 'the handler ran: the hook fails the answer, it does not prevent the bug');
      assert.equal((await probe.request('POST', '/probe/write')).status, 200);
      assert.equal((await probe.request('POST', '/probe/nothing-to-do')).status, 200);
      // Two requests sharing a client-chosen X-Request-ID are still counted apart.
      const shared = { headers: { 'x-request-id': 'same-id-1234' } };
      const [good, bad] = await Promise.all([
        probe.request('POST', '/probe/write', shared),
        probe.request('POST', '/probe/forgetful-write', shared),
      ]);
      assert.deepEqual([good.status, bad.status], [200, 500]);
      assert.equal(
        (await probe.request('POST', '/probe/misnamed')).status,
        500,
        'an action the engine did not declare is refused',
      );
      const log = await probe.request('GET', '/api/core/audit-log/?engine=probe');
      assert.deepEqual(
        log.body.results.map((e: { action: string }) => e.action),
        ['thing.create', 'thing.create'],
      );
    } finally {
      await probe.close();
    }
  });
});
