import http, { type IncomingHttpHeaders } from 'node:http';

/** A request exactly as sent: the path is raw (node writes it as latin1, so `\xff` is the byte 0xff). */
export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer | undefined;
}

export interface RawResponse {
  /** 0 when no answer came (the connection closed or timed out); `error` says what happened. */
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  error?: string;
}

const TIMEOUT_MS = 30_000;

/**
 * One request on its own connection (no keep-alive), so a connection the server closes after an error cannot be
 * mistaken for the next request's failure. fetch would normalise `..` and refuse odd bytes; node:http sends them.
 */
export function send(base: URL, req: RawRequest): Promise<RawResponse> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: RawResponse) => {
      if (!settled) {
        settled = true;
        resolve(r);
      }
    };
    const headers = { ...req.headers };
    if (req.body !== undefined) headers['content-length'] = String(req.body.length);
    let outgoing: http.ClientRequest;
    try {
      outgoing = http.request(
        { host: base.hostname, port: base.port, method: req.method, path: req.path, headers, agent: false },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
          res.on('error', (e) =>
            done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), error: e.message }),
          );
        },
      );
    } catch (e) {
      // node refuses some paths or header values before sending: that request cannot exist on the wire.
      return done({ status: -1, headers: {}, body: Buffer.alloc(0), error: `not sendable: ${(e as Error).message}` });
    }
    outgoing.setTimeout(TIMEOUT_MS, () => {
      outgoing.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`));
    });
    outgoing.on('error', (e) => done({ status: 0, headers: {}, body: Buffer.alloc(0), error: e.message }));
    outgoing.end(req.body);
  });
}
