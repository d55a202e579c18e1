/**
 * Puts the pieces together: {@link startDemo} (local ZooKeeper + node processes + dashboard
 * with fault actions) and {@link startDashboard} (the read-only page for any ensemble). The CLI
 * commands `zk-elect demo` and `zk-elect dashboard` are thin wrappers around these.
 * @module
 */
import { startEnsemble, type TestingEnsemble, type TestingOptions } from '../testing/index.js';
import { secureAccess, secureServerOptions } from './secure-demo.js';
import { Fleet } from './fleet.js';
import { DashboardModel } from './model.js';
import { serveDashboard, type DashboardServer, type ServeOptions } from './server.js';

/** Options of {@link startDemo}. */
export interface DemoOptions extends ServeOptions {
  /** Local ZooKeeper servers to start (1 = standalone). Default 3. Ignored with `zookeeper`. */
  servers?: number;
  /** Use this existing ensemble instead of starting servers. */
  zookeeper?: string;
  /** Node processes to launch. Default 5. */
  nodes?: number;
  /** The nodes' session timeout (ms): how long a crashed leader's znode outlives it. Default 4000. */
  sessionTimeoutMs?: number;
  /** Local servers' tickTime (ms). Default 500. */
  tickTime?: number;
  /** The node command (see {@link FleetOptions.command}); default this build's `zk-elect node`. */
  nodeCommand?: readonly string[];
  /** Told about each start-up step, for the terminal. */
  onProgress?: (text: string) => void;
  /** Lock the local quorum down: SASL DIGEST-MD5 required and TLS; the nodes join over both. */
  secure?: boolean;
}

/** A running demo or dashboard. */
export interface RunningDashboard {
  /** The page's address. */
  url: string;
  model: DashboardModel;
  server: DashboardServer;
  /**
   * Tears everything down, in this order: node processes (SIGTERM, SIGKILL after 3 s), the HTTP
   * server, the dashboard's session, then the local servers and their temp dir. Idempotent;
   * never rejects.
   */
  close(): Promise<void>;
}

/** The `zk-elect node` flag that sets the session timeout. */
export const SESSION_TIMEOUT_FLAG = '--session-timeout';
const READY_TIMEOUT_MS = 30_000;

/**
 * Starts a demo: the local servers (unless `zookeeper` is given), the dashboard, then the nodes
 * one after another (so node-1 leads and each next one watches the previous). Blocks until
 * every node has joined the election (a few seconds, mostly the JVMs starting).
 * @throws ZooKeeperNotFoundError / JavaNotFoundError without a ZooKeeper install; Error when
 *   the port cannot be opened or a node fails to join (everything started is torn down first).
 */
export async function startDemo(opts: DemoOptions = {}): Promise<RunningDashboard> {
  const progress = opts.onProgress ?? (() => undefined);
  const sessionTimeoutMs = opts.sessionTimeoutMs ?? 4000;
  const cleanup: (() => Promise<void>)[] = [];
  const close = once(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  });
  try {
    const secure = opts.secure && !opts.zookeeper ? secureServerOptions() : undefined;
    const ensemble = opts.zookeeper ? undefined : await startServers(opts, sessionTimeoutMs, progress, secure?.options);
    if (ensemble) cleanup.push(() => ensemble.stop());
    const access = secure && ensemble ? await secureAccess(ensemble, secure.password) : undefined;
    const connectString = access?.connectString ?? opts.zookeeper ?? ensemble!.connectString;
    const extraArgs = [SESSION_TIMEOUT_FLAG, String(sessionTimeoutMs), ...(access?.nodeArgs ?? [])];
    const fleet = new Fleet({ connectString, extraArgs, ...(opts.nodeCommand ? { command: opts.nodeCommand } : {}) });
    const model = new DashboardModel({ connectString, fleet, sessionTimeoutMs, ...(ensemble ? { ensemble } : {}), ...(access ? { client: access.client } : {}) });
    const server = await serve(model, opts, cleanup);
    cleanup.push(() => fleet.close());
    await model.whenConnected();
    progress(`launching ${opts.nodes ?? 5} nodes…`);
    for (let i = 0; i < (opts.nodes ?? 5); i++) await fleet.whenReady(fleet.add().id, READY_TIMEOUT_MS);
    return { url: server.url, model, server, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Options of {@link startDashboard}. */
export interface DashboardOptions extends ServeOptions {
  /** The ensemble to watch. */
  zookeeper: string;
  electionPath?: string;
  registryPath?: string;
  /** The named services' parent znode (default `/services`). */
  basePath?: string;
}

/**
 * Starts the read-only dashboard for an ensemble. Blocks until the page is served (not until
 * ZooKeeper answers: the page shows the servers down and the dashboard keeps trying).
 * @throws BadArgumentsError for a malformed connect string; Error when the port cannot be opened.
 */
export async function startDashboard(opts: DashboardOptions): Promise<RunningDashboard> {
  const model = new DashboardModel({ connectString: opts.zookeeper, ...pick(opts) });
  const cleanup: (() => Promise<void>)[] = [];
  const close = once(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  });
  try {
    const server = await serve(model, opts, cleanup);
    return { url: server.url, model, server, close };
  } catch (err) {
    await close();
    throw err;
  }
}

async function startServers(opts: DemoOptions, sessionTimeoutMs: number, progress: (t: string) => void, secure?: Pick<TestingOptions, 'tls' | 'sasl'>): Promise<TestingEnsemble> {
  const size = opts.servers ?? 3;
  const tickTime = opts.tickTime ?? 500;
  progress(`starting ${size === 1 ? 'a standalone ZooKeeper server' : `a ZooKeeper quorum of ${size} servers`}${secure ? ' (SASL required, TLS)' : ''}…`);
  return startEnsemble(size, {
    ...secure,
    tickTime,
    // Let the server grant exactly the timeout asked for, however short or long.
    minSessionTimeout: Math.min(2 * tickTime, sessionTimeoutMs),
    maxSessionTimeout: Math.max(20 * tickTime, sessionTimeoutMs),
  });
}

async function serve(model: DashboardModel, opts: ServeOptions, cleanup: (() => Promise<void>)[]): Promise<DashboardServer> {
  cleanup.push(() => model.close());
  await model.start();
  const server = await serveDashboard(model, opts);
  cleanup.push(() => server.close());
  return server;
}

function pick(opts: DashboardOptions): { electionPath?: string; registryPath?: string; basePath?: string } {
  return { ...(opts.electionPath ? { electionPath: opts.electionPath } : {}), ...(opts.registryPath ? { registryPath: opts.registryPath } : {}), ...(opts.basePath ? { basePath: opts.basePath } : {}) };
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let p: Promise<void> | undefined;
  return () => (p ??= fn());
}
