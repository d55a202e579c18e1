/**
 * The small HTTP endpoint of `zk-elect node`: `GET /status` (JSON), `GET /metrics`
 * (Prometheus) and `GET /healthz`. Its address is what the node registers and campaigns with.
 * @module
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the endpoint serves; each provider is called per request. */
export interface NodeHttpHandlers {
  /** The body of `/status` (serialised as JSON; bigints as strings). */
  status(): object;
  /** The body and content type of `/metrics`. */
  metrics(): Promise<{ body: string; contentType: string }>;
  /** `/healthz`: `ok` true → 200, false → 503; `reason` is the body. */
  health(): { ok: boolean; reason: string };
}

/** A listening endpoint. */
export interface NodeHttpServer {
  /** `http://<host>:<port>` with the actual port. */
  address: string;
  port: number;
  /** Stops listening and drops open connections (keep-alive ones too). Never rejects. */
  close(): Promise<void>;
}

/** A port that is in use or not allowed; the node reports it with exit code 4. */
export class ListenError extends Error {
  override name = 'ListenError';
}

function send(res: http.ServerResponse, status: number, body: string, type: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const toJson = (value: object) => JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2) + '\n';

async function route(req: http.IncomingMessage, res: http.ServerResponse, h: NodeHttpHandlers): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'only GET\n', 'text/plain');
  switch (path) {
    case '/status':
      return send(res, 200, toJson(h.status()), 'application/json');
    case '/metrics': {
      const m = await h.metrics();
      return send(res, 200, m.body, m.contentType);
    }
    case '/healthz': {
      const health = h.health();
      return send(res, health.ok ? 200 : 503, health.reason + '\n', 'text/plain');
    }
    case '/':
      return send(res, 200, 'zk-elect node: GET /status, /metrics, /healthz\n', 'text/plain');
    default:
      return send(res, 404, 'not found: try /status, /metrics or /healthz\n', 'text/plain');
  }
}

/**
 * Listens on `host:port` (port 0: a free one) and serves the handlers.
 * Blocks until listening. @throws ListenError for a port in use or not permitted.
 */
export async function startNodeHttp(host: string, port: number, handlers: NodeHttpHandlers): Promise<NodeHttpServer> {
  const server = http.createServer((req, res) => {
    route(req, res, handlers).catch((err) => {
      if (!res.headersSent) send(res, 500, `error: ${(err as Error)?.message ?? err}\n`, 'text/plain');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? 'is already in use' : err.code === 'EACCES' ? 'is not permitted' : `failed (${err.message})`;
      reject(new ListenError(`listening on ${host}:${port} ${why}; choose another --port (0 picks a free one) or --host`));
    });
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    address: `http://${shownHost}:${actual}`,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
