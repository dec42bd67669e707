// The floor's child process: a minimal secrets server doing only the required work of each scenario, with plain
// node:http and better-sqlite3 (bench/README.md, "Floor"). The parent sends a FloorStart and gets { port } back;
// an RsaLoopRequest is answered with an RsaLoopAnswer. It imports nothing from Hush.
import http from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  Refusal,
  renderHandler,
  rowsHandler,
  rsaLoop,
  sessionKeyHandler,
  type Handler,
  type RsaMaterial,
} from './handlers.js';
import { createStore, openDatabase, type Store } from './store.js';
import type { FloorStart, RsaLoopAnswer, RsaLoopRequest, VerifyAnswer, VerifyRequest } from './types.js';

const send = process.send?.bind(process);
if (!send) {
  process.stderr.write('floor/server is started by bench/run.js over IPC; it does nothing on its own\n');
  process.exit(1);
}
process.on('disconnect', () => process.exit(0));

const handlers = new Map<string, { handler: Handler; headers: Record<string, string> }>();
const rsa = new Map<string, RsaMaterial>();
let store: Store | undefined;

function start(message: FloorStart): void {
  const db = openDatabase(message.databaseFile);
  store = createStore(db);
  // Stands in for the keyring's data key: in memory, never stored beside the data.
  const rootKey = randomBytes(32);
  for (const s of message.scenarios) {
    let handler: Handler;
    if (s.kind === 'rows') handler = rowsHandler(db, store, rootKey, s);
    else if (s.kind === 'render') handler = renderHandler(db, store, rootKey, s);
    else {
      const made = sessionKeyHandler(db, store, rootKey, s);
      handler = made.handler;
      rsa.set(s.name, made.rsa);
    }
    handlers.set(`/floor/${encodeURIComponent(s.name)}`, { handler, headers: s.headers });
  }

  const server = http.createServer((req, res) => {
    const url = req.url ?? '';
    const route = handlers.get(url.split('?')[0]!);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => {
      const reply = (status: number, body: string, headers: Record<string, string>) => {
        res.writeHead(status, {
          ...headers,
          ...(headers['x-request-id'] ? { 'x-request-id': randomUUID() } : {}),
          'content-length': Buffer.byteLength(body),
        });
        res.end(body);
      };
      if (!route) return reply(404, '{"detail":"no such floor route"}', { 'content-type': 'application/json' });
      route.handler(req, Buffer.concat(chunks)).then(
        (answer) => reply(answer.status, answer.body, route.headers),
        (error: unknown) => {
          const status = error instanceof Refusal ? error.status : 500;
          const text = error instanceof Error ? error.message : String(error);
          reply(status, JSON.stringify({ detail: text }), { 'content-type': 'application/json' });
        },
      );
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    send!({ port: typeof address === 'object' && address ? address.port : 0 });
  });
}

process.on('message', (message: FloorStart | RsaLoopRequest | VerifyRequest) => {
  if ('verifyAudit' in message) {
    const answer: VerifyAnswer = { audit: store?.verify() ?? { entries: 0, ok: true, firstBad: null } };
    send(answer);
    return;
  }
  if ('rsaLoop' in message) {
    const material = rsa.get(message.rsaLoop.scenario);
    if (!material) throw new Error(`no RSA material for ${message.rsaLoop.scenario}`);
    const answer: RsaLoopAnswer = { rsa: rsaLoop(material, message.rsaLoop.seconds) };
    send(answer);
    return;
  }
  try {
    start(message);
  } catch (error) {
    process.stderr.write(`floor: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  }
});
