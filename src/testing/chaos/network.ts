/**
 * The network faults of a chaos run behind one small interface: each candidate's own proxies
 * (one per server) for cuts, latency and stalls, and the quorum's peer links for partitions.
 * Latency and peer partitions use the harness's `TcpProxy.delay`/`stall` and
 * `TestingCluster.isolate`/`partition`/`healPeers` when it has them (a cluster started with
 * `peerProxies: true`); without them {@link ChaosNetwork.capabilities} says so and the run's
 * schedule leaves those faults out. A stall without `TcpProxy.stall` is a silent blackhole
 * for its length.
 * @module
 */
import type { TestingCluster } from '../cluster.js';
import { TcpProxy } from '../proxy.js';

/** The optional fault methods of a newer harness, detected at run time. */
interface ProxyExtras {
  delay?(ms: number): void;
  stall?(ms: number): void;
}
interface PeerExtras {
  isolate?(id: number): unknown;
  partition?(groups: number[][]): unknown;
  healPeers?(): Promise<void>;
}

/** What a chaos run may do to the network. */
export interface ChaosNetwork {
  /** Which of the optional faults work here. */
  readonly capabilities: { latency: boolean; peers: boolean };
  /** The connect string candidate `who` must use (its own proxies). */
  connectString(who: string): string;
  /** Silently cuts `who` off from the given servers (ids) or from all of them. */
  cut(who: string, servers: readonly number[] | 'all'): void;
  /** Adds `ms` of latency each way on every link of `who`. @throws Error without the capability. */
  delay(who: string, ms: number): void;
  /** Holds every byte on the links of `who` for `ms`, then delivers it. */
  stall(who: string, ms: number): void;
  /** Clears every fault on the links of `who`. */
  heal(who: string): Promise<void>;
  /** Cuts each of `ids` off from every other server (two of three: the quorum is lost). @throws Error without the capability. */
  isolate(ids: readonly number[]): Promise<void>;
  /** Restores every peer link. */
  healPeers(): Promise<void>;
  /** Closes every proxy. Never throws. */
  close(): Promise<void>;
}

/**
 * Starts one proxy per candidate per server of `cluster` and returns the {@link ChaosNetwork}
 * over them. Blocks until every proxy listens.
 * @throws the listen error of a proxy (the ones already started are closed).
 */
export async function startChaosNetwork(cluster: TestingCluster, candidates: readonly string[]): Promise<ChaosNetwork> {
  const proxies = new Map<string, Map<number, TcpProxy>>();
  try {
    for (const who of candidates) {
      const mine = new Map<number, TcpProxy>();
      proxies.set(who, mine);
      for (const s of cluster.servers) mine.set(s.id, await TcpProxy.start({ host: '127.0.0.1', port: s.port }));
    }
  } catch (err) {
    await Promise.all([...proxies.values()].flatMap((m) => [...m.values()].map((p) => p.close())));
    throw err;
  }
  return new ProxiedNetwork(cluster, proxies);
}

class ProxiedNetwork implements ChaosNetwork {
  readonly capabilities: { latency: boolean; peers: boolean };
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly cluster: TestingCluster,
    private readonly proxies: Map<string, Map<number, TcpProxy>>,
  ) {
    const sample = [...proxies.values()][0]?.values().next().value as (TcpProxy & ProxyExtras) | undefined;
    const peers = cluster as TestingCluster & PeerExtras;
    this.capabilities = { latency: typeof sample?.delay === 'function', peers: typeof peers.partition === 'function' && typeof peers.healPeers === 'function' };
  }

  connectString(who: string): string {
    return [...this.#of(who).values()].map((p) => p.connectString).join(',');
  }

  cut(who: string, servers: readonly number[] | 'all'): void {
    for (const [id, p] of this.#of(who)) if (servers === 'all' || servers.includes(id)) p.blackhole();
  }

  delay(who: string, ms: number): void {
    for (const p of this.#of(who).values()) {
      const x = p as TcpProxy & ProxyExtras;
      if (!x.delay) throw new Error('this harness has no TcpProxy.delay');
      x.delay(ms);
    }
  }

  stall(who: string, ms: number): void {
    for (const p of this.#of(who).values()) {
      const x = p as TcpProxy & ProxyExtras;
      if (x.stall) x.stall(ms);
      else {
        p.blackhole();
        const timer = setTimeout(() => (this.#timers.delete(timer), void p.heal().catch(() => undefined)), ms);
        this.#timers.add(timer);
      }
    }
  }

  async heal(who: string): Promise<void> {
    await Promise.all([...this.#of(who).values()].map((p) => p.heal()));
  }

  async isolate(ids: readonly number[]): Promise<void> {
    const c = this.cluster as TestingCluster & PeerExtras;
    if (!c.partition) throw new Error('this harness has no peer partitions (TestingCluster.partition)');
    const rest = this.cluster.ids.filter((id) => !ids.includes(id));
    await c.partition([...ids.map((id) => [id]), ...(rest.length > 0 ? [rest] : [])]);
  }

  async healPeers(): Promise<void> {
    await (this.cluster as TestingCluster & PeerExtras).healPeers?.();
  }

  async close(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    await Promise.all([...this.proxies.values()].flatMap((m) => [...m.values()].map((p) => p.close().catch(() => undefined))));
  }

  #of(who: string): Map<number, TcpProxy> {
    const m = this.proxies.get(who);
    if (!m) throw new RangeError(`no candidate ${who}`);
    return m;
  }
}
