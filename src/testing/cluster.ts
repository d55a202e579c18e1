/**
 * {@link TestingCluster}: an N-server ZooKeeper quorum for tests on 127.0.0.1, free ports and
 * one temp dir; a {@link TestingEnsemble} of servers 1 to N.
 * @module
 */
import path from 'node:path';
import type { SrvrInfo } from '../client/four-letter.js';
import { makeTempDir, removeTempDir } from './cleanup.js';
import type { TestingClusterMember, TestingEnsemble } from './ensemble.js';
import type { ZooKeeperInstall } from './install.js';
import { DEFAULT_TICK_MS, deadlineOf, installOf, serverSettings, startTimeoutOf, tlsInfo, type TestingOptions, type TestingTls } from './options.js';
import { PeerLinks, type PeerPort } from './peer-links.js';
import { holdFreePorts } from './ports.js';
import type { TcpProxy } from './proxy.js';
import { QUORUM_MODES, ZooKeeperServer, serverById, waitUntil, type PeerSpec } from './server.js';
import { createTlsMaterial } from './tls.js';

/**
 * An N-server ZooKeeper quorum on 127.0.0.1 (one JVM per server), like Curator's
 * `TestingCluster`. Servers are addressed by server id (`myid`), 1 to N.
 */
export class TestingCluster implements TestingEnsemble {
  /** All plain client ports, comma separated. */
  readonly connectString: string;
  /** TLS endpoints of all servers, when started with `tls: true`. */
  readonly tls?: TestingTls;
  /** The servers' tickTime (ms). */
  readonly tickTime: number;
  /** The temp directory holding every server's config, data and logs; deleted by {@link stop}. */
  readonly tempDir: string;
  /** The server ids, 1 to N. */
  readonly ids: readonly number[];
  readonly #servers: readonly ZooKeeperServer[];
  readonly #opts: TestingOptions;
  readonly #links: PeerLinks | undefined;
  #stopped: Promise<void> | undefined;

  private constructor(servers: readonly ZooKeeperServer[], tempDir: string, opts: TestingOptions, links: PeerLinks | undefined, tls?: TestingTls) {
    this.#servers = servers;
    this.#opts = opts;
    this.#links = links;
    this.tempDir = tempDir;
    this.ids = servers.map((s) => s.spec.myid);
    this.connectString = servers.map((s) => s.connectString).join(',');
    this.tickTime = servers[0]?.spec.tickTime ?? DEFAULT_TICK_MS;
    if (tls) this.tls = tls;
  }

  /**
   * Starts `size` servers (default 3; use an odd size) and waits until every one serves and
   * exactly one is leader (a few seconds).
   *
   * @throws {RangeError} if `size` is not an integer ≥ 2.
   * @throws {ZooKeeperNotFoundError} no installation (see its message for the fix).
   * @throws {Error} no quorum within `startTimeoutMs`; the message has the servers' log tails.
   */
  static async start(size = 3, opts: TestingOptions = {}): Promise<TestingCluster> {
    if (!Number.isInteger(size) || size < 2) throw new RangeError(`cluster size must be an integer >= 2, got ${size}`);
    const install = await installOf(opts);
    const deadline = deadlineOf(opts);
    const tempDir = await makeTempDir();
    let servers: ZooKeeperServer[] = [];
    let links: PeerLinks | undefined;
    try {
      ({ servers, links } = await createServers(install, size, tempDir, opts));
      await Promise.all(servers.map((s) => s.start()));
      await waitForQuorum(servers, deadline);
      // Records each server's version, and fails a server that runs another release than asked.
      await Promise.all(servers.map((s) => s.waitServing(deadline, QUORUM_MODES)));
      const tls = servers[0]?.spec.tls ? tlsInfo(servers[0].spec.tls, servers.map((s) => s.spec.securePort as number)) : undefined;
      return new TestingCluster(servers, tempDir, opts, links, tls);
    } catch (err) {
      await Promise.all(servers.map((s) => s.kill()));
      await links?.close();
      await removeTempDir(tempDir);
      throw err;
    }
  }

  /** Snapshot of the members' ports and state, in id order (a new array on each read). */
  get servers(): ReadonlyArray<TestingClusterMember> {
    return this.#servers.map((s) => s.member());
  }

  /** SIGKILLs server `id` (simulated crash; data kept) and waits until it is gone. No-op if it is down. @throws {RangeError} bad id. */
  async kill(id: number): Promise<void> {
    await this.#server(id).kill();
  }

  /**
   * Starts server `id` again on the same ports and data (stopping it gracefully first if it is
   * running) and waits until `srvr` reports leader, follower or observer. That needs a quorum:
   * with a majority down, this waits for the others to come back, up to `startTimeoutMs`.
   * With `version` (or `install`) it comes back on that release: one step of a rolling upgrade.
   *
   * @throws {RangeError} bad id. @throws {Error} after {@link stop}, or on timeout (with log tail).
   */
  async restart(id: number, opts: { version?: string; install?: ZooKeeperInstall } = {}): Promise<void> {
    if (this.#stopped) throw new Error('TestingCluster was stopped; start a new one');
    const server = this.#server(id);
    const install = opts.version !== undefined || opts.install ? await installOf(opts) : undefined;
    await server.stop();
    await server.start(install);
    await server.waitServing(deadlineOf(this.#opts), QUORUM_MODES);
  }

  /** The JVM flags every server runs with (see {@link TestingOptions.jit}). */
  get jvmFlags(): string[] {
    return this.#servers[0]?.jvmFlags ?? [];
  }

  /**
   * The release each server runs (in id order), as its `srvr` reported it at its last start; a
   * quorum in a rolling upgrade runs several. Empty strings for servers never seen serving.
   */
  get versions(): string[] {
    return this.#servers.map((s) => s.version ?? '');
  }

  /** Stops every server (SIGTERM, SIGKILL after 5 s) and deletes the temp dir. Idempotent. */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      await Promise.all(this.#servers.map((s) => s.stop()));
      await this.#links?.close();
      await removeTempDir(this.tempDir);
    })();
    return this.#stopped;
  }

  /** `srvr` of server `id`, parsed. @throws {RangeError} bad id. @throws {Error} if it does not answer. */
  async srvr(id: number): Promise<SrvrInfo> {
    return this.#server(id).srvr();
  }

  /** Sends a four-letter word to server `id`. @throws {RangeError} bad id. @throws {Error} if it does not answer. */
  async fourLetter(id: number, cmd: string): Promise<string> {
    return this.#server(id).fourLetter(cmd);
  }

  /**
   * Asks every running server for its mode and returns the id of the one reporting
   * `leader`, or undefined if none does right now (e.g. during an election). Never throws.
   */
  async leaderId(): Promise<number | undefined> {
    const modes = await Promise.all(this.#servers.map((s) => (s.running ? s.srvr().then((r) => r.mode, () => undefined) : undefined)));
    return this.#servers[modes.indexOf('leader')]?.spec.myid;
  }

  /**
   * Waits until every running server serves and exactly one of them leads.
   *
   * @returns the leader's id.
   * @throws {Error} if that does not happen within `timeoutMs` (default `startTimeoutMs`).
   */
  async waitForQuorum(timeoutMs = startTimeoutOf(this.#opts)): Promise<number> {
    return waitForQuorum(
      this.#servers.filter((s) => s.running),
      Date.now() + timeoutMs,
    );
  }

  /**
   * Cuts server `id` off from every other server, both ways: what they send each other is held
   * in silence (no resets, no refused connects), as in a real network partition. Its clients
   * still reach it. Adds to the cuts already in place; {@link healPeers} undoes them all. An
   * isolated follower stops serving once `syncLimit` (5 ticks) passes without its leader; an
   * isolated leader steps down after as long, and a majority left elsewhere elects a new one.
   *
   * @throws {RangeError} bad id. @throws {Error} if the cluster was not started with `peerProxies: true`.
   */
  isolate(id: number): void {
    const links = this.#peerLinks();
    this.#server(id);
    for (const other of this.ids) if (other !== id) links.cut(id, other);
  }

  /**
   * Cuts the traffic between servers of different `groups` (both ways, in silence, as
   * {@link isolate} does); each server no group names is a group of its own. Links within a
   * group keep whatever state they had: this adds to the cuts already in place, so call
   * {@link healPeers} first for exactly this partition. `partition([[1], [2], [3]])` leaves no
   * quorum anywhere.
   *
   * @throws {RangeError} an unknown id, or one named twice. @throws {Error} if the cluster was not started with `peerProxies: true`.
   */
  partition(groups: readonly (readonly number[])[]): void {
    const links = this.#peerLinks();
    const groupOf = new Map<number, number>();
    groups.forEach((group, g) => {
      for (const id of group) {
        this.#server(id);
        if (groupOf.has(id)) throw new RangeError(`server ${id} is named in more than one group`);
        groupOf.set(id, g);
      }
    });
    const group = (id: number) => groupOf.get(id) ?? `alone-${id}`;
    for (const a of this.ids) for (const b of this.ids) if (a < b && group(a) !== group(b)) links.cut(a, b);
  }

  /**
   * Restores every server-to-server link: clears cuts, delays and stalls on all of them (see
   * {@link TcpProxy.heal}); what was held is delivered, late, like TCP retransmissions that
   * finally got through. The servers then find one quorum again by themselves (wait for it with
   * {@link waitForQuorum}). Resolves once every link forwards again.
   *
   * @throws {Error} if the cluster was not started with `peerProxies: true`.
   */
  async healPeers(): Promise<void> {
    await this.#peerLinks().heal();
  }

  /**
   * The proxy that carries the connections server `from` opens to server `to`'s `port`, to
   * slow or stall that one link ({@link TcpProxy.delay}, {@link TcpProxy.stall}) or cut it
   * one way. Followers open the `quorum` connection to their leader; of the two `election`
   * links of a pair, the one from the higher id to the lower carries the votes.
   *
   * @throws {RangeError} bad ids or `from === to`. @throws {Error} if the cluster was not started with `peerProxies: true`.
   */
  peerLink(from: number, to: number, port: PeerPort): TcpProxy {
    const links = this.#peerLinks();
    this.#server(from);
    this.#server(to);
    return links.link(from, to, port);
  }

  #peerLinks(): PeerLinks {
    if (!this.#links) throw new Error('this TestingCluster was started without peerProxies: true, so its server-to-server links cannot be cut');
    return this.#links;
  }

  /** Same as {@link stop}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  #server(id: number): ZooKeeperServer {
    return serverById(this.#servers, id);
  }
}

/**
 * The servers of a `size` quorum in `tempDir`, configured with free ports but not started, and
 * with `opts.peerProxies` the started proxies between them (each server's config names them).
 */
async function createServers(install: ZooKeeperInstall, size: number, tempDir: string, opts: TestingOptions): Promise<{ servers: ZooKeeperServer[]; links?: PeerLinks }> {
  const perServer = opts.tls ? 4 : 3;
  const material = opts.tls ? await createTlsMaterial(path.join(tempDir, 'tls'), install.java) : undefined;
  const held = await holdFreePorts(size * perServer);
  const ports = held.ports;
  const portsOf = (i: number, k: number) => ports[i * perServer + k] as number;
  const peers: PeerSpec[] = Array.from({ length: size }, (_, i) => ({
    myid: i + 1,
    quorumPort: portsOf(i, 1),
    electionPort: portsOf(i, 2),
  }));
  // The proxies listen on ports of their own: chosen while the servers' ports are still held.
  let links: PeerLinks | undefined;
  try {
    if (opts.peerProxies) links = await PeerLinks.start(peers);
  } finally {
    await held.release();
  }
  const servers = peers.map(
    (peer, i) =>
      new ZooKeeperServer(install, {
        myid: peer.myid,
        dir: path.join(tempDir, `server-${peer.myid}`),
        cleanupDir: tempDir,
        jit: opts.jit ?? 'c1',
        clientPort: portsOf(i, 0),
        tickTime: opts.tickTime ?? DEFAULT_TICK_MS,
        peers: links ? links.viewOf(peer.myid) : peers,
        ...serverSettings(opts),
        ...(material ? { tls: material, securePort: portsOf(i, 3) } : {}),
      }),
  );
  return links ? { servers, links } : { servers };
}

/**
 * Polls until every server in `watch` answers `srvr` with a serving quorum mode and exactly
 * one is leader; returns the leader's id.
 */
function waitForQuorum(watch: readonly ZooKeeperServer[], deadline: number): Promise<number> {
  return waitUntil('a quorum with one leader', deadline, watch, async () => {
    const infos = await Promise.all(watch.map((s) => s.srvr()));
    if (!infos.every((info) => QUORUM_MODES.has(info.mode))) return undefined;
    const leaders = watch.filter((_, k) => infos[k]?.mode === 'leader');
    return leaders.length === 1 ? leaders[0]?.spec.myid : undefined;
  });
}
