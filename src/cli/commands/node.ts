/**
 * `zk-elect node`: one leader/worker node as a program. It serves a small HTTP endpoint,
 * volunteers for leadership with that endpoint's address as candidate data, registers the address in the
 * service registry while it is a worker, watches the registry while it leads, and tells the
 * person at the terminal (or a script, with `--json`) everything that happens.
 * @module
 */
import { performance } from 'node:perf_hooks';
import { KeeperState } from '../../protocol/constants.js';
import { ClusterNode } from '../../recipes/cluster-node.js';
import type { ElectionStatus } from '../../recipes/election.js';
import { DEFAULT_ELECTION, DEFAULT_REGISTRY } from '../../recipes/defaults.js';
import { join } from '../../recipes/sequence.js';
import { COMMON_HELP, COMMON_OPTIONS, connectFlags, intOption, pathOption } from '../args.js';
import type { ZooKeeperOptions } from '../../client/index.js';
import { CliError, EXIT } from '../errors.js';
import { Reporter } from '../output.js';
import { onShutdownSignal } from '../signals.js';
import { runCommand } from '../command.js';
import { NodeMetrics } from '../metrics.js';
import { ListenError, startNodeHttp, type NodeHttpServer } from '../node-http.js';
import type { NodeEventContext, NodeEventFields, NodeEventName } from '../../process/node-events.js';

const USAGE = `Usage: zk-elect node [flags]

Runs one node of the design: it volunteers under the election parent (the smallest candidate
leads, every other candidate watches only its predecessor), registers its address in the
service registry while it is a worker, and, while it leads, prints the workers' addresses.
Ctrl-C or SIGTERM leaves gracefully: the session is closed, so the successor takes over at once.

Flags:
${COMMON_HELP}
      --election-path <p>   election parent znode (default ${DEFAULT_ELECTION})
      --registry-path <p>   service registry parent znode (default ${DEFAULT_REGISTRY})
      --port <n>            HTTP port for /status, /metrics, /healthz (default 0: a free port;
                            the endpoint always runs: its address is the node's identity)
      --host <h>            HTTP host (default 127.0.0.1); http://<host>:<port> is what the node
                            registers and campaigns with, so other machines need a reachable host
      --session-timeout <ms> ZooKeeper session timeout (default 10000). When this node dies or is
                            cut off, ZooKeeper deletes its znodes after this long: lower means faster
                            failover after a crash, but a GC pause or network blip longer than it
                            expires the session (a leader then loses leadership and re-joins at the
                            back). The server clamps it to 2-20 x its tickTime (4-40 s by default).
      --id <label>          a label for this node's output lines and /status (not sent to ZooKeeper)

With --json, stdout carries one JSON object per line: {"event", "time", "role", "node",
"leader", "watching", ...} ("role" is the election role: starting, joining, follower, leader,
suspended, closed). Events: listening, connected, elected, following, reelection,
registry, disconnected, suspended, reconnected, resumed, lost, expired, rejoined, shutdown,
closed. The first line (listening) has the HTTP "address". "leader" is the leader as of this
node's last election round: a follower is told only when its own predecessor goes (no herd).
Errors are {"event":"error",...} lines on stderr.

Exit codes: 0 graceful shutdown, 2 bad flags, 3 ZooKeeper unreachable, 4 --port unavailable,
5 ZooKeeper refused the credentials, 1 unexpected error, 130 second Ctrl-C during shutdown.

Example: three terminals running
  zk-elect node --zookeeper 127.0.0.1:2181
`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  'election-path': { type: 'string' },
  'registry-path': { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  'session-timeout': { type: 'string' },
  id: { type: 'string' },
} as const;

/** Parsed flags of `zk-elect node`. */
interface NodeOptions {
  connectString: string;
  electionPath: string;
  registryPath: string;
  port: number;
  host: string;
  sessionTimeout: number;
  /** The client options of the common flags (timeout, TLS, credentials). */
  client: ZooKeeperOptions;
  json: boolean;
  id?: string;
}

/** How often the CLI measures a ZooKeeper round trip with exists('/'). */
const PROBE_INTERVAL_MS = 5000;

function parseOptions(values: Record<string, string | boolean | undefined>): NodeOptions {
  const str = (k: string) => values[k] as string | undefined;
  const { connectString, client } = connectFlags(values);
  return {
    connectString,
    electionPath: pathOption(str('election-path'), 'election-path', DEFAULT_ELECTION),
    registryPath: pathOption(str('registry-path'), 'registry-path', DEFAULT_REGISTRY),
    port: intOption(str('port'), 'port', 0, 0, 65535),
    host: str('host') ?? '127.0.0.1',
    sessionTimeout: intOption(str('session-timeout'), 'session-timeout', 10000, 1),
    client,
    json: values.json === true,
    id: str('id'),
  };
}

/**
 * Runs `zk-elect node` with its flags. Blocks until Ctrl-C / SIGTERM (then resolves 0 after
 * the graceful shutdown) or a startup failure (2, 3, 4 or 1). Never throws.
 */
export function run(argv: string[]): Promise<number> {
  return runCommand(argv, OPTIONS, USAGE, ({ values }, ctx) => {
    const options = parseOptions(values);
    ctx.connectString = options.connectString;
    return new NodeProgram(options).run();
  });
}

/** One running node: HTTP endpoint, cluster node, output, metrics, shutdown. */
class NodeProgram {
  private readonly metrics = new NodeMetrics();
  private readonly out: Reporter;
  private readonly startedAt = Date.now();
  private http: NodeHttpServer | undefined;
  private node: ClusterNode | undefined;
  private address = '';
  private disconnected = false;
  /** performance.now() when the watched predecessor's deletion was notified. */
  private predecessorGoneAt: number | undefined;
  private lastWorkers: string | undefined;
  private probe: NodeJS.Timeout | undefined;
  private lastNode: string | undefined;
  /** The candidate node name last told to the person. */
  private announced: string | undefined;

  constructor(private readonly opts: NodeOptions) {
    this.out = new Reporter(opts.json, () => ({ ...this.context() }), opts.id);
  }

  /** Reports one event of the `--json` protocol (process/node-events.ts), or `text` for a person. */
  private say<E extends NodeEventName>(event: E, fields: NodeEventFields[E], text: string): void {
    this.out.event(event, fields, text);
  }

  /** Fields of every JSON line: where this node stands (its name stays known after closing). */
  private context(): Omit<NodeEventContext, 'time'> {
    const s = this.node?.election.status;
    if (s?.node) this.lastNode = s.node;
    return { role: s?.role ?? 'starting', node: s?.node ?? this.lastNode, leader: s?.leader, watching: s?.watching };
  }

  async run(): Promise<number> {
    let stop!: (signal: NodeJS.Signals) => void;
    const stopped = new Promise<NodeJS.Signals>((resolve) => (stop = resolve));
    const unhook = onShutdownSignal((s) => stop(s));
    try {
      await this.listen();
      const started = ClusterNode.start(this.opts.connectString, {
        address: this.address,
        electionPath: this.opts.electionPath,
        registryPath: this.opts.registryPath,
        zookeeper: { ...this.opts.client, sessionTimeout: this.opts.sessionTimeout },
      });
      const first = await Promise.race([started, stopped]);
      if (typeof first === 'string') return await this.abandonStart(first, started);
      this.node = first;
      this.attach(first);
      await this.shutdown(await stopped);
      return EXIT.OK;
    } finally {
      unhook();
      clearInterval(this.probe);
      await this.http?.close();
    }
  }

  private async listen(): Promise<void> {
    try {
      this.http = await startNodeHttp(this.opts.host, this.opts.port, {
        status: () => this.status(),
        metrics: () => this.metrics.scrape(),
        health: () => this.health(),
      });
    } catch (err) {
      if (err instanceof ListenError) throw new CliError(err.message, EXIT.UNAVAILABLE);
      throw err;
    }
    this.address = this.http.address;
    this.say('listening', { address: this.address, pid: process.pid }, `Serving /status, /metrics and /healthz at ${this.address}`);
  }

  /** Ctrl-C before the first connection: give up without waiting for the connect timeout. */
  private async abandonStart(signal: NodeJS.Signals, started: Promise<ClusterNode>): Promise<number> {
    this.say('shutdown', { signal }, `Received ${signal} before connecting: exiting`);
    // If the connection succeeds after all, leave at once rather than linger as a candidate.
    void started.then((n) => n.close()).catch(() => undefined);
    this.say('closed', {}, 'Exiting application');
    return EXIT.OK;
  }

  // ---- reporting what happens ---------------------------------------------------------------

  /** Prints the starting point, then follows every change through events. */
  private attach(node: ClusterNode): void {
    const zk = node.session.client;
    this.metrics.setConnectionState(zk.state);
    this.out.event(
      'connected',
      { address: this.address, server: zk.connectedServer, sessionId: zk.sessionIdHex, sessionTimeout: zk.sessionTimeout, pid: process.pid },
      `Successfully connected to ZooKeeper at ${zk.connectedServer} (session ${zk.sessionIdHex}, timeout ${zk.sessionTimeout} ms)\n` +
        `znode name ${join(this.opts.electionPath, node.election.status.node ?? '?')}`,
    );
    this.onRole(node.election.status);
    if (node.isLeader) this.onWorkers(node.workers);
    else if (node.registry.node) this.onRegistered(node.registry.node);
    this.follow(node);
    this.startProbe(node);
  }

  private follow(node: ClusterNode): void {
    const e = node.election;
    e.on('elected', () => this.onRole(e.status));
    e.on('following', () => this.onRole(e.status));
    e.on('predecessorGone', ({ predecessor }) => {
      this.predecessorGoneAt = performance.now();
      this.say('reelection', { gone: predecessor }, `Predecessor ${predecessor} is gone: re-electing`);
    });
    e.on('change', (s) => this.metrics.setLeader(s.role === 'leader'));
    e.on('suspended', (r) => this.say('suspended', { reason: r }, 'Leadership suspended while disconnected: leader work is paused'));
    e.on('resumed', () => this.say('resumed', {}, 'Reconnected with the session intact: still the leader'));
    e.on('lost', (r) => this.say('lost', { reason: r }, `I am no longer the leader (${r})`));
    e.on('error', (err) => this.out.error(err));
    node.on('workers', (w) => this.onWorkers(w));
    node.on('error', (err) => this.out.error(err));
    node.registry.on('registered', (n) => this.onRegistered(n));
    // Prepended: "disconnected" / "expired" should print before the election's reaction to them.
    node.session.prependListener('state', (s, r) => this.onState(s, r));
    node.session.on('session', (zk) => {
      this.say('rejoined', { server: zk.connectedServer, sessionId: zk.sessionIdHex }, `Re-joined with a new session ${zk.sessionIdHex} at ${zk.connectedServer}`);
    });
    node.session.on('error', (err) => this.out.error(err));
  }

  private onRole(s: ElectionStatus): void {
    this.metrics.setLeader(s.role === 'leader');
    if (s.role === 'leader') {
      this.metrics.elected();
      this.lastWorkers = undefined;
      const gone = this.predecessorGoneAt;
      this.predecessorGoneAt = undefined;
      const failoverMs = gone === undefined ? undefined : Math.round((performance.now() - gone) * 1000) / 1000;
      if (failoverMs !== undefined) this.metrics.observeFailover(failoverMs);
      const took = failoverMs === undefined ? '' : ` (${failoverMs} ms after the predecessor was deleted)`;
      this.say('elected', { epoch: String(s.epoch), failoverMs }, `${this.newName(s)}I am the leader${took}`);
    } else if (s.role === 'follower') {
      // A gone predecessor that was not the leader ends here: no failover of ours to time.
      this.predecessorGoneAt = undefined;
      this.say('following', {}, `${this.newName(s)}I am not the leader, ${s.leader} is the leader\nWatching znode ${s.watching}`);
    }
  }

  /** "znode name ..." when the candidate node changed (re-joined after expiry): people track names. */
  private newName(s: ElectionStatus): string {
    if (!s.node || s.node === this.announced) return '';
    const first = this.announced === undefined;
    this.announced = s.node;
    return first ? '' : `znode name ${join(this.opts.electionPath, s.node)}\n`;
  }

  private onWorkers(workers: string[]): void {
    // Discovery may still report between losing leadership and the worker role being applied.
    if (!this.node?.isLeader) return;
    const key = JSON.stringify(workers);
    if (key === this.lastWorkers) return; // discovery and the role change may both report the same view
    this.lastWorkers = key;
    this.say('registry', { workers }, `The cluster addresses are: ${workers.length ? workers.join(', ') : '(no workers yet)'}`);
  }

  private onRegistered(name: string): void {
    this.say('registry', { registered: name, address: this.address }, `Registered to the service registry as ${name} with address ${this.address}`);
  }

  private onState(state: KeeperState, reason?: string): void {
    this.metrics.setConnectionState(state);
    const zk = this.node?.session.client;
    if (state === KeeperState.Disconnected) {
      this.disconnected = true;
      this.say('disconnected', { reason }, `Disconnected from ZooKeeper${reason ? ` (${reason})` : ''}; reconnecting with the same session`);
    } else if (state === KeeperState.SyncConnected && this.disconnected) {
      this.disconnected = false;
      this.say('reconnected', { server: zk?.connectedServer }, `Reconnected to ZooKeeper at ${zk?.connectedServer} (same session)`);
    } else if (state === KeeperState.Expired) {
      this.disconnected = false;
      this.say('expired', { reason }, `ZooKeeper session expired${reason ? ` (${reason})` : ''}: re-joining the election with a new session`);
    }
  }

  // ---- our own request: the probe --------------------------------------------------------------

  private startProbe(node: ClusterNode): void {
    const ping = () => {
      const zk = node.session.client;
      if (zk.state === KeeperState.SyncConnected) this.metrics.time('exists', () => zk.exists('/')).catch(() => undefined);
    };
    ping();
    this.probe = setInterval(ping, PROBE_INTERVAL_MS).unref();
  }

  // ---- HTTP views -------------------------------------------------------------------------------

  private status(): object {
    const node = this.node;
    const base = { id: this.opts.id, address: this.address, pid: process.pid, uptimeSeconds: Math.round((Date.now() - this.startedAt) / 100) / 10, electionPath: this.opts.electionPath, registryPath: this.opts.registryPath };
    if (!node) return { role: 'starting', ...base };
    const s = node.election.status;
    const zk = node.session.client;
    return {
      role: s.role,
      node: s.node,
      leader: s.leader,
      watching: s.watching,
      epoch: s.epoch?.toString(),
      sessionId: zk.sessionIdHex,
      connectionState: KeeperState[zk.state] ?? String(zk.state),
      server: zk.connectedServer,
      sessionTimeout: zk.sessionTimeout,
      ...(node.isLeader ? { workers: node.workers } : { registered: node.registry.node }),
      stats: node.election.stats,
      ...base,
    };
  }

  private health(): { ok: boolean; reason: string } {
    const zk = this.node?.session.client;
    if (!zk) return { ok: false, reason: 'starting: not connected to ZooKeeper yet' };
    const state = KeeperState[zk.state] ?? String(zk.state);
    return { ok: zk.state === KeeperState.SyncConnected, reason: zk.state === KeeperState.SyncConnected ? 'ok' : `ZooKeeper connection: ${state}` };
  }

  // ---- leaving ------------------------------------------------------------------------------------

  /** Leaves the election first (the successor takes over at once), then closes everything. */
  private async shutdown(signal: NodeJS.Signals): Promise<void> {
    this.say('shutdown', { signal }, `Received ${signal}: leaving the election`);
    clearInterval(this.probe);
    await this.node!.close();
    await this.http?.close();
    this.http = undefined;
    this.say('closed', {}, 'Disconnected from ZooKeeper, exiting application');
  }
}
