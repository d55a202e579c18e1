/**
 * {@link TestingEnsemble}: what a standalone {@link TestingServer} and a {@link TestingCluster}
 * both are, servers addressed by their ZooKeeper server id (`myid`, from 1), and
 * {@link startEnsemble}, which starts either by size.
 * @module
 */
import type { SrvrInfo } from '../client/four-letter.js';
import { TestingCluster } from './cluster.js';
import type { TestingOptions, TestingTls } from './options.js';
import { TestingServer } from './standalone.js';

/** One server of a {@link TestingEnsemble}, as a snapshot. */
export interface TestingClusterMember {
  /** The ZooKeeper server id (`myid`): 1 for a standalone server, 1 to N in a cluster. */
  id: number;
  /** Always 127.0.0.1: the harness never listens on the network. */
  host: string;
  /** Plain client port. */
  port: number;
  /** TLS client port, when started with `tls: true`. */
  securePort?: number;
  /** `127.0.0.1:<port>` */
  connectString: string;
  /** Whether the JVM is alive (it may be alive but not serving, e.g. without quorum). */
  running: boolean;
  /** JVM process id while running. */
  pid?: number;
}

/**
 * Real ZooKeeper servers this process started, each addressed by its server id. A
 * {@link TestingServer} is an ensemble of one (id 1); a {@link TestingCluster} of N (ids 1 to N).
 * Methods taking an `id` throw a `RangeError` for an id that is not in {@link ids}.
 */
export interface TestingEnsemble extends AsyncDisposable {
  /** Every server's plain client address, comma separated. */
  readonly connectString: string;
  /** The servers' tickTime (ms). */
  readonly tickTime: number;
  /** The temp directory holding every server's config, data and logs; deleted by {@link stop}. */
  readonly tempDir: string;
  /** TLS endpoints, when started with `tls: true`. */
  readonly tls?: TestingTls;
  /** The server ids, ascending. */
  readonly ids: readonly number[];
  /** Snapshot of the servers' ports and state, in {@link ids} order (a new array on each read). */
  readonly servers: ReadonlyArray<TestingClusterMember>;
  /**
   * The release each server runs, in {@link ids} order, as its `srvr` reported it at its last
   * start; empty strings for servers never seen serving.
   */
  readonly versions: string[];
  /** SIGKILLs server `id` (a crash; data kept) and waits until the JVM is gone. No-op if it is down. */
  kill(id: number): Promise<void>;
  /**
   * Starts server `id` again on the same ports and data (stopping it gracefully first if it
   * runs) and blocks until it serves. @throws {Error} after {@link stop}, or on timeout (with its log tail).
   */
  restart(id: number): Promise<void>;
  /** `srvr` of server `id`, parsed. @throws {Error} if it does not answer. */
  srvr(id: number): Promise<SrvrInfo>;
  /** Sends a four-letter word to server `id`'s plain port. @throws {Error} if it does not answer. */
  fourLetter(id: number, cmd: string): Promise<string>;
  /** Stops every server (SIGTERM, SIGKILL after 5 s) and deletes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts `size` servers on free ports in a `zk-elect-*` temp dir: a {@link TestingServer} for 1,
 * a {@link TestingCluster} quorum for more. Blocks until they serve (a few seconds).
 *
 * @throws {RangeError} if `size` is not a positive integer.
 * @throws {ZooKeeperNotFoundError} / {@link JavaNotFoundError} without an installation (the fix is in the message).
 * @throws {Error} if the servers do not serve within `startTimeoutMs` (with their log tails).
 */
export async function startEnsemble(size: number, opts: TestingOptions = {}): Promise<TestingEnsemble> {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`an ensemble needs a whole number of servers >= 1, got ${size}`);
  return size === 1 ? TestingServer.start(opts) : TestingCluster.start(size, opts);
}
