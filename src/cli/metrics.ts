/**
 * The Prometheus metrics of `zk-elect node`, on a Registry of their own (never prom-client's
 * global one, so embedding applications keep theirs clean).
 * @module
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { KeeperState } from '../protocol/constants.js';

/** The metrics of one node, with small methods that say what happened. */
export class NodeMetrics {
  /** The registry to scrape: these metrics plus prom-client's default process metrics. */
  readonly registry = new Registry();
  private readonly isLeader: Gauge;
  private readonly elections: Counter;
  private readonly failover: Histogram;
  private readonly requests: Histogram<'op'>;
  private readonly connection: Gauge;

  /** Creates and registers every metric. Never blocks. */
  constructor() {
    const registers = [this.registry];
    this.isLeader = new Gauge({
      name: 'zk_elect_is_leader',
      help: '1 while this node leads and is connected; 0 while it follows, is suspended (disconnected) or is joining.',
      registers,
    });
    this.elections = new Counter({
      name: 'zk_elect_elections_total',
      help: 'Times this node became leader (its first election included).',
      registers,
    });
    this.failover = new Histogram({
      name: 'zk_elect_failover_seconds',
      help:
        "Reaction time of a failover: from this node receiving the NodeDeleted notification of the predecessor it watched to this node's elected event " +
        "(a re-election round, or none when a successor that was next in line leads on the notification itself). It does not include the time ZooKeeper took to notice the old leader's death (up to the session timeout after a crash).",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.requests = new Histogram({
      name: 'zk_elect_zookeeper_request_seconds',
      help:
        "Round-trip time of the ZooKeeper requests the CLI makes itself: op=\"exists\", a probe of exists('/') every 5 s. " +
        "The election and registry recipes' own requests are not measured.",
      labelNames: ['op'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    });
    this.connection = new Gauge({
      name: 'zk_elect_connection_state',
      help: 'ZooKeeper connection state as the KeeperState number: 3 SyncConnected, 0 Disconnected, -112 Expired, 7 Closed, 4 AuthFailed, 5 ConnectedReadOnly.',
      registers,
    });
    collectDefaultMetrics({ register: this.registry });
  }

  /** Records the current role: leading (connected) or not. */
  setLeader(leading: boolean): void {
    this.isLeader.set(leading ? 1 : 0);
  }

  /** Counts one election of this node. */
  elected(): void {
    this.elections.inc();
  }

  /** Records one failover reaction time, in ms. */
  observeFailover(ms: number): void {
    this.failover.observe(ms / 1000);
  }

  /** Records the connection state. */
  setConnectionState(state: KeeperState): void {
    this.connection.set(state);
  }

  /**
   * Runs `request` and records its duration under `op` (also when it fails).
   * Blocks as long as `request`. @throws what `request` throws.
   */
  async time<T>(op: string, request: () => Promise<T>): Promise<T> {
    const end = this.requests.startTimer({ op });
    try {
      return await request();
    } finally {
      end();
    }
  }

  /** The Prometheus text exposition and its content type. Blocks while collecting. */
  async scrape(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
