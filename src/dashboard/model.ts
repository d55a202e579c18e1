/**
 * The dashboard's server-side state, in one place: the ZooKeeper view (election chain and
 * service registry, by watches), the servers (by `srvr` polls), the demo's node processes and
 * servers, and the timeline. It emits a fresh {@link Snapshot} after every change.
 * @module
 */
import { EventEmitter } from 'node:events';
import { KeeperState, SessionKeeper, parseConnectString, type ZooKeeperOptions } from '../index.js';
import { CANDIDATES, DEFAULT_ELECTION, DEFAULT_REGISTRY, WORKERS } from '../recipes/defaults.js';
import { participantsOf, type Participant } from '../recipes/participants.js';
import { candidateAddress, parseRunCandidate } from '../process/run-candidate.js';
import { ChildrenCache, type CachedChild, type ChildrenChange } from '../recipes/children-cache.js';
import { ServiceDirectory, uriOf, type DirectoryView } from '../recipes/service-directory.js';
import { DEFAULT_BASE_PATH } from '../recipes/discovery/instance.js';
import type { TestingEnsemble } from '../testing/index.js';
import type { Fleet } from './fleet.js';
import type { NodeEvent } from '../process/node-events.js';
import * as say from './narrator.js';
import { ServerPoller, type ServerTarget } from './server-poller.js';
import { FailoverClock, Timeline } from './timeline.js';
import type { CandidateView, DashboardMode, NamedServiceView, NodeView, RegistryView, Snapshot, TimelineEntry } from './types.js';

/** Options of a {@link DashboardModel}. */
export interface DashboardModelOptions {
  connectString: string;
  /** The demo's servers; absent for an existing ensemble (servers polled from the connect string). */
  ensemble?: TestingEnsemble;
  /** The demo's node processes; with it the model is in `demo` mode and offers actions. */
  fleet?: Fleet;
  /** The nodes' requested session timeout, shown in the page. */
  sessionTimeoutMs?: number;
  electionPath?: string;
  registryPath?: string;
  /** The named services' parent znode. Default `/services`. */
  basePath?: string;
  /** `srvr` poll interval. Default 1000 ms. */
  pollMs?: number;
  /** Options of the model's own session (TLS, credentials), e.g. for a secure demo. */
  client?: ZooKeeperOptions;
}

/** Events of a {@link DashboardModel}. */
export interface DashboardModelEvents {
  /** The state changed (coalesced: at most one per ~30 ms). */
  snapshot: [snapshot: Snapshot];
  /** A timeline entry was added (for the terminal log). */
  entry: [entry: TimelineEntry];
}

const COALESCE_MS = 30;
const DASHBOARD_SESSION_MS = 10_000;

/** The state behind the page; see the module comment. */
export class DashboardModel extends EventEmitter<DashboardModelEvents> {
  readonly mode: DashboardMode;
  readonly electionPath: string;
  readonly registryPath: string;
  readonly basePath: string;
  /** The timeline; actions add to it too. */
  readonly timeline = new Timeline();
  /** Failover measurement; actions arm it. */
  readonly clock = new FailoverClock();
  /** The `srvr` poller behind the server panel; actions poll it at once after a kill or restart. */
  readonly poller: ServerPoller;
  private readonly startedAt = Date.now();
  private session: SessionKeeper | undefined;
  private watchers: ChildrenCache[] = [];
  private zk: Snapshot['zookeeper'] = { state: 'connecting' };
  private candidates: Participant[] = [];
  private registry: NamedChild[] = [];
  private directory: ServiceDirectory | undefined;
  private services: NamedServiceView[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Each node's role and znode as of its previous event, for the narrator. */
  private readonly before = new Map<string, Pick<NodeView, 'role' | 'znode'>>();

  /** Starts nothing until {@link start}. @throws BadArgumentsError for a bad connect string. */
  constructor(readonly options: DashboardModelOptions) {
    super();
    parseConnectString(options.connectString);
    this.mode = options.fleet ? 'demo' : 'dashboard';
    this.electionPath = options.electionPath ?? DEFAULT_ELECTION;
    this.registryPath = options.registryPath ?? DEFAULT_REGISTRY;
    this.basePath = options.basePath ?? DEFAULT_BASE_PATH;
    this.poller = new ServerPoller(() => this.serverTargets(), options.pollMs ?? 1000);
    this.timeline.on('entry', (e) => (this.emit('entry', e), this.changed()));
  }

  /** The demo's servers, if it started them. */
  get ensemble(): TestingEnsemble | undefined {
    return this.options.ensemble;
  }

  /** The demo's node processes (undefined on a read-only dashboard). */
  get fleet(): Fleet | undefined {
    return this.options.fleet;
  }

  /**
   * Polls the servers once (so the first snapshot has them), then keeps polling and connects
   * to ZooKeeper in the background, retrying until it answers. Resolves after the first poll.
   */
  async start(): Promise<void> {
    this.poller.on('change', () => this.changed());
    this.poller.on('transition', (after, before) => before && this.add(say.serverLine(after)));
    this.fleet?.on('event', (node, ev) => this.onNodeEvent(node, ev));
    this.fleet?.on('exited', (node) => (this.add(say.exitLine(node)), this.changed()));
    this.fleet?.on('spawned', () => this.changed());
    await this.poller.start();
    this.timeline.add('server', say.ensembleSummary(this.poller.views));
    void this.connectLoop();
  }

  /**
   * Resolves once the dashboard's own ZooKeeper session is connected (checked every 50 ms).
   * @throws Error if the model is closed first or `timeoutMs` passes.
   */
  async whenConnected(timeoutMs = 30_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (this.zk.state !== 'connected') {
      if (this.closed || Date.now() > end) throw new Error(`not connected to ZooKeeper at ${this.options.connectString}${this.zk.error ? `: ${this.zk.error}` : ''}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The current state, for the page. */
  snapshot(): Snapshot {
    const nodes = this.fleet?.list() ?? [];
    const byZnode = new Map(nodes.filter((n) => n.znode).map((n) => [n.znode!, n.id]));
    const byAddress = new Map(nodes.filter((n) => n.address).map((n) => [n.address!, n.id]));
    const idOf = (znode: string, address: string) => byZnode.get(znode) ?? byAddress.get(address);
    return {
      mode: this.mode,
      actions: this.mode === 'demo',
      connectString: this.options.connectString,
      startedAt: this.startedAt,
      now: Date.now(),
      zookeeper: { ...this.zk },
      ...(this.options.sessionTimeoutMs ? { sessionTimeoutMs: this.options.sessionTimeoutMs } : {}),
      failoverMeasure: this.failoverMeasure(),
      electionPath: this.electionPath,
      registryPath: this.registryPath,
      servers: this.poller.views,
      candidates: this.candidateViews(idOf),
      registry: this.registry.map(({ name, data }): RegistryView => withId({ znode: name, address: data }, idOf(name, data))),
      basePath: this.basePath,
      services: this.services,
      nodes,
      timeline: this.timeline.entries(),
    };
  }

  /** The candidates' znode names in election order. */
  get candidateNames(): string[] {
    return this.candidates.map((c) => c.node);
  }

  /** The demo node whose znode leads, if the demo owns it. */
  leaderNode(): NodeView | undefined {
    const leader = this.candidates[0];
    if (!leader) return undefined;
    const nodes = this.fleet?.list() ?? [];
    return nodes.find((n) => n.znode === leader.node) ?? nodes.find((n) => n.address === candidateAddress(leader.data));
  }

  /** Adds a timeline entry, stamped `time` (default now). */
  add(line: say.Line & { time?: number }): TimelineEntry {
    const { kind, text, ...extra } = line;
    return this.timeline.add(kind, text, extra);
  }

  /** Schedules a snapshot (coalesced). */
  changed(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.closed) this.emit('snapshot', this.snapshot());
    }, COALESCE_MS);
  }

  /** Stops polling and watching and closes the session (up to 5 s if ZooKeeper is gone). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.poller.close();
    this.watchers.forEach((w) => void w.close());
    void this.directory?.close();
    await this.session?.close();
  }

  private failoverMeasure(): string {
    return this.mode === 'demo'
      ? 'Failover = from your kill/stop to the elected event printed by the new leader process.'
      : "Failover = from the old leader's znode being deleted to the new smallest znode being seen (a crash's session timeout comes before and is not included).";
  }

  /** The page's rendering of each participant: its znode, its data as the address, the demo's name for it. */
  private candidateViews(idOf: (znode: string, address: string) => string | undefined): CandidateView[] {
    return this.candidates.map(({ node, data, isLeader, watching }) => {
      const address = candidateAddress(data);
      const run = parseRunCandidate(data)?.run;
      return withId({ znode: node, address, isLeader, ...(watching ? { watching } : {}), ...(run ? { run } : {}) }, idOf(node, address));
    });
  }

  private serverTargets(): ServerTarget[] {
    if (this.ensemble) return this.ensemble.servers.map((s) => ({ id: s.id, host: s.host, port: s.port, owned: true, running: s.running }));
    return parseConnectString(this.options.connectString).hosts.map((h, i) => ({ id: i + 1, host: h.host, port: h.port, owned: false }));
  }

  private async connectLoop(): Promise<void> {
    while (!this.closed) {
      try {
        const session = await SessionKeeper.open(this.options.connectString, { ...this.options.client, sessionTimeout: DASHBOARD_SESSION_MS, connectTimeout: 5000 });
        if (this.closed) return void (await session.close());
        return this.attach(session);
      } catch (err) {
        this.zk = { state: 'connecting', error: (err as Error).message };
        this.changed();
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  private attach(session: SessionKeeper): void {
    this.session = session;
    this.zk = { state: 'connected' };
    session.on('state', (s) => this.onSessionState(s));
    session.on('error', () => undefined); // replacing an expired session is retried by itself
    const election = new ChildrenCache(session, this.electionPath, { ...CANDIDATES, watchData: true });
    const registry = new ChildrenCache(session, this.registryPath, WORKERS);
    election.on('change', (children, change) => this.onCandidates(participantsOf(children), change));
    registry.on('change', (children) => ((this.registry = named(children)), this.changed()));
    const warn = (w: ChildrenCache, e: unknown) => this.add({ kind: 'warning', text: `reading ${w.parent} failed: ${(e as Error).message}` });
    for (const w of [election, registry]) w.on('error', (e) => warn(w, e));
    this.watchers = [election, registry];
    // The first snapshot arrives as a `change` event; a failed first read is retried on the next event.
    for (const w of this.watchers) w.start().catch((e) => warn(w, e));
    this.watchServices(session);
    this.changed();
  }

  /** Follows the named services beside the design's registry. */
  private watchServices(session: SessionKeeper): void {
    const directory = new ServiceDirectory(session, this.basePath);
    const warn = (e: unknown) => this.add({ kind: 'warning', text: `reading the services under ${this.basePath} failed: ${(e as Error).message}` });
    directory.on('view', (view) => ((this.services = serviceViews(view)), this.changed()));
    directory.on('error', warn);
    this.directory = directory;
    directory.start().catch(warn);
  }

  private onSessionState(s: KeeperState): void {
    if (s === KeeperState.SyncConnected) this.zk = { state: 'connected' };
    else if (s === KeeperState.Disconnected) this.zk = { state: 'disconnected', error: 'connection lost; reconnecting' };
    else if (s === KeeperState.Expired) this.zk = { state: 'disconnected', error: 'session expired; opening a new one' };
    this.changed();
  }

  private onCandidates(candidates: Participant[], at: ChildrenChange): void {
    const before = this.candidates;
    this.candidates = candidates;
    const now = new Set(candidates.map((c) => c.node));
    const known = new Set(before.map((c) => c.node));
    const change = this.clock.onCandidates(this.candidateNames, at.changedAt, at.seenAt);
    for (const c of before) if (!now.has(c.node)) this.add(say.znodeGoneLine(c.node, this.nodeOf(c), at.changedAt));
    // The demo tells joins and elections from its nodes' own events, which say more.
    if (this.mode === 'dashboard') {
      for (const c of candidates) if (!known.has(c.node) && c.node !== change?.to) this.add({ kind: 'node', text: `${c.node} (${candidateAddress(c.data)}) joined the election` });
      if (change) this.add(say.leaderChangeLine(change, (z) => candidateAddress(candidates.find((c) => c.node === z)?.data ?? null) || undefined));
    }
    this.changed();
  }

  private nodeOf(c: Participant): NodeView | undefined {
    return this.fleet?.list().find((n) => n.znode === c.node || n.address === candidateAddress(c.data));
  }

  private onNodeEvent(node: NodeView, ev: NodeEvent): void {
    const before = this.before.get(node.id);
    // Stamped with the node's own event time, so the timeline orders entries as they happened.
    const line = ev.event === 'elected' ? say.electedLine(node, this.clock.onElected(node.id, ev.time), ev) : say.nodeEventLine(node, ev, before);
    if (line) this.add({ ...line, time: ev.time });
    this.before.set(node.id, { role: node.role, znode: node.znode });
    this.changed();
  }
}

/** A child as the dashboard shows it: its name and its data as text. */
type NamedChild = { name: string; data: string };

function named(children: readonly CachedChild[]): NamedChild[] {
  return children.map((c) => ({ name: c.name, data: text(c.data) }));
}

/** The page's rendering of the named services: plain JSON, payloads as text. */
function serviceViews(view: DirectoryView): NamedServiceView[] {
  return view.services.map(({ name, instances }) => ({
    name,
    instances: instances.map(({ instance: i }) => ({
      id: i.id,
      address: i.address,
      port: i.port,
      sslPort: i.sslPort,
      enabled: i.enabled,
      ...(uriOf(i) ? { uri: uriOf(i) } : {}),
      ...(i.payload !== null ? { payload: JSON.stringify(i.payload) } : {}),
    })),
  }));
}

const text = (data: Buffer | null) => data?.toString('utf8') ?? '';

function withId<T extends object>(view: T, nodeId: string | undefined): T & { nodeId?: string } {
  return nodeId ? { ...view, nodeId } : view;
}
