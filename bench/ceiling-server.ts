// The ceiling's child process: a bare node:http server, so it never shares an event loop with autocannon.
// The parent sends { routes: { "/ceiling/<scenario>": "<exact Hush body>" } } and gets { port } back.
import http from 'node:http';

interface RoutesMessage {
  routes: Record<string, string>;
}

const send = process.send?.bind(process);
if (!send) {
  process.stderr.write('ceiling-server is started by bench/run.js over IPC; it does nothing on its own\n');
  process.exit(1);
}

// Without this an orphaned ceiling would outlive a parent that was killed hard.
process.on('disconnect', () => process.exit(0));

process.once('message', (message: RoutesMessage) => {
  const routes = new Map<string, { body: Buffer; headers: http.OutgoingHttpHeaders }>();
  for (const [route, text] of Object.entries(message.routes)) {
    const body = Buffer.from(text, 'utf8');
    routes.set(route, { body, headers: { 'content-type': 'application/json', 'content-length': body.length } });
  }
  const server = http.createServer((req, res) => {
    const answer = routes.get(req.url ?? '');
    // Reading the request to its end keeps POST scenarios comparable with a server that parses the body.
    req.resume();
    req.once('end', () => {
      if (!answer) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"detail":"no such ceiling route"}');
        return;
      }
      res.writeHead(200, answer.headers).end(answer.body);
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    send({ port: typeof address === 'object' && address ? address.port : 0 });
  });
});
