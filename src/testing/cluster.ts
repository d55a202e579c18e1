/**
 * Real ZooKeeper servers for tests: {@link TestingServer} (standalone) and
 * {@link TestingCluster} (an N-server quorum), both on 127.0.0.1, free ports, temp dirs.
 * @module
 */
import path from 'node:path';
import { findZooKeeper, type ZooKeeperInstall } from './install.js';
import type { SrvrInfo } from '../client/four-letter.js';
import { makeTempDir, removeTempDir } from './cleanup.js';
import { HOST, getFreePorts } from './ports.js';
import { QUORUM_MODES, ZooKeeperServer, waitUntil, type PeerSpec } from './server.js';
import { createTlsMaterial, type TlsMaterial } from './tls.js';

/** Options shared by {@link TestingServer.start} and {@link TestingCluster.start}. */
export interface TestingOptions {
  /** ZooKeeper tick in ms. Default 500, so sessions may be as short as 1 s (2 ticks). */
  tickTime?: number;
  /** Lowest session timeout the server grants (ms). Server default: 2 × tickTime. */
  minSessionTimeout?: number;
  /** Highest session timeout the server grants (ms). Server default: 20 × tickTime. */
  maxSessionTimeout?: number;
  /** Also open a TLS client port with a fresh self-signed certificate. Default false. */
  tls?: boolean;
  /** How long start/restart may take before failing (ms). Default 60 000. */
  startTimeoutMs?: number;
  /**
   * The ZooKeeper release to run: `X.Y.Z` (resolved from Maven Central once, see
   * {@link findZooKeeper}) or `debian`. Default: `$ZK_VERSION`, else `$ZOOKEEPER_HOME`, else
   * {@link DEFAULT_ZOOKEEPER_VERSION}. The server's own `srvr` reply must report this version,
   * or the start fails.
   */
  version?: string;
  /** Installation to use instead of looking one up by {@link TestingOptions.version}. */
  install?: ZooKeeperInstall;
  /**
   * 'c1' (default): the JVM starts fast (C1 JIT only, small heap), right for tests.
   * 'full': tiered C1+C2 JIT and a 1 GiB heap, for benchmarks of a steady-state server.
   */
  jit?: 'c1' | 'full';
}

/** TLS endpoint details: trust `ca` and connect to `connectString`. */
export interface TestingTls {
  /** The TLS port (standalone server) or the first server's TLS port (cluster). */
  port: number;
  /** `127.0.0.1:<tlsPort>[,...]` */
  connectString: string;
  /** PEM CA certificate for `tls.connect({ ca })` (the self-signed server certificate). */
  ca: string;
  /** PEM server certificate. */
  cert?: string;
  /** PEM server private key (present when `openssl` was available to export it). */
  key?: string;
}

/** One member of a {@link TestingCluster}, as a snapshot. */
export interface TestingClusterMember {
  /** 0-based position in {@link TestingCluster.servers}; the ZooKeeper `myid` is `index + 1`. */
  index: number;
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

const DEFAULT_TICK_MS = 500;
const DEFAULT_START_TIMEOUT_MS = 60_000;
const STANDALONE: ReadonlySet<string> = new Set(['standalone']);

function deadlineOf(opts: TestingOptions): number {
  return Date.now() + (opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
}

/** The installation `opts` asks for. A first Maven resolution happens here, before any deadline starts. */
function installOf(opts: { install?: ZooKeeperInstall; version?: string }): Promise<ZooKeeperInstall> {
  return opts.install ? Promise.resolve(opts.install) : findZooKeeper(process.env, opts.version);
}

function tlsInfo(material: TlsMaterial, ports: number[]): TestingTls {
  return {
    port: ports[0] as number,
    connectString: ports.map((p) => `${HOST}:${p}`).join(','),
    ca: material.ca,
    cert: material.cert,
    ...(material.key ? { key: material.key } : {}),
  };
}

/**
 * A standalone ZooKeeper server in its own JVM, like Curator's `TestingServer`.
 *
 * @example
 * await using zk = await TestingServer.start();
 * const client = connect(zk.connectString);
 */
export class TestingServer {
  /** `127.0.0.1:<port>` */
  readonly connectString: string;
  /** Plain client port. */
  readonly port: number;
  /** TLS endpoint, when started with `tls: true`. */
  readonly tls?: TestingTls;
  /** The server's tickTime (ms). */
  readonly tickTime: number;
  /** The temp directory holding config, data and logs; deleted by {@link stop}. */
  readonly tempDir: string;
  readonly #server: ZooKeeperServer;
  readonly #opts: TestingOptions;
  #stopped: Promise<void> | undefined;

  private constructor(server: ZooKeeperServer, tempDir: string, opts: TestingOptions, tls?: TestingTls) {
    this.#server = server;
    this.#opts = opts;
    this.tempDir = tempDir;
    this.port = server.spec.clientPort;
    this.connectString = server.connectString;
    this.tickTime = server.spec.tickTime;
    if (tls) this.tls = tls;
  }

  /** The release the server runs, as its `srvr` reply reported it at the last (re)start, e.g. `3.7.1`. */
  get version(): string {
    return this.#server.version ?? '';
  }

  /**
   * Starts a server on free ports and waits until `srvr` reports `standalone`
   * (about 1 s; a few more with `tls`, which runs keytool first).
   *
   * @throws {ZooKeeperNotFoundError} no installation (see its message for the fix).
   * @throws {Error} the server did not come up within `startTimeoutMs`; the message has its log tail.
   */
  static async start(opts: TestingOptions = {}): Promise<TestingServer> {
    const install = await installOf(opts);
    const deadline = deadlineOf(opts);
    const tempDir = await makeTempDir();
    let server: ZooKeeperServer | undefined;
    try {
      const [clientPort, securePort] = await getFreePorts(opts.tls ? 2 : 1);
      const material = opts.tls ? await createTlsMaterial(path.join(tempDir, 'tls'), install.java) : undefined;
      server = new ZooKeeperServer(install, {
        myid: 1,
        dir: path.join(tempDir, 'server'),
        cleanupDir: tempDir,
        jit: opts.jit ?? 'c1',
        clientPort: clientPort as number,
        tickTime: opts.tickTime ?? DEFAULT_TICK_MS,
        ...sessionLimits(opts),
        ...(material ? { tls: material, securePort: securePort as number } : {}),
      });
      await server.start();
      await server.waitServing(deadline, STANDALONE);
      const tls = material ? tlsInfo(material, [securePort as number]) : undefined;
      return new TestingServer(server, tempDir, opts, tls);
    } catch (err) {
      await server?.kill();
      await removeTempDir(tempDir);
      throw err;
    }
  }

  /** Whether the JVM is alive. */
  get running(): boolean {
    return this.#server.running;
  }

  /** JVM process id while running. */
  get pid(): number | undefined {
    return this.#server.pid;
  }

  /** The JVM flags the server runs with (see {@link TestingOptions.jit}). */
  get jvmFlags(): string[] {
    return this.#server.jvmFlags;
  }

  /**
   * Stops the server (SIGTERM, then SIGKILL after 5 s) and deletes its temp dir.
   * Idempotent; concurrent calls share one stop.
   */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      await this.#server.stop();
      await removeTempDir(this.tempDir);
    })();
    return this.#stopped;
  }

  /** SIGKILLs the server (simulated crash). Data stays, so {@link restart} resumes it. No-op if down. */
  kill(): Promise<void> {
    return this.#server.kill();
  }

  /**
   * Starts the server again on the same ports and data and waits until it serves. If it is
   * still running it is stopped gracefully first.
   *
   * @throws {Error} after {@link stop}, or if it does not come up within `startTimeoutMs`.
   */
  async restart(): Promise<void> {
    if (this.#stopped) throw new Error('TestingServer was stopped; start a new one');
    await this.#server.stop();
    await this.#server.start();
    await this.#server.waitServing(deadlineOf(this.#opts), STANDALONE);
  }

  /** `srvr`, parsed. @throws {Error} if the server does not answer. */
  srvr(): Promise<SrvrInfo> {
    return this.#server.srvr();
  }

  /** Sends any four-letter word to the plain port. @throws {Error} if the server does not answer. */
  fourLetter(cmd: string): Promise<string> {
    return this.#server.fourLetter(cmd);
  }

  /** Same as {@link stop}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}

function sessionLimits(opts: TestingOptions): { minSessionTimeout?: number; maxSessionTimeout?: number } {
  return {
    ...(opts.minSessionTimeout !== undefined ? { minSessionTimeout: opts.minSessionTimeout } : {}),
    ...(opts.maxSessionTimeout !== undefined ? { maxSessionTimeout: opts.maxSessionTimeout } : {}),
  };
}

/**
 * An N-server ZooKeeper quorum on 127.0.0.1 (one JVM per server), like Curator's
 * `TestingCluster`. Servers are addressed by 0-based index; server `i` has `myid` `i + 1`.
 */
export class TestingCluster {
  /** All plain client ports, comma separated. */
  readonly connectString: string;
  /** TLS endpoints of all servers, when started with `tls: true`. */
  readonly tls?: TestingTls;
  /** The servers' tickTime (ms). */
  readonly tickTime: number;
  /** The temp directory holding every server's config, data and logs; deleted by {@link stop}. */
  readonly tempDir: string;
  readonly #servers: readonly ZooKeeperServer[];
  readonly #opts: TestingOptions;
  #stopped: Promise<void> | undefined;

  private constructor(servers: readonly ZooKeeperServer[], tempDir: string, opts: TestingOptions, tls?: TestingTls) {
    this.#servers = servers;
    this.#opts = opts;
    this.tempDir = tempDir;
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
    try {
      const perServer = opts.tls ? 4 : 3;
      const ports = await getFreePorts(size * perServer);
      const portsOf = (i: number, k: number) => ports[i * perServer + k] as number;
      const peers: PeerSpec[] = Array.from({ length: size }, (_, i) => ({
        myid: i + 1,
        quorumPort: portsOf(i, 1),
        electionPort: portsOf(i, 2),
      }));
      const material = opts.tls ? await createTlsMaterial(path.join(tempDir, 'tls'), install.java) : undefined;
      servers = peers.map(
        (peer, i) =>
          new ZooKeeperServer(install, {
            myid: peer.myid,
            dir: path.join(tempDir, `server-${peer.myid}`),
            cleanupDir: tempDir,
            jit: opts.jit ?? 'c1',
            clientPort: portsOf(i, 0),
            tickTime: opts.tickTime ?? DEFAULT_TICK_MS,
            peers,
            ...sessionLimits(opts),
            ...(material ? { tls: material, securePort: portsOf(i, 3) } : {}),
          }),
      );
      await Promise.all(servers.map((s) => s.start()));
      await waitForQuorum(servers, deadline);
      // Records each server's version, and fails a server that runs another release than asked.
      await Promise.all(servers.map((s) => s.waitServing(deadline, QUORUM_MODES)));
      const tls = material ? tlsInfo(material, servers.map((s) => s.spec.securePort as number)) : undefined;
      return new TestingCluster(servers, tempDir, opts, tls);
    } catch (err) {
      await Promise.all(servers.map((s) => s.kill()));
      await removeTempDir(tempDir);
      throw err;
    }
  }

  /** Snapshot of the members' ports and state (a new array on each read). */
  get servers(): ReadonlyArray<TestingClusterMember> {
    return this.#servers.map((s, index) => ({
      index,
      port: s.spec.clientPort,
      ...(s.spec.securePort !== undefined ? { securePort: s.spec.securePort } : {}),
      connectString: s.connectString,
      running: s.running,
      ...(s.pid !== undefined ? { pid: s.pid } : {}),
    }));
  }

  /** SIGKILLs server `i` (simulated crash; data kept). No-op if it is down. @throws {RangeError} bad index. */
  kill(i: number): Promise<void> {
    return this.#server(i).kill();
  }

  /**
   * Starts server `i` again on the same ports and data (stopping it gracefully first if it is
   * running) and waits until `srvr` reports leader, follower or observer. That needs a quorum:
   * with a majority down, this waits for the others to come back, up to `startTimeoutMs`.
   * With `version` (or `install`) it comes back on that release: one step of a rolling upgrade.
   *
   * @throws {RangeError} bad index. @throws {Error} after {@link stop}, or on timeout (with log tail).
   */
  async restart(i: number, opts: { version?: string; install?: ZooKeeperInstall } = {}): Promise<void> {
    if (this.#stopped) throw new Error('TestingCluster was stopped; start a new one');
    const server = this.#server(i);
    const install = opts.version !== undefined || opts.install ? await installOf(opts) : undefined;
    await server.stop();
    await server.start(install);
    await server.waitServing(deadlineOf(this.#opts), QUORUM_MODES);
  }

  /**
   * The release each server runs (by index), as its `srvr` reported it at its last start; a
   * quorum in a rolling upgrade runs several. Empty strings for servers never seen serving.
   */
  get versions(): string[] {
    return this.#servers.map((s) => s.version ?? '');
  }

  /** Stops every server (SIGTERM, SIGKILL after 5 s) and deletes the temp dir. Idempotent. */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      await Promise.all(this.#servers.map((s) => s.stop()));
      await removeTempDir(this.tempDir);
    })();
    return this.#stopped;
  }

  /** `srvr` of server `i`, parsed. @throws {RangeError} bad index. @throws {Error} if it does not answer. */
  srvr(i: number): Promise<SrvrInfo> {
    return this.#server(i).srvr();
  }

  /** Sends a four-letter word to server `i`. @throws {Error} if it does not answer. */
  fourLetter(i: number, cmd: string): Promise<string> {
    return this.#server(i).fourLetter(cmd);
  }

  /**
   * Asks every running server for its mode and returns the index of the one reporting
   * `leader`, or undefined if none does right now (e.g. during an election). Never throws.
   */
  async leaderIndex(): Promise<number | undefined> {
    const modes = await Promise.all(this.#servers.map((s) => (s.running ? s.srvr().then((r) => r.mode, () => undefined) : undefined)));
    const index = modes.indexOf('leader');
    return index === -1 ? undefined : index;
  }

  /**
   * Waits until every running server serves and exactly one of them leads.
   *
   * @returns the leader's index.
   * @throws {Error} if that does not happen within `timeoutMs` (default `startTimeoutMs`).
   */
  async waitForQuorum(timeoutMs = this.#opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS): Promise<number> {
    return waitForQuorum(
      this.#servers.filter((s) => s.running),
      Date.now() + timeoutMs,
      this.#servers,
    );
  }

  /** Same as {@link stop}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  #server(i: number): ZooKeeperServer {
    const server = this.#servers[i];
    if (!server) throw new RangeError(`no server ${i} in a cluster of ${this.#servers.length}`);
    return server;
  }
}

/**
 * Polls until every server in `watch` answers `srvr` with a serving quorum mode and exactly
 * one is leader; returns the leader's index in `all` (defaults to `watch`).
 */
function waitForQuorum(
  watch: readonly ZooKeeperServer[],
  deadline: number,
  all: readonly ZooKeeperServer[] = watch,
): Promise<number> {
  return waitUntil('a quorum with one leader', deadline, watch, async () => {
    const infos = await Promise.all(watch.map((s) => s.srvr()));
    if (!infos.every((info) => QUORUM_MODES.has(info.mode))) return undefined;
    const leaders = watch.filter((_, k) => infos[k]?.mode === 'leader');
    return leaders.length === 1 ? all.indexOf(leaders[0] as ZooKeeperServer) : undefined;
  });
}
