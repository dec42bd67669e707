import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { defaultStatus } from '../../src/core/errors.js';
import { CONSOLE_CSP, installConsole, prefersHtml } from '../../src/http/console.js';
import { installErrorRenderer } from '../../src/http/errors.js';
import { rawRequest } from '../helpers/raw-http.js';
import { startHush, tempDir, type RunningHush } from '../helpers/server.js';

/** A bare server with only the console, over a directory of our making, rendering errors as the system routes do. */
async function consoleServer(dir: string): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify();
  installErrorRenderer(app, (error) => ({ status: defaultStatus[error.kind], body: { detail: error.message } }));
  await installConsole(app, { dir });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url };
}

const SCRIPT = `console.log(${JSON.stringify('x'.repeat(4000))});\n`;

describe('the console files', () => {
  let root: string;
  let server: { app: FastifyInstance; url: string };
  before(async () => {
    root = tempDir('hush-console-');
    const dir = path.join(root, 'dist');
    fs.mkdirSync(path.join(dir, 'assets'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'index.html'),
      '<!doctype html><title>Hush</title><script type="module" src="./assets/index-abc.js"></script>',
    );
    fs.writeFileSync(path.join(dir, 'assets', 'index-abc.js'), SCRIPT);
    fs.writeFileSync(path.join(dir, 'assets', '.hidden.js'), 'hidden');
    fs.writeFileSync(path.join(root, 'secret.txt'), 'TOP SECRET');
    server = await consoleServer(dir);
  });
  after(async () => {
    await server.app.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('serves the page under a CSP that allows only its own scripts and styles, and no framing', async () => {
    const res = await fetch(`${server.url}/ui/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/html/);
    const csp = res.headers.get('content-security-policy')!;
    assert.equal(csp, CONSOLE_CSP);
    for (const directive of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"])
      assert.ok(csp.includes(directive), directive);
    assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'));
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.doesNotMatch(res.headers.get('cache-control') ?? '', /immutable/);
    assert.match(await res.text(), /index-abc\.js/);
  });

  it('sends /ui to /ui/ (relative, so that it works under a proxy path too)', async () => {
    const res = await fetch(`${server.url}/ui`, { redirect: 'manual' });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), 'ui/');
  });

  it('serves built assets for ever, gzipped when the client accepts it', async () => {
    const plain = await rawRequest(server.url, 'GET /ui/assets/index-abc.js HTTP/1.1');
    assert.equal(plain.status, 200);
    assert.match(plain.headers['content-type']!, /^text\/javascript/);
    assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.body, SCRIPT);
    const zipped = await fetch(`${server.url}/ui/assets/index-abc.js`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(zipped.headers.get('content-encoding'), 'gzip');
    assert.equal(await zipped.text(), SCRIPT); // fetch inflates it
    const raw = await new Promise<Buffer>((resolve, reject) => {
      void import('node:http').then(({ get }) =>
        get(`${server.url}/ui/assets/index-abc.js`, { headers: { 'accept-encoding': 'gzip' } }, (r) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => resolve(Buffer.concat(chunks)));
        }).on('error', reject),
      );
    });
    assert.ok(raw.length < SCRIPT.length / 10);
    assert.equal(gunzipSync(raw).toString(), SCRIPT);
  });

  it('serves nothing outside assets/, nor dotfiles, nor unknown names', async () => {
    for (const target of [
      '..%2F..%2Fsecret.txt',
      '%2e%2e%2f%2e%2e%2fsecret.txt',
      '..%5C..%5Csecret.txt',
      '.hidden.js',
      'missing.js',
      '..',
      '%2e%2e',
      'index-abc.js%00.js',
    ]) {
      const res = await rawRequest(server.url, `GET /ui/assets/${target} HTTP/1.1`);
      assert.ok([400, 404].includes(res.status), `${target}: ${res.status}`);
      assert.doesNotMatch(res.body, /TOP SECRET|hidden/, target);
    }
    const res = await rawRequest(server.url, 'GET /ui/assets/../../secret.txt HTTP/1.1');
    assert.doesNotMatch(res.body, /TOP SECRET/);
  });
});

describe('the console before it is built', () => {
  let server: { app: FastifyInstance; url: string };
  const dir = path.join(tempDir('hush-console-'), 'nothing-here');
  before(async () => {
    server = await consoleServer(dir);
  });
  after(() => server.app.close());

  it('answers 404 with the command that builds it: a page for a browser, {"detail"} for others', async () => {
    const page = await fetch(`${server.url}/ui/`, { headers: { accept: 'text/html,*/*;q=0.8' } });
    assert.equal(page.status, 404);
    assert.match(page.headers.get('content-type')!, /^text\/html/);
    assert.equal(page.headers.get('content-security-policy'), CONSOLE_CSP);
    const text = await page.text();
    assert.match(text, /not been built/);
    assert.match(text, /npm run build/);
    assert.ok(!text.includes(dir), 'the page names a path of the machine');
    const api = await fetch(`${server.url}/ui/`);
    assert.equal(api.status, 404);
    assert.match(((await api.json()) as { detail: string }).detail, /not been built.*npm run build/);
  });

  it('answers 404 for its assets, saying how to build it', async () => {
    const res = await fetch(`${server.url}/ui/assets/index-abc.js`);
    assert.equal(res.status, 404);
    assert.match(((await res.json()) as { detail: string }).detail, /npm run build/);
  });
});

describe('/ for browsers and for API clients', () => {
  let hush: RunningHush;
  before(async () => {
    hush = await startHush();
  });
  after(() => hush.close());

  it('sends a browser asking for a page to the console', async () => {
    const accept = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
    for (const method of ['GET', 'HEAD']) {
      const res = await fetch(`${hush.url}/`, { method, headers: { accept }, redirect: 'manual' });
      assert.equal(res.status, 302, method);
      assert.equal(res.headers.get('location'), 'ui/');
      assert.match(res.headers.get('vary') ?? '', /accept/i);
    }
  });

  it("keeps today's answer for API clients", async () => {
    for (const accept of [undefined, '*/*', 'application/json', 'application/json, text/html;q=0.5', 'text/html;q=0']) {
      const res = await fetch(`${hush.url}/`, { headers: accept ? { accept } : {}, redirect: 'manual' });
      assert.equal(res.status, 200, String(accept));
      assert.equal(((await res.json()) as { status: string }).status, 'ok');
      assert.match(res.headers.get('vary') ?? '', /accept/i);
    }
  });

  it('serves /ui/ (built or not) with the console CSP, and leaves API answers without it', async () => {
    const page = await fetch(`${hush.url}/ui/`);
    assert.ok([200, 404].includes(page.status));
    assert.equal(page.headers.get('content-security-policy'), CONSOLE_CSP);
    const missing = await fetch(`${hush.url}/ui/assets/missing-0000.js`);
    assert.equal(missing.status, 404);
    assert.match(missing.headers.get('cache-control')!, /no-store/);
    assert.equal(typeof ((await missing.json()) as { detail: string }).detail, 'string');
    const api = await fetch(`${hush.url}/api/status/`);
    assert.equal(api.headers.get('content-security-policy'), null);
    assert.equal(api.headers.get('x-frame-options'), 'SAMEORIGIN');
  });
});

describe('prefersHtml', () => {
  it('reads the Accept header as browsers and API clients send it', () => {
    assert.equal(prefersHtml('text/html,application/xhtml+xml,*/*;q=0.8'), true);
    assert.equal(prefersHtml('text/html'), true);
    assert.equal(prefersHtml('TEXT/HTML; q=1'), true);
    assert.equal(prefersHtml(undefined), false);
    assert.equal(prefersHtml('*/*'), false);
    assert.equal(prefersHtml('application/json'), false);
    assert.equal(prefersHtml('application/json, text/html;q=0.9'), false);
    assert.equal(prefersHtml('text/html;q=0'), false);
    assert.equal(prefersHtml('text/html;q=abc'), false);
  });
});

describe('a console rebuilt while the server runs', () => {
  it('is served within the recheck interval, without looking at the disk on every request', async () => {
    const root = tempDir('hush-console-');
    const dir = path.join(root, 'dist');
    fs.mkdirSync(path.join(dir, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>one</title>');
    fs.writeFileSync(path.join(dir, 'assets', 'one-1.js'), 'one');
    const app = Fastify();
    installErrorRenderer(app, (error) => ({ status: defaultStatus[error.kind], body: { detail: error.message } }));
    await installConsole(app, { dir, recheckMs: 200 });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      assert.match(await (await fetch(`${url}/ui/`)).text(), /one/);
      // Counting the server's stat calls: node:fs's default export is the module's mutable object.
      const writableFs = fs as { statSync: typeof fs.statSync };
      const statSync = fs.statSync;
      let stats = 0;
      writableFs.statSync = ((...args: Parameters<typeof statSync>) => {
        stats += 1;
        return statSync(...args);
      }) as typeof statSync;
      try {
        for (let i = 0; i < 20; i++) assert.equal((await fetch(`${url}/ui/assets/one-1.js`)).status, 200);
      } finally {
        writableFs.statSync = statSync;
      }
      assert.ok(stats <= 1, `${stats} stat calls for 20 requests`);
      // A new build: new page, the old asset gone, a new one.
      fs.rmSync(path.join(dir, 'assets', 'one-1.js'));
      fs.writeFileSync(path.join(dir, 'assets', 'two-2.js'), 'two');
      fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>two, longer</title>');
      await new Promise((r) => setTimeout(r, 250));
      assert.match(await (await fetch(`${url}/ui/`)).text(), /two/);
      assert.equal(await (await fetch(`${url}/ui/assets/two-2.js`)).text(), 'two');
      assert.equal((await fetch(`${url}/ui/assets/one-1.js`)).status, 404);
    } finally {
      await app.close();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
