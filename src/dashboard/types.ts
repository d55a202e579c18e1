/**
 * The shapes the dashboard's server sends to its page: one {@link Snapshot} per change, over
 * server-sent events. Plain JSON (no bigints, no Maps) so the page can use it as is.
 * @module
 */
import type { RunCandidateState } from '../process/run-candidate.js';

/** `demo`: this process owns the servers and nodes and offers fault actions. `dashboard`: read-only. */
export type DashboardMode = 'demo' | 'dashboard';

/** A ZooKeeper server as the `srvr` poll last saw it. */
export interface ServerView {
  /** 1-based: the `myid` of a local server, else the position in the connect string. */
  id: number;
  /** `host:port` (client port). */
  address: string;
  /** `up`: answers `srvr` and serves; `not-serving`: answers but has no quorum; `down`: no answer. */
  health: 'up' | 'not-serving' | 'down';
  /** `leader`, `follower`, `standalone`, `observer`... as `srvr` says; absent while down. */
  mode?: string;
  zxid?: string;
  connections?: number;
  version?: string;
  /** Why it is down (the probe's error, or "stopped" for a local server that was killed). */
  error?: string;
  /** This process started the server, so it can kill and restart it. */
  owned: boolean;
  /** When health or mode last changed (ms since the epoch). */
  since: number;
}

/** One candidate of the election parent, in election order. */
export interface CandidateView {
  /** `c_0000000007` */
  znode: string;
  /** The candidate's data: its address. */
  address: string;
  isLeader: boolean;
  /** The predecessor it watches (every candidate but the leader). */
  watching?: string;
  /** The demo's name of the process behind the candidate (`node-3`), when it owns it. */
  nodeId?: string;
  /** A `zk-elect run` candidate: its command and the command's state. */
  run?: RunCandidateState;
}

/** One `/service_registry` entry. */
export interface RegistryView {
  znode: string;
  address: string;
  nodeId?: string;
}

/** One instance of a named service (Curator's x-discovery layout `<basePath>/<service>/<id>`). */
export interface ServiceInstanceView {
  id: string;
  address: string;
  port: number | null;
  sslPort: number | null;
  /** Built from its uriSpec, when it has one. */
  uri?: string;
  /** False for an instance its owner disabled (providers skip it). */
  enabled: boolean;
  /** Its payload as JSON text, when it has one. */
  payload?: string;
}

/** A named service and its instances, by id. */
export interface NamedServiceView {
  name: string;
  instances: ServiceInstanceView[];
}

/** A node process of the demo. */
export interface NodeView {
  /** `node-1`, `node-2`... in launch order. */
  id: string;
  pid?: number;
  /** Its HTTP status endpoint, once it printed `listening`. */
  address?: string;
  /** Its candidate znode, once known. */
  znode?: string;
  /** `starting` until its first event, `running`, `exited` once the process is gone. */
  state: 'starting' | 'running' | 'exited';
  /** Its election role as of its last event line (`starting`, `joining`, `follower`, `leader`, `suspended`, `closed`). */
  role?: 'starting' | 'latent' | 'joining' | 'follower' | 'leader' | 'suspended' | 'closed';
  /** When the demo signalled it, and with what. */
  killedAt?: number;
  signal?: 'SIGKILL' | 'SIGTERM';
  /** How it exited (`killed by SIGKILL`, `exited with code 0`), with its last stderr line if any. */
  exit?: string;
}

/** What a timeline entry is about; the page colours entries by kind. */
export type TimelineKind = 'election' | 'failover' | 'action' | 'node' | 'server' | 'warning' | 'info';

/** One line of the timeline. */
export interface TimelineEntry {
  /** Increases by one per entry. */
  seq: number;
  /** ms since the epoch. */
  time: number;
  kind: TimelineKind;
  text: string;
  /** A failover's measured duration. */
  durationMs?: number;
  /** How `durationMs` was measured: from the fault `action`, or from the `znode` deletion. */
  measured?: 'action' | 'znode';
  /** For demo failovers: what caused it. */
  cause?: FailoverCause;
}

/** What set off a demo failover: a SIGKILLed leader, a SIGTERMed one, or a ZooKeeper server kill. */
export type FailoverCause = 'crash' | 'graceful' | 'zookeeper';

/** Everything the page shows. */
export interface Snapshot {
  mode: DashboardMode;
  /** Whether fault actions may be posted. */
  actions: boolean;
  connectString: string;
  startedAt: number;
  /** Server clock when the snapshot was made (the page corrects its "ago" counters with it). */
  now: number;
  /** The dashboard's own ZooKeeper session. */
  zookeeper: { state: 'connecting' | 'connected' | 'disconnected'; error?: string };
  /** The nodes' requested session timeout, when the demo launched them. */
  sessionTimeoutMs?: number;
  /** One sentence saying how failover durations are measured. */
  failoverMeasure: string;
  electionPath: string;
  registryPath: string;
  servers: ServerView[];
  candidates: CandidateView[];
  registry: RegistryView[];
  /** The named services' parent znode. */
  basePath: string;
  /** Every named service under {@link Snapshot.basePath}, by name. */
  services: NamedServiceView[];
  nodes: NodeView[];
  /** Oldest first; capped. */
  timeline: TimelineEntry[];
}
