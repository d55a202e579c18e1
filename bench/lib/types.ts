/**
 * The JSON shapes every implementation prints: zk-elect's scenarios here and the peer programs
 * in bench/peers/ (Java, Python, JS) print the same fields, so one orchestrator compares them.
 * @module
 */
import type { LatencySummary } from './stats.js';
import type { TailEvidence } from './tail.js';

/** The scenarios of `zk-elect bench`, in the order the help lists them and `all` names them. */
export const SCENARIOS = ['failover', 'floor', 'herd', 'scale', 'crash', 'ops'] as const;
/** One of {@link SCENARIOS}. */
export type ScenarioName = (typeof SCENARIOS)[number];

/** The peer programs (bench/peers/). */
export const PEERS = ['curator', 'java', 'kazoo', 'nzc'] as const;
/** One of {@link PEERS}. */
export type PeerName = (typeof PEERS)[number];

/** The clients of the `ops` scenario, as reports name them: two in-process, the Java client in a JVM. */
export const OPS_CLIENTS = ['zk-elect', 'nzc', 'java'] as const;
/** One of {@link OPS_CLIENTS}. */
export type OpsClient = (typeof OPS_CLIENTS)[number];

/** The versions the peers ran on, as detected (the report's `machine.peers`). */
export interface PeerVersions {
  curator?: string;
  zookeeperJavaClient?: string;
  kazoo?: string;
  /** The interpreter kazoo ran under. */
  python?: string;
  nodeZookeeperClient?: string;
  /** The JVM (the Java peers' and the local server's). */
  java?: string;
}

/**
 * What each implementation is, for tables and the chart, named with the versions that ran
 * (`versions`; a version it lacks is left out of the name).
 */
export function implLabels(versions: PeerVersions): Readonly<Record<string, string>> {
  const at = (name: string, version: string | undefined) => (version ? `${name} ${version}` : name);
  return {
    'zk-elect': 'zk-elect (LeaderElection)',
    curator: `${at('Curator', versions.curator)} LeaderLatch`,
    java: `${at('ZooKeeper', versions.zookeeperJavaClient)} Java client (design algorithm)`,
    kazoo: `${at('kazoo', versions.kazoo)} Election`,
    nzc: `${at('node-zookeeper-client', versions.nodeZookeeperClient)} (design algorithm)`,
  };
}

/** One failover measurement: N candidates, leader closes, time to the successor's "I am leader". */
export interface FailoverResult {
  scenario: 'failover';
  impl: string;
  candidates: number;
  rounds: number;
  warmup: number;
  /** How the leader leaves, e.g. `election.close()`. */
  close: string;
  latencyMs: LatencySummary;
  samplesMs: number[];
  /**
   * zk-elect only: the same rounds split at the successor's NodeDeleted notification (seen by an
   * extra exists() watch on the leader's node from the successor's own session): close call →
   * notification, and notification → "I am leader" (the client's work, plus the re-list round
   * trip when the successor had other candidates ahead of it besides the leader).
   */
  breakdown?: { notifyMs: LatencySummary; afterNotifyMs: LatencySummary; notifySamplesMs: number[]; afterNotifySamplesMs: number[] };
  /** Separate runs (processes) merged into this result, interleaved with the other implementations. */
  chunks?: number;
  /** Servers in the ensemble the run used (1: standalone; 3: a quorum); set by the orchestrator. */
  servers?: number;
  /** zk-elect only: loop delay, GC and the servers' latency during the rounds (bench/lib/tail.ts). */
  tail?: TailEvidence;
}

/** The physical floor: closeSession to the NodeDeleted notification at a second client. */
export interface FloorResult {
  scenario: 'floor';
  impl: string;
  rounds: number;
  warmup: number;
  latencyMs: LatencySummary;
  samplesMs: number[];
  /**
   * zk-elect only: the watching client lists the parent the moment NodeDeleted arrives — the
   * re-list an election makes after the notification (unless it can lead on the notification
   * alone), with no recipe around it.
   * `afterNotifyMs`: notification → getChildren reply; `totalMs`: close call → that reply,
   * the floor of any election that re-lists. Every client records it (the peers too).
   */
  relist?: { afterNotifyMs: LatencySummary; totalMs: LatencySummary; afterNotifySamplesMs: number[]; totalSamplesMs: number[] };
  chunks?: number;
  /** As {@link FailoverResult.servers}. */
  servers?: number;
  /** As {@link FailoverResult.tail}. */
  tail?: TailEvidence;
}

/** min / mean / max of a per-failover count. */
export interface CountSummary {
  min: number;
  mean: number;
  max: number;
}

/** Herd effect at N candidates: what one leader failure costs everyone else. */
export interface HerdResult {
  scenario: 'herd';
  impl: string;
  candidates: number;
  rounds: number;
  /** Watch notifications delivered to the remaining candidates, per failover. */
  notifications: CountSummary;
  /** ZooKeeper requests the remaining candidates sent, per failover (their own counters). */
  requests: CountSummary;
  /** Server cross-check: mntr zk_packets_received delta per failover, as measured (raw). */
  packetsRaw: CountSummary;
  /** The same minus the leader's own close packets, the mntr command and the pings expected in the window. */
  packetsAttributable: CountSummary;
  /** Pings per second of the idle candidates, measured before the rounds. */
  idlePacketsPerSec: number;
  /** Packets the server counts for one `mntr` command itself. */
  mntrPackets: number;
  /** Length of each measurement window (close call to the quiet point), ms. */
  windowMs: LatencySummary;
  /** Close call to the successor's "I am leader", ms. */
  electedMs: LatencySummary;
}

/** Many candidates joining at once. */
export interface ScaleResult {
  scenario: 'scale';
  impl: string;
  candidates: number;
  /** Joins kept in flight at once. */
  concurrency: number;
  /** From the first connect to every candidate joined and exactly one leading, ms. */
  joinMs: number;
  leaders: number;
  /** Children of the election parent as the server lists them afterwards. */
  children: number;
  heapBytesPerCandidate: number;
  rssBytesPerCandidate: number;
  processes: number;
  /**
   * Multi-process runs (bench/scenarios/fleet.ts) only: leader failures after the joins, each
   * summed over every process's remaining candidates from their LeaderElection.stats deltas.
   */
  failures?: {
    rounds: number;
    notifications: CountSummary;
    requests: CountSummary;
    /** Leader's close call → a successor's `elected` event (in whichever process), ms. */
    electedMs: LatencySummary;
  };
  /** Servers in the ensemble the run used (the fleet runs on the quorum in `all`); set by the orchestrator. */
  servers?: number;
  /** Multi-process runs: the worst process's heap growth per candidate (the figure above is the mean). */
  heapBytesPerCandidateMax?: number;
  /** Multi-process runs: during the joins, the share of the machine's CPUs busy and the servers' CPU time (local servers). */
  joinCpu?: { machineBusy?: number; serverCpuMs?: number };
}

/** A real `zk-elect node` leader SIGKILLed: time to a new leader vs the session timeout. */
export interface CrashResult {
  scenario: 'crash';
  impl: string;
  rounds: number;
  /** Session timeout the server granted the nodes, ms. */
  negotiatedSessionTimeoutMs: number;
  tickTime: number;
  /** negotiated + tickTime + 50 ms. */
  targetMs: number;
  latencyMs: LatencySummary;
  samplesMs: number[];
}

/** Figures of one pipelined run (see bench/lib/pipeline.ts). */
export interface OpsFigures {
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU of the client process per request, µs. */
  cpuUsPerOp: number;
  /** CPU of the ZooKeeper server per request, µs (local servers only). */
  serverCpuUsPerOp?: number;
  /** Share of all the machine's CPUs busy during the run (0..1). */
  machineBusy?: number;
}

/** Pipelined client throughput, per operation and client: the median of the runs. */
export interface OpsResult {
  scenario: 'ops';
  window: number;
  runs: number;
  warmup: number;
  ops: { getData: number; create: number };
  /** op → client → median figures */
  median: Record<string, Record<string, OpsFigures>>;
  /** op → client → every run */
  allRuns: Record<string, Record<string, OpsFigures[]>>;
  /** getData at other windows, one run per client each: how far the server itself goes. */
  sweep?: { window: number; client: string; n: number; figures: OpsFigures }[];
}

/** Any scenario's result, discriminated by `scenario`. */
export type ScenarioResult = FailoverResult | FloorResult | HerdResult | ScaleResult | CrashResult | OpsResult;
