/**
 * {@link TestingServer}: a standalone ZooKeeper server for tests on 127.0.0.1, free ports and
 * a temp dir; a {@link TestingEnsemble} of one server, id 1.
 * @module
 */
import path from 'node:path';
import type { SrvrInfo } from '../client/four-letter.js';
import { makeTempDir, removeTempDir } from './cleanup.js';
import type { TestingClusterMember, TestingEnsemble } from './ensemble.js';
import { DEFAULT_TICK_MS, deadlineOf, installOf, serverSettings, tlsInfo, type TestingOptions, type TestingTls } from './options.js';
import { getFreePorts } from './ports.js';
import { ZooKeeperServer, serverById } from './server.js';
import { createTlsMaterial } from './tls.js';

const STANDALONE: ReadonlySet<string> = new Set(['standalone']);

/**
 * A standalone ZooKeeper server in its own JVM, like Curator's `TestingServer`. As a
 * {@link TestingEnsemble} it is server 1: the `id` arguments default to 1 and accept only that.
 *
 * @example
 * await using zk = await TestingServer.start();
 * const client = await ZooKeeper.connect(zk.connectString);
 */
export class TestingServer implements TestingEnsemble {
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
  /** The one server id, `[1]`. */
  readonly ids: readonly number[] = [1];
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

  /** `[version]`: the {@link TestingEnsemble} view of {@link version}. */
  get versions(): string[] {
    return [this.version];
  }

  /** The server as a one-element {@link TestingEnsemble.servers} snapshot. */
  get servers(): ReadonlyArray<TestingClusterMember> {
    return [this.#server.member()];
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
        ...serverSettings(opts),
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

  /**
   * SIGKILLs the server (simulated crash) and waits until the JVM is gone. Data stays, so
   * {@link restart} resumes it. No-op if down. @throws {RangeError} for an `id` other than 1.
   */
  async kill(id = 1): Promise<void> {
    await this.#one(id).kill();
  }

  /**
   * Starts the server again on the same ports and data and waits until it serves. If it is
   * still running it is stopped gracefully first.
   *
   * @throws {RangeError} for an `id` other than 1.
   * @throws {Error} after {@link stop}, or if it does not come up within `startTimeoutMs`.
   */
  async restart(id = 1): Promise<void> {
    const server = this.#one(id);
    if (this.#stopped) throw new Error('TestingServer was stopped; start a new one');
    await server.stop();
    await server.start();
    await server.waitServing(deadlineOf(this.#opts), STANDALONE);
  }

  /** `srvr`, parsed. @throws {RangeError} for an `id` other than 1. @throws {Error} if the server does not answer. */
  async srvr(id = 1): Promise<SrvrInfo> {
    return this.#one(id).srvr();
  }

  /**
   * Sends any four-letter word to the plain port; `(cmd)` or, as in every
   * {@link TestingEnsemble}, `(id, cmd)`.
   * @throws {RangeError} for an `id` other than 1. @throws {Error} if the server does not answer.
   */
  fourLetter(cmd: string): Promise<string>;
  fourLetter(id: number, cmd: string): Promise<string>;
  async fourLetter(idOrCmd: number | string, cmd?: string): Promise<string> {
    const [id, word] = typeof idOrCmd === 'string' ? [1, idOrCmd] : [idOrCmd, cmd as string];
    return this.#one(id).fourLetter(word);
  }

  /** Same as {@link stop}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  #one(id: number): ZooKeeperServer {
    return serverById([this.#server], id);
  }
}
