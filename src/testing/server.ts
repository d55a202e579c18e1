/**
 * One ZooKeeper server JVM for tests: its config files, its process (start, kill, stop with
 * grace) and the probes that tell when it serves. Ports, temp dirs, TLS material and the exit
 * cleanup live in `ports.ts`, `cleanup.ts` and `tls.ts`; the public wrappers are
 * `TestingServer` in `standalone.ts` and `TestingCluster` in `cluster.ts`.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fourLetterWord, parseSrvr, type SrvrInfo } from '../client/four-letter.js';
import type { ZooKeeperInstall } from './install.js';
import { spawnWatchdog } from '../process/supervised.js';
import { trackJvm, untrackJvm } from './cleanup.js';
import { HOST } from './ports.js';
import type { TlsMaterial } from './tls.js';
import type { TestingSasl } from './options.js';
import type { TestingClusterMember } from './ensemble.js';

/** One member of a quorum, as written to `server.N=` lines. */
export interface PeerSpec {
  myid: number;
  quorumPort: number;
  electionPort: number;
}

/** Everything needed to write one server's config. Ports must already be allocated. */
export interface ServerSpec {
  /** Server id (`myid`); 1-based. */
  myid: number;
  /** Private directory for this server: config, data, logs. Created if missing. */
  dir: string;
  clientPort: number;
  /** TLS client port; requires `tls`. */
  securePort?: number;
  tickTime: number;
  minSessionTimeout?: number;
  maxSessionTimeout?: number;
  /** All quorum members including this one; absent or empty means standalone. */
  peers?: readonly PeerSpec[];
  tls?: TlsMaterial;
  /** A `zk-elect-*` temp dir to delete if Node dies without stopping this server. */
  cleanupDir?: string;
  /** 'c1' (default): fast start for tests; 'full': tiered C1+C2 and a 1 GiB heap, for benchmarks. */
  jit?: 'c1' | 'full';
  /** SASL users and whether SASL is required; see TestingOptions.sasl. */
  sasl?: TestingSasl;
  /** Serve reads without a quorum; see TestingOptions.readOnlyMode. */
  readOnlyMode?: boolean;
}

/** Modes in which a quorum member serves clients. */
export const QUORUM_MODES: ReadonlySet<string> = new Set(['leader', 'follower', 'observer']);

/** JVM flags chosen for fast startup and a small footprint; tests start many short-lived JVMs. */
const FAST_START_FLAGS = ['-Xmx256m', '-Xms32m', '-XX:TieredStopAtLevel=1'];
/** Benchmarks measure a steady-state server: the full JIT and room to allocate. */
const FULL_JIT_FLAGS = ['-Xmx1g', '-Xms256m'];
const JVM_FLAGS = [
  '-XX:+UseSerialGC',
  '-XX:-UsePerfData',
  '-Xshare:auto',
  '-Djava.net.preferIPv4Stack=true',
  '-Dzookeeper.extendedTypesEnabled=true',
  '-Dzookeeper.admin.enableServer=false',
  '-Dzookeeper.jmx.log4j.disable=true',
];

const POLL_INTERVAL_MS = 100;
const PROBE_TIMEOUT_MS = 2000;

/**
 * A ZooKeeper server JVM (`QuorumPeerMain`) with its own config and data directory.
 * It can be started, killed and started again on the same ports and data.
 */
export class ZooKeeperServer {
  #install: ZooKeeperInstall;
  readonly spec: ServerSpec;
  #version: string | undefined;
  #child: ChildProcess | undefined;
  #watchdog: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #lastExit: string | undefined;
  #configWritten = false;

  /** Does nothing until {@link start}. */
  constructor(install: ZooKeeperInstall, spec: ServerSpec) {
    this.#install = install;
    this.spec = spec;
  }

  /** The installation the JVM runs (or ran last) from. */
  get install(): ZooKeeperInstall {
    return this.#install;
  }

  /** The version the server's `srvr` reported in the last {@link waitServing}; undefined before. */
  get version(): string | undefined {
    return this.#version;
  }

  /** True while the JVM process is alive (it may not be serving yet). */
  get running(): boolean {
    return this.#child !== undefined;
  }

  /** Process id of the running JVM. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** `127.0.0.1:<clientPort>` */
  get connectString(): string {
    return `${HOST}:${this.spec.clientPort}`;
  }

  /** This server as a {@link TestingClusterMember} snapshot. */
  member(): TestingClusterMember {
    return {
      id: this.spec.myid,
      host: HOST,
      port: this.spec.clientPort,
      ...(this.spec.securePort !== undefined ? { securePort: this.spec.securePort } : {}),
      connectString: this.connectString,
      running: this.running,
      ...(this.pid !== undefined ? { pid: this.pid } : {}),
    };
  }

  /** The server's log file (log4j/logback output). */
  get logFile(): string {
    return path.join(this.spec.dir, 'zookeeper.log');
  }

  /**
   * Spawns the JVM. Resolves once the process exists, not when it serves; use
   * {@link waitServing}. Writes the config files on first use. With `install`, this and every
   * later start run that release instead (same config and data: an upgrade or a downgrade).
   *
   * @throws {Error} if already running or the process cannot be spawned.
   */
  async start(install?: ZooKeeperInstall): Promise<void> {
    if (this.#child) throw new Error(`ZooKeeper server ${this.spec.myid} is already running`);
    if (install) this.#install = install;
    this.#version = undefined;
    if (!this.#configWritten) await this.#writeFiles();
    this.#configWritten = true;
    const out = openSync(path.join(this.spec.dir, 'jvm.out'), 'a');
    let child: ChildProcess;
    try {
      // Not detached: the JVM stays in our process group, so a Ctrl-C to the group reaches it too.
      child = spawn(this.#install.java, this.#jvmArgs(), {
        cwd: this.spec.dir,
        stdio: ['ignore', out, out],
        detached: false,
      });
    } finally {
      closeSync(out); // the child has its own copy of the descriptor
    }
    if (child.pid === undefined) {
      const cause = await new Promise<Error>((resolve) => child.once('error', resolve));
      throw new Error(`Cannot start ${this.#install.java}: ${cause.message}`, { cause });
    }
    this.#track(child);
  }

  #track(child: ChildProcess): void {
    const pid = child.pid as number;
    this.#child = child;
    this.#lastExit = undefined;
    this.#watchdog = spawnWatchdog(pid, this.spec.cleanupDir);
    trackJvm(pid, this.#watchdog);
    // A forgotten server must not keep Node alive; the exit hook and watchdog still kill it.
    child.unref();
    child.on('error', () => undefined); // a failed kill() of an exiting JVM is not worth crashing for
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#lastExit = signal ? `killed by ${signal}` : `exited with code ${code}`;
        this.#watchdog?.kill('SIGKILL');
        this.#watchdog = undefined;
        untrackJvm(pid);
        this.#child = undefined;
        resolve();
      });
    });
  }

  /** SIGKILLs the JVM (a crash: no clean shutdown) and waits until it is gone. No-op if not running. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    child.ref(); // keep Node alive until the exit is observed
    child.kill('SIGKILL');
    await this.#exited;
  }

  /**
   * Sends SIGTERM, waits up to `graceMs` for the JVM to exit, then SIGKILLs it.
   * Blocks until the process is gone. No-op if not running.
   */
  async stop(graceMs = 5000): Promise<void> {
    const child = this.#child;
    if (!child) return;
    child.ref();
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), graceMs);
    });
    const hard = await Promise.race([this.#exited.then(() => false), timedOut]);
    clearTimeout(timer);
    if (hard) await this.kill();
  }

  /**
   * Polls `ruok` until `imok`, then `srvr` until its mode is one of `modes`, then (with TLS)
   * `ruok` on the secure port, and records the version `srvr` reports ({@link version}).
   * The secure port is polled on its own because the server binds it after the plain one
   * (its Netty factory binds on startup), so a served plain port does not mean a bound TLS one.
   *
   * @returns the last `srvr` reply.
   * @throws {Error} (with the log tail) if the JVM exits or `deadline` (epoch ms) passes first,
   *   or if the server reports another version than its installation's: a test must run
   *   against the release it asked for.
   */
  async waitServing(deadline: number, modes: ReadonlySet<string>): Promise<SrvrInfo> {
    let imok = false;
    const info = await waitUntil(`server ${this.spec.myid} to serve (${[...modes].join('/')})`, deadline, [this], async () => {
      imok ||= (await this.fourLetter('ruok')) === 'imok';
      if (!imok) return undefined;
      const reply = await this.srvr();
      if (!modes.has(reply.mode)) return undefined;
      return (await this.#secureServing()) ? reply : undefined;
    });
    const expected = this.#install.version;
    if (expected !== undefined && info.version !== undefined && info.version !== expected) {
      throw new Error(`ZooKeeper server ${this.spec.myid} reports version ${info.version}, but ${this.#install.home} was expected to hold ${expected}`);
    }
    this.#version = info.version ?? expected;
    return info;
  }

  /** Whether the TLS port (if any) answers `ruok` through a verified handshake. */
  async #secureServing(): Promise<boolean> {
    const { tls, securePort } = this.spec;
    if (!tls || securePort === undefined) return true;
    return (await fourLetterWord(HOST, securePort, 'ruok', { timeoutMs: PROBE_TIMEOUT_MS, tls: { ca: tls.ca } })) === 'imok';
  }

  /** Sends a four-letter word to the plain client port. @throws {Error} on connect failure/timeout. */
  fourLetter(cmd: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<string> {
    return fourLetterWord(HOST, this.spec.clientPort, cmd, { timeoutMs });
  }

  /** `srvr`, parsed. @throws {Error} on connect failure/timeout or an unparseable reply. */
  async srvr(): Promise<SrvrInfo> {
    return parseSrvr(await this.fourLetter('srvr'));
  }

  /** Why the server is down, with the last lines of its logs; for error messages. */
  async describeFailure(): Promise<string> {
    const state = this.#child ? 'is running' : (this.#lastExit ?? 'was never started');
    const logs = await Promise.all([this.logFile, path.join(this.spec.dir, 'jvm.out')].map((file) => tailOf(file)));
    return `ZooKeeper server ${this.spec.myid} (${this.connectString}) ${state}.\n${logs.join('')}`;
  }

  /** The JVM flags this server runs with (before logging and classpath settings). */
  get jvmFlags(): string[] {
    return [...(this.spec.jit === 'full' ? FULL_JIT_FLAGS : FAST_START_FLAGS), ...JVM_FLAGS];
  }

  #jvmArgs(): string[] {
    const dir = this.spec.dir;
    return [
      ...this.jvmFlags,
      `-Dlog4j.configuration=file:${path.join(dir, 'log4j.properties')}`,
      `-Dlogback.configurationFile=${path.join(dir, 'logback.xml')}`,
      `-Dzookeeper.log.dir=${dir}`,
      ...(this.spec.sasl ? [`-Djava.security.auth.login.config=${path.join(dir, 'jaas.conf')}`] : []),
      ...(this.spec.readOnlyMode ? ['-Dreadonlymode.enabled=true'] : []),
      '-cp',
      this.#install.classpath,
      'org.apache.zookeeper.server.quorum.QuorumPeerMain',
      path.join(dir, 'zoo.cfg'),
    ];
  }

  async #writeFiles(): Promise<void> {
    const { dir, myid, peers } = this.spec;
    const dataDir = path.join(dir, 'data');
    await mkdir(dataDir, { recursive: true });
    await writeFile(path.join(dir, 'zoo.cfg'), renderConfig(this.spec, dataDir));
    if (peers && peers.length > 0) await writeFile(path.join(dataDir, 'myid'), `${myid}\n`);
    await writeFile(path.join(dir, 'log4j.properties'), log4jConfig(this.logFile));
    await writeFile(path.join(dir, 'logback.xml'), logbackConfig(this.logFile));
    if (this.spec.sasl) await writeFile(path.join(dir, 'jaas.conf'), jaasConfig(this.spec.sasl));
  }
}

/**
 * The server among `servers` whose `myid` is `id`. Never blocks.
 *
 * @throws {RangeError} if none is: ids are the ones {@link TestingEnsemble.ids} lists.
 */
export function serverById(servers: readonly ZooKeeperServer[], id: number): ZooKeeperServer {
  const server = servers.find((s) => s.spec.myid === id);
  if (!server) throw new RangeError(`no ZooKeeper server ${id}: the servers are ${servers.map((s) => s.spec.myid).join(', ')}`);
  return server;
}

/**
 * Polls `probe` every 100 ms until it returns a value. Probe errors count as "not yet".
 *
 * @throws {Error} with the servers' log tails if any server in `watch` stops running, or
 *   `deadline` (epoch ms) passes.
 */
export async function waitUntil<T>(
  what: string,
  deadline: number,
  watch: readonly ZooKeeperServer[],
  probe: () => Promise<T | undefined>,
): Promise<T> {
  let lastError: unknown;
  for (;;) {
    const dead = watch.find((s) => !s.running);
    if (dead) throw new Error(`Waiting for ${what}: ${await dead.describeFailure()}`);
    try {
      const result = await probe();
      if (result !== undefined) return result;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const last = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      const details = await Promise.all(watch.map((s) => s.describeFailure()));
      throw new Error(`Timed out waiting for ${what}${last}.\n${details.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

/** zoo.cfg text. Paths use forward slashes because the file is parsed as Java properties. */
export function renderConfig(spec: ServerSpec, dataDir: string): string {
  const slash = (p: string) => p.split(path.sep).join('/');
  const lines = [
    `tickTime=${spec.tickTime}`,
    'initLimit=10',
    'syncLimit=5',
    `dataDir=${slash(dataDir)}`,
    `clientPort=${spec.clientPort}`,
    `clientPortAddress=${HOST}`,
    // Every test client comes from 127.0.0.1; the default cap of 60 per IP would refuse them.
    'maxClientCnxns=0',
    '4lw.commands.whitelist=*',
    // The AdminServer's fixed port 8080 would collide between servers.
    'admin.enableServer=false',
  ];
  if (spec.minSessionTimeout !== undefined) lines.push(`minSessionTimeout=${spec.minSessionTimeout}`);
  if (spec.maxSessionTimeout !== undefined) lines.push(`maxSessionTimeout=${spec.maxSessionTimeout}`);
  for (const peer of spec.peers ?? []) {
    lines.push(`server.${peer.myid}=${HOST}:${peer.quorumPort}:${peer.electionPort}`);
  }
  if (spec.tls && spec.securePort !== undefined) {
    lines.push(
      `secureClientPort=${spec.securePort}`,
      // Only the Netty factory speaks TLS; it serves the plain clientPort too.
      'serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory',
      `ssl.keyStore.location=${slash(spec.tls.keyStore)}`,
      `ssl.keyStore.password=${spec.tls.password}`,
      'ssl.keyStore.type=PKCS12',
      // No client certificates: with clientAuth=none no trust store is needed (the JDK default is used).
      'ssl.clientAuth=none',
    );
  }
  if (spec.readOnlyMode) {
    // A read-only server refuses to create global sessions (NOTREADONLY): new clients need local ones.
    lines.push('localSessionsEnabled=true', 'localSessionsUpgradingEnabled=true');
  }
  if (spec.sasl) {
    // Unknown zoo.cfg keys become `zookeeper.<key>` system properties, which is how both are read.
    lines.push('authProvider.1=org.apache.zookeeper.server.auth.SASLAuthenticationProvider');
    if (spec.sasl.required) lines.push('sessionRequireClientSASLAuth=true');
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The JAAS file of a SASL server: DigestLoginModule with one `user_NAME="password"` per user.
 * @throws TypeError for a user name JAAS cannot carry.
 */
function jaasConfig(sasl: TestingSasl): string {
  const quote = (s: string) => `"${s.replace(/(["\\])/g, '\\$1')}"`;
  const users = Object.entries(sasl.users).map(([name, pw]) => {
    if (!/^[A-Za-z0-9_.@-]+$/.test(name)) throw new TypeError(`sasl user ${JSON.stringify(name)}: a JAAS option name allows letters, digits and _ . @ - only`);
    return `  user_${name}=${quote(pw)}`;
  });
  return `Server {\n  org.apache.zookeeper.server.auth.DigestLoginModule required\n${users.join('\n')};\n};\n`;
}

const LOG_PATTERN = '%d{ISO8601} %-5p [%t:%C{1}@%L] - %m%n';

/** For ZooKeeper ≤ 3.7 and Debian's 3.8 package (slf4j → log4j 1.2). */
function log4jConfig(logFile: string): string {
  return [
    'log4j.rootLogger=INFO, FILE',
    'log4j.appender.FILE=org.apache.log4j.FileAppender',
    `log4j.appender.FILE.File=${logFile.split(path.sep).join('/')}`,
    'log4j.appender.FILE.layout=org.apache.log4j.PatternLayout',
    `log4j.appender.FILE.layout.ConversionPattern=${LOG_PATTERN}`,
    '',
  ].join('\n');
}

/** For Apache's 3.8+ tarballs (slf4j → logback). */
function logbackConfig(logFile: string): string {
  const file = logFile.split(path.sep).join('/').replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<configuration>
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>${file}</file>
    <encoder><pattern>${LOG_PATTERN}</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="FILE"/></root>
</configuration>
`;
}

/** The last ~40 lines of a log file, framed for an error message; empty if the file is missing. */
async function tailOf(file: string, maxLines = 40): Promise<string> {
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      const length = Math.min(size, 16_384);
      const buf = Buffer.alloc(length);
      await handle.read(buf, 0, length, size - length);
      const lines = buf.toString('utf8').split('\n').slice(-maxLines - 1).join('\n').trimEnd();
      return lines ? `--- last lines of ${file} ---\n${lines}\n` : '';
    } finally {
      await handle.close();
    }
  } catch {
    return '';
  }
}
