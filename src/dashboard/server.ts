/**
 * The dashboard's HTTP server: the page (`GET /`), live snapshots as server-sent events
 * (`GET /events`), the current snapshot (`GET /api/snapshot`) and the demo's actions
 * (`POST /api/<action>` with a JSON body).
 * @module
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ActionError, checkAction, performAction } from './actions.js';
import type { DashboardModel } from './model.js';
import { PAGE_HTML } from './page.js';
import { PAGE_SCRIPT_PATH, loadPageScripts } from './page-script.js';

/** Options of {@link serveDashboard}. */
export interface ServeOptions {
  /** Interface to listen on. Default 127.0.0.1: the actions kill processes, so keep it local. */
  host?: string;
  /** Port; 0 picks a free one. Default 8080. */
  port?: number;
  /** When the port is busy, listen on a free one instead of failing. Default true. */
  fallback?: boolean;
}

/** A listening dashboard. */
export interface DashboardServer {
  /** `http://<host>:<port>/` (0.0.0.0 is shown as 127.0.0.1). */
  url: string;
  port: number;
  /** True when the requested port was busy and another one was taken. */
  fellBack: boolean;
  /** Ends the event streams, stops listening and drops connections. Never rejects. */
  close(): Promise<void>;
}

const MAX_BODY = 16 * 1024;
const HEARTBEAT_MS = 15_000;

/**
 * Serves `model` on `host:port`. Blocks until the page's script is read and the port listens.
 * @throws Error when the page's script was not built (the message says how); Error with code
 *   EADDRINUSE (port busy and `fallback: false`), EACCES, etc.
 */
export async function serveDashboard(model: DashboardModel, opts: ServeOptions = {}): Promise<DashboardServer> {
  const host = opts.host ?? '127.0.0.1';
  const site: Site = { model, streams: new Set(), scripts: await loadPageScripts() };
  const streams = site.streams;
  const server = http.createServer((req, res) => void route(site, req, res));
  const onSnapshot = () => broadcast(streams, model);
  model.on('snapshot', onSnapshot);
  const heartbeat = setInterval(() => streams.forEach((s) => s.write(': ping\n\n')), HEARTBEAT_MS);
  heartbeat.unref();
  let fellBack = false;
  try {
    await listen(server, opts.port ?? 8080, host);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || opts.fallback === false) throw (model.off('snapshot', onSnapshot), clearInterval(heartbeat), err);
    fellBack = true;
    await listen(server, 0, host);
  }
  const port = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    url: `http://${shown}:${port}/`,
    port,
    fellBack,
    close: () =>
      new Promise<void>((resolve) => {
        model.off('snapshot', onSnapshot);
        clearInterval(heartbeat);
        streams.forEach((s) => s.end());
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => (server.off('error', onError), resolve()));
  });
}

function broadcast(streams: Set<http.ServerResponse>, model: DashboardModel): void {
  if (streams.size === 0) return;
  const frame = `data: ${JSON.stringify(model.snapshot())}\n\n`;
  streams.forEach((s) => s.write(frame));
}

function send(res: http.ServerResponse, status: number, body: string, type = 'application/json; charset=utf-8', headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

const json = (value: unknown) => JSON.stringify(value);

/** What the routes serve: the model, the open event streams, the page's script files. */
interface Site {
  model: DashboardModel;
  streams: Set<http.ServerResponse>;
  scripts: ReadonlyMap<string, string>;
}

async function route({ model, streams, scripts }: Site, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const method = req.method ?? 'GET';
  try {
    if (path.startsWith('/api/') && path !== '/api/snapshot') {
      if (method !== 'POST') return send(res, 405, json({ error: `use POST for ${path}` }), undefined, { allow: 'POST' });
      const action = path.slice('/api/'.length);
      checkAction(model, action);
      return send(res, 200, json({ ok: true, ...(await performAction(model, action, await readJsonBody(req))) }));
    }
    if (method !== 'GET' && method !== 'HEAD') return send(res, 405, json({ error: `use GET for ${path}` }), undefined, { allow: 'GET' });
    const script = path.startsWith(PAGE_SCRIPT_PATH) ? scripts.get(path.slice(PAGE_SCRIPT_PATH.length)) : undefined;
    if (script !== undefined) return send(res, 200, script, path.endsWith('.map') ? 'application/json; charset=utf-8' : 'text/javascript; charset=utf-8');
    switch (path) {
      case '/':
      case '/index.html':
        return send(res, 200, PAGE_HTML, 'text/html; charset=utf-8');
      case '/events':
        return openStream(model, streams, res);
      case '/api/snapshot':
        return send(res, 200, json(model.snapshot()));
      case '/favicon.ico':
        return send(res, 204, '', 'image/x-icon');
      default:
        return send(res, 404, json({ error: `not found: ${path} (the page is at /)` }));
    }
  } catch (err) {
    if (err instanceof ActionError) return send(res, err.status, json({ error: err.message }));
    if (!res.headersSent) send(res, 500, json({ error: (err as Error)?.message ?? String(err) }));
  }
}

function openStream(model: DashboardModel, streams: Set<http.ServerResponse>, res: http.ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
  // The browser reconnects 1 s after a drop; the first frame is the whole current state.
  res.write(`retry: 1000\n\ndata: ${JSON.stringify(model.snapshot())}\n\n`);
  streams.add(res);
  res.on('close', () => streams.delete(res));
}

/**
 * Reads a small JSON object body. The JSON content type is required: browsers cannot send it
 * cross-site without a CORS preflight (which this server never approves), so another web
 * page cannot make a visitor's browser kill the demo's nodes.
 * @throws ActionError 415 wrong type, 413 too large, 400 not a JSON object.
 */
async function readJsonBody(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) throw new ActionError('send the action as JSON: Content-Type: application/json', 415);
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new ActionError(`request body over ${MAX_BODY} bytes`, 413);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new ActionError(`the body is not valid JSON: ${(err as Error).message}`, 400);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ActionError('the body must be a JSON object, e.g. {"node": "node-2"}', 400);
  return body as Record<string, unknown>;
}
