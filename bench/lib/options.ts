/**
 * The options of `zk-elect bench`: what they are, their command-line flags (node:util
 * parseArgs specs; the help text is bench/lib/usage.ts, the parsing bench/lib/parse-options.ts)
 * and their defaults, chosen so a full `zk-elect bench all` takes about 10 minutes on a 2-core
 * machine.
 * @module
 */
import type { ParseArgsConfig } from 'node:util';
import { DEFAULT_ZOOKEEPER_VERSION } from 'zk-elect/testing';
import type { OpsClient, PeerName, ScenarioName } from './types.js';

/** How zk-elect's failing leader leaves in `failover` (`--close both` runs each). */
export const CLOSE_MODES = ['election', 'session'] as const;
/** One of {@link CLOSE_MODES}. */
export type CloseMode = (typeof CLOSE_MODES)[number];

/** The JITs of a local server (`--server-jit`): the full tiered one, or the test harness's C1-only. */
export const SERVER_JITS = ['full', 'c1'] as const;

/** Everything `zk-elect bench` can be told. */
export interface BenchOptions {
  /** What was asked for, for the report: `all`, one scenario, or a comma-separated list. */
  target: string;
  /** The scenarios to run, in order. */
  scenarios: ScenarioName[];
  /** Servers of the local ensemble (`--servers`): 1 = a standalone server, 3 = a quorum. */
  servers: number;
  /**
   * Latency scenarios run again, after the others, on a fresh local 3-server quorum (`all`:
   * floor and failover); none with `--zookeeper` or `--servers` above 1.
   */
  quorum: ScenarioName[];
  zookeeper?: string;
  json: boolean;
  peers: PeerName[];
  candidates: number[];
  rounds: number;
  /** Interleaved parts per implementation in the latency scenarios (orchestrated runs). */
  chunks: number;
  warmup: number;
  close: CloseMode[];
  sessionTimeout: number;
  pauseMs: number;
  herdCandidates: number;
  herdRounds: number;
  /** Idle period that measures the ping rate before the herd rounds, ms. */
  herdIdleMs: number;
  scale: number[];
  joinConcurrency: number;
  /** Candidates of the multi-process scale run, over all processes (0: none). */
  scaleFleet: number;
  /** Processes the fleet is spread over, each joining scaleFleet / scaleProcesses. */
  scaleProcesses: number;
  /** Leader failures measured on the fleet after the joins. */
  scaleRounds: number;
  crashRounds: number;
  crashSessionTimeout: number;
  crashProcesses: number;
  ops: number;
  creates: number;
  window: number;
  opsRuns: number;
  opsWarmup: number;
  /** Extra getData windows, one run per client each (half the ops): the server's ceiling. */
  opsSweep: number[];
  /** ops clients; peers other than java/nzc do not apply. */
  opsClients: OpsClient[];
  serverJit: (typeof SERVER_JITS)[number];
  tickTime: number;
  /** The ZooKeeper release of a local server, `X.Y.Z` or `debian` (the test harness's `TestingServer` `version`); unused with `zookeeper`. */
  zkVersion: string;
  /** pid of a local server given with --zookeeper (CPU accounting in ops). */
  serverPid?: number;
  /** Tiny sizes (--quick): \`all\` then writes no files unless --out is given. */
  quick: boolean;
  out?: string;
}

/** The defaults of a full run. */
export const DEFAULTS: Omit<BenchOptions, 'target' | 'scenarios' | 'json' | 'peers' | 'quick' | 'quorum'> = {
  servers: 1,
  candidates: [2, 10, 100],
  rounds: 200,
  chunks: 4,
  warmup: 20,
  close: ['election'],
  sessionTimeout: 30_000,
  pauseMs: 5,
  herdCandidates: 1000,
  herdRounds: 20,
  herdIdleMs: 2000,
  scale: [1000, 5000],
  joinConcurrency: 100,
  scaleFleet: 20_000,
  scaleProcesses: 4,
  scaleRounds: 3,
  crashRounds: 5,
  crashSessionTimeout: 4000,
  crashProcesses: 3,
  ops: 100_000,
  creates: 20_000,
  window: 1000,
  opsRuns: 3,
  opsWarmup: 5000,
  opsSweep: [100, 300, 3000],
  opsClients: ['zk-elect', 'nzc', 'java'],
  serverJit: 'full',
  tickTime: 2000,
  // ZK_VERSION sets the default for the benchmarks as for the tests and the demo.
  zkVersion: process.env.ZK_VERSION?.trim() || DEFAULT_ZOOKEEPER_VERSION,
};

/** `--quick`: tiny sizes for a smoke run (seconds, not minutes). */
export const QUICK: Partial<BenchOptions> = {
  candidates: [3],
  rounds: 10,
  chunks: 1,
  warmup: 2,
  herdCandidates: 20,
  herdRounds: 2,
  herdIdleMs: 300,
  scale: [50],
  scaleFleet: 80,
  scaleRounds: 1,
  crashRounds: 1,
  crashProcesses: 2,
  ops: 2000,
  creates: 500,
  window: 100,
  opsRuns: 1,
  opsWarmup: 200,
  opsSweep: [],
};

/** The flags of `zk-elect bench` (node:util parseArgs specs; every value is read by bench/lib/parse-options.ts). */
export const FLAGS = {
  zookeeper: { type: 'string', short: 'z' },
  servers: { type: 'string' },
  quorum: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  peers: { type: 'string' },
  candidates: { type: 'string' },
  rounds: { type: 'string' },
  chunks: { type: 'string' },
  warmup: { type: 'string' },
  close: { type: 'string' },
  'session-timeout': { type: 'string' },
  pause: { type: 'string' },
  'herd-candidates': { type: 'string' },
  'herd-rounds': { type: 'string' },
  'herd-idle': { type: 'string' },
  scale: { type: 'string' },
  'join-concurrency': { type: 'string' },
  'scale-fleet': { type: 'string' },
  'scale-processes': { type: 'string' },
  'scale-rounds': { type: 'string' },
  'crash-rounds': { type: 'string' },
  'crash-session-timeout': { type: 'string' },
  'crash-processes': { type: 'string' },
  ops: { type: 'string' },
  creates: { type: 'string' },
  window: { type: 'string' },
  'ops-runs': { type: 'string' },
  'ops-warmup': { type: 'string' },
  'ops-sweep': { type: 'string' },
  'ops-clients': { type: 'string' },
  'server-jit': { type: 'string' },
  'tick-time': { type: 'string' },
  'zk-version': { type: 'string' },
  out: { type: 'string' },
  quick: { type: 'boolean' },
  'server-pid': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];
