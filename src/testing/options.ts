/**
 * What {@link TestingServer.start} and {@link TestingCluster.start} take and give back about
 * TLS, and the defaults and option helpers both apply the same way.
 * @module
 */
import { findZooKeeper, type ZooKeeperInstall } from './install.js';
import { HOST } from './ports.js';
import type { TlsMaterial } from './tls.js';

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
  /**
   * SASL on the servers: a JAAS `Server` section with `DigestLoginModule` users (name →
   * password), the SASL auth provider (for `sasl:` ACLs and whoAmI), and with `required` every
   * session must authenticate (`sessionRequireClientSASLAuth`, 3.5.9+/3.6+).
   */
  sasl?: TestingSasl;
  /**
   * Let a server that lost its quorum serve reads (`-Dreadonlymode.enabled=true`), for clients
   * connecting with `canBeReadOnly`, with local sessions (a read-only server cannot create
   * global ones; a local session upgrades when it creates an ephemeral). Only quorum members
   * can be read-only. Default false.
   */
  readOnlyMode?: boolean;
  /**
   * {@link TestingCluster} only: the servers reach each other only through {@link TcpProxy}
   * instances, one per ordered pair of servers and per port (quorum, election), so
   * {@link TestingCluster.isolate}, {@link TestingCluster.partition} and
   * {@link TestingCluster.peerLink} can cut or slow each link. Each server gets its own zoo.cfg
   * naming the others' proxies. Clients still reach every server directly. Default false.
   */
  peerProxies?: boolean;
}

/** SASL settings of a test ensemble: see {@link TestingOptions.sasl}. */
export interface TestingSasl {
  /** DIGEST-MD5 users: name → password. */
  users: Readonly<Record<string, string>>;
  /** Refuse every session that does not authenticate with SASL. Default false. */
  required?: boolean;
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

/** The servers' tickTime (ms) unless {@link TestingOptions.tickTime} says otherwise. */
export const DEFAULT_TICK_MS = 500;
const DEFAULT_START_TIMEOUT_MS = 60_000;

/** How long a start may take under `opts`, in ms. */
export function startTimeoutOf(opts: TestingOptions): number {
  return opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
}

/** The epoch ms by which a start begun now must be serving. */
export function deadlineOf(opts: TestingOptions): number {
  return Date.now() + startTimeoutOf(opts);
}

/**
 * The installation `opts` asks for. A first Maven resolution happens here, before any deadline
 * starts, so a download does not eat into the start timeout.
 *
 * @throws {ZooKeeperNotFoundError} / {@link JavaNotFoundError} when it cannot be had.
 */
export function installOf(opts: { install?: ZooKeeperInstall; version?: string }): Promise<ZooKeeperInstall> {
  return opts.install ? Promise.resolve(opts.install) : findZooKeeper(process.env, opts.version);
}

/** The {@link TestingTls} of servers listening for TLS on `ports`, all with `material`. */
export function tlsInfo(material: TlsMaterial, ports: number[]): TestingTls {
  return {
    port: ports[0] as number,
    connectString: ports.map((p) => `${HOST}:${p}`).join(','),
    ca: material.ca,
    cert: material.cert,
    ...(material.key ? { key: material.key } : {}),
  };
}

/** The settings of `opts` that go into every server's config (session bounds, SASL, read-only mode). */
export function serverSettings(opts: TestingOptions): { minSessionTimeout?: number; maxSessionTimeout?: number; sasl?: TestingSasl; readOnlyMode?: boolean } {
  return {
    ...(opts.readOnlyMode ? { readOnlyMode: true } : {}),
    ...(opts.minSessionTimeout !== undefined ? { minSessionTimeout: opts.minSessionTimeout } : {}),
    ...(opts.maxSessionTimeout !== undefined ? { maxSessionTimeout: opts.maxSessionTimeout } : {}),
    ...(opts.sasl !== undefined ? { sasl: opts.sasl } : {}),
  };
}
